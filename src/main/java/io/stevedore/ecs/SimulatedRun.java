package io.stevedore.ecs;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskOverride;

/**
 * The simulated-workload environment convention (a task's demand is {@link TaskDemandMapper#toDemand}):
 * {@value #RUN_SECONDS} (seconds the task runs before its essential container exits; absent = until stopped)
 * and {@value #EXIT_CODE} (that container's exit code, default 0), read from the container environment with
 * container overrides applied.
 */
public final class SimulatedRun {
    public static final String RUN_SECONDS = "STEVEDORE_RUN_SECONDS";
    public static final String EXIT_CODE = "STEVEDORE_EXIT_CODE";
    /** Container environment: the task's CPU use in percent of its reservation (the AWS/ECS metric's source). */
    public static final String CPU_UTILIZATION = "STEVEDORE_CPU_UTILIZATION";
    /** Container environment: the task's memory use in percent of its reservation. */
    public static final String MEMORY_UTILIZATION = "STEVEDORE_MEMORY_UTILIZATION";
    /** Service tag: the service's whole CPU demand in percent of one task, shared by its running tasks. */
    public static final String CPU_LOAD_TAG = "stevedore:cpu-load";
    /** Service tag: the service's whole memory demand in percent of one task. */
    public static final String MEMORY_LOAD_TAG = "stevedore:memory-load";

    private SimulatedRun() {
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

    /** Whether a task definition declares its utilization ({@link #CPU_UTILIZATION} or {@link #MEMORY_UTILIZATION}). */
    public static boolean declaresUtilization(TaskDefinition td) {
        Declares last = lastDeclares;
        if (last != null && last.td() == td) {
            return last.answer(); // the same definition as the last call (every write of a service asks)
        }
        Map<String, String> env = environment(td, null);
        boolean answer = env.containsKey(CPU_UTILIZATION) || env.containsKey(MEMORY_UTILIZATION);
        lastDeclares = new Declares(td, answer);
        return answer;
    }

    /** The last definition {@link #declaresUtilization} read and its answer (definitions are immutable values). */
    private record Declares(TaskDefinition td, boolean answer) {
    }

    private static volatile Declares lastDeclares;

    public static int exitCode(Map<String, String> env) {
        try {
            return Integer.parseInt(env.getOrDefault(EXIT_CODE, "0").trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
