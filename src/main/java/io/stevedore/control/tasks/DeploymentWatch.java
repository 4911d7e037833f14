package io.stevedore.control.tasks;

import io.stevedore.control.state.Context;
import io.stevedore.control.state.DeploymentBook;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.ecs.Statuses;
import io.stevedore.store.Index;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentCircuitBreaker;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Rollback;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentCircuitBreaker;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentRollbackMonitorsStatus;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Watches a service's primary deployment for the service scheduler: counts its failed tasks, trips the deployment
 * circuit breaker (rollout FAILED, then a rollback to the last completed configuration, or a stall without one),
 * carries out a rollback StopServiceDeployment asked for, and moves the service deployment rows along with the
 * rollout (docs/decisions.md "Deployment circuit breaker").
 */
final class DeploymentWatch {
    static final String TASKS_FAILED = "ECS deployment circuit breaker: tasks failed to start.";

    private final Context ctx;
    private final ServiceDeployments deployments;

    /**
     * Services (by ARN) with a service deployment in progress, rolling back or asked to roll back: a service without
     * one and without a rollout in progress has nothing to watch or settle, which spares a steady service's pass
     * reading its deployment book and service deployment.
     */
    private final Index<ServiceDeployment, String> busy;

    DeploymentWatch(Context ctx) {
        this.ctx = ctx;
        this.deployments = new ServiceDeployments(ctx);
        this.busy = ctx.state().serviceDeployments.index(sd -> sd.status() == ServiceDeploymentStatus.IN_PROGRESS
                || sd.status() == ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS
                || sd.status() == ServiceDeploymentStatus.ROLLBACK_REQUESTED ? sd.serviceArn() : null);
    }

    /** Whether a service deployment of the service is in progress, rolling back or asked to roll back. */
    boolean busy(Service s) {
        return busy.count(s.serviceArn()) > 0;
    }

    /**
     * When a task's essential container is (or was) due to exit: its start plus the simulated run's length;
     * MAX_VALUE when not known (it runs until stopped, or an agent reports its exit).
     */
    long exitsAt(Task t) {
        TaskRuntime rt = ctx.state().runtimes.get(t.taskArn()).orElse(null);
        if (rt == null || rt.runMillis() < 0 || t.startedAt() == null) {
            return Long.MAX_VALUE;
        }
        // from the planned run length, not from the deadline or the stop time: on a busy machine the clock moves on
        // between the readings of one transition, and the tick that stops the task may come well after the exit
        return t.startedAt().toEpochMilli() + Math.max(1, rt.runMillis());
    }

    /** How long a task must stay RUNNING to count as healthy (and the breaker's stability window), at this speed. */
    long healthyAfterMillis(Service s) {
        long grace = s.healthCheckGracePeriodSeconds() == null ? 0 : s.healthCheckGracePeriodSeconds() * 1000L;
        return (long) (Math.max(CircuitBreaker.HEALTHY_AFTER_MILLIS, grace) / ctx.config().speed());
    }

