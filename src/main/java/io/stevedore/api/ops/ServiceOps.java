package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.api.EcsApi;
import io.stevedore.api.Pages;
import io.stevedore.control.state.Context;
import io.stevedore.control.tasks.ServiceDeployments;
import io.stevedore.control.tasks.TaskSetController;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.PlacementModelMapper;
import io.stevedore.ecs.ServiceQuota;
import io.stevedore.ecs.Statuses;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.AvailabilityZoneRebalancing;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.CreateServiceResponse;
import software.amazon.awssdk.services.ecs.model.DeleteServiceRequest;
import software.amazon.awssdk.services.ecs.model.DeleteServiceResponse;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentCircuitBreaker;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentController;
import software.amazon.awssdk.services.ecs.model.DeploymentControllerType;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.PlacementStrategy;
import software.amazon.awssdk.services.ecs.model.ListServicesRequest;
import software.amazon.awssdk.services.ecs.model.ListServicesResponse;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.PropagateTags;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.TaskSet;
import software.amazon.awssdk.services.ecs.model.ThresholdConfiguration;
import software.amazon.awssdk.services.ecs.model.ThresholdType;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/** CreateService, UpdateService, DeleteService, DescribeServices, ListServices. */
public final class ServiceOps {
    private final Context ctx;
    private final ServiceDeployments history;

    public ServiceOps(Context ctx) {
        this.ctx = ctx;
        this.history = new ServiceDeployments(ctx);
    }

    public void register(EcsApi api) {
        api.register("CreateService", CreateServiceRequest::builder, CreateServiceRequest.class, this::create);
        api.register("UpdateService", UpdateServiceRequest::builder, UpdateServiceRequest.class, this::update);
        api.register("DeleteService", DeleteServiceRequest::builder, DeleteServiceRequest.class, this::delete);
        api.register("DescribeServices", DescribeServicesRequest::builder, DescribeServicesRequest.class,
                this::describe);
        api.register("ListServices", ListServicesRequest::builder, ListServicesRequest.class, this::list);
    }

    private String serviceArn(Cluster c, String nameOrArn) {
        return nameOrArn.startsWith("arn:") ? nameOrArn : ctx.arn("service/" + c.clusterName() + "/" + nameOrArn);
    }

    private static DeploymentConfiguration deploymentConfiguration(DeploymentConfiguration given,
                                                                   DeploymentConfiguration base) {
        if (given == null && base != null) { // an UpdateService that leaves it: the stored one, not an equal copy
            return checked(base);
        }
        DeploymentConfiguration.Builder b = (base != null ? base : DeploymentConfiguration.builder()
                .maximumPercent(200).minimumHealthyPercent(100).deploymentCircuitBreaker(
                        DeploymentCircuitBreaker.builder().enable(false).rollback(false).build())
                .strategy("ROLLING").build()).toBuilder();
        if (given != null) {
            if (given.maximumPercent() != null) {
                b.maximumPercent(given.maximumPercent());
            }
            if (given.minimumHealthyPercent() != null) {
                b.minimumHealthyPercent(given.minimumHealthyPercent());
            }
            if (given.deploymentCircuitBreaker() != null) {
                b.deploymentCircuitBreaker(breaker(given.deploymentCircuitBreaker()));
            }
            if (given.alarms() != null) {
                b.alarms(given.alarms()); // stored and shown; not evaluated (docs/decisions.md)
            }
        }
        return checked(b.build());
    }

    private static DeploymentConfiguration checked(DeploymentConfiguration dc) {
        require(dc.minimumHealthyPercent() >= 0 && dc.minimumHealthyPercent() <= 100,
                "minimumHealthyPercent must be between 0 and 100.");
        require(dc.maximumPercent() >= 100, "maximumPercent must be at least 100.");
        return dc;
    }

    /** The circuit breaker as given, its threshold configuration checked. */
    private static DeploymentCircuitBreaker breaker(DeploymentCircuitBreaker cb) {
        ThresholdConfiguration tc = cb.thresholdConfiguration();
        if (tc != null) {
            require(tc.type() != null && tc.type() != ThresholdType.UNKNOWN_TO_SDK_VERSION,
                    "thresholdConfiguration.type must be one of COUNT, BOUNDED_PERCENT, UNBOUNDED_PERCENT.");
            require(tc.value() != null && tc.value() >= 1, "thresholdConfiguration.value must be at least 1.");
        }
        return cb;
    }

