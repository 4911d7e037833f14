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
     * changed (spares copying the service). One walk over the tasks counts every deployment's; a deployment whose
     * counts and desired count are as they were is kept as it is (its copy would equal it).
     */
    static Service withCounts(Service s, Deployment primary, List<Task> tasks, Instant now, long settleMillis,
                              ToLongFunction<Task> exitsAt) {
        List<Deployment> stored = s.deployments();
        int n = stored.size();
        int[] tally = new int[3 * n]; // per deployment: running, starting, all (the tasks wanted RUNNING)
        for (Task t : tasks) {
            if (!Statuses.isRunning(t.desiredStatus())) {
                continue;
            }
            String by = t.startedBy();
            String last = t.lastStatus();
            for (int i = 0; i < n; i++) {
                if (stored.get(i).id().equals(by)) {
                    tally[3 * i + 2]++;
                    if (Statuses.isRunning(last)) {
                        tally[3 * i]++;
                    } else if (Statuses.isStarting(last)) {
                        tally[3 * i + 1]++;
                    }
                }
            }
        }
        List<Deployment> deployments = new ArrayList<>(n);
        boolean same = true; // every deployment kept as it is
        int running = 0;
        int pending = 0;
        for (int i = 0; i < n; i++) {
            Deployment d = stored.get(i);
            int r = tally[3 * i];
            int p = tally[3 * i + 1];
            running += r;
            pending += p;
            boolean isPrimary = d.id().equals(primary.id());
            if (!isPrimary && tally[3 * i + 2] == 0) {
                same = false;
                continue; // an old deployment with no tasks left is done
            }
            Integer desired = isPrimary ? s.desiredCount() : Integer.valueOf(0);
            boolean countsKept = java.util.Objects.equals(d.runningCount(), r)
                    && java.util.Objects.equals(d.pendingCount(), p);
            if (countsKept && java.util.Objects.equals(d.desiredCount(), desired)) {
                deployments.add(d);
                continue;
            }
            same = false;
            Deployment.Builder b = d.toBuilder().runningCount(r).pendingCount(p).desiredCount(desired);
            if (!countsKept) {
                b.updatedAt(now);
            }
            deployments.add(b.build());
        }
        Deployment first = deployments.get(0);
        if (deployments.size() == 1 && first.runningCount().intValue() == s.desiredCount().intValue()
                && first.pendingCount() == 0
                && DeploymentRolloutState.IN_PROGRESS.toString().equals(first.rolloutStateAsString())
                && settledAt(first, tasks, settleMillis, exitsAt) <= now.toEpochMilli()) {
            same = false;
            deployments.set(0, first.toBuilder().rolloutState(DeploymentRolloutState.COMPLETED)
                    .rolloutStateReason("ECS deployment " + first.id() + " completed.").build());
        }
        if ((same || deployments.equals(stored)) && java.util.Objects.equals(s.runningCount(), running)
                && java.util.Objects.equals(s.pendingCount(), pending)) {
            return s; // nothing to write: spares copying the service (and its 100 events)
        }
        return s.toBuilder().deployments(deployments).runningCount(running).pendingCount(pending).build();
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
