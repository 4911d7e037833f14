package io.stevedore.control.tasks;

import io.stevedore.control.state.Context;
import io.stevedore.control.state.DeploymentBook;
import io.stevedore.control.state.EcsState;
import io.stevedore.ecs.Statuses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerImage;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentAlarms;
import software.amazon.awssdk.services.ecs.model.DeploymentCircuitBreaker;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentAlarms;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentCircuitBreaker;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentRollbackMonitorsStatus;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;
import software.amazon.awssdk.services.ecs.model.ServiceRevisionSummary;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Service deployments and service revisions as ECS keeps them (ListServiceDeployments, DescribeServiceDeployments,
 * DescribeServiceRevisions): each deployment CreateService or UpdateService starts records the revision it deploys
 * and a service deployment that follows it to SUCCESSFUL, STOPPED or a rollback. They outlive the service's
 * {@code deployments} list, so a rollback finds the last completed configuration after its tasks are gone.
 */
public final class ServiceDeployments {
    /** Service deployment statuses that are not final yet. */
    static final Set<ServiceDeploymentStatus> ONGOING = Set.of(ServiceDeploymentStatus.PENDING,
            ServiceDeploymentStatus.IN_PROGRESS, ServiceDeploymentStatus.ROLLBACK_REQUESTED,
            ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS, ServiceDeploymentStatus.STOP_REQUESTED);

    private final Context ctx;

    public ServiceDeployments(Context ctx) {
        this.ctx = ctx;
    }

    /** A new deployment id as ECS shows them: {@code ecs-svc/} and 19 digits. */
    public static String newDeploymentId(EcsState state) {
        String hex = state.newId("deployment");
        // 15 hex digits are below 2^60, so the number is never negative: 19 digits, zero-padded (%019d)
        String digits = Long.toString(Long.parseUnsignedLong(hex.substring(0, 15), 16) % 10_000_000_000_000_000L);
        return "ecs-svc/" + "0".repeat(19 - digits.length()) + digits;
    }

    /** The digits of a deployment id (the last part of its service deployment's and revision's ARNs). */
    static String digits(String deploymentId) {
        return deploymentId.substring(deploymentId.lastIndexOf('/') + 1);
    }

    private String arn(String kind, Service s, String deploymentId) {
        String cluster = s.clusterArn().substring(s.clusterArn().indexOf("cluster/") + 8);
        return ctx.arn(kind + "/" + cluster + "/" + s.serviceName() + "/" + digits(deploymentId));
    }

    /** The ARN of the service deployment a deployment started. */
    public String serviceDeploymentArn(Service s, String deploymentId) {
        return arn("service-deployment", s, deploymentId);
    }

    /** The service revision a deployment's tasks run (its book's; a deployment stored before books: its own). */
    public String revisionOf(Service s, Deployment d) {
        return ctx.state().deploymentBooks.get(d.id()).map(DeploymentBook::revisionArn)
                .orElseGet(() -> arn("service-revision", s, d.id()));
    }

