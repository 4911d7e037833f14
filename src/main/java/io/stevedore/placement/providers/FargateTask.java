package io.stevedore.placement.providers;

import java.util.Set;

/**
 * What the Fargate providers check on a task definition.
 *
 * @param cpu               task-level cpu units, or null when the definition has none
 * @param memoryMiB         task-level memory, or null when the definition has none
 * @param gpus              GPUs asked in {@code resourceRequirements}
 * @param privileged        whether any container is privileged
 * @param capabilitiesAdded Linux capabilities added by any container ({@code linuxParameters.capabilities.add})
 * @param networkMode       the wire network mode ({@code awsvpc}, {@code host}, …; null when absent)
 */
public record FargateTask(Integer cpu, Integer memoryMiB, int gpus, boolean privileged,
                          Set<String> capabilitiesAdded, String networkMode) {
    public FargateTask {
        capabilitiesAdded = Set.copyOf(capabilitiesAdded);
    }
}
