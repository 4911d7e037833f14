package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.api.EcsApi;
import io.stevedore.api.Pages;
import io.stevedore.control.Reconciler;
import io.stevedore.control.agents.ExternalPlacement;
import io.stevedore.control.ec2.Ec2Placement;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.PlacementRules;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.control.tasks.TaskFactory;
import io.stevedore.control.tasks.TaskTags;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.PlacementModelMapper;
import io.stevedore.ecs.ServiceQuota;
import io.stevedore.ecs.SimulatedRun;
import io.stevedore.ecs.Statuses;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.model.CapacityProviderType;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.DescribeTasksRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.GetTaskProtectionRequest;
import software.amazon.awssdk.services.ecs.model.GetTaskProtectionResponse;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.PropagateTags;
import software.amazon.awssdk.services.ecs.model.ProtectedTask;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.StopTaskRequest;
import software.amazon.awssdk.services.ecs.model.StopTaskResponse;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;
import software.amazon.awssdk.services.ecs.model.UpdateTaskProtectionRequest;
import software.amazon.awssdk.services.ecs.model.UpdateTaskProtectionResponse;

/** RunTask, StopTask, DescribeTasks, ListTasks, UpdateTaskProtection, GetTaskProtection. */
public final class TaskOps {
    private static final Pattern TASK_ID = Pattern.compile("[0-9a-f]{32}");

    private final Context ctx;
    private final Reconciler reconciler;

    public TaskOps(Context ctx, Reconciler reconciler) {
        this.ctx = ctx;
        this.reconciler = reconciler;
    }

    public void register(EcsApi api) {
        api.register("RunTask", RunTaskRequest::builder, RunTaskRequest.class, this::run);
        api.register("StopTask", StopTaskRequest::builder, StopTaskRequest.class, this::stop);
        api.register("DescribeTasks", DescribeTasksRequest::builder, DescribeTasksRequest.class, this::describe);
        api.register("ListTasks", ListTasksRequest::builder, ListTasksRequest.class, this::list);
        api.register("UpdateTaskProtection", UpdateTaskProtectionRequest::builder,
                UpdateTaskProtectionRequest.class, this::updateProtection);
        api.register("GetTaskProtection", GetTaskProtectionRequest::builder, GetTaskProtectionRequest.class,
                this::getProtection);
    }

