package io.stevedore.placement;

import io.stevedore.catalog.Architecture;
import java.util.Objects;
import java.util.Set;

/**
 * What one task needs from a container instance, derived from its task definition (and overrides).
 *
 * @param cpu          CPU units the task reserves
 * @param memoryMiB    memory the task reserves (task memory, or the sum of container hard/soft limits)
 * @param gpus         GPUs from {@code resourceRequirements}
 * @param networkMode  awsvpc (one ENI per task) or host (host ports are exclusive)
 * @param hostPorts    host ports the task binds in host mode (empty in awsvpc mode)
 * @param architecture the task's {@code runtimePlatform.cpuArchitecture} (X86_64 when the definition omits it)
 */
public record TaskDemand(int cpu, long memoryMiB, int gpus, NetworkMode networkMode, Set<Integer> hostPorts,
                         Architecture architecture) {
    public TaskDemand {
        if (cpu < 0 || memoryMiB <= 0 || gpus < 0) {
            throw new IllegalArgumentException("a task needs memory > 0 and non-negative cpu and gpus");
        }
        Objects.requireNonNull(networkMode, "networkMode");
        Objects.requireNonNull(architecture, "architecture");
        hostPorts = Set.copyOf(hostPorts);
        if (networkMode == NetworkMode.AWSVPC && !hostPorts.isEmpty()) {
            throw new IllegalArgumentException("awsvpc tasks do not bind host ports");
        }
    }

    public static TaskDemand awsvpc(int cpu, long memoryMiB, Architecture architecture) {
        return new TaskDemand(cpu, memoryMiB, 0, NetworkMode.AWSVPC, Set.of(), architecture);
    }

    /** The countable resources: awsvpc tasks take one ENI each. */
    public Resources resources() {
        return new Resources(cpu, memoryMiB, gpus, networkMode == NetworkMode.AWSVPC ? 1 : 0);
    }
}
