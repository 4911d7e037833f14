package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.api.EcsApi;
import io.stevedore.control.Reconciler;
import io.stevedore.control.ec2.Ec2Placement;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.PlacementRules;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.control.tasks.TaskFactory;
import io.stevedore.control.tasks.TaskTags;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.ServiceQuota;
import io.stevedore.ecs.Statuses;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.PropagateTags;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.StartTaskRequest;
import software.amazon.awssdk.services.ecs.model.StartTaskResponse;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * StartTask: one task on each of the chosen container instances (1–10, by ARN or id) of users' EC2 instances
 * (launch type EC2, docs/decisions.md "EC2 launch type"), with the task definition's placement constraints checked
 * there; an instance that cannot take it (unknown: MISSING; no room: RESOURCE:CPU, RESOURCE:MEMORY,
 * RESOURCE:PORTS…; not ACTIVE or agent disconnected) gets a {@code failures[]} entry instead, as ECS answers.
 */
public final class StartTaskOps {
    private final Context ctx;
    private final Reconciler reconciler;

    public StartTaskOps(Context ctx, Reconciler reconciler) {
        this.ctx = ctx;
        this.reconciler = reconciler;
    }

    public void register(EcsApi api) {
        api.register("StartTask", StartTaskRequest::builder, StartTaskRequest.class, this::start);
    }

    StartTaskResponse start(StartTaskRequest r) {
        require(r.taskDefinition() != null && !r.taskDefinition().isEmpty(), "taskDefinition must be specified.");
        require(r.hasContainerInstances() && !r.containerInstances().isEmpty(), "containerInstances can not be"
                + " empty.");
        ctx.config().quotas().check(ServiceQuota.CONTAINER_INSTANCES_PER_START_TASK, r.containerInstances().size());
        Cluster cluster = ctx.cluster(r.cluster());
        TaskDefinition td = TaskDefinitionOps.resolve(ctx, r.taskDefinition())
                .orElseThrow(() -> Errors.invalid("TaskDefinition not found."));
        require(td.status() == TaskDefinitionStatus.ACTIVE, "TaskDefinition is inactive.");
        Checks.tags(ctx, r.tags());
        require(r.startedBy() == null || r.startedBy().length() <= 128, "startedBy must be at most 128 characters.");
        require(r.group() == null || r.group().length() <= 255, "group must be at most 255 characters.");
        TaskOps.overrides(td, RunTaskRequest.builder().overrides(r.overrides()).build());
        LaunchTargets.resolve(ctx, cluster, LaunchType.EC2.toString(), null, td, r.networkConfiguration());
        List<String> subnets = r.networkConfiguration() == null || r.networkConfiguration().awsvpcConfiguration()
                == null ? List.of() : r.networkConfiguration().awsvpcConfiguration().subnets();
        List<Tag> tags = new ArrayList<>(r.hasTags() ? r.tags() : List.of());
        if (r.propagateTags() == PropagateTags.TASK_DEFINITION) {
            tags.addAll(TagOps.sdkTags(ctx, td.taskDefinitionArn()));
        }
        if (Boolean.TRUE.equals(r.enableECSManagedTags())) {
            tags.add(Tag.builder().key(TaskTags.CLUSTER_NAME).value(cluster.clusterName()).build());
        }
        List<Task> started = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (String ref : new LinkedHashSet<>(r.containerInstances())) {
            require(ref != null && !ref.isEmpty(), "containerInstances must not contain empty values.");
            String arn = ref.startsWith("arn:") ? ref
                    : ctx.arn("container-instance/" + cluster.clusterName() + "/" + ref);
            ContainerInstance ci = ctx.state().containerInstances.get(arn)
                    .filter(x -> cluster.clusterArn().equals(ClusterOps.clusterOf(x.containerInstanceArn())))
                    .orElse(null);
            if (ci == null) {
                failures.add(Failure.builder().arn(arn).reason("MISSING").build());
                continue;
            }
            if (ctx.state().ec2ByContainerInstance.values(arn).isEmpty()) {
                throw Errors.invalid("Container instance " + arn + " is not an EC2 container instance: StartTask"
                        + " places tasks on the instances you launched and registered (launch type EC2). Use"
                        + " RunTask for " + (ci.capacityProviderName() != null ? "Managed Instances"
                        : "EXTERNAL instances") + ".");
            }
            if (!Statuses.isRegistered(ci.status())) {
                failures.add(Failure.builder().arn(arn).reason("INACTIVE").build());
                continue;
            }
            Task t = reconciler.tasks().create(new TaskFactory.Spec(cluster, td, null, LaunchType.EC2.toString(),
                    r.group() != null ? r.group() : "family:" + td.family(), r.startedBy(), r.overrides(), subnets,
                    Boolean.TRUE.equals(r.enableExecuteCommand()), PlacementRules.NONE));
            TaskRuntime rt = ctx.state().runtimes.get(t.taskArn()).orElseThrow();
            Ec2Placement.Choice choice = reconciler.ec2Placement().choose(t, rt, Set.of(arn));
            if (choice.containerInstanceArn() == null) {
                ctx.state().tasks.remove(t.taskArn());
                ctx.state().runtimes.remove(t.taskArn());
                failures.add(Failure.builder().arn(arn).reason(choice.failure()).build());
                continue;
            }
            reconciler.ec2Placement().assign(t, rt, arn);
            t = ctx.state().tasks.get(t.taskArn()).orElseThrow();
            TagOps.setTags(ctx, t.taskArn(), tags);
            started.add(t.toBuilder().tags(tags).build());
        }
        return StartTaskResponse.builder().tasks(started).failures(failures).build();
    }
}
