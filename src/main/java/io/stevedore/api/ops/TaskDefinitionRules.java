package io.stevedore.api.ops;

import io.stevedore.ecs.Errors;
import io.stevedore.ecs.Quotas;
import io.stevedore.ecs.ServiceQuota;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.ResourceRequirement;
import software.amazon.awssdk.services.ecs.model.Volume;

/**
 * The launch-type rules of RegisterTaskDefinition: each check returns the first violation as a message naming
 * the field, or empty. Facts: Managed Instances,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-tasks-services.html; Fargate sizes and
 * limits, the ECS API model (github.com/boto/botocore, file botocore/data/ecs/2014-11-13/service-2.json).
 */
final class TaskDefinitionRules {
    /** Fargate cpu → allowed memory MiB. */
    private static final Map<Integer, List<Integer>> FARGATE_SIZES = Map.of(
            256, List.of(512, 1024, 2048),
            512, range(1024, 4096, 1024),
            1024, range(2048, 8192, 1024),
            2048, range(4096, 16384, 1024),
            4096, range(8192, 30720, 1024),
            8192, range(16384, 61440, 4096),
            16384, range(32768, 122880, 8192),
            32768, List.of(61440, 122880, 249856));

    private TaskDefinitionRules() {
    }

    private static List<Integer> range(int from, int to, int step) {
        List<Integer> out = new ArrayList<>();
        for (int m = from; m <= to; m += step) {
            out.add(m);
        }
        return out;
    }