    /**
     * The service as this pass should go on with it: its primary's {@code failedTasks} counted; when the breaker
     * trips, the primary FAILED and, with rollback, the last completed configuration primary again; a requested
     * rollback carried out. Events for the service go to {@code events}.
     */
    Service watch(Service s, List<Task> tasks, List<CharSequence> events) {
        Deployment primary = s.deployments().get(0);
        if (DeploymentRolloutState.FAILED.toString().equals(primary.rolloutStateAsString())) {
            return s;
        }
        if (busy.count(s.serviceArn()) == 0) {
            // as below, without reading the rows: every path that does not return s needs the primary's service
            // deployment (one of this service's, created with its book) IN_PROGRESS, ROLLBACK_IN_PROGRESS or
            // ROLLBACK_REQUESTED, which the busy index would hold (a desired count change alone sets the rollout
            // IN_PROGRESS and leaves its service deployment as it was)
            return s;
        }
        DeploymentBook book = ctx.state().deploymentBooks.get(primary.id()).orElse(null);
        ServiceDeployment sd = book == null ? null
                : ctx.state().serviceDeployments.get(book.serviceDeploymentArn()).orElse(null);
        if (sd == null) {
            return s; // a deployment stored before service deployments were kept
        }
        // even if it completed since the request
        if (ServiceDeploymentStatus.ROLLBACK_REQUESTED.toString().equals(sd.statusAsString())) {
            Deployment stopped = primary.toBuilder().rolloutState(DeploymentRolloutState.FAILED)
                    .rolloutStateReason("ECS deployment " + primary.id() + " stopped by StopServiceDeployment.")
                    .updatedAt(ctx.now()).build();
            return rollBack(s, stopped, sd, "Service deployment stopped by StopServiceDeployment.", false, events);
        }
        if (!DeploymentRolloutState.IN_PROGRESS.toString().equals(primary.rolloutStateAsString())
                || sd.status() != ServiceDeploymentStatus.IN_PROGRESS
                && sd.status() != ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS) {
            return s; // a completed deployment, or one scaling after it completed
        }
        DeploymentCircuitBreaker cb = s.deploymentConfiguration().deploymentCircuitBreaker();
        boolean reset = cb == null || !Boolean.FALSE.equals(cb.resetOnHealthyTask());
        DeploymentBook tallied = CircuitBreaker.tally(book, tasks, ctx.now().toEpochMilli(), healthyAfterMillis(s),
                reset, this::exitsAt);
        if (tallied == book) {
            return s;
        }
        ctx.state().deploymentBooks.put(tallied.deploymentId(), tallied);
        int threshold = CircuitBreaker.threshold(cb, s.desiredCount());
        Deployment counted = Objects.equals(primary.failedTasks(), tallied.failures()) ? primary
                : primary.toBuilder().failedTasks(tallied.failures()).updatedAt(ctx.now()).build();
        boolean trips = ServiceDeployments.breakerOn(s.deploymentConfiguration()) && !book.rollback()
                && tallied.failures() >= threshold;
        if (!trips && !book.rollback()) { // a rollback's service deployment keeps the count that failed it
            ServiceDeploymentCircuitBreaker now = sd.deploymentCircuitBreaker().toBuilder()
                    .failureCount(tallied.failures()).threshold(threshold).build();
            if (!now.equals(sd.deploymentCircuitBreaker())) {
                ctx.state().serviceDeployments.put(sd.serviceDeploymentArn(), sd.toBuilder()
                        .deploymentCircuitBreaker(now).updatedAt(ctx.now()).build());
            }
        }
        if (!trips) {
            return counted == primary ? s : withPrimary(s, counted);
        }
        Deployment failed = counted.toBuilder().rolloutState(DeploymentRolloutState.FAILED)
                .rolloutStateReason(TASKS_FAILED).updatedAt(ctx.now()).build();
        events.add("(service " + s.serviceName() + ") (deployment " + primary.id()
                + ") deployment failed: tasks failed to start.");
        sd = sd.toBuilder().deploymentCircuitBreaker(sd.deploymentCircuitBreaker().toBuilder()
                .status(ServiceDeploymentRollbackMonitorsStatus.TRIGGERED).failureCount(tallied.failures())
                .threshold(threshold).build()).build();
        if (Boolean.TRUE.equals(cb.rollback())) {
            return rollBack(s, failed, sd, TASKS_FAILED, true, events);
        }
        stall(sd, TASKS_FAILED);
        return withPrimary(s, failed);
    }

    private static Service withPrimary(Service s, Deployment primary) {
        List<Deployment> list = new ArrayList<>(s.deployments());
        list.set(0, primary);
        return s.toBuilder().deployments(list).build();
    }

    /** A failed deployment with nothing to roll back to: it launches no more tasks and its service deployment ends. */
    private void stall(ServiceDeployment sd, String reason) {
        Instant now = ctx.now();
        ctx.state().serviceDeployments.put(sd.serviceDeploymentArn(), sd.toBuilder()
                .status(ServiceDeploymentStatus.STOPPED).statusReason(reason).stoppedAt(now).updatedAt(now)
                .alarms(ServiceDeployments.alarmsDone(sd.alarms())).build());
    }