    private Deployment newDeployment(TaskDefinition td, LaunchTargets targets, NetworkConfiguration nc, int desired) {
        String id = ServiceDeployments.newDeploymentId(ctx.state());
        return Deployment.builder().id(id).status(Statuses.DEPLOYMENT_PRIMARY).taskDefinition(td.taskDefinitionArn())
                .desiredCount(desired).pendingCount(0).runningCount(0).failedTasks(0).createdAt(ctx.now())
                .updatedAt(ctx.now()).launchType(targets.launchType())
                .capacityProviderStrategy(targets.strategy().isEmpty() ? null : targets.named())
                .networkConfiguration(nc).rolloutState(DeploymentRolloutState.IN_PROGRESS)
                .rolloutStateReason("ECS deployment " + id + " in progress.").build();
    }

    CreateServiceResponse create(CreateServiceRequest r) {
        require(r.serviceName() != null && !r.serviceName().isEmpty(), "serviceName must be specified.");
        Checks.name(r.serviceName(), "serviceName");
        Cluster cluster = ctx.cluster(r.cluster());
        Checks.tags(ctx, r.tags());
        String arn = serviceArn(cluster, r.serviceName());
        Optional<Service> existing = ctx.state().services.get(arn);
        if (existing.isPresent() && Statuses.SERVICE_ACTIVE.equals(existing.get().status())) {
            throw Errors.invalid("Creation of service was not idempotent.");
        }
        if (existing.isPresent() && Statuses.SERVICE_DRAINING.equals(existing.get().status())) {
            throw Errors.invalid("Unable to Start a service that is still Draining.");
        }
        boolean daemon = "DAEMON".equals(r.schedulingStrategyAsString());
        DeploymentControllerType controller = r.deploymentController() == null
                || r.deploymentController().type() == null ? DeploymentControllerType.ECS
                : r.deploymentController().type();
        require(controller == DeploymentControllerType.ECS || !daemon,
                "The " + controller + " deployment controller does not support the DAEMON scheduling strategy.");
        String clusterArn = cluster.clusterArn();
        ctx.config().quotas().check(ServiceQuota.SERVICES_PER_CLUSTER,
                1 + ctx.state().liveServicesByCluster.count(clusterArn));
        if (controller == DeploymentControllerType.EXTERNAL) {
            return createExternal(r, cluster, arn);
        }
        if (daemon) {
            daemonChecks(r.desiredCount(), r.placementStrategy(), r.capacityProviderStrategy());
            require(!LaunchType.FARGATE.equals(r.launchType()), "The daemon scheduling strategy is not supported"
                    + " for the FARGATE launch type.");
        } else {
            require(r.desiredCount() != null, "desiredCount is required when schedulingStrategy is REPLICA.");
            require(r.desiredCount() >= 0, "desiredCount must be >= 0.");
            ctx.config().quotas().check(ServiceQuota.TASKS_PER_SERVICE, r.desiredCount());
        }
        require(r.taskDefinition() != null && !r.taskDefinition().isEmpty(), "taskDefinition must be specified.");
        TaskDefinition td = TaskDefinitionOps.resolve(ctx, r.taskDefinition())
                .orElseThrow(() -> Errors.invalid("TaskDefinition not found."));
        require(td.status() == TaskDefinitionStatus.ACTIVE, "TaskDefinition is inactive.");
        Checks.maxItems(r.placementConstraints(), 10, "placementConstraints");
        Checks.maxItems(r.placementStrategy(), 5, "placementStrategy");
        PlacementModelMapper.constraints(r.placementConstraints());
        PlacementModelMapper.strategies(r.placementStrategy());
        LaunchTargets targets = LaunchTargets.resolve(ctx, cluster, r.launchTypeAsString(), r.capacityProviderStrategy(), td,
                r.networkConfiguration());
        targets.checkConstraints(r.placementConstraints());
        if (daemon) {
            // a cluster's default capacity provider strategy applies too: ECS then refuses (launchType EC2 helps);
            // Managed Instances capacity runs Managed Daemons instead (docs/decisions.md "EC2 launch type")
            daemonChecks(null, null, targets.strategy());
            require(LaunchType.EC2.toString().equals(targets.launchType()), "The daemon scheduling strategy runs"
                    + " on EC2 container instances in Stevedore: use launchType EC2.");
        }
        int desiredCount = daemon ? 0 : r.desiredCount();
        DeploymentConfiguration dc = deploymentConfiguration(r.deploymentConfiguration(), null);
        if (daemon && (r.deploymentConfiguration() == null
                || r.deploymentConfiguration().minimumHealthyPercent() == null)) {
            dc = dc.toBuilder().minimumHealthyPercent(0).maximumPercent(dc.maximumPercent() == null ? 100
                    : Math.min(100, dc.maximumPercent())).build(); // ECS's defaults for daemon services
        }
        Service s = Service.builder().serviceArn(arn).serviceName(r.serviceName()).clusterArn(cluster.clusterArn())
                // lists ECS always answers, empty when unset (the aws CLI's create-service examples)
                .loadBalancers(r.hasLoadBalancers() ? r.loadBalancers() : List.of())
                .serviceRegistries(r.hasServiceRegistries() ? r.serviceRegistries() : List.of()).events(List.of())
                .status(Statuses.SERVICE_ACTIVE)
                .desiredCount(desiredCount).runningCount(0).pendingCount(0).launchType(targets.launchType())
                .capacityProviderStrategy(targets.strategy().isEmpty() ? null : targets.named())
                .platformVersion(r.platformVersion()).taskDefinition(td.taskDefinitionArn())
                .deploymentConfiguration(dc)
                .deployments(List.of(newDeployment(td, targets, r.networkConfiguration(), desiredCount)))
                .roleArn(r.role()).createdAt(ctx.now())
                .networkConfiguration(r.networkConfiguration())
                .healthCheckGracePeriodSeconds(r.healthCheckGracePeriodSeconds())
                .schedulingStrategy(daemon ? "DAEMON" : "REPLICA")
                .deploymentController(DeploymentController.builder().type(controller).build())
                .applyMutation(b -> requestMembers(b, r))
                .build();
        history.forget(arn); // a service made again under an old name starts without its old deployments
        if (controller == DeploymentControllerType.CODE_DEPLOY) { // its first task set runs the tasks, as PRIMARY
            s = s.toBuilder().deployments(List.of()).taskSets(TaskSetOps.newTaskSet(ctx, cluster, s, td, targets,
                    r.networkConfiguration(), r.loadBalancers(), r.serviceRegistries(), r.platformVersion(), null,
                    null, TaskSetController.PRIMARY)).build();
            return stored(s, r);
        }
        s = s.toBuilder().currentServiceDeployment(history.started(s, s.deployments().get(0), td)).build();
        return stored(s, r);
    }

