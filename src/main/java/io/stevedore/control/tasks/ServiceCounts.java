package io.stevedore.control.tasks;

import io.stevedore.ecs.Statuses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.HealthStatus;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * A service's counts as ECS shows them: running and pending per deployment and in all, the primary's desired count,
 * old deployments dropped once they have no task left, and the primary's rollout COMPLETED once it alone runs the
 * desired count (a FAILED rollout stays FAILED). With the deployment circuit breaker on, its tasks must also have stayed
 * RUNNING, and not UNHEALTHY, for the breaker's stability window first: a task that exits at start has been RUNNING
 * too, and its deployment must not look done (docs/decisions.md "Deployment circuit breaker").
 */
final class ServiceCounts {
    private ServiceCounts() {
    }

    /**
     * The service with its counts from its {@code tasks} (the service's task group); the same object when nothing
     * changed (spares copying the service).
     */
    static Service withCounts(Service s, Deployment primary, List<Task> tasks, Instant now, long settleMillis,
                              ToLongFunction<Task> exitsAt) {
        List<Task> all = new ArrayList<>();
        for (Task t : tasks) {
            if (Statuses.isRunning(t.desiredStatus())) {
                all.add(t);
            }
        }
        if (unchanged(s, primary, all, now, settleMillis, exitsAt)) {
            return s; // as below, without building the deployments to compare them
        }
        List<Deployment> deployments = new ArrayList<>();
        int running = 0;
        int pending = 0;
        for (Deployment d : s.deployments()) {
            Tally c = Tally.of(d, all);
            int r = c.running();
            int p = c.starting();
            running += r;
            pending += p;
            boolean isPrimary = d.id().equals(primary.id());
            if (!isPrimary && c.all() == 0) {
                continue; // an old deployment with no tasks left is done
            }
            Deployment.Builder b = d.toBuilder().runningCount(r).pendingCount(p)
                    .desiredCount(isPrimary ? s.desiredCount() : 0);
            if (!java.util.Objects.equals(d.runningCount(), r) || !java.util.Objects.equals(d.pendingCount(), p)) {
                b.updatedAt(now);
            }
            deployments.add(b.build());
        }
        Deployment first = deployments.get(0);
        if (deployments.size() == 1 && first.runningCount().intValue() == s.desiredCount().intValue()
                && first.pendingCount() == 0
                && DeploymentRolloutState.IN_PROGRESS.toString().equals(first.rolloutStateAsString())
                && settledAt(first, all, settleMillis, exitsAt) <= now.toEpochMilli()) {
            deployments.set(0, first.toBuilder().rolloutState(DeploymentRolloutState.COMPLETED)
                    .rolloutStateReason("ECS deployment " + first.id() + " completed.").build());
        }
        if (deployments.equals(s.deployments()) && java.util.Objects.equals(s.runningCount(), running)
                && java.util.Objects.equals(s.pendingCount(), pending)) {
            return s; // nothing to write: spares copying the service (and its 100 events)
        }
        return s.toBuilder().deployments(deployments).runningCount(running).pendingCount(pending).build();
    }

    /** A deployment's tasks among {@code live} (the tasks wanted RUNNING): RUNNING, starting, and all of them. */
    private record Tally(int running, int starting, int all) {
        static Tally of(Deployment d, List<Task> live) {
            int running = 0;
            int starting = 0;
            int all = 0;
            for (Task t : live) {
                if (d.id().equals(t.startedBy())) {
                    all++;
                    if (Statuses.isRunning(t.lastStatus())) {
                        running++;
                    } else if (Statuses.isStarting(t.lastStatus())) {
                        starting++;
                    }
                }
            }
            return new Tally(running, starting, all);
        }
    }

    /**
     * Whether {@link #withCounts} would return {@code s} itself: every deployment kept (the primary, or with tasks
     * wanted RUNNING) with the counts and desired count it has, no rollout to complete, and the service's counts the
     * same. {@code live}: the tasks wanted RUNNING.
     */
    private static boolean unchanged(Service s, Deployment primary, List<Task> live, Instant now, long settleMillis,
                                     ToLongFunction<Task> exitsAt) {
        List<Deployment> deployments = s.deployments();
        int running = 0;
        int pending = 0;
        for (Deployment d : deployments) {
            Tally c = Tally.of(d, live);
            int r = c.running();
            int p = c.starting();
            running += r;
            pending += p;
            boolean isPrimary = d.id().equals(primary.id());
            if (!isPrimary && c.all() == 0 || !java.util.Objects.equals(d.runningCount(), r)
                    || !java.util.Objects.equals(d.pendingCount(), p)
                    || !java.util.Objects.equals(d.desiredCount(), isPrimary ? s.desiredCount() : 0)) {
                return false;
            }
        }
        Deployment first = deployments.get(0);
        if (deployments.size() == 1 && first.runningCount().intValue() == s.desiredCount().intValue()
                && first.pendingCount() == 0
                && DeploymentRolloutState.IN_PROGRESS.toString().equals(first.rolloutStateAsString())
                && settledAt(first, live, settleMillis, exitsAt) <= now.toEpochMilli()) {
            return false; // the rollout completes
        }
        return java.util.Objects.equals(s.runningCount(), running) && java.util.Objects.equals(s.pendingCount(),
                pending);
    }

    /**
     * When every RUNNING task of {@code d} among {@code tasks} will have stayed RUNNING for {@code settleMillis}
     * (the latest start plus the window); with a window, {@link Long#MAX_VALUE} while one of them is UNHEALTHY or
     * will exit ({@code exitsAt}: when its essential container is due to exit, MAX_VALUE if not known) before its
     * window ends. The exit time matters because the scheduler's pass may run before the pass that stops a task
     * whose container already exited.
     */
    static long settledAt(Deployment d, List<Task> tasks, long settleMillis, ToLongFunction<Task> exitsAt) {
        long at = Long.MIN_VALUE;
        for (Task t : tasks) {
            if (d.id().equals(t.startedBy()) && Statuses.isRunning(t.desiredStatus())
                    && Statuses.isRunning(t.lastStatus())) {
                if (settleMillis > 0 && t.healthStatus() == HealthStatus.UNHEALTHY) {
                    return Long.MAX_VALUE;
                }
                if (settleMillis > 0 && t.startedAt() != null) {
                    long settles = t.startedAt().toEpochMilli() + settleMillis;
                    if (settles > exitsAt.applyAsLong(t)) {
                        return Long.MAX_VALUE;
                    }
                    at = Math.max(at, settles);
                }
            }
        }
        return at;
    }

}
