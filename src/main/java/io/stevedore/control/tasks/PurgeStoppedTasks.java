package io.stevedore.control.tasks;

import io.stevedore.control.state.Context;
import io.stevedore.ecs.Statuses;
import io.stevedore.store.RowObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The tick's last stage: forgets tasks stopped more than an hour ago. A retention, not a deadline: it runs at most
 * once per {@link #PURGE_EVERY} of clock time, so a tick does not scan every task (ECS keeps stopped tasks visible
 * for at least an hour).
 */
public final class PurgeStoppedTasks {
    static final Duration STOPPED_TASK_RETENTION = Duration.ofHours(1);
    static final Duration PURGE_EVERY = Duration.ofMinutes(1);

    private final Context ctx;
    private long lastPurgeMillis = Long.MIN_VALUE / 2;
    /**
     * The stopped tasks (with a stop time) by stop time, kept current by the task table on every write, rollback,
     * load and refresh: a purge reads those past the retention, not every stopped task.
     */
    private final TreeMap<Long, Set<String>> byStop = new TreeMap<>();

    public PurgeStoppedTasks(Context ctx) {
        this.ctx = ctx;
        RowObserver<Task> observer = RowObserver.of(this::changed, byStop::clear);
        ctx.state().tasks.values().forEach(t -> changed(t.taskArn(), null, t));
        ctx.state().tasks.observe(observer);
    }

    private void changed(String arn, Task before, Task after) {
        long was = stopTime(before);
        long is = stopTime(after);
        if (was == is) {
            return;
        }
        if (was != Long.MIN_VALUE) {
            Set<String> s = byStop.get(was);
            if (s != null && s.remove(arn) && s.isEmpty()) {
                byStop.remove(was);
            }
        }
        if (is != Long.MIN_VALUE) {
            byStop.computeIfAbsent(is, k -> new HashSet<>()).add(arn);
        }
    }

    /** A stopped task's stop time, {@code Long.MIN_VALUE} for a task that is not stopped or has none. */
    private static long stopTime(Task t) {
        return t != null && Statuses.isStopped(t.lastStatus()) && t.stoppedAt() != null
                ? t.stoppedAt().toEpochMilli() : Long.MIN_VALUE;
    }

    public void run() {
        long nowMillis = ctx.now().toEpochMilli();
        if (nowMillis - lastPurgeMillis < PURGE_EVERY.toMillis() && nowMillis >= lastPurgeMillis) {
            return;
        }
        lastPurgeMillis = nowMillis;
        SortedMap<Long, Set<String>> past = byStop.headMap(nowMillis - STOPPED_TASK_RETENTION.toMillis(), false);
        if (past.isEmpty()) {
            return;
        }
        List<String> due = new ArrayList<>();
        past.values().forEach(due::addAll);
        due.sort(null); // in ARN order, the order of the table (an ARN is under one stop time only: no repeats)
        for (String arn : due) {
            ctx.state().tasks.remove(arn);
            ctx.state().runtimes.remove(arn);
            ctx.state().protections.remove(arn);
            ctx.state().tags.remove(arn);
        }
    }
}