    RunTaskResponse run(RunTaskRequest r) {
        require(r.taskDefinition() != null && !r.taskDefinition().isEmpty(), "taskDefinition must be specified.");
        Cluster cluster = ctx.cluster(r.cluster());
        TaskDefinition td = TaskDefinitionOps.resolve(ctx, r.taskDefinition())
                .orElseThrow(() -> Errors.invalid("TaskDefinition not found."));
        require(td.status() == TaskDefinitionStatus.ACTIVE, "TaskDefinition is inactive.");
        int count = r.count() == null ? 1 : r.count();
        require(count >= 1, "count must be at least 1, got " + count + ".");
        ctx.config().quotas().check(ServiceQuota.TASKS_PER_RUN_TASK, count);
        Checks.tags(ctx, r.tags());
        require(r.startedBy() == null || r.startedBy().length() <= 128, "startedBy must be at most 128 characters.");
        require(r.group() == null || r.group().length() <= 255, "group must be at most 255 characters.");
        overrides(td, r);
        LaunchTargets targets = LaunchTargets.resolve(ctx, cluster, r.launchTypeAsString(),
                r.capacityProviderStrategy(), td, r.networkConfiguration());
        List<Task> started = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        boolean external = targets.strategy().isEmpty() && LaunchType.EXTERNAL.toString()
                .equals(targets.launchType());
        boolean ec2 = targets.strategy().isEmpty() && LaunchType.EC2.toString().equals(targets.launchType());
        if (targets.strategy().isEmpty() && !LaunchType.FARGATE.toString().equals(targets.launchType())
                && !external && !ec2) {
            for (int i = 0; i < count; i++) {
                failures.add(Failure.builder().arn(cluster.clusterArn()).reason("No Container Instances were found"
                        + " in your cluster.").build());
            }
            return RunTaskResponse.builder().tasks(started).failures(failures).build();
        }
        List<String> subnets = r.networkConfiguration() == null || r.networkConfiguration().awsvpcConfiguration()
                == null ? List.of() : r.networkConfiguration().awsvpcConfiguration().subnets();
        List<Tag> tags = new ArrayList<>(r.hasTags() ? r.tags() : List.of());
        if (r.propagateTags() == PropagateTags.TASK_DEFINITION) {
            tags.addAll(TagOps.sdkTags(ctx, td.taskDefinitionArn()));
        }
        if (Boolean.TRUE.equals(r.enableECSManagedTags())) {
            tags.add(Tag.builder().key(TaskTags.CLUSTER_NAME).value(cluster.clusterName()).build());
        }
        PlacementModelMapper.constraints(r.placementConstraints());
        targets.checkConstraints(r.placementConstraints());
        PlacementModelMapper.strategies(r.placementStrategy());
        PlacementRules placement = PlacementRules.of(r.placementConstraints(), r.placementStrategy());
        List<Task> current = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String provider = targets.strategy().isEmpty() ? null
                    : choose(targets, current);
            Task t = reconciler.tasks().create(new TaskFactory.Spec(cluster, td, provider,
                    provider == null ? targets.launchType() : null,
                    r.group() != null ? r.group() : "family:" + td.family(), r.startedBy(), r.overrides(), subnets,
                    Boolean.TRUE.equals(r.enableExecuteCommand()), placement));
            if (external) { // placed at once, as ECS places tasks on container instances
                TaskRuntime rt = ctx.state().runtimes.get(t.taskArn()).orElseThrow();
                ExternalPlacement.Choice choice = reconciler.external().choose(t, rt);
                if (choice.instance() == null) {
                    ctx.state().tasks.remove(t.taskArn());
                    ctx.state().runtimes.remove(t.taskArn());
                    failures.add(Failure.builder().arn(cluster.clusterArn()).reason(choice.failure()).build());
                    continue;
                }
                reconciler.external().assign(t, rt, choice.instance());
                t = ctx.state().tasks.get(t.taskArn()).orElseThrow();
            } else if (ec2) { // users' EC2 container instances: placed at once as well
                TaskRuntime rt = ctx.state().runtimes.get(t.taskArn()).orElseThrow();
                Ec2Placement.Choice choice = reconciler.ec2Placement().choose(t, rt);
                if (choice.containerInstanceArn() == null) {
                    ctx.state().tasks.remove(t.taskArn());
                    ctx.state().runtimes.remove(t.taskArn());
                    failures.add(Failure.builder().arn(cluster.clusterArn()).reason(choice.failure()).build());
                    continue;
                }
                reconciler.ec2Placement().assign(t, rt, choice.containerInstanceArn());
                t = ctx.state().tasks.get(t.taskArn()).orElseThrow();
            }
            TagOps.setTags(ctx, t.taskArn(), tags);
            current.add(t);
            started.add(t.toBuilder().tags(tags).build());
        }
        return RunTaskResponse.builder().tasks(started).failures(failures).build();
    }

    private static String choose(LaunchTargets targets, List<Task> current) {
        return io.stevedore.control.tasks.ProviderChoice.choose(targets.named(), current);
    }

    static void overrides(TaskDefinition td, RunTaskRequest r) {
        if (r.overrides() == null) {
            return;
        }
        Set<String> names = new HashSet<>();
        td.containerDefinitions().forEach(c -> names.add(c.name()));
        for (ContainerOverride o : r.overrides().containerOverrides()) {
            require(o != null && o.name() != null, "Container override name must be specified.");
            require(names.contains(o.name()), "Override for container named " + o.name()
                    + " is not a container in the TaskDefinition.");
            for (KeyValuePair kv : o.environment()) {
                if (SimulatedRun.RUN_SECONDS.equals(kv.name())) {
                    try {
                        require(Double.parseDouble(kv.value()) >= 0, SimulatedRun.RUN_SECONDS + " must be >= 0.");
                    } catch (NumberFormatException | NullPointerException e) {
                        throw Errors.invalid(SimulatedRun.RUN_SECONDS + " must be a number of seconds.");
                    }
                }
            }
        }
        for (String v : new String[] {r.overrides().cpu(), r.overrides().memory()}) {
            if (v != null) {
                try {
                    require(Integer.parseInt(v.trim()) > 0, "Task override cpu and memory must be positive.");
                } catch (NumberFormatException e) {
                    throw Errors.invalid("Task override cpu and memory must be integers, got '" + v + "'.");
                }
            }
        }
        for (ContainerDefinition c : td.containerDefinitions()) {
            require(c != null, "container definitions must not be null");
        }
    }

    /** The ARN of a task given by ARN or id in a cluster. */
    private String taskArn(Cluster cluster, String ref) {
        require(ref != null && !ref.isEmpty(), "task must be specified.");
        if (ref.startsWith("arn:")) {
            return ref;
        }
        require(TASK_ID.matcher(ref).matches(), "Invalid id: '" + ref + "' is not a task id or ARN.");
        return ctx.arn("task/" + cluster.clusterName() + "/" + ref);
    }

    StopTaskResponse stop(StopTaskRequest r) {
        Cluster cluster = ctx.cluster(r.cluster());
        String arn = taskArn(cluster, r.task());
        require(r.reason() == null || r.reason().length() <= 1024, "reason must be at most 1024 characters.");
        Task t = ctx.state().tasks.get(arn).filter(x -> cluster.clusterArn().equals(x.clusterArn()))
                .orElseThrow(() -> Errors.invalid("The referenced task was not found."));
        reconciler.stopTask(t, TaskStopCode.USER_INITIATED, r.reason() != null ? r.reason() : "Task stopped by user");
        Task u = ctx.state().tasks.get(arn).orElseThrow();
        return StopTaskResponse.builder().task(u).build();
    }

    DescribeTasksResponse describe(DescribeTasksRequest r) {
        Cluster cluster = ctx.cluster(r.cluster());
        require(r.hasTasks() && !r.tasks().isEmpty(), "Tasks cannot be empty.");
        Checks.maxItems(r.tasks(), 100, "tasks");
        boolean tags = r.includeAsStrings() != null && r.includeAsStrings().contains("TAGS");
        List<Task> found = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (String ref : new LinkedHashSet<>(r.tasks())) {
            String arn = ref != null && ref.startsWith("arn:") ? ref
                    : ctx.arn("task/" + cluster.clusterName() + "/" + ref);
            Optional<Task> t = ctx.state().tasks.get(arn).filter(x -> cluster.clusterArn().equals(x.clusterArn()));
            if (t.isPresent()) {
                found.add(tags ? t.get().toBuilder().tags(TagOps.sdkTags(ctx, arn)).build() : t.get());
            } else {
                failures.add(Failure.builder().arn(arn).reason("MISSING").build());
            }
        }
        return DescribeTasksResponse.builder().tasks(found).failures(failures).build();
    }

    ListTasksResponse list(ListTasksRequest r) {
        Cluster cluster = ctx.cluster(r.cluster());
        String desired = r.desiredStatusAsString() == null ? Statuses.TASK_RUNNING : r.desiredStatusAsString();
        require(r.serviceName() == null || r.family() == null,
                "Only one of serviceName and family can be specified.");
        String ci = r.containerInstance() == null ? null : r.containerInstance().startsWith("arn:")
                ? r.containerInstance() : ctx.arn("container-instance/" + cluster.clusterName() + "/"
                + r.containerInstance());
        String serviceGroup = r.serviceName() == null ? null : "service:" + (r.serviceName().contains("/")
                ? r.serviceName().substring(r.serviceName().lastIndexOf('/') + 1) : r.serviceName());
        // the narrowest index the filters allow (each gives its tasks in ARN order, as the table does)
        List<Task> from = serviceGroup != null ? ctx.state().tasksByGroup.values(EcsState.groupKey(
                cluster.clusterArn(), serviceGroup)) : ci != null ? ctx.state().tasksByContainerInstance.values(ci)
                : ctx.state().tasksByDesiredStatus.values(EcsState.desiredKey(cluster.clusterArn(), desired));
        List<String> arns = from.stream().filter(t -> cluster.clusterArn().equals(t.clusterArn())
                && desired.equals(t.desiredStatus())
                && (ci == null || ci.equals(t.containerInstanceArn()))
                && (r.startedBy() == null || r.startedBy().equals(t.startedBy()))
                && (serviceGroup == null || serviceGroup.equals(t.group()))
                && (r.launchTypeAsString() == null || r.launchTypeAsString().equals(launchType(t)))
                && (r.family() == null || t.taskDefinitionArn().contains(":task-definition/" + r.family() + ":")))
                .map(Task::taskArn).toList();
        Pages.Page<String> p = Pages.page(arns, a -> a, r.nextToken(), r.maxResults(), 100);
        return ListTasksResponse.builder().taskArns(p.items()).nextToken(p.nextToken()).build();
    }

    private String launchType(Task t) {
        if (t.launchTypeAsString() != null) {
            return t.launchTypeAsString();
        }
        String p = t.capacityProviderName();
        if (p == null) {
            return null;
        }
        return p.startsWith(CapacityProviderType.FARGATE.toString()) ? LaunchType.FARGATE.toString()
                : LaunchType.MANAGED_INSTANCES.toString();
    }

    UpdateTaskProtectionResponse updateProtection(UpdateTaskProtectionRequest r) {
        Cluster cluster = ctx.cluster(r.cluster());
        require(r.hasTasks() && !r.tasks().isEmpty(), "tasks must not be empty.");
        Checks.maxItems(r.tasks(), 10, "tasks");
        require(r.protectionEnabled() != null, "protectionEnabled must be specified.");
        int minutes = r.expiresInMinutes() == null ? 120 : r.expiresInMinutes();
        Checks.range(minutes, 1, 2880, "expiresInMinutes");
        List<ProtectedTask> done = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (String ref : r.tasks()) {
            String arn = taskArn(cluster, ref);
            Optional<Task> t = ctx.state().tasks.get(arn).filter(x -> Statuses.isRunning(x.desiredStatus()));
            if (t.isEmpty()) {
                failures.add(Failure.builder().arn(arn).reason("TASK_NOT_VALID")
                        .detail("The task is not running or does not exist.").build());
                continue;
            }
            if (t.get().group() == null || !t.get().group().startsWith("service:")) {
                failures.add(Failure.builder().arn(arn).reason("TASK_NOT_VALID")
                        .detail("Task protection applies only to tasks of a service.").build());
                continue;
            }
            Instant expires = ctx.now().plus(Duration.ofMinutes(minutes));
            EcsState.Protection p = new EcsState.Protection(arn, r.protectionEnabled(),
                    r.protectionEnabled() ? expires.toEpochMilli() : 0);
            if (r.protectionEnabled()) {
                ctx.state().protections.put(arn, p);
            } else {
                ctx.state().protections.remove(arn);
            }
            done.add(view(p));
        }
        return UpdateTaskProtectionResponse.builder().protectedTasks(done).failures(failures).build();
    }

    private static ProtectedTask view(EcsState.Protection p) {
        return ProtectedTask.builder().taskArn(p.taskArn()).protectionEnabled(p.enabled())
                .expirationDate(p.enabled() ? Instant.ofEpochMilli(p.expiresAtMillis()) : null).build();
    }

    GetTaskProtectionResponse getProtection(GetTaskProtectionRequest r) {
        Cluster cluster = ctx.cluster(r.cluster());
        List<ProtectedTask> out = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        List<String> refs = r.hasTasks() ? r.tasks() : List.of();
        Checks.maxItems(refs, 100, "tasks");
        for (String ref : refs) {
            String arn = taskArn(cluster, ref);
            if (!ctx.state().tasks.contains(arn)) {
                failures.add(Failure.builder().arn(arn).reason("MISSING").build());
                continue;
            }
            EcsState.Protection p = ctx.state().protections.get(arn)
                    .filter(x -> x.expiresAtMillis() > ctx.now().toEpochMilli())
                    .orElse(new EcsState.Protection(arn, false, 0));
            out.add(view(p));
        }
        return GetTaskProtectionResponse.builder().protectedTasks(out).failures(failures).build();
    }
}
