package io.stevedore.control.state;

import io.stevedore.cloud.Instance;
import io.stevedore.store.Table;
import java.util.Objects;
import java.util.function.Function;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.DaemonDeployment;
import software.amazon.awssdk.services.ecs.model.DaemonRevision;
import software.amazon.awssdk.services.ecs.model.DaemonTaskDefinition;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * A kind of row the control plane keeps, with its row type: what {@link ChangeFeed} subscribers name instead of a
 * table. The table names of the store live here and nowhere else in the control plane.
 *
 * @param <T> the row type
 */
public final class RowKind<T> {
    public static final RowKind<Cluster> CLUSTER = new RowKind<>("ecs.cluster", s -> s.clusters);
    public static final RowKind<CapacityProvider> CAPACITY_PROVIDER =
            new RowKind<>("ecs.capacity-provider", s -> s.capacityProviders);
    public static final RowKind<TaskDefinition> TASK_DEFINITION =
            new RowKind<>("ecs.task-definition", s -> s.taskDefinitions);
    public static final RowKind<Service> SERVICE = new RowKind<>("ecs.service", s -> s.services);
    /** A service deployment (the SDK's {@code ServiceDeployment}): its status, circuit breaker and rollback. */
    public static final RowKind<ServiceDeployment> SERVICE_DEPLOYMENT =
            new RowKind<>("ecs.service-deployment", s -> s.serviceDeployments);
    public static final RowKind<ServiceRevision> SERVICE_REVISION =
            new RowKind<>("ecs.service-revision", s -> s.serviceRevisions);
    /** The control plane's notes on a service's {@code Deployment} (revision, service deployment, breaker tally). */
    public static final RowKind<DeploymentBook> DEPLOYMENT_BOOK =
            new RowKind<>("ecs.deployment-book", s -> s.deploymentBooks);
    public static final RowKind<Task> TASK = new RowKind<>("ecs.task", s -> s.tasks);
    public static final RowKind<ContainerInstance> CONTAINER_INSTANCE =
            new RowKind<>("ecs.container-instance", s -> s.containerInstances);
    public static final RowKind<EcsState.TagSet> TAGS = new RowKind<>("ecs.tags", s -> s.tags);
    public static final RowKind<EcsState.Protection> TASK_PROTECTION =
            new RowKind<>("ecs.task-protection", s -> s.protections);
    /** Managed Daemons (RegisterDaemonTaskDefinition, CreateDaemon, its revisions and deployments). */
    public static final RowKind<DaemonTaskDefinition> DAEMON_TASK_DEFINITION =
            new RowKind<>("ecs.daemon-task-definition", s -> s.daemonTaskDefinitions);
    public static final RowKind<Daemon> DAEMON = new RowKind<>("ecs.daemon", s -> s.daemons);
    public static final RowKind<DaemonRevision> DAEMON_REVISION =
            new RowKind<>("ecs.daemon-revision", s -> s.daemonRevisions);
    public static final RowKind<DaemonDeployment> DAEMON_DEPLOYMENT =
            new RowKind<>("ecs.daemon-deployment", s -> s.daemonDeployments);
    /** The engine's side of a task: its phase, due time and placement. */
    public static final RowKind<TaskRuntime> TASK_RUNTIME = new RowKind<>("engine.task", s -> s.runtimes);
    /** A managed instance the control plane launched (the engine's side of an EC2 instance). */
    public static final RowKind<ManagedInstance> MANAGED_INSTANCE =
            new RowKind<>("engine.instance", s -> s.instances);
    /** The disruption state of an instance: drain, Spot notice, impairment, image use. */
    public static final RowKind<InstanceLifecycleState> INSTANCE_LIFECYCLE =
            new RowKind<>("lifecycle.instance", s -> s.instanceLifecycle);
    public static final RowKind<LaunchBackoff> LAUNCH_BACKOFF =
            new RowKind<>("lifecycle.launch-backoff", s -> s.launchBackoff);
    public static final RowKind<WindowSetting> MAINTENANCE_WINDOW =
            new RowKind<>("lifecycle.event-window", s -> s.maintenanceWindows);
    /** Application Auto Scaling's rows (docs/decisions.md "Service Auto Scaling"). */
    public static final RowKind<ScalableTarget> SCALABLE_TARGET =
            new RowKind<>("aas.scalable-target", s -> s.scalableTargets);
    public static final RowKind<ScalingPolicy> SCALING_POLICY =
            new RowKind<>("aas.scaling-policy", s -> s.scalingPolicies);
    public static final RowKind<ScheduledAction> SCHEDULED_ACTION =
            new RowKind<>("aas.scheduled-action", s -> s.scheduledActions);
    public static final RowKind<ScalingActivity> SCALING_ACTIVITY =
            new RowKind<>("aas.scaling-activity", s -> s.scalingActivities);
    /** CloudWatch metric alarms (PutMetricAlarm's and target tracking's own). */
    public static final RowKind<software.amazon.awssdk.services.cloudwatch.model.MetricAlarm> METRIC_ALARM =
            new RowKind<>("cloudwatch.metric-alarm", s -> s.metricAlarms);
    /** PutMetricData's acknowledged datapoints (custom metrics), kept for the metrics' retention. */
    public static final RowKind<CustomDatapoint> CUSTOM_DATAPOINT =
            new RowKind<>("cloudwatch.datapoint", s -> s.customDatapoints);
    /** A user's EC2 instance registered as a container instance (launch type EC2). */
    public static final RowKind<Ec2Registration> EC2_REGISTRATION =
            new RowKind<>("ecs.ec2-registration", s -> s.ec2Registrations);
    /** A container instance whose tasks a real agent runs (docs/execution.md). */
    public static final RowKind<AgentInstance> AGENT_INSTANCE = new RowKind<>("agent.instance", s -> s.agents);
    /**
     * An instance as the cloud provider reports it. Kept by the provider, not by {@link EcsState}: committed changes
     * only (the simulated provider's rows).
     */
    public static final RowKind<Instance> CLOUD_INSTANCE = new RowKind<>("ec2.instance", null);

    private final String table;
    private final Function<EcsState, Table<T>> in;

    private RowKind(String table, Function<EcsState, Table<T>> in) {
        this.table = Objects.requireNonNull(table, "table");
        this.in = in;
    }

    /** The store's name of the table. */
    String table() {
        return table;
    }

    /** The table in {@code state}; the provider's rows have none there. */
    Table<T> tableIn(EcsState state) {
        if (in == null) {
            throw new IllegalArgumentException(table + " is the cloud provider's: only committed changes are fed");
        }
        return in.apply(state);
    }

    @Override
    public String toString() {
        return table;
    }
}
