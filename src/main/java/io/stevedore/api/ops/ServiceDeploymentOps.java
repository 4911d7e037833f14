package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.api.EcsApi;
import io.stevedore.api.Pages;
import io.stevedore.control.state.Context;
import io.stevedore.control.tasks.ServiceDeployments;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.Statuses;
import io.stevedore.wire.AwsException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.ContinueServiceDeploymentResponse;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.DescribeServiceRevisionsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServiceRevisionsResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentBrief;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;
import software.amazon.awssdk.services.ecs.model.ServiceRevisionSummary;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentRequest;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentResponse;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentStopType;

/**
 * ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions, StopServiceDeployment (ROLLBACK) and
 * ContinueServiceDeployment (rolling deployments never pause at a lifecycle hook). A stop is a request the service
 * scheduler carries out on its next pass, as UpdateService's changes are.
 */
public final class ServiceDeploymentOps {
    /** DescribeServiceDeployments and DescribeServiceRevisions take at most 20 ARNs. */
    private static final int MAX_ARNS = 20;
    private static final int DEFAULT_PAGE = 20;

    private final Context ctx;
    private final ServiceDeployments history;

    public ServiceDeploymentOps(Context ctx) {
        this.ctx = ctx;
        this.history = new ServiceDeployments(ctx);
    }

    public void register(EcsApi api) {
        api.register("ListServiceDeployments", ListServiceDeploymentsRequest::builder,
                ListServiceDeploymentsRequest.class, this::list);
        api.register("DescribeServiceDeployments", DescribeServiceDeploymentsRequest::builder,
                DescribeServiceDeploymentsRequest.class, this::describe);
        api.register("DescribeServiceRevisions", DescribeServiceRevisionsRequest::builder,
                DescribeServiceRevisionsRequest.class, this::describeRevisions);
        api.register("StopServiceDeployment", StopServiceDeploymentRequest::builder,
                StopServiceDeploymentRequest.class, this::stop);
        api.register("ContinueServiceDeployment", ContinueServiceDeploymentRequest::builder,
                ContinueServiceDeploymentRequest.class, this::continueDeployment);
    }

    /** ServiceDeploymentNotFoundException, with a message that names what to call instead. */
    private static AwsException notFound() {
        return Errors.of("ServiceDeploymentNotFoundException", "Service deployment not found. Use"
                + " ListServiceDeployments to find the service deployment ARNs of a service.");
    }

    ListServiceDeploymentsResponse list(ListServiceDeploymentsRequest r) {
        require(r.service() != null && !r.service().isEmpty(), "service must be specified.");
        Cluster cluster = ctx.cluster(r.cluster());
        String arn = r.service().startsWith("arn:") ? r.service()
                : ctx.arn("service/" + cluster.clusterName() + "/" + r.service());
        Service s = ctx.state().services.get(arn).filter(x -> cluster.clusterArn().equals(x.clusterArn()))
                .orElseThrow(Errors::serviceNotFound);
        Set<String> statuses = r.hasStatus() ? new LinkedHashSet<>(r.statusAsStrings()) : Set.of();
        for (String st : statuses) {
            require(ServiceDeploymentStatus.fromValue(st) != ServiceDeploymentStatus.UNKNOWN_TO_SDK_VERSION,
                    "status " + st + " is not a service deployment status.");
        }
        List<ServiceDeployment> found = new ArrayList<>();
        for (ServiceDeployment sd : ctx.state().serviceDeploymentsByService.values(s.serviceArn())) {
            boolean status = statuses.isEmpty() || statuses.contains(sd.statusAsString());
            boolean after = r.createdAt() == null || r.createdAt().after() == null
                    || sd.createdAt().isAfter(r.createdAt().after());
            boolean before = r.createdAt() == null || r.createdAt().before() == null
                    || sd.createdAt().isBefore(r.createdAt().before());
            if (status && after && before) {
                found.add(sd);
            }
        }
        // newest first: the page key orders by creation time, latest first, then ARN
        found.sort(Comparator.comparing(ServiceDeploymentOps::newestFirst));
        Pages.Page<ServiceDeployment> p = Pages.page(found, ServiceDeploymentOps::newestFirst, r.nextToken(),
                r.maxResults(), DEFAULT_PAGE);
        List<ServiceDeploymentBrief> briefs = new ArrayList<>();
        for (ServiceDeployment sd : p.items()) {
            briefs.add(ServiceDeploymentBrief.builder().serviceDeploymentArn(sd.serviceDeploymentArn())
                    .serviceArn(sd.serviceArn()).clusterArn(sd.clusterArn()).createdAt(sd.createdAt())
                    .startedAt(sd.startedAt()).finishedAt(sd.finishedAt())
                    .targetServiceRevisionArn(sd.targetServiceRevision().arn()).status(sd.status())
                    .statusReason(sd.statusReason()).build());
        }
        return ListServiceDeploymentsResponse.builder().serviceDeployments(briefs).nextToken(p.nextToken()).build();
    }

    private static String newestFirst(ServiceDeployment sd) {
        return String.format("%019d", Long.MAX_VALUE - sd.createdAt().toEpochMilli()) + " "
                + sd.serviceDeploymentArn();
    }