    /** Stores a new service with its tags and no events; the answer. */
    private CreateServiceResponse stored(Service s, CreateServiceRequest r) {
        String arn = s.serviceArn();
        ctx.state().services.put(arn, s);
        ctx.state().serviceEvents.remove(arn); // a service made again under an old name starts without events
        ctx.state().tags.remove(arn);
        TagOps.setTags(ctx, arn, r.tags());
        return CreateServiceResponse.builder().service(r.hasTags() ? s.toBuilder().tags(r.tags()).build() : s)
                .build();
    }

    /**
     * A service with the EXTERNAL deployment controller: only its name, desired count (0 when not given), deployment
     * configuration, placement, tagging and health check grace period; what its tasks run is each task set's
     * (CreateTaskSet), so those members must be blank, and it starts no task until a task set does.
     */
    private CreateServiceResponse createExternal(CreateServiceRequest r, Cluster cluster, String arn) {
        require(r.taskDefinition() == null || !r.taskDefinition().isEmpty(), "Family should not be null or empty.");
        require(r.taskDefinition() == null, "TaskDefinition must be blank.");
        require(r.launchType() == null, "LaunchType must be blank.");
        require(!r.hasCapacityProviderStrategy() || r.capacityProviderStrategy().isEmpty(),
                "CapacityProviderStrategy must be blank.");
        require(r.platformVersion() == null, "PlatformVersion must be blank.");
        require(r.networkConfiguration() == null, "NetworkConfiguration must be blank.");
        require(!r.hasLoadBalancers() || r.loadBalancers().isEmpty(), "LoadBalancers must be blank.");
        require(!r.hasServiceRegistries() || r.serviceRegistries().isEmpty(), "ServiceRegistries must be blank.");
        int desired = r.desiredCount() == null ? 0 : r.desiredCount();
        require(desired >= 0, "desiredCount must be >= 0.");
        ctx.config().quotas().check(ServiceQuota.TASKS_PER_SERVICE, desired);
        Checks.maxItems(r.placementConstraints(), 10, "placementConstraints");
        Checks.maxItems(r.placementStrategy(), 5, "placementStrategy");
        PlacementModelMapper.constraints(r.placementConstraints());
        PlacementModelMapper.strategies(r.placementStrategy());
        Service s = Service.builder().serviceArn(arn).serviceName(r.serviceName()).clusterArn(cluster.clusterArn())
                .status(Statuses.SERVICE_ACTIVE).desiredCount(desired).runningCount(0).pendingCount(0)
                .deploymentConfiguration(deploymentConfiguration(r.deploymentConfiguration(), null))
                .deployments(List.of()).taskSets(List.of()).roleArn(r.role()).createdAt(ctx.now())
                .healthCheckGracePeriodSeconds(r.healthCheckGracePeriodSeconds()).schedulingStrategy("REPLICA")
                .deploymentController(DeploymentController.builder().type(DeploymentControllerType.EXTERNAL).build())
                .applyMutation(b -> requestMembers(b, r))
                .build();
        history.forget(arn);
        return stored(s, r);
    }

