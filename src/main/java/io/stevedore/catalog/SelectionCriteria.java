package io.stevedore.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Builds the selection filter chain in ONE place, in this order: the Managed Instances hard filters (cheapest,
 * most selective), the task's CPU architecture, then every {@code instanceRequirements} attribute in the order of
 * the ECS model. EC2 semantics: all criteria AND; several values within one attribute OR; ranges inclusive.
 */
public final class SelectionCriteria {
    private SelectionCriteria() {
    }

    public static List<Criterion> chain(InstanceRequirements r, Optional<Architecture> architecture,
                                        ManagedInstanceTypes rules) {
        List<Criterion> c = new ArrayList<>();
        c.add(new Criterion("managedInstancesFamilies", "(supported families)", false, rules::supportedFamily));
        c.add(new Criterion("managedInstancesSize", "(more than 1 vCPU, no " + String.join("/", rules.excludedSizes())
                + ")", false, rules::allowedSize));
        architecture.ifPresent(a -> c.add(new Criterion("cpuArchitecture", a.name(), true, t -> t.supports(a))));
        c.add(range("vCpuCount", r.vCpuCount(), true, t -> t.vcpus()));
        c.add(range("memoryMiB", r.memoryMiB(), true, t -> t.memoryMiB()));
        if (!r.cpuManufacturers().isEmpty()) {
            c.add(new Criterion("cpuManufacturers", list(r.cpuManufacturers().stream()
                    .map(CpuManufacturer::wireName).toList()), true, t -> r.cpuManufacturers().contains(t.cpuManufacturer())));
        }
        optionalRange(c, "memoryGiBPerVCpu", r.memoryGiBPerVCpu(), InstanceType::memoryGiBPerVcpu);
        if (!r.excludedInstanceTypes().isEmpty()) {
            List<InstanceTypePattern> ps = patterns(r.excludedInstanceTypes());
            c.add(new Criterion("excludedInstanceTypes", list(r.excludedInstanceTypes()), true,
                    t -> ps.stream().noneMatch(p -> p.matches(t.name()))));
        }
        if (!r.allowedInstanceTypes().isEmpty()) {
            List<InstanceTypePattern> ps = patterns(r.allowedInstanceTypes());
            c.add(new Criterion("allowedInstanceTypes", list(r.allowedInstanceTypes()), true,
                    t -> ps.stream().anyMatch(p -> p.matches(t.name()))));
        }
        boolean allGenerations = r.instanceGenerations().size() == InstanceGeneration.values().length;
        c.add(new Criterion("instanceGenerations", list(r.instanceGenerations().stream()
                .map(InstanceGeneration::wireName).toList()) + (allGenerations ? " (default)" : ""), !allGenerations,
                t -> r.instanceGenerations().stream().anyMatch(g -> g.matches(t))));
        c.add(inclusion("bareMetal", r.bareMetal(), Inclusion.EXCLUDED, InstanceType::bareMetal));
        c.add(inclusion("burstablePerformance", r.burstablePerformance(), Inclusion.EXCLUDED, InstanceType::burstable));
        if (r.requireHibernateSupport()) {
            c.add(new Criterion("requireHibernateSupport", "true", true, InstanceType::hibernation));
        }
        optionalRange(c, "networkInterfaceCount", r.networkInterfaceCount(), InstanceType::maxNetworkInterfaces);
        c.add(inclusion("localStorage", r.localStorage(), Inclusion.INCLUDED, t -> t.localStorageGB() > 0));
        if (!r.localStorageTypes().equals(InstanceRequirements.ALL_LOCAL_STORAGE_TYPES)) {
            c.add(new Criterion("localStorageTypes", list(r.localStorageTypes()), true,
                    t -> t.localStorageGB() == 0 || t.localStorageTypes().stream().anyMatch(r.localStorageTypes()::contains)));
        }
        optionalRange(c, "totalLocalStorageGB", r.totalLocalStorageGB(), InstanceType::localStorageGB);
        optionalRange(c, "baselineEbsBandwidthMbps", r.baselineEbsBandwidthMbps(), InstanceType::baselineEbsMbps);
        addAcceleratorCriteria(c, r);
        optionalRange(c, "networkBandwidthGbps", r.networkBandwidthGbps(), InstanceType::baselineNetworkGbps);
        return List.copyOf(c);
    }

    private static void addAcceleratorCriteria(List<Criterion> c, InstanceRequirements r) {
        if (!r.acceleratorTypes().isEmpty()) {
            c.add(new Criterion("acceleratorTypes", list(r.acceleratorTypes().stream()
                    .map(AcceleratorType::wireName).toList()), true,
                    t -> t.accelerators().stream().anyMatch(a -> r.acceleratorTypes().contains(a.type()))));
        }
        optionalRange(c, "acceleratorCount", r.acceleratorCount(), t -> acceleratorCount(t, r));
        if (!r.acceleratorManufacturers().isEmpty()) {
            c.add(new Criterion("acceleratorManufacturers", list(r.acceleratorManufacturers()), true,
                    t -> t.accelerators().stream().anyMatch(a -> r.acceleratorManufacturers().contains(a.manufacturer()))));
        }
        if (!r.acceleratorNames().isEmpty()) {
            c.add(new Criterion("acceleratorNames", list(r.acceleratorNames()), true,
                    t -> t.accelerators().stream().anyMatch(a -> r.acceleratorNames().contains(a.name()))));
        }
        optionalRange(c, "acceleratorTotalMemoryMiB", r.acceleratorTotalMemoryMiB(),
                t -> t.accelerators().stream().mapToLong(Accelerator::memoryMiB).sum());
    }

    /** Accelerators counted for {@code acceleratorCount}: those of the asked types, or all when none is asked. */
    static int acceleratorCount(InstanceType t, InstanceRequirements r) {
        int n = 0;
        for (Accelerator a : t.accelerators()) {
            if (r.acceleratorTypes().isEmpty() || r.acceleratorTypes().contains(a.type())) {
                n += a.count();
            }
        }
        return n;
    }

    private interface Measure {
        double of(InstanceType t);
    }

    private static Criterion range(String name, ValueRange range, boolean explicit, Measure m) {
        return new Criterion(name, range.toString(), explicit, t -> range.contains(m.of(t)));
    }

    private static void optionalRange(List<Criterion> c, String name, ValueRange range, Measure m) {
        if (!range.isAny()) {
            c.add(range(name, range, true, m));
        }
    }

    /** An included/required/excluded criterion; {@code ec2Default} only decides the "(default)" label. */
    private static Criterion inclusion(String name, Inclusion value, Inclusion ec2Default, Predicate<InstanceType> has) {
        boolean isDefault = value == ec2Default;
        return new Criterion(name, value.wireName() + (isDefault ? " (default)" : ""), !isDefault,
                t -> value.accepts(has.test(t)));
    }

    private static List<InstanceTypePattern> patterns(List<String> entries) {
        return entries.stream().map(InstanceTypePattern::new).toList();
    }

    private static String list(Collection<String> values) {
        return new TreeSet<>(values).stream().collect(Collectors.joining(", ", "[", "]"));
    }
}
