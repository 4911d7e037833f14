package io.stevedore.control.fleet;

import io.stevedore.store.RowObserver;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The latest task time (created, started or stopped) on each container instance, over every task row there,
 * stopped ones included until they are purged: a multiset of each task's latest time, kept current by the task
 * table on every write, rollback, load and refresh. A fleet member reads it instead of going through every task the
 * instance ran in the last hour.
 */
final class LastTaskChange implements RowObserver<Task> {
    private final Map<String, TreeMap<Long, Integer>> byContainerInstance = new HashMap<>();

    /** The latest time of a task on {@code containerInstanceArn}, -1 when it has none (or none with a time). */
    long of(String containerInstanceArn) {
        TreeMap<Long, Integer> times = byContainerInstance.get(containerInstanceArn);
        return times == null ? -1 : Math.max(-1, times.lastKey());
    }

    @Override
    public void changed(String id, Task before, Task after) {
        if (before != null && after != null && java.util.Objects.equals(before.containerInstanceArn(),
                after.containerInstanceArn()) && latest(before) == latest(after)) {
            return; // same instance, same time: nothing to move
        }
        if (before != null && before.containerInstanceArn() != null) {
            TreeMap<Long, Integer> times = byContainerInstance.get(before.containerInstanceArn());
            times.merge(latest(before), -1, (a, b) -> a + b == 0 ? null : a + b);
            if (times.isEmpty()) {
                byContainerInstance.remove(before.containerInstanceArn());
            }
        }
        if (after != null && after.containerInstanceArn() != null) {
            byContainerInstance.computeIfAbsent(after.containerInstanceArn(), c -> new TreeMap<>())
                    .merge(latest(after), 1, Integer::sum);
        }
    }

    @Override
    public void cleared() {
        byContainerInstance.clear();
    }

    /** A task's latest time: the last of its creation, start and stop (-1 = none). */
    static long latest(Task t) {
        return Math.max(millis(t.startedAt()), Math.max(millis(t.stoppedAt()), millis(t.createdAt())));
    }

    private static long millis(Instant t) {
        return t == null ? -1 : t.toEpochMilli();
    }
}