    /**
     * UpdateService on a service whose task sets run its tasks: what a task set defines (task definition, network,
     * platform version, capacity, load balancers, registries) is refused, as ECS refuses it; the rest as usual.
     */
    private void checkTaskSetUpdate(Service s, UpdateServiceRequest r) {
        boolean codeDeploy = s.deploymentController().type() == DeploymentControllerType.CODE_DEPLOY;
        String how = codeDeploy ? "Use AWS CodeDeploy to trigger a new deployment."
                : "Create a new task set (CreateTaskSet) and make it the primary task set.";
        String kind = codeDeploy ? "a CODE_DEPLOY" : "an EXTERNAL";
        require(r.taskDefinition() == null || r.taskDefinition().equals(s.taskDefinition()),
                "Unable to update task definition on services with " + kind + " deployment controller. " + how);
        require(r.networkConfiguration() == null, "Unable to update network configuration on services with "
                + kind + " deployment controller. " + how);
        require(r.platformVersion() == null, "Unable to update platform version on services with " + kind
                + " deployment controller. " + how);
        require(!r.hasCapacityProviderStrategy(), "Unable to update capacity provider strategy on services with "
                + kind + " deployment controller. " + how);
        require(!r.hasLoadBalancers(), "Unable to update load balancers on services with " + kind
                + " deployment controller. " + how);
        require(!r.hasServiceRegistries(), "Unable to update service registries on services with " + kind
                + " deployment controller. " + how);
    }

    /**
     * What every new service takes from its CreateService request whatever its controller: placement (empty lists
     * when unset, as ECS answers), creator, managed tags, tag propagation, ECS Exec, AZ rebalancing.
     */
    private void requestMembers(Service.Builder b, CreateServiceRequest r) {
        b.placementConstraints(r.hasPlacementConstraints() ? r.placementConstraints() : List.of())
                .placementStrategy(r.hasPlacementStrategy() ? r.placementStrategy() : List.of())
                .createdBy("arn:aws:iam::" + ctx.config().accountId() + ":root")
                .enableECSManagedTags(Boolean.TRUE.equals(r.enableECSManagedTags()))
                .propagateTags(r.propagateTagsAsString() == null ? PropagateTags.NONE.toString()
                        : r.propagateTagsAsString())
                .enableExecuteCommand(Boolean.TRUE.equals(r.enableExecuteCommand()))
                .availabilityZoneRebalancing(r.availabilityZoneRebalancingAsString() == null
                        ? AvailabilityZoneRebalancing.ENABLED.toString()
                        : r.availabilityZoneRebalancingAsString());
    }

    /** What ECS refuses for a service with the DAEMON scheduling strategy, with its messages. */
    private static void daemonChecks(Integer desiredCount, List<PlacementStrategy> strategies,
                                     List<CapacityProviderStrategyItem> capacity) {
        require(desiredCount == null, "The daemon scheduling strategy does not support a desired count for"
                + " services. Remove the desired count value and try again");
        require(strategies == null || strategies.isEmpty(), "The daemon scheduling strategy does not support"
                + " placement strategies. Remove the placement strategy and try again");
        require(capacity == null || capacity.isEmpty(), "Specifying a capacity provider strategy is not supported"
                + " when you create a service using the DAEMON scheduling strategy.");
    }