    private static List<String> arns(List<String> given, String member) {
        require(given != null && !given.isEmpty(), member + " must not be empty.");
        require(given.size() <= MAX_ARNS, member + " can have at most " + MAX_ARNS + " ARNs.");
        for (String a : given) {
            require(a != null && !a.isEmpty(), member + " must not contain blank ARNs.");
        }
        return List.copyOf(new LinkedHashSet<>(given));
    }

    DescribeServiceDeploymentsResponse describe(DescribeServiceDeploymentsRequest r) {
        List<ServiceDeployment> found = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (String arn : arns(r.hasServiceDeploymentArns() ? r.serviceDeploymentArns() : null,
                "serviceDeploymentArns")) {
            ctx.state().serviceDeployments.get(arn).ifPresentOrElse(sd -> found.add(withCounts(sd)),
                    () -> failures.add(Failure.builder().arn(arn).reason("MISSING").build()));
        }
        return DescribeServiceDeploymentsResponse.builder().serviceDeployments(found).failures(failures).build();
    }

    /** The service deployment with the task counts of its revisions as the service's deployments now show them. */
    private ServiceDeployment withCounts(ServiceDeployment sd) {
        Service s = ctx.state().services.get(sd.serviceArn()).orElse(null);
        if (s == null) {
            return sd;
        }
        Map<String, Deployment> byRevision = new HashMap<>();
        for (Deployment d : s.deployments()) {
            byRevision.putIfAbsent(history.revisionOf(s, d), d);
        }
        List<ServiceRevisionSummary> sources = new ArrayList<>();
        for (ServiceRevisionSummary x : sd.sourceServiceRevisions()) {
            sources.add(live(x, byRevision));
        }
        return sd.toBuilder().targetServiceRevision(live(sd.targetServiceRevision(), byRevision))
                .sourceServiceRevisions(sources).build();
    }

    private static ServiceRevisionSummary live(ServiceRevisionSummary x, Map<String, Deployment> byRevision) {
        Deployment d = byRevision.get(x.arn());
        return x.toBuilder().runningTaskCount(d == null ? 0 : d.runningCount())
                .pendingTaskCount(d == null ? 0 : d.pendingCount()).build();
    }

    DescribeServiceRevisionsResponse describeRevisions(DescribeServiceRevisionsRequest r) {
        List<ServiceRevision> found = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (String arn : arns(r.hasServiceRevisionArns() ? r.serviceRevisionArns() : null, "serviceRevisionArns")) {
            ctx.state().serviceRevisions.get(arn).ifPresentOrElse(found::add,
                    () -> failures.add(Failure.builder().arn(arn).reason("MISSING").build()));
        }
        return DescribeServiceRevisionsResponse.builder().serviceRevisions(found).failures(failures).build();
    }

    private ServiceDeployment existing(String arn) {
        require(arn != null && !arn.isEmpty(), "serviceDeploymentArn must be specified.");
        return ctx.state().serviceDeployments.get(arn).orElseThrow(ServiceDeploymentOps::notFound);
    }

    StopServiceDeploymentResponse stop(StopServiceDeploymentRequest r) {
        ServiceDeployment sd = existing(r.serviceDeploymentArn());
        if (r.stopType() == StopServiceDeploymentStopType.ABORT) {
            throw Errors.invalid("stopType ABORT is not supported for rolling update (ECS) deployments; use"
                    + " ROLLBACK.");
        }
        require(r.stopTypeAsString() == null || r.stopType() == StopServiceDeploymentStopType.ROLLBACK,
                "stopType must be ROLLBACK.");
        if (sd.status() != ServiceDeploymentStatus.IN_PROGRESS) {
            throw Errors.of("ConflictException", "The service deployment is " + sd.statusAsString()
                    + "; only a service deployment IN_PROGRESS can be stopped.");
        }
        Service s = ctx.state().services.get(sd.serviceArn()).filter(x -> Statuses.SERVICE_ACTIVE.equals(x.status()))
                .orElseThrow(Errors::serviceNotActive);
        if (history.lastCompleted(s, s.deployments().get(0).id()).isEmpty()) {
            throw Errors.of("ConflictException", "The service has no completed service revision to roll back to.");
        }
        ctx.state().serviceDeployments.put(sd.serviceDeploymentArn(), sd.toBuilder()
                .status(ServiceDeploymentStatus.ROLLBACK_REQUESTED).updatedAt(ctx.now()).build());
        return StopServiceDeploymentResponse.builder().serviceDeploymentArn(sd.serviceDeploymentArn()).build();
    }

    ContinueServiceDeploymentResponse continueDeployment(ContinueServiceDeploymentRequest r) {
        ServiceDeployment sd = existing(r.serviceDeploymentArn());
        require(r.hookId() != null && !r.hookId().isEmpty(), "hookId must be specified.");
        throw Errors.invalid("The service deployment " + sd.serviceDeploymentArn() + " is not paused at lifecycle"
                + " hook " + r.hookId() + ": rolling update deployments have no lifecycle hooks.");
    }
}
