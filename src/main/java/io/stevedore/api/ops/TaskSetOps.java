package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.api.EcsApi;
import io.stevedore.control.state.Context;
import io.stevedore.control.tasks.ServiceDeployments;
import io.stevedore.control.tasks.TaskSetController;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.Statuses;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.CreateTaskSetRequest;
import software.amazon.awssdk.services.ecs.model.CreateTaskSetResponse;
import software.amazon.awssdk.services.ecs.model.DeleteTaskSetRequest;
import software.amazon.awssdk.services.ecs.model.DeleteTaskSetResponse;
import software.amazon.awssdk.services.ecs.model.DeploymentControllerType;
import software.amazon.awssdk.services.ecs.model.DescribeTaskSetsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTaskSetsResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.LoadBalancer;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.Scale;
import software.amazon.awssdk.services.ecs.model.ScaleUnit;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceRegistry;
import software.amazon.awssdk.services.ecs.model.StabilityStatus;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.TaskSet;
import software.amazon.awssdk.services.ecs.model.TaskSetField;
import software.amazon.awssdk.services.ecs.model.UpdateServicePrimaryTaskSetRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServicePrimaryTaskSetResponse;
import software.amazon.awssdk.services.ecs.model.UpdateTaskSetRequest;
import software.amazon.awssdk.services.ecs.model.UpdateTaskSetResponse;

/**
 * CreateTaskSet, UpdateTaskSet, DeleteTaskSet, DescribeTaskSets, UpdateServicePrimaryTaskSet: the task sets of a
 * service with the EXTERNAL deployment controller (a CODE_DEPLOY service's sets are CodeDeploy's: described, not
 * changed). The sets live on their service row ({@code Service.taskSets}); the service scheduler
 * ({@link TaskSetController}) runs their tasks. docs/decisions.md "Task sets".
 */
public final class TaskSetOps {
    /** Task sets a service may have at once (ECS: "5 deployments exist on the service…"). */
    static final int MAX_TASK_SETS = 5;

    private final Context ctx;

    public TaskSetOps(Context ctx) {
        this.ctx = ctx;
    }

    public void register(EcsApi api) {
        api.register("CreateTaskSet", CreateTaskSetRequest::builder, CreateTaskSetRequest.class, this::create);
        api.register("UpdateTaskSet", UpdateTaskSetRequest::builder, UpdateTaskSetRequest.class, this::update);
        api.register("DeleteTaskSet", DeleteTaskSetRequest::builder, DeleteTaskSetRequest.class, this::delete);
        api.register("DescribeTaskSets", DescribeTaskSetsRequest::builder, DescribeTaskSetsRequest.class,
                this::describe);
        api.register("UpdateServicePrimaryTaskSet", UpdateServicePrimaryTaskSetRequest::builder,
                UpdateServicePrimaryTaskSetRequest.class, this::primary);
    }

    /**
     * A new task set of {@code s} (status ACTIVE unless {@code status} says otherwise, counts 0, STABILIZING until
     * the scheduler's pass finds its tasks at count); Fargate tasks get platform version LATEST unless one is given.
     */
    static TaskSet newTaskSet(Context ctx, Cluster cluster, Service s, TaskDefinition td, LaunchTargets targets,
                              NetworkConfiguration nc, List<LoadBalancer> lbs, List<ServiceRegistry> registries,
                              String platformVersion, Scale scale, String externalId, String status) {
        String id = ServiceDeployments.newDeploymentId(ctx.state());
        boolean fargate = Compatibility.FARGATE.toString().equals(targets.compatibility());
        Scale sc = scale != null ? scale : Scale.builder().value(100.0).unit(ScaleUnit.PERCENT).build();
        return TaskSet.builder().id(id)
                .taskSetArn(ctx.arn("task-set/" + cluster.clusterName() + "/" + s.serviceName() + "/" + id))
                .serviceArn(s.serviceArn()).clusterArn(cluster.clusterArn()).externalId(externalId).status(status)
                .taskDefinition(td.taskDefinitionArn())
                .computedDesiredCount(TaskSetController.computedDesiredCount(s.desiredCount(), sc))
                .pendingCount(0).runningCount(0).createdAt(ctx.now()).updatedAt(ctx.now())
                .launchType(targets.launchType())
                .capacityProviderStrategy(targets.strategy().isEmpty() ? null : targets.named())
                .platformVersion(platformVersion != null ? platformVersion : fargate ? "LATEST" : null)
                .platformFamily(fargate ? "Linux" : null).networkConfiguration(nc)
                .loadBalancers(lbs == null ? List.of() : lbs).serviceRegistries(registries == null ? List.of()
                        : registries)
                .scale(sc).stabilityStatus(StabilityStatus.STABILIZING).stabilityStatusAt(ctx.now()).build();
    }

