package io.stevedore.api.engine;

import io.stevedore.catalog.Architecture;
import io.stevedore.placement.NetworkMode;
import io.stevedore.placement.TaskDemand;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.ResourceRequirement;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskOverride;

/**
 * PROVISIONAL task definition → {@link TaskDemand} mapping (the placement package's mapper replaces it when
 * wired), and the simulated-workload environment convention:
 * {@value #RUN_SECONDS} (seconds the task runs before its essential container exits; absent = until stopped)
 * and {@value #EXIT_CODE} (that container's exit code, default 0), read from the container environment with
 * container overrides applied.
 */
public final class Demands {
    public static final String RUN_SECONDS = "STEVEDORE_RUN_SECONDS";
    public static final String EXIT_CODE = "STEVEDORE_EXIT_CODE";

    private Demands() {
    }

    public static TaskDemand of(TaskDefinition td, TaskOverride o) {
        int cpu = 0;
        long mem = 0;
        int gpus = 0;
        Set<Integer> ports = new HashSet<>();
        for (ContainerDefinition c : td.containerDefinitions()) {
            cpu += c.cpu() == null ? 0 : c.cpu();
            mem += c.memory() != null ? c.memory() : c.memoryReservation() != null ? c.memoryReservation() : 0;
            for (ResourceRequirement r : c.resourceRequirements()) {
                if ("GPU".equals(r.typeAsString())) {
                    gpus += Integer.parseInt(r.value());
                }
            }
            for (PortMapping p : c.portMappings()) {
                if ("host".equals(td.networkModeAsString()) && p.containerPort() != null) {
                    ports.add(p.hostPort() != null && p.hostPort() > 0 ? p.hostPort() : p.containerPort());
                }
            }
        }
        if (td.cpu() != null) {
            cpu = Integer.parseInt(td.cpu());
        }
        if (td.memory() != null) {
            mem = Long.parseLong(td.memory());
        }
        if (o != null && o.cpu() != null) {
            cpu = parseOr(o.cpu(), cpu);
        }
        if (o != null && o.memory() != null) {
            mem = parseOr(o.memory(), (int) mem);
        }
        Architecture arch = td.runtimePlatform() == null ? Architecture.X86_64
                : Architecture.parse(td.runtimePlatform().cpuArchitectureAsString()).orElse(Architecture.X86_64);
        NetworkMode mode = "host".equals(td.networkModeAsString()) ? NetworkMode.HOST : NetworkMode.AWSVPC;
        return new TaskDemand(cpu, Math.max(mem, 1), gpus, mode, mode == NetworkMode.HOST ? ports : Set.of(), arch);
    }

    private static int parseOr(String s, int fallback) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The environment of every container with overrides applied, merged (first container wins). */
    public static Map<String, String> environment(TaskDefinition td, TaskOverride o) {
        Map<String, String> env = new TreeMap<>();
        for (ContainerDefinition c : td.containerDefinitions()) {
            Map<String, String> own = new TreeMap<>();
            for (KeyValuePair kv : c.environment()) {
                own.put(kv.name(), kv.value());
            }
            if (o != null) {
                for (ContainerOverride co : o.containerOverrides()) {
                    if (c.name().equals(co.name())) {
                        co.environment().forEach(kv -> own.put(kv.name(), kv.value()));
                    }
                }
            }
            own.forEach(env::putIfAbsent);
        }
        return env;
    }

    /** How long the simulated workload runs at speed 1, in ms; -1 = until stopped. */
    public static long runMillis(Map<String, String> env) {
        return Optional.ofNullable(env.get(RUN_SECONDS)).map(s -> {
            try {
                return (long) (Double.parseDouble(s) * 1000);
            } catch (NumberFormatException e) {
                return -1L;
            }
        }).orElse(-1L);
    }

    public static int exitCode(Map<String, String> env) {
        try {
            return Integer.parseInt(env.getOrDefault(EXIT_CODE, "0").trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
