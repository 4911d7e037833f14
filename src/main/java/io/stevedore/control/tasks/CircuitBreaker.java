package io.stevedore.control.tasks;

import io.stevedore.control.state.DeploymentBook;
import io.stevedore.ecs.Statuses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToLongFunction;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.DeploymentCircuitBreaker;
import software.amazon.awssdk.services.ecs.model.HealthStatus;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;
import software.amazon.awssdk.services.ecs.model.ThresholdConfiguration;
import software.amazon.awssdk.services.ecs.model.ThresholdType;

/**
 * The deployment circuit breaker's arithmetic (docs/decisions.md "Deployment circuit breaker"): which stopped task
 * is a failure, the threshold from the desired count, and the tally of a deployment's failures with its resets,
 * replayed in time order from the tasks as they stand, so that it is the same whichever pass sees them.
 */
final class CircuitBreaker {
    /** How long a task must stay RUNNING (and not UNHEALTHY) to count as healthy, at speed 1. */
    static final long HEALTHY_AFTER_MILLIS = 30_000;
    /** The default threshold: BOUNDED_PERCENT of 50 (API_ThresholdConfiguration). */
    private static final int DEFAULT_PERCENT = 50;
    private static final int MIN_BOUNDED = 3;
    private static final int MAX_BOUNDED = 200;
    /** Stops that say nothing of the task's own health: the scheduler's, the user's, the capacity's. */
    private static final Set<TaskStopCode> NOT_FAILURES = Set.of(TaskStopCode.SERVICE_SCHEDULER_INITIATED,
            TaskStopCode.USER_INITIATED, TaskStopCode.SPOT_INTERRUPTION, TaskStopCode.TERMINATION_NOTICE);

    private CircuitBreaker() {
    }

    /**
     * The failure threshold for a desired count: BOUNDED_PERCENT (the default, 50) is value % of the desired count
     * rounded up, at least 3 and at most 200; UNBOUNDED_PERCENT the same without the bounds (at least 1); COUNT the
     * value itself (at least 1).
     */
    static int threshold(DeploymentCircuitBreaker cb, int desired) {
        ThresholdConfiguration tc = cb == null ? null : cb.thresholdConfiguration();
        ThresholdType type = tc == null || tc.type() == null ? ThresholdType.BOUNDED_PERCENT : tc.type();
        int value = tc == null || tc.value() == null ? DEFAULT_PERCENT : tc.value();
        if (type == ThresholdType.COUNT) {
            return Math.max(1, value);
        }
        int n = (int) Math.ceil(value * (double) desired / 100.0);
        return type == ThresholdType.UNBOUNDED_PERCENT ? Math.max(1, n)
                : Math.min(MAX_BOUNDED, Math.max(MIN_BOUNDED, n));
    }

    /**
     * Whether a task that is stopping or stopped failed, whoever reported its stop: it failed its health checks
     * (container, ELB), it never started ({@code TaskFailedToStart}, or stopped before it ever ran, as with
     * CannotPullContainerError), or an essential container exited with a non-zero code (or none). Stops by the
     * scheduler, the user or the capacity (Spot, termination) are no failures, unless for failed health checks.
     */
    static boolean failed(Task t) {
        if (!Statuses.isStopped(t.desiredStatus())) {
            return false;
        }
        String reason = t.stoppedReason() == null ? "" : t.stoppedReason().toLowerCase(Locale.ROOT);
        if (reason.contains("health check")) {
            return true;
        }
        TaskStopCode code = t.stopCode();
        if (code != null && NOT_FAILURES.contains(code)) {
            return false;
        }
        if (code == TaskStopCode.TASK_FAILED_TO_START || t.startedAt() == null) {
            return true;
        }
        if (code == TaskStopCode.ESSENTIAL_CONTAINER_EXITED) {
            boolean anyCode = false;
            for (Container c : t.containers()) {
                if (c.exitCode() != null) {
                    anyCode = true;
                    if (c.exitCode() != 0) {
                        return true;
                    }
                }
            }
            return !anyCode;
        }
        return false;
    }

    private static long stopMillis(Task t, long now) {
        Instant at = t.stoppingAt() != null ? t.stoppingAt() : t.stoppedAt();
        return at == null ? now : at.toEpochMilli();
    }

    private record Mark(long at, boolean failure, String taskArn) {
    }

    /**
     * The book's tally after what the deployment's {@code tasks} show at {@code now}: each failed task not yet
     * counted adds one; each task that stayed RUNNING for {@code healthyAfterMillis} (and is not UNHEALTHY; neither
     * stopped nor due to exit, by {@code exitsAt}, before then) resets
     * the count to 0 when {@code resetOnHealthy}. Both are replayed in time order, so a failure seen late still falls
     * before or after a reset as it happened. Counted tasks are forgotten once they are no longer kept.
     */
    static DeploymentBook tally(DeploymentBook book, List<Task> tasks, long now, long healthyAfterMillis,
                                boolean resetOnHealthy, ToLongFunction<Task> exitsAt) {
        List<Mark> marks = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (Task t : tasks) {
            if (!book.deploymentId().equals(t.startedBy())) {
                continue;
            }
            boolean stopping = Statuses.isStopped(t.desiredStatus());
            if (book.counted().contains(t.taskArn())) {
                kept.add(t.taskArn());
            } else if (failed(t)) {
                marks.add(new Mark(stopMillis(t, now), true, t.taskArn()));
            }
            if (resetOnHealthy && t.startedAt() != null
                    && !HealthStatus.UNHEALTHY.toString().equals(t.healthStatusAsString())) {
                long healthyAt = t.startedAt().toEpochMilli() + healthyAfterMillis;
                boolean ranThrough = (!stopping || stopMillis(t, now) > healthyAt)
                        && exitsAt.applyAsLong(t) > healthyAt;
                if (healthyAt <= now && ranThrough && healthyAt > book.healthyThroughMillis()) {
                    marks.add(new Mark(healthyAt, false, t.taskArn()));
                }
            }
        }
        if (marks.isEmpty() && kept.size() == book.counted().size()) {
            return book;
        }
        marks.sort(Comparator.comparingLong(Mark::at).thenComparing(Mark::failure).thenComparing(Mark::taskArn));
        int failures = book.failures();
        long healthyThrough = book.healthyThroughMillis();
        for (Mark m : marks) {
            if (m.failure()) {
                kept.add(m.taskArn());
                if (m.at() >= healthyThrough) {
                    failures++;
                }
            } else {
                failures = 0;
                healthyThrough = Math.max(healthyThrough, m.at());
            }
        }
        return book.withTally(failures, healthyThrough, kept);
    }
}
