package io.stevedore.control.tasks;

import io.stevedore.control.state.Context;
import java.time.Duration;
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

    public PurgeStoppedTasks(Context ctx) {
        this.ctx = ctx;
    }

    public void run() {
        long nowMillis = ctx.now().toEpochMilli();
        if (nowMillis - lastPurgeMillis < PURGE_EVERY.toMillis() && nowMillis >= lastPurgeMillis) {
            return;
        }
        lastPurgeMillis = nowMillis;
        long cutoff = ctx.now().minus(STOPPED_TASK_RETENTION).toEpochMilli();
        for (Task t : ctx.state().stoppedTasks.values(Boolean.TRUE, x -> x.stoppedAt() != null
                && x.stoppedAt().toEpochMilli() < cutoff)) {
            ctx.state().tasks.remove(t.taskArn());
            ctx.state().runtimes.remove(t.taskArn());
            ctx.state().protections.remove(t.taskArn());
            ctx.state().tags.remove(t.taskArn());
        }
    }
}