    /**
     * Records the deployment {@code d} that CreateService or UpdateService just made primary of {@code s}: its
     * revision, an IN_PROGRESS service deployment (the service's other deployments as its sources) and its book. A
     * service deployment of the service still going on is STOPPED: the new one supersedes it.
     */
    public String started(Service s, Deployment d, TaskDefinition td) {
        Instant now = ctx.now();
        String sdArn = serviceDeploymentArn(s, d.id());
        String revision = arn("service-revision", s, d.id());
        for (ServiceDeployment old : ctx.state().serviceDeploymentsByService.values(s.serviceArn())) {
            if (ONGOING.contains(old.status())) {
                ctx.state().serviceDeployments.put(old.serviceDeploymentArn(), old.toBuilder()
                        .status(ServiceDeploymentStatus.STOPPED).stoppedAt(now).updatedAt(now)
                        .statusReason("Superseded by service deployment " + sdArn + ".")
                        .deploymentCircuitBreaker(monitorsDone(old.deploymentCircuitBreaker()))
                        .alarms(alarmsDone(old.alarms())).build());
            }
        }
        List<ContainerImage> images = new ArrayList<>();
        for (ContainerDefinition c : td.containerDefinitions()) {
            images.add(ContainerImage.builder().containerName(c.name()).image(c.image()).build());
        }
        ctx.state().serviceRevisions.put(revision, ServiceRevision.builder().serviceRevisionArn(revision)
                .serviceArn(s.serviceArn()).clusterArn(s.clusterArn()).taskDefinition(d.taskDefinition())
                .capacityProviderStrategy(d.capacityProviderStrategy()).launchType(d.launchType())
                .platformVersion(s.platformVersion()).loadBalancers(s.loadBalancers())
                .serviceRegistries(s.serviceRegistries()).networkConfiguration(d.networkConfiguration())
                .containerImages(images).guardDutyEnabled(false).createdAt(now).build());
        List<ServiceRevisionSummary> sources = new ArrayList<>();
        for (Deployment other : s.deployments()) {
            if (!other.id().equals(d.id())) {
                sources.add(summary(revisionOf(s, other), other));
            }
        }
        DeploymentConfiguration dc = s.deploymentConfiguration();
        ctx.state().serviceDeployments.put(sdArn, ServiceDeployment.builder().serviceDeploymentArn(sdArn)
                .serviceArn(s.serviceArn()).clusterArn(s.clusterArn()).createdAt(now).startedAt(now).updatedAt(now)
                .sourceServiceRevisions(sources).targetServiceRevision(summary(revision, d))
                .status(ServiceDeploymentStatus.IN_PROGRESS).deploymentConfiguration(dc)
                .deploymentCircuitBreaker(ServiceDeploymentCircuitBreaker.builder()
                        .status(breakerOn(dc) ? ServiceDeploymentRollbackMonitorsStatus.MONITORING
                                : ServiceDeploymentRollbackMonitorsStatus.DISABLED)
                        .failureCount(0).threshold(CircuitBreaker.threshold(dc.deploymentCircuitBreaker(),
                                s.desiredCount())).build())
                .alarms(alarms(dc.alarms())).build());
        ctx.state().deploymentBooks.put(d.id(), DeploymentBook.start(d.id(), s.serviceArn(), sdArn, revision,
                false));
        return sdArn;
    }

    /** DeleteService: the service's service deployment still going on is STOPPED. */
    public void serviceDeleted(String serviceArn) {
        Instant now = ctx.now();
        for (ServiceDeployment sd : ctx.state().serviceDeploymentsByService.values(serviceArn)) {
            if (ONGOING.contains(sd.status())) {
                ctx.state().serviceDeployments.put(sd.serviceDeploymentArn(), sd.toBuilder()
                        .status(ServiceDeploymentStatus.STOPPED).statusReason("The service was deleted.")
                        .stoppedAt(now).updatedAt(now)
                        .deploymentCircuitBreaker(monitorsDone(sd.deploymentCircuitBreaker()))
                        .alarms(alarmsDone(sd.alarms())).build());
            }
        }
    }

    /** Drops a service's deployments, revisions and books (CreateService makes a service again under its name). */
    public void forget(String serviceArn) {
        for (ServiceDeployment sd : ctx.state().serviceDeploymentsByService.values(serviceArn)) {
            for (DeploymentBook b : ctx.state().deploymentBooksByServiceDeployment.values(
                    sd.serviceDeploymentArn())) {
                ctx.state().deploymentBooks.remove(b.deploymentId());
                ctx.state().serviceRevisions.remove(b.revisionArn());
            }
            ctx.state().serviceDeployments.remove(sd.serviceDeploymentArn());
        }
    }

    static ServiceRevisionSummary summary(String revisionArn, Deployment d) {
        return ServiceRevisionSummary.builder().arn(revisionArn).requestedTaskCount(d.desiredCount())
                .runningTaskCount(d.runningCount()).pendingTaskCount(d.pendingCount()).build();
    }

    static boolean breakerOn(DeploymentConfiguration dc) {
        DeploymentCircuitBreaker cb = dc == null ? null : dc.deploymentCircuitBreaker();
        return cb != null && Boolean.TRUE.equals(cb.enable());
    }

