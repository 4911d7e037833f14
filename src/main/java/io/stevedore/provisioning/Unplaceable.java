package io.stevedore.provisioning;

import java.util.Objects;

/**
 * Tasks of a group that no allowed instance type can run, with a reason a person can act on.
 *
 * @param groupKey  the pending group
 * @param count     how many of its tasks are left without capacity
 * @param dimension the deciding dimension: architecture, cpu, memory, gpu, eni, cpu+memory, offerings
 * @param reason    e.g. "no offered type has 4 GPUs: the most is 1 (g5.xlarge)"
 */
public record Unplaceable(String groupKey, int count, String dimension, String reason) {
    public Unplaceable {
        Objects.requireNonNull(groupKey, "groupKey");
        Objects.requireNonNull(dimension, "dimension");
        Objects.requireNonNull(reason, "reason");
    }
}