    private Service active(Cluster cluster, String ref) {
        require(ref != null && !ref.isEmpty(), "service must be specified.");
        Service s = ctx.state().services.get(serviceArn(cluster, ref))
                .filter(x -> cluster.clusterArn().equals(x.clusterArn())).orElseThrow(Errors::serviceNotFound);
        if (!Statuses.SERVICE_ACTIVE.equals(s.status())) {
            throw Errors.serviceNotActive();
        }
        return s;
    }

    UpdateServiceResponse update(UpdateServiceRequest r) {
        Cluster cluster = ctx.cluster(r.cluster());
        Service s = active(cluster, r.service());
        Service.Builder b = s.toBuilder();
        if ("DAEMON".equals(s.schedulingStrategyAsString())) {
            daemonChecks(r.desiredCount(), r.placementStrategy(), r.capacityProviderStrategy());
        }
        if (r.desiredCount() != null) {
            require(r.desiredCount() >= 0, "desiredCount must be >= 0.");
            ctx.config().quotas().check(ServiceQuota.TASKS_PER_SERVICE, r.desiredCount());
            b.desiredCount(r.desiredCount());
        }
        int desired = r.desiredCount() != null ? r.desiredCount() : s.desiredCount();
        b.deploymentConfiguration(deploymentConfiguration(r.deploymentConfiguration(), s.deploymentConfiguration()));
        if (TaskSetController.usesTaskSets(s)) {
            checkTaskSetUpdate(s, r);
            if (r.desiredCount() != null) { // each set's computed desired count follows (the scheduler's pass too)
                List<TaskSet> sets = new ArrayList<>();
                for (TaskSet ts : s.taskSets()) {
                    sets.add(TaskSetController.DRAINING.equals(ts.status()) ? ts : ts.toBuilder()
                            .computedDesiredCount(TaskSetController.computedDesiredCount(desired, ts.scale()))
                            .build());
                }
                b.taskSets(sets);
            }
            return finishUpdate(r, b);
        }
        Deployment primary = s.deployments().get(0);
        TaskDefinition td = r.taskDefinition() == null ? ctx.state().taskDefinitions.get(s.taskDefinition())
                .orElseThrow(() -> Errors.invalid("TaskDefinition not found."))
                : TaskDefinitionOps.resolve(ctx, r.taskDefinition())
                .orElseThrow(() -> Errors.invalid("TaskDefinition not found."));
        require(r.taskDefinition() == null || td.status() == TaskDefinitionStatus.ACTIVE,
                "TaskDefinition is inactive.");
        boolean newStrategy = r.hasCapacityProviderStrategy();
        NetworkConfiguration nc = r.networkConfiguration() != null ? r.networkConfiguration()
                : s.networkConfiguration();
        LaunchTargets targets = LaunchTargets.resolve(ctx, cluster, newStrategy ? null : s.launchTypeAsString(),
                newStrategy ? r.capacityProviderStrategy() : s.capacityProviderStrategy(), td, nc);
        boolean redeploy = Boolean.TRUE.equals(r.forceNewDeployment())
                || !td.taskDefinitionArn().equals(primary.taskDefinition()) || newStrategy
                || r.networkConfiguration() != null && !r.networkConfiguration().equals(s.networkConfiguration());
        List<Deployment> deployments = new ArrayList<>();
        if (redeploy) {
            deployments.add(newDeployment(td, targets, nc, desired));
            for (Deployment d : s.deployments()) {
                deployments.add(d.toBuilder().status(Statuses.DEPLOYMENT_ACTIVE).build());
            }
            b.taskDefinition(td.taskDefinitionArn()).networkConfiguration(nc).launchType(targets.launchType())
                    .capacityProviderStrategy(targets.strategy().isEmpty() ? null : targets.named());
        } else {
            deployments.addAll(s.deployments());
            deployments.set(0, primary.toBuilder().desiredCount(desired).rolloutState(
                    desired == primary.runningCount() || primary.rolloutState() == DeploymentRolloutState.FAILED
                            ? primary.rolloutStateAsString() : DeploymentRolloutState.IN_PROGRESS.toString())
                    .build());
        }
        b.deployments(deployments);
        if (redeploy) {
            b.currentServiceDeployment(history.started(b.build(), deployments.get(0), td));
        }
        return finishUpdate(r, b);
    }