    /** The alarms a deployment names: MONITORING when enabled (stored, not evaluated: docs/decisions.md). */
    private static ServiceDeploymentAlarms alarms(DeploymentAlarms a) {
        boolean on = a != null && Boolean.TRUE.equals(a.enable());
        return ServiceDeploymentAlarms.builder().status(on ? ServiceDeploymentRollbackMonitorsStatus.MONITORING
                : ServiceDeploymentRollbackMonitorsStatus.DISABLED)
                .alarmNames(a == null ? List.of() : a.alarmNames()).build();
    }

    /** A monitor that watched an ended deployment: MONITORING_COMPLETE (DISABLED and TRIGGERED stay). */
    static ServiceDeploymentCircuitBreaker monitorsDone(ServiceDeploymentCircuitBreaker cb) {
        return cb == null || cb.status() != ServiceDeploymentRollbackMonitorsStatus.MONITORING ? cb
                : cb.toBuilder().status(ServiceDeploymentRollbackMonitorsStatus.MONITORING_COMPLETE).build();
    }

    static ServiceDeploymentAlarms alarmsDone(ServiceDeploymentAlarms a) {
        return a == null || a.status() != ServiceDeploymentRollbackMonitorsStatus.MONITORING ? a
                : a.toBuilder().status(ServiceDeploymentRollbackMonitorsStatus.MONITORING_COMPLETE).build();
    }

    /** What a rollback goes back to: a revision, and the id of the deployment that completed it. */
    public record Target(String revisionArn, String deploymentId) {
    }

    /**
     * The configuration the service last completed, other than {@code failing}'s: a COMPLETED deployment still in
     * the service's list, else the most recent SUCCESSFUL (or ROLLBACK_SUCCESSFUL) service deployment of the
     * service. Empty when the service never completed one.
     */
    public Optional<Target> lastCompleted(Service s, String failing) {
        for (Deployment d : s.deployments()) {
            if (!d.id().equals(failing) && d.rolloutState() == DeploymentRolloutState.COMPLETED) {
                return Optional.of(new Target(revisionOf(s, d), d.id()));
            }
        }
        Optional<ServiceDeployment> done = ctx.state().serviceDeploymentsByService.values(s.serviceArn()).stream()
                .filter(sd -> sd.status() == ServiceDeploymentStatus.SUCCESSFUL
                        || sd.status() == ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL)
                .filter(sd -> sd.finishedAt() != null)
                .max(Comparator.comparing(ServiceDeployment::finishedAt)
                        .thenComparing(ServiceDeployment::serviceDeploymentArn));
        return done.map(sd -> {
            if (sd.status() == ServiceDeploymentStatus.SUCCESSFUL) {
                String arn = sd.serviceDeploymentArn();
                return new Target(sd.targetServiceRevision().arn(), "ecs-svc/" + arn.substring(arn.lastIndexOf('/')
                        + 1));
            }
            String by = ctx.state().deploymentBooksByServiceDeployment.values(sd.serviceDeploymentArn()).stream()
                    .filter(DeploymentBook::rollback).map(DeploymentBook::deploymentId).findFirst().orElse(null);
            return new Target(sd.rollback().serviceRevisionArn(), by);
        }).filter(t -> t.deploymentId() != null && !t.deploymentId().equals(failing));
    }

    /** A new primary deployment of {@code s} that runs {@code revision} again (a rollback). */
    Deployment fromRevision(Service s, ServiceRevision revision, String reason) {
        String id = newDeploymentId(ctx.state());
        return Deployment.builder().id(id).status(Statuses.DEPLOYMENT_PRIMARY)
                .taskDefinition(revision.taskDefinition()).desiredCount(s.desiredCount()).pendingCount(0)
                .runningCount(0).failedTasks(0).createdAt(ctx.now()).updatedAt(ctx.now())
                .launchType(revision.launchType()).capacityProviderStrategy(revision.hasCapacityProviderStrategy()
                        ? revision.capacityProviderStrategy() : null)
                .networkConfiguration(revision.networkConfiguration())
                .rolloutState(DeploymentRolloutState.IN_PROGRESS).rolloutStateReason(reason).build();
    }
}