    /**
     * Rolls {@code s} back from its primary {@code failed} (already FAILED) to the last completed configuration: the
     * COMPLETED deployment still listed becomes PRIMARY and IN_PROGRESS again (its tasks are kept), or a new
     * deployment runs the last completed revision. Without one, the failed deployment stalls.
     */
    private Service rollBack(Service s, Deployment failed, ServiceDeployment sd, String reason, boolean breaker,
                             List<CharSequence> events) {
        Optional<ServiceDeployments.Target> target = deployments.lastCompleted(s, failed.id());
        Optional<ServiceRevision> revision = target.flatMap(t -> ctx.state().serviceRevisions.get(t.revisionArn()));
        if (revision.isEmpty()) {
            stall(sd, reason);
            return withPrimary(s, failed);
        }
        String to = target.get().deploymentId();
        String why = (breaker ? "ECS deployment circuit breaker: rolling back to deploymentId "
                : "ECS deployment rolling back to deploymentId ") + to + ".";
        Instant now = ctx.now();
        Deployment back = null;
        List<Deployment> rest = new ArrayList<>();
        rest.add(failed.toBuilder().status(Statuses.DEPLOYMENT_ACTIVE).build());
        for (Deployment d : s.deployments().subList(1, s.deployments().size())) {
            if (d.id().equals(to)) {
                back = d.toBuilder().status(Statuses.DEPLOYMENT_PRIMARY).desiredCount(s.desiredCount())
                        .rolloutState(DeploymentRolloutState.IN_PROGRESS).rolloutStateReason(why).updatedAt(now)
                        .build();
            } else {
                rest.add(d);
            }
        }
        if (back == null) {
            back = deployments.fromRevision(s, revision.get(), why);
        }
        ctx.state().deploymentBooks.put(back.id(), DeploymentBook.start(back.id(), s.serviceArn(),
                sd.serviceDeploymentArn(), revision.get().serviceRevisionArn(), true));
        ctx.state().serviceDeployments.put(sd.serviceDeploymentArn(), sd.toBuilder()
                .status(ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS).statusReason(reason).updatedAt(now)
                .rollback(Rollback.builder().reason(reason).startedAt(now)
                        .serviceRevisionArn(revision.get().serviceRevisionArn()).build()).build());
        events.add("(service " + s.serviceName() + ") rolling back to deployment " + to + ".");
        List<Deployment> list = new ArrayList<>();
        list.add(back);
        list.addAll(rest);
        ServiceRevision r = revision.get();
        return s.toBuilder().deployments(list).taskDefinition(r.taskDefinition())
                .networkConfiguration(r.networkConfiguration()).launchType(r.launchType())
                .capacityProviderStrategy(r.hasCapacityProviderStrategy() ? r.capacityProviderStrategy() : null)
                .build();
    }

    /**
     * After the pass: a primary that reached COMPLETED ends its service deployment, SUCCESSFUL (or
     * ROLLBACK_SUCCESSFUL for a rollback), its monitors MONITORING_COMPLETE.
     */
    void settled(Service s) {
        Deployment primary = s.deployments().get(0);
        if (!DeploymentRolloutState.COMPLETED.toString().equals(primary.rolloutStateAsString())
                || busy.count(s.serviceArn()) == 0) {
            return; // nothing in progress to end
        }
        DeploymentBook book = ctx.state().deploymentBooks.get(primary.id()).orElse(null);
        ServiceDeployment sd = book == null ? null
                : ctx.state().serviceDeployments.get(book.serviceDeploymentArn()).orElse(null);
        if (sd == null) {
            return;
        }
        ServiceDeploymentStatus done = book.rollback() ? ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL
                : ServiceDeploymentStatus.SUCCESSFUL;
        ServiceDeploymentStatus from = book.rollback() ? ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS
                : ServiceDeploymentStatus.IN_PROGRESS;
        if (sd.status() == from) {
            Instant now = ctx.now();
            ctx.state().serviceDeployments.put(sd.serviceDeploymentArn(), sd.toBuilder().status(done)
                    .statusReason(book.rollback() ? sd.statusReason() : primary.rolloutStateReason())
                    .finishedAt(now).updatedAt(now)
                    .deploymentCircuitBreaker(ServiceDeployments.monitorsDone(sd.deploymentCircuitBreaker()))
                    .alarms(ServiceDeployments.alarmsDone(sd.alarms())).build());
        }
    }
}