    /** The members every deployment controller updates alike; stores the service and answers it. */
    private UpdateServiceResponse finishUpdate(UpdateServiceRequest r, Service.Builder b) {
        if (r.enableExecuteCommand() != null) {
            b.enableExecuteCommand(r.enableExecuteCommand());
        }
        if (r.healthCheckGracePeriodSeconds() != null) {
            b.healthCheckGracePeriodSeconds(r.healthCheckGracePeriodSeconds());
        }
        if (r.hasPlacementConstraints()) {
            PlacementModelMapper.constraints(r.placementConstraints());
            b.placementConstraints(r.placementConstraints());
        }
        if (r.hasPlacementStrategy()) {
            PlacementModelMapper.strategies(r.placementStrategy());
            b.placementStrategy(r.placementStrategy());
        }
        if (r.propagateTagsAsString() != null) {
            b.propagateTags(r.propagateTagsAsString());
        }
        Service u = b.build();
        ctx.state().services.put(u.serviceArn(), u);
        if (!EcsApi.answerRead()) { // an in-process caller that discards the answer (EcsApi.send)
            return UpdateServiceResponse.builder().service(u).build();
        }
        // the answer shows the events: the same builder built again with them (not a toBuilder of the stored row)
        return UpdateServiceResponse.builder().service(ctx.state().serviceEvents.get(u.serviceArn())
                .map(log -> b.events(log.events()).build()).orElse(u)).build();
    }

    DeleteServiceResponse delete(DeleteServiceRequest r) {
        Cluster cluster = ctx.cluster(r.cluster());
        Service s = active(cluster, r.service());
        if (s.desiredCount() > 0 && !Boolean.TRUE.equals(r.force())
                && !"DAEMON".equals(s.schedulingStrategyAsString())) { // a daemon service is deleted as it runs
            throw Errors.invalid("The service cannot be stopped while it is scaled above 0.");
        }
        Service u = s.toBuilder().status(Statuses.SERVICE_DRAINING).desiredCount(0).build();
        ctx.state().services.put(u.serviceArn(), u);
        history.serviceDeleted(u.serviceArn());
        return DeleteServiceResponse.builder().service(ctx.state().withEvents(u)).build();
    }

    DescribeServicesResponse describe(DescribeServicesRequest r) {
        Cluster cluster = ctx.cluster(r.cluster());
        require(r.hasServices() && !r.services().isEmpty(), "Services cannot be empty.");
        Checks.maxItems(r.services(), 10, "services");
        boolean tags = r.includeAsStrings() != null && r.includeAsStrings().contains("TAGS");
        List<Service> found = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (String ref : new LinkedHashSet<>(r.services())) {
            require(ref != null && !ref.isEmpty(), "services must not contain blank names.");
            String arn = serviceArn(cluster, ref);
            Optional<Service> s = ctx.state().services.get(arn);
            if (s.isPresent()) {
                Service shown = ctx.state().withEvents(s.get());
                found.add(tags ? shown.toBuilder().tags(TagOps.sdkTags(ctx, arn)).build() : shown);
            } else {
                // ECS names a missing service by the ARN given, or for a bare name by the ARN without the
                // cluster ("arn:aws:ecs:us-east-2:…:service/pawebapp-service is MISSING" in
                // aws-actions/amazon-ecs-deploy-task-definition issue 312, which passes a name and a cluster)
                failures.add(Failure.builder().arn(ref.startsWith("arn:") ? ref : ctx.arn("service/" + ref))
                        .reason("MISSING").build());
            }
        }
        return DescribeServicesResponse.builder().services(found).failures(failures).build();
    }

    ListServicesResponse list(ListServicesRequest r) {
        Cluster cluster = ctx.cluster(r.cluster());
        List<String> arns = ctx.state().services.values(s -> cluster.clusterArn().equals(s.clusterArn())
                && Statuses.isServiceLive(s.status())
                && (r.launchTypeAsString() == null || r.launchTypeAsString().equals(s.launchTypeAsString())
                || r.launchType() == LaunchType.MANAGED_INSTANCES && s.launchTypeAsString() == null)
                && (r.schedulingStrategyAsString() == null
                || r.schedulingStrategyAsString().equals(s.schedulingStrategyAsString())))
                .stream().map(Service::serviceArn).toList();
        Pages.Page<String> p = Pages.page(arns, a -> a, r.nextToken(), r.maxResults(), 10);
        return ListServicesResponse.builder().serviceArns(p.items()).nextToken(p.nextToken()).build();
    }
}
