package io.stevedore.api.engine;

import io.stevedore.catalog.CpuManufacturer;
import io.stevedore.catalog.InstanceCatalog;
import io.stevedore.catalog.InstanceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.model.InstanceRequirementsRequest;

/**
 * PROVISIONAL attribute-based instance matching (the full selector lives in {@code io.stevedore.catalog} and
 * replaces this when wired): vCPU and memory ranges, memory per vCPU, CPU manufacturers, generations,
 * burstable and bare-metal (EC2 defaults: excluded), allowed/excluded types with wildcards, accelerator count,
 * plus the hard filters ECS Managed Instances always applies (no nano/micro sizes, more than one vCPU).
 */
public final class InstanceMatcher {
    private InstanceMatcher() {
    }

    public static List<InstanceType> matching(InstanceCatalog catalog, InstanceRequirementsRequest r) {
        List<InstanceType> out = new ArrayList<>();
        for (InstanceType t : catalog.all()) {
            if (matches(t, r)) {
                out.add(t);
            }
        }
        return out;
    }

    public static boolean matches(InstanceType t, InstanceRequirementsRequest r) {
        if (t.vcpus() < 2 || t.size().equals("nano") || t.size().equals("micro")
                || t.cpuManufacturer() == CpuManufacturer.APPLE || t.architectures().isEmpty()
                || !t.usageClasses().contains("on-demand")) {
            return false;
        }
        if (r == null) {
            return t.currentGeneration() && !t.burstable() && !t.bareMetal() && t.accelerators().isEmpty();
        }
        if (r.vCpuCount() != null && !in(t.vcpus(), r.vCpuCount().min(), r.vCpuCount().max())) {
            return false;
        }
        if (r.memoryMiB() != null && !in(t.memoryMiB(), r.memoryMiB().min(), r.memoryMiB().max())) {
            return false;
        }
        if (r.memoryGiBPerVCpu() != null && !inD(t.memoryGiBPerVcpu(), r.memoryGiBPerVCpu().min(),
                r.memoryGiBPerVCpu().max())) {
            return false;
        }
        if (r.hasCpuManufacturers() && !r.cpuManufacturersAsStrings().contains(t.cpuManufacturer().wireName())) {
            return false;
        }
        if (r.hasInstanceGenerations()
                && !r.instanceGenerationsAsStrings().contains(t.currentGeneration() ? "current" : "previous")) {
            return false;
        }
        if (!tri(r.burstablePerformanceAsString(), t.burstable()) || !tri(r.bareMetalAsString(), t.bareMetal())) {
            return false;
        }
        if (r.hasAllowedInstanceTypes() && !r.allowedInstanceTypes().isEmpty()
                && r.allowedInstanceTypes().stream().noneMatch(p -> wildcard(p, t.name()))) {
            return false;
        }
        if (r.hasExcludedInstanceTypes() && r.excludedInstanceTypes().stream().anyMatch(p -> wildcard(p, t.name()))) {
            return false;
        }
        if (r.acceleratorCount() != null) {
            int n = t.accelerators().stream().mapToInt(a -> a.count()).sum();
            if (!in(n, r.acceleratorCount().min(), r.acceleratorCount().max())) {
                return false;
            }
        }
        return true;
    }

    /** included / required / excluded, with EC2's default "excluded". */
    private static boolean tri(String value, boolean has) {
        String v = value == null ? "excluded" : value;
        return switch (v) {
            case "required" -> has;
            case "included" -> true;
            default -> !has;
        };
    }

    private static boolean in(long v, Integer min, Integer max) {
        return (min == null || v >= min) && (max == null || v <= max);
    }

    private static boolean inD(double v, Double min, Double max) {
        return (min == null || v >= min) && (max == null || v <= max);
    }

    static boolean wildcard(String pattern, String name) {
        String regex = Pattern.quote(pattern.toLowerCase(Locale.ROOT)).replace("*", "\\E.*\\Q");
        return name.matches(regex);
    }
}
