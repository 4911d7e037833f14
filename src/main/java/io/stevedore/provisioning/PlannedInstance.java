package io.stevedore.provisioning;

import io.stevedore.catalog.Offering;
import io.stevedore.placement.Resources;
import java.util.List;
import java.util.Objects;

/**
 * One instance to launch and the pending tasks it will run.
 *
 * @param offering   type, purchase option and price
 * @param zone       subnet and Availability Zone
 * @param tasks      the tasks it receives, by group
 * @param registered what the instance will register with ECS
 * @param allocated  what its tasks and the provider's daemons (the request's per-instance overhead) reserve, never
 *                   more than {@code registered}
 */
public record PlannedInstance(Offering offering, Zone zone, List<TaskAssignment> tasks, Resources registered,
                              Resources allocated) {
    public PlannedInstance {
        Objects.requireNonNull(offering, "offering");
        Objects.requireNonNull(zone, "zone");
        tasks = List.copyOf(tasks);
        if (!registered.fits(allocated)) {
            throw new IllegalArgumentException(offering.type().name() + ": allocated " + allocated
                    + " exceeds registered " + registered);
        }
    }

    public int taskCount() {
        int n = 0;
        for (TaskAssignment a : tasks) {
            n += a.count();
        }
        return n;
    }
}