    /** Parses task-level cpu ("1024" or "1 vCPU"); null when absent. */
    static Integer cpu(String v) {
        if (v == null) {
            return null;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("vcpu")) {
                return (int) Math.round(Double.parseDouble(s.substring(0, s.length() - 4).trim()) * 1024);
            }
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw Errors.client("Invalid 'cpu' setting for task: '" + v + "' is not a number of CPU units or vCPUs.");
        }
    }

    /** Parses task-level memory ("1024" MiB or "1 GB"); null when absent. */
    static Integer memory(String v) {
        if (v == null) {
            return null;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("gb")) {
                return (int) Math.round(Double.parseDouble(s.substring(0, s.length() - 2).trim()) * 1024);
            }
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw Errors.client("Invalid 'memory' setting for task: '" + v + "' is not a number of MiB or GB.");
        }
    }

    static int gpus(ContainerDefinition c) {
        int n = 0;
        for (ResourceRequirement r : c.resourceRequirements()) {
            if ("GPU".equals(r.typeAsString())) {
                try {
                    n += Integer.parseInt(r.value());
                } catch (NumberFormatException e) {
                    throw Errors.client("Invalid GPU resourceRequirement value '" + r.value() + "' in container '"
                            + c.name() + "'.");
                }
            }
        }
        return n;
    }

    /** Checks that hold for every launch type. */
    static void common(RegisterTaskDefinitionRequest r, String networkMode, Quotas quotas) {
        Checks.nonEmpty(r.containerDefinitions(), "containerDefinitions");
        quotas.check(ServiceQuota.CONTAINERS_PER_TASK_DEFINITION, r.containerDefinitions().size());
        Set<String> names = new HashSet<>();
        for (ContainerDefinition c : r.containerDefinitions()) {
            // ECS answers these two with ClientException (e.g. github.com/convox/praxis issue 121, from AWS)
            if (c == null || c.name() == null || c.name().isEmpty()) {
                throw Errors.client("Container.name should not be null or empty.");
            }
            Errors.require(Checks.NAME.matcher(c.name()).matches(), "Container name '" + c.name() + "' is invalid:"
                    + " up to 255 letters, numbers, hyphens, and underscores are allowed.");
            Errors.require(names.add(c.name()), "Duplicate container name '" + c.name() + "'.");
            if (c.image() == null || c.image().isBlank()) {
                throw Errors.client("Container.image should not be null or empty.");
            }
            Errors.require(c.memory() == null || c.memory() >= 6, "Invalid 'memory' setting for container '"
                    + c.name() + "': the minimum is 6 MiB.");
            Errors.require(c.memoryReservation() == null || c.memoryReservation() >= 6,
                    "Invalid 'memoryReservation' setting for container '" + c.name() + "'.");
            Errors.require(c.memory() == null || c.memoryReservation() == null
                            || c.memoryReservation() <= c.memory(), "Invalid setting for container '" + c.name()
                    + "': memoryReservation must be less than or equal to memory.");
            if (c.cpu() != null) {
                Checks.range(c.cpu(), 0, 196608, "containerDefinitions.cpu");
            }
            gpus(c);
            for (PortMapping p : c.portMappings()) {
                Errors.require(p.containerPort() == null || p.containerPort() >= 0 && p.containerPort() <= 65535,
                        "Invalid containerPort in container '" + c.name() + "'.");
                Errors.require(p.hostPort() == null || p.hostPort() >= 0 && p.hostPort() <= 65535,
                        "Invalid hostPort in container '" + c.name() + "'.");
                if ("awsvpc".equals(networkMode) || "host".equals(networkMode)) {
                    Errors.require(p.hostPort() == null || p.hostPort() == 0 || p.hostPort().equals(p.containerPort()),
                            "When networkMode=" + networkMode + ", the host ports and container ports in port"
                                    + " mappings must match.");
                }
            }
        }
        Integer cpu = cpu(r.cpu());
        Integer mem = memory(r.memory());
        Errors.require(cpu == null || cpu >= 128 && cpu <= 196608 || cpu == 0,
                "Invalid 'cpu' setting for task: the value must be between 128 and 196608 CPU units.");
        Errors.require(mem == null || mem >= 6, "Invalid 'memory' setting for task.");
        for (Volume v : r.volumes()) {
            Errors.require(v != null && v.name() != null && !v.name().isEmpty(), "Volume.name should not be null"
                    + " or empty.");
        }
    }

    static Optional<String> fargate(RegisterTaskDefinitionRequest r, String networkMode) {
        if (!"awsvpc".equals(networkMode)) {
            return Optional.of("Fargate only supports network mode 'awsvpc'.");
        }
        Integer cpu = cpu(r.cpu());
        Integer mem = memory(r.memory());
        if (cpu == null) {
            return Optional.of("Fargate requires that 'cpu' be defined at the task level.");
        }
        if (mem == null) {
            return Optional.of("Fargate requires that 'memory' be defined at the task level.");
        }
        List<Integer> allowed = FARGATE_SIZES.get(cpu);
        if (allowed == null || !allowed.contains(mem)) {
            return Optional.of("No Fargate configuration exists for given values: " + cpu + " CPU, " + mem
                    + " memory. See the Amazon ECS documentation for the valid values.");
        }
        for (ContainerDefinition c : r.containerDefinitions()) {
            if (Boolean.TRUE.equals(c.privileged())) {
                return Optional.of("privileged: Fargate does not support privileged containers (container '"
                        + c.name() + "').");
            }
            if (c.linuxParameters() != null && c.linuxParameters().capabilities() != null) {
                for (String cap : c.linuxParameters().capabilities().add()) {
                    if (!"SYS_PTRACE".equals(cap)) {
                        return Optional.of("linuxParameters.capabilities.add: Fargate only supports adding"
                                + " SYS_PTRACE (container '" + c.name() + "' adds " + cap + ").");
                    }
                }
            }
            if (gpus(c) > 0) {
                return Optional.of("resourceRequirements: Fargate does not support GPU (container '" + c.name()
                        + "').");
            }
        }
        if (r.ipcModeAsString() != null) {
            return Optional.of("ipcMode: Fargate does not support ipcMode.");
        }
        if (r.pidModeAsString() != null && !"task".equals(r.pidModeAsString())) {
            return Optional.of("pidMode: Fargate only supports pidMode 'task'.");
        }
        return Optional.empty();
    }

    static Optional<String> managedInstances(RegisterTaskDefinitionRequest r, String networkMode) {
        if (!"awsvpc".equals(networkMode) && !"host".equals(networkMode)) {
            return Optional.of("Network mode '" + networkMode + "' is not supported by Managed Instances: use awsvpc"
                    + " or host.");
        }
        if (r.runtimePlatform() != null && r.runtimePlatform().operatingSystemFamilyAsString() != null
                && !"LINUX".equals(r.runtimePlatform().operatingSystemFamilyAsString())) {
            return Optional.of("runtimePlatform.operatingSystemFamily: Managed Instances only supports LINUX.");
        }
        if (r.ipcModeAsString() != null) {
            return Optional.of("ipcMode is not supported by Managed Instances.");
        }
        if (r.proxyConfiguration() != null) {
            return Optional.of("proxyConfiguration is not supported by Managed Instances.");
        }
        if (r.hasInferenceAccelerators() && !r.inferenceAccelerators().isEmpty()) {
            return Optional.of("inferenceAccelerators are not supported by Managed Instances.");
        }
        if (r.ephemeralStorage() != null) {
            return Optional.of("ephemeralStorage is not supported by Managed Instances.");
        }
        for (Volume v : r.volumes()) {
            if (v.dockerVolumeConfiguration() != null || v.fsxWindowsFileServerVolumeConfiguration() != null) {
                return Optional.of("Volume '" + v.name() + "': dockerVolumeConfiguration and"
                        + " fsxWindowsFileServerVolumeConfiguration are not supported by Managed Instances.");
            }
        }
        for (ContainerDefinition c : r.containerDefinitions()) {
            Optional<String> p = miContainer(c);
            if (p.isPresent()) {
                return Optional.of("Container '" + c.name() + "': " + p.get() + " is not supported by Managed"
                        + " Instances.");
            }
        }
        if (r.memory() == null && r.containerDefinitions().stream()
                .anyMatch(c -> c.memory() == null && c.memoryReservation() == null)) {
            return Optional.of("Managed Instances requires 'memory' at the task level, or 'memory' or"
                    + " 'memoryReservation' on every container.");
        }
        return Optional.empty();
    }

    private static Optional<String> miContainer(ContainerDefinition c) {
        if (c.disableNetworking() != null) {
            return Optional.of("disableNetworking");
        } else if (c.hasDnsSearchDomains() && !c.dnsSearchDomains().isEmpty()) {
            return Optional.of("dnsSearchDomains");
        } else if (c.hasDnsServers() && !c.dnsServers().isEmpty()) {
            return Optional.of("dnsServers");
        } else if (c.hasDockerSecurityOptions() && !c.dockerSecurityOptions().isEmpty()) {
            return Optional.of("dockerSecurityOptions");
        } else if (c.hasExtraHosts() && !c.extraHosts().isEmpty()) {
            return Optional.of("extraHosts");
        } else if (c.hostname() != null) {
            return Optional.of("hostname");
        } else if (c.hasLinks() && !c.links().isEmpty()) {
            return Optional.of("links");
        } else if (c.linuxParameters() != null && (c.linuxParameters().maxSwap() != null
                || c.linuxParameters().swappiness() != null || c.linuxParameters().sharedMemorySize() != null)) {
            return Optional.of("linuxParameters.maxSwap/swappiness/sharedMemorySize");
        }
        for (ResourceRequirement rr : c.resourceRequirements()) {
            if ("InferenceAccelerator".equals(rr.typeAsString())) {
                return Optional.of("resourceRequirements type InferenceAccelerator");
            }
        }
        return Optional.empty();
    }

    static Optional<String> ec2(RegisterTaskDefinitionRequest r) {
        if (r.memory() == null) {
            for (ContainerDefinition c : r.containerDefinitions()) {
                if (c.memory() == null && c.memoryReservation() == null) {
                    return Optional.of("Invalid setting for container '" + c.name() + "'. At least one of 'memory'"
                            + " or 'memoryReservation' must be specified.");
                }
            }
        }
        return Optional.empty();
    }
}
