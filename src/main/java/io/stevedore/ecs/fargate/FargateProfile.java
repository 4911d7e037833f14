package io.stevedore.ecs.fargate;

import io.stevedore.catalog.Architecture;
import java.util.Objects;
import java.util.Set;

/**
 * What Fargate needs to know about a task to run and bill it.
 *
 * @param cpu               task cpu units (container sum when the definition has no task-level value)
 * @param memoryMiB         task memory
 * @param gpus              GPUs asked
 * @param privileged        whether a container is privileged
 * @param capabilitiesAdded Linux capabilities added by any container
 * @param architecture      X86_64 or ARM64
 */
public record FargateProfile(int cpu, long memoryMiB, int gpus, boolean privileged, Set<String> capabilitiesAdded,
                             Architecture architecture) {
    public FargateProfile {
        Objects.requireNonNull(architecture, "architecture");
        capabilitiesAdded = Set.copyOf(capabilitiesAdded);
    }
}