    /** The service's fields that mirror its primary task set (null without one), as DescribeServices shows them. */
    static Service.Builder mirrorPrimary(Service.Builder b, TaskSet primary) {
        if (primary == null) {
            return b.taskDefinition(null).launchType((String) null)
                    .capacityProviderStrategy((List<CapacityProviderStrategyItem>) null).platformVersion(null)
                    .networkConfiguration((NetworkConfiguration) null).loadBalancers((List<LoadBalancer>) null)
                    .serviceRegistries((List<ServiceRegistry>) null);
        }
        return b.taskDefinition(primary.taskDefinition()).launchType(primary.launchTypeAsString())
                .capacityProviderStrategy(primary.hasCapacityProviderStrategy() ? primary.capacityProviderStrategy()
                        : null)
                .platformVersion(primary.platformVersion()).networkConfiguration(primary.networkConfiguration())
                .loadBalancers(primary.loadBalancers()).serviceRegistries(primary.serviceRegistries());
    }

    static void checkScale(Scale scale) {
        if (scale == null) {
            return;
        }
        require(scale.unit() == null || scale.unit() == ScaleUnit.PERCENT, "scale.unit must be PERCENT.");
        require(scale.value() != null && scale.value() >= 0 && scale.value() <= 100,
                "scale.value must be between 0 and 100 (a percentage of the service's desiredCount).");
    }

    /** The ACTIVE service named in a task set call. */
    private Service service(Cluster cluster, String ref) {
        require(ref != null && !ref.isEmpty(), "service must be specified.");
        String arn = ref.startsWith("arn:") ? ref : ctx.arn("service/" + cluster.clusterName() + "/" + ref);
        Service s = ctx.state().services.get(arn).filter(x -> cluster.clusterArn().equals(x.clusterArn()))
                .orElseThrow(Errors::serviceNotFound);
        if (!Statuses.SERVICE_ACTIVE.equals(s.status())) {
            throw Errors.serviceNotActive();
        }
        return s;
    }

    /** A service whose task sets the caller manages: the EXTERNAL deployment controller only. */
    private Service external(Cluster cluster, String ref) {
        Service s = service(cluster, ref);
        require(s.deploymentController() != null
                && s.deploymentController().type() == DeploymentControllerType.EXTERNAL,
                "Amazon ECS only supports task set management on services configured to use external deployment"
                        + " controllers.");
        return s;
    }

    private static boolean names(TaskSet ts, String ref) {
        return ref.equals(ts.taskSetArn()) || ref.equals(ts.id()) || ts.taskSetArn().endsWith("/" + ref);
    }

    private static TaskSet find(Service s, String ref) {
        require(ref != null && !ref.isEmpty(), "taskSet must be specified.");
        for (TaskSet ts : s.taskSets()) {
            if (names(ts, ref)) {
                return ts;
            }
        }
        throw Errors.of("TaskSetNotFoundException", "The specified task set does not exist.");
    }

    private TaskSet withTags(TaskSet ts) {
        return ts.toBuilder().tags(TagOps.sdkTags(ctx, ts.taskSetArn())).build();
    }

    /** The service with {@code changed} in place of the set of the same id. */
    private Service replace(Service s, TaskSet changed) {
        List<TaskSet> sets = new ArrayList<>();
        for (TaskSet ts : s.taskSets()) {
            sets.add(ts.id().equals(changed.id()) ? changed : ts);
        }
        Service u = s.toBuilder().taskSets(sets).build();
        ctx.state().services.put(u.serviceArn(), u);
        return u;
    }

    CreateTaskSetResponse create(CreateTaskSetRequest r) {
        Cluster cluster = ctx.cluster(r.cluster());
        Service s = external(cluster, r.service());
        Checks.tags(ctx, r.tags());
        require(s.taskSets().size() < MAX_TASK_SETS, s.taskSets().size() + " deployments exist on the service."
                + " Unable to create new TaskSet since this exceeds the maximum limit.");
        require(!r.hasLoadBalancers() || r.loadBalancers().size() <= 1,
                "CreateTaskSet cannot have more than 1 load balancer.");
        require(r.externalId() == null || r.externalId().length() <= 255, "externalId must be at most 255 characters.");
        checkScale(r.scale());
        require(r.taskDefinition() != null && !r.taskDefinition().isEmpty(), "taskDefinition must be specified.");
        TaskDefinition td = TaskDefinitionOps.resolve(ctx, r.taskDefinition())
                .orElseThrow(() -> Errors.invalid("TaskDefinition not found."));
        require(td.status() == TaskDefinitionStatus.ACTIVE, "TaskDefinition is inactive.");
        LaunchTargets targets = LaunchTargets.resolve(ctx, cluster, r.launchTypeAsString(),
                r.capacityProviderStrategy(), td, r.networkConfiguration());
        targets.checkConstraints(s.placementConstraints());
        Scale scale = r.scale() == null ? null : r.scale().toBuilder().unit(ScaleUnit.PERCENT).build();
        TaskSet ts = newTaskSet(ctx, cluster, s, td, targets, r.networkConfiguration(), r.loadBalancers(),
                r.serviceRegistries(), r.platformVersion(), scale, r.externalId(), TaskSetController.ACTIVE);
        List<TaskSet> sets = new ArrayList<>(s.taskSets());
        sets.add(ts);
        ctx.state().services.put(s.serviceArn(), s.toBuilder().taskSets(sets).build());
        TagOps.setTags(ctx, ts.taskSetArn(), r.tags());
        return CreateTaskSetResponse.builder().taskSet(r.hasTags() ? ts.toBuilder().tags(r.tags()).build() : ts)
                .build();
    }

