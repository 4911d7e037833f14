package io.stevedore.provisioning;

import io.stevedore.placement.TaskDemand;
import java.util.Objects;

/**
 * Tasks of one service (or one RunTask group) that wait for capacity: {@code count} tasks of the same demand.
 * The provisioner spreads each group evenly over the provider's Availability Zones.
 *
 * @param key    the service or group name; unique within a request
 * @param demand what each task needs
 * @param count  how many tasks wait
 */
public record PendingGroup(String key, TaskDemand demand, int count) {
    public PendingGroup {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(demand, "demand");
        if (key.isBlank()) {
            throw new IllegalArgumentException("a pending group needs a non-blank key");
        }
        if (count < 0) {
            throw new IllegalArgumentException("group " + key + ": count must be >= 0, was " + count);
        }
    }
}