    UpdateTaskSetResponse update(UpdateTaskSetRequest r) {
        Cluster cluster = ctx.cluster(r.cluster());
        Service s = external(cluster, r.service());
        TaskSet ts = find(s, r.taskSet());
        require(r.scale() != null, "scale must be specified.");
        checkScale(r.scale());
        require(!TaskSetController.DRAINING.equals(ts.status()), "The task set " + ts.id()
                + " is being deleted (DRAINING) and can no longer be scaled.");
        Scale scale = r.scale().toBuilder().unit(ScaleUnit.PERCENT).build();
        TaskSet u = ts.toBuilder().scale(scale).updatedAt(ctx.now())
                .computedDesiredCount(TaskSetController.computedDesiredCount(s.desiredCount(), scale)).build();
        replace(s, u);
        return UpdateTaskSetResponse.builder().taskSet(u).build();
    }

    DeleteTaskSetResponse delete(DeleteTaskSetRequest r) {
        Cluster cluster = ctx.cluster(r.cluster());
        Service s = external(cluster, r.service());
        TaskSet ts = find(s, r.taskSet());
        if (TaskSetController.DRAINING.equals(ts.status())) {
            return DeleteTaskSetResponse.builder().taskSet(ts).build(); // already being deleted
        }
        int desired = TaskSetController.computedDesiredCount(s.desiredCount(), ts.scale());
        require(Boolean.TRUE.equals(r.force()) || desired == 0, "The task set " + ts.id() + " has not been"
                + " scaled down to zero (computedDesiredCount " + desired + "). Scale it to 0 with UpdateTaskSet,"
                + " or delete it with force.");
        boolean wasPrimary = TaskSetController.PRIMARY.equals(ts.status());
        TaskSet u = ts.toBuilder().status(TaskSetController.DRAINING).computedDesiredCount(0)
                .stabilityStatus(StabilityStatus.STABILIZING).stabilityStatusAt(ctx.now()).updatedAt(ctx.now())
                .build();
        Service after = replace(s, u);
        if (wasPrimary) { // no primary left: the service's task set fields are null
            ctx.state().services.put(after.serviceArn(), mirrorPrimary(after.toBuilder(), null).build());
        }
        return DeleteTaskSetResponse.builder().taskSet(u).build();
    }

    DescribeTaskSetsResponse describe(DescribeTaskSetsRequest r) {
        Cluster cluster = ctx.cluster(r.cluster());
        Service s = service(cluster, r.service());
        boolean tags = r.include() != null && r.include().contains(TaskSetField.TAGS);
        List<TaskSet> found = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        if (!r.hasTaskSets() || r.taskSets().isEmpty()) {
            for (TaskSet ts : s.taskSets()) {
                found.add(tags ? withTags(ts) : ts);
            }
        } else {
            for (String ref : new LinkedHashSet<>(r.taskSets())) {
                require(ref != null && !ref.isEmpty(), "taskSets must not contain blank identifiers.");
                TaskSet hit = s.taskSets().stream().filter(ts -> names(ts, ref)).findFirst().orElse(null);
                if (hit == null) {
                    failures.add(Failure.builder().arn(ref).reason("MISSING").build());
                } else {
                    found.add(tags ? withTags(hit) : hit);
                }
            }
        }
        return DescribeTaskSetsResponse.builder().taskSets(found).failures(failures).build();
    }

    UpdateServicePrimaryTaskSetResponse primary(UpdateServicePrimaryTaskSetRequest r) {
        Cluster cluster = ctx.cluster(r.cluster());
        Service s = external(cluster, r.service());
        TaskSet chosen = find(s, r.primaryTaskSet());
        require(!TaskSetController.DRAINING.equals(chosen.status()), "The task set " + chosen.id()
                + " is being deleted (DRAINING) and cannot become the primary task set.");
        List<TaskSet> sets = new ArrayList<>();
        TaskSet now = chosen;
        for (TaskSet ts : s.taskSets()) {
            if (ts.id().equals(chosen.id())) {
                now = ts.status().equals(TaskSetController.PRIMARY) ? ts
                        : ts.toBuilder().status(TaskSetController.PRIMARY).updatedAt(ctx.now()).build();
                sets.add(now);
            } else if (TaskSetController.PRIMARY.equals(ts.status())) {
                sets.add(ts.toBuilder().status(TaskSetController.ACTIVE).updatedAt(ctx.now()).build());
            } else {
                sets.add(ts);
            }
        }
        ctx.state().services.put(s.serviceArn(), mirrorPrimary(s.toBuilder().taskSets(sets), now).build());
        return UpdateServicePrimaryTaskSetResponse.builder().taskSet(now).build();
    }
}
