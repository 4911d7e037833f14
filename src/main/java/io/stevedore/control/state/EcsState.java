package io.stevedore.control.state;

import io.stevedore.ecs.DaemonDefinitions;
import io.stevedore.ecs.SdkCodec;
import io.stevedore.ecs.SimulatedRun;
import io.stevedore.ecs.Statuses;
import io.stevedore.store.Database;
import io.stevedore.store.Index;
import io.stevedore.store.JsonCodec;
import io.stevedore.store.Table;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.DaemonDeployment;
import software.amazon.awssdk.services.ecs.model.DaemonRevision;
import software.amazon.awssdk.services.ecs.model.DaemonTaskDefinition;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;
import software.amazon.awssdk.services.ecs.model.Setting;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * The control plane's state: one {@link Table} per resource kind, keyed by ARN (capacity providers by name,
 * account settings by principal and name). ECS resources are held as the SDK model objects the API returns.
 */
public final class EcsState {
    /** Tags of one resource. */
    public record TagSet(String arn, Map<String, String> tags) {
        public TagSet {
            tags = tags == null ? new LinkedHashMap<>() : new LinkedHashMap<>(tags);
        }
    }

    /** Scale-in protection of a task. */
    public record Protection(String taskArn, boolean enabled, long expiresAtMillis) {
    }

    /** ECS keeps a service's latest 100 events. */
    public static final int MAX_SERVICE_EVENTS = ServiceEventLog.MAX;

    /** A persisted sequence. */
    public record Sequence(String name, long value) {
    }

    public final Database db;
    public final Table<Cluster> clusters;
    public final Table<CapacityProvider> capacityProviders;
    public final Table<TaskDefinition> taskDefinitions;
    public final Table<Service> services;
    public final Table<Task> tasks;
    public final Table<ContainerInstance> containerInstances;
    public final Table<TagSet> tags;
    /** Daemon task definitions, by ARN ({@code daemon-task-definition/family:revision}). */
    public final Table<DaemonTaskDefinition> daemonTaskDefinitions;
    /** Daemons, by ARN. */
    public final Table<Daemon> daemons;
    /** Daemon revisions (immutable snapshots taken at each deployment), by ARN. */
    public final Table<DaemonRevision> daemonRevisions;
    /** Daemon deployments, by ARN. */
    public final Table<DaemonDeployment> daemonDeployments;
    public final Table<Setting> accountSettings;
    public final Table<TaskRuntime> runtimes;
    public final Table<ManagedInstance> instances;
    public final Table<Protection> protections;
    /**
     * Each service's events, newest first (the latest {@link #MAX_SERVICE_EVENTS}), kept apart from the service row
     * so that the scheduler's count updates do not copy a hundred events each time; responses put them back.
     */
    public final Table<ServiceEventLog> serviceEvents;
    /** Service deployments (ListServiceDeployments, DescribeServiceDeployments), by ARN; kept after they end. */
    public final Table<ServiceDeployment> serviceDeployments;
    /** Service revisions (DescribeServiceRevisions), by ARN: what a rollback deploys again. */
    public final Table<ServiceRevision> serviceRevisions;
    /** The control plane's notes on each service {@code Deployment}, by deployment id. */
    public final Table<DeploymentBook> deploymentBooks;
    /** Service deployments by service ARN. */
    public final Index<ServiceDeployment, String> serviceDeploymentsByService;
    /** Deployment books by the service deployment they belong to. */
    public final Index<DeploymentBook, String> deploymentBooksByServiceDeployment;
    /** Each instance's disruption state (drain, Spot notice, impairment, image use), by EC2 id. */
    public final Table<InstanceLifecycleState> instanceLifecycle;
    /** Launch backoff per capacity provider after insufficient-capacity failures. */
    public final Table<LaunchBackoff> launchBackoff;
    /** Maintenance windows attached through the admin API, by {@code cluster/provider}. */
    public final Table<WindowSetting> maintenanceWindows;
    /** Application Auto Scaling scalable targets, by {@link ScalableTarget#key}. */
    public final Table<ScalableTarget> scalableTargets;
    /** Application Auto Scaling policies, by policy ARN. */
    public final Table<ScalingPolicy> scalingPolicies;
    /** Application Auto Scaling scheduled actions, by {@link ScheduledAction#key}. */
    public final Table<ScheduledAction> scheduledActions;
    /** Scaling activities, by {@link ScalingActivity#key}. */
    public final Table<ScalingActivity> scalingActivities;
    /** Scaling policies by {@link ScalingPolicy#targetKey()}. */
    public final Index<ScalingPolicy, String> policiesByTarget;
    /** Scaling activities by resource id. */
    public final Index<ScalingActivity, String> activitiesByResource;
    /** CloudWatch metric alarms (PutMetricAlarm and target tracking's own), by alarm name. */
    public final Table<MetricAlarm> metricAlarms;
    /** PutMetricData's datapoints (custom metrics), so that a restart rebuilds them. */
    public final Table<CustomDatapoint> customDatapoints;
    /** Services whose task definition declares its utilization ({@link SimulatedRun}), under {@code TRUE}. */
    public final Index<Service, Boolean> servicesDeclaringUtilization;
    /** Tag sets with a load tag ({@link SimulatedRun#CPU_LOAD_TAG}, …), under {@code TRUE}. */
    public final Index<TagSet, Boolean> loadTags;
    /** Container instances whose tasks a real agent runs, by container instance ARN (docs/execution.md). */
    public final Table<AgentInstance> agents;
    /** Agent-backed container instances by the EC2 or {@code mi-} instance id their tasks' runtimes record. */
    public final Index<AgentInstance, String> agentsByInstance;
    /** Users' EC2 instances registered as container instances (launch type EC2), by EC2 instance id. */
    public final Table<Ec2Registration> ec2Registrations;
    /** The same by container instance ARN. */
    public final Index<Ec2Registration, String> ec2ByContainerInstance;
    /** Services with the DAEMON scheduling strategy, by cluster ARN. */
    public final Index<Service, String> daemonServicesByCluster;
    /** Services that are not INACTIVE, by cluster ARN (the services-per-cluster quota counts them). */
    public final Index<Service, String> liveServicesByCluster;
    /** What changed, typed: the one change-tracking mechanism of the control plane. */
    public final ChangeFeed feed;
    private final Table<Sequence> sequences;
    private final String idSeed;
    /** The kind of a service event's id ({@link #newId}'s). */
    private static final String EVENT = "event";
    /** What a service event's id is made from, before its number. */
    private final String eventIdPrefix;

    /** Tasks by container instance ARN (every task placed on one, STOPPED ones until they are purged). */
    public final Index<Task, String> tasksByContainerInstance;
    /** Tasks by {@link #desiredKey} (cluster ARN and desiredStatus: ListTasks without a narrower filter). */
    public final Index<Task, String> tasksByDesiredStatus;
    /** Tasks by {@link #groupKey} (cluster ARN and task group, e.g. {@code service:web}). */
    public final Index<Task, String> tasksByGroup;
    /** Engine runtimes waiting for placement (phase UNPLACED, under {@code TRUE}). */
    public final Index<TaskRuntime, Boolean> unplacedRuntimes;
    /** Engine runtimes of tasks not yet done, by the EC2 instance they are placed on. */
    public final Index<TaskRuntime, String> runtimesByInstance;
    /** Managed instances by container instance ARN (registered ones). */
    public final Index<ManagedInstance, String> instancesByContainerInstance;
    /** Managed instances not yet registered as container instances (booting), under {@code TRUE}. */
    public final Index<ManagedInstance, Boolean> unregisteredInstances;
    /** Container instances by status (ACTIVE, DRAINING, …). */
    public final Index<ContainerInstance, String> containerInstancesByStatus;

    public EcsState(Database db, PlaneConfig config) {
        this.db = db;
        this.clusters = db.table(RowKind.CLUSTER.table(), new SdkCodec<>(Cluster::builder, Cluster.class));
        this.capacityProviders = db.table(RowKind.CAPACITY_PROVIDER.table(),
                new SdkCodec<>(CapacityProvider::builder, CapacityProvider.class));
        this.taskDefinitions = db.table(RowKind.TASK_DEFINITION.table(),
                new SdkCodec<>(TaskDefinition::builder, TaskDefinition.class));
        this.services = db.table(RowKind.SERVICE.table(), new SdkCodec<>(Service::builder, Service.class));
        this.tasks = db.table(RowKind.TASK.table(), new SdkCodec<>(Task::builder, Task.class));
        // a task's writes bump its version (equal rows have equal versions): the new row is not compared field by field
        this.tasks.differsWhen((a, b) -> !java.util.Objects.equals(a.version(), b.version()));
        this.containerInstances = db.table(RowKind.CONTAINER_INSTANCE.table(),
                new SdkCodec<>(ContainerInstance::builder, ContainerInstance.class));
        this.tags = db.table(RowKind.TAGS.table(), new JsonCodec<>(TagSet.class));
        this.daemonTaskDefinitions = db.table(RowKind.DAEMON_TASK_DEFINITION.table(),
                new SdkCodec<>(DaemonTaskDefinition::builder, DaemonTaskDefinition.class));
        this.daemons = db.table(RowKind.DAEMON.table(), new JsonCodec<>(Daemon.class));
        this.daemonRevisions = db.table(RowKind.DAEMON_REVISION.table(),
                new SdkCodec<>(DaemonRevision::builder, DaemonRevision.class));
        this.daemonDeployments = db.table(RowKind.DAEMON_DEPLOYMENT.table(),
                new SdkCodec<>(DaemonDeployment::builder, DaemonDeployment.class));
        this.accountSettings = db.table("ecs.account-setting", new SdkCodec<>(Setting::builder, Setting.class));
        this.runtimes = db.table(RowKind.TASK_RUNTIME.table(), new JsonCodec<>(TaskRuntime.class));
        this.instances = db.table(RowKind.MANAGED_INSTANCE.table(), new JsonCodec<>(ManagedInstance.class));
        this.protections = db.table(RowKind.TASK_PROTECTION.table(), new JsonCodec<>(Protection.class));
        this.serviceEvents = db.table("ecs.service-events", ServiceEventLog.CODEC);
        // a new event goes on top with a new id: a log whose newest event differs is not compared event by event
        this.serviceEvents.differsWhen(ServiceEventLog::surelyDiffers);
        this.serviceDeployments = db.table(RowKind.SERVICE_DEPLOYMENT.table(),
                new SdkCodec<>(ServiceDeployment::builder, ServiceDeployment.class));
        this.serviceRevisions = db.table(RowKind.SERVICE_REVISION.table(),
                new SdkCodec<>(ServiceRevision::builder, ServiceRevision.class));
        this.deploymentBooks = db.table(RowKind.DEPLOYMENT_BOOK.table(), new JsonCodec<>(DeploymentBook.class));
        this.serviceDeploymentsByService = serviceDeployments.index(ServiceDeployment::serviceArn);
        this.deploymentBooksByServiceDeployment = deploymentBooks.index(DeploymentBook::serviceDeploymentArn);
        this.sequences = db.table("ecs.sequence", new JsonCodec<>(Sequence.class));
        this.idSeed = config.region() + "/" + config.accountId();
        this.eventIdPrefix = idPrefix(EVENT);
        this.tasksByContainerInstance = tasks.index(Task::containerInstanceArn);
        // a task's write mostly keeps the strings its keys are made of (the same objects): its key is then not made
        this.tasksByDesiredStatus = tasks.index(t -> desiredKey(t.clusterArn(), t.desiredStatus()),
                (a, b) -> a.clusterArn() == b.clusterArn() && a.desiredStatus() == b.desiredStatus());
        this.tasksByGroup = tasks.index(t -> t.group() == null ? null : groupKey(t.clusterArn(), t.group()),
                (a, b) -> a.clusterArn() == b.clusterArn() && a.group() == b.group());
        this.unplacedRuntimes = runtimes.index(r -> r.phase() == TaskRuntime.Phase.UNPLACED ? Boolean.TRUE : null);
        this.runtimesByInstance = runtimes.index(r -> r.phase() == TaskRuntime.Phase.DONE ? null : r.instanceId());
        this.containerInstancesByStatus = containerInstances.index(ContainerInstance::status);
        this.instancesByContainerInstance = instances.index(ManagedInstance::containerInstanceArn);
        this.unregisteredInstances = instances.index(m -> m.containerInstanceArn() == null ? Boolean.TRUE : null);
        this.instanceLifecycle = db.table(RowKind.INSTANCE_LIFECYCLE.table(),
                new JsonCodec<>(InstanceLifecycleState.class));
        this.launchBackoff = db.table(RowKind.LAUNCH_BACKOFF.table(), new JsonCodec<>(LaunchBackoff.class));
        this.maintenanceWindows = db.table(RowKind.MAINTENANCE_WINDOW.table(), new JsonCodec<>(WindowSetting.class));
        this.scalableTargets = db.table(RowKind.SCALABLE_TARGET.table(), new JsonCodec<>(ScalableTarget.class));
        this.scalingPolicies = db.table(RowKind.SCALING_POLICY.table(), new JsonCodec<>(ScalingPolicy.class));
        this.scheduledActions = db.table(RowKind.SCHEDULED_ACTION.table(), new JsonCodec<>(ScheduledAction.class));
        this.scalingActivities = db.table(RowKind.SCALING_ACTIVITY.table(), new JsonCodec<>(ScalingActivity.class));
        this.activitiesByResource = scalingActivities.index(ScalingActivity::resourceId);
        this.policiesByTarget = scalingPolicies.index(ScalingPolicy::targetKey);
        this.metricAlarms = db.table(RowKind.METRIC_ALARM.table(), new SdkCodec<>(MetricAlarm::builder,
                MetricAlarm.class));
        this.customDatapoints = db.table(RowKind.CUSTOM_DATAPOINT.table(), new JsonCodec<>(CustomDatapoint.class));
        this.servicesDeclaringUtilization = services.index(s -> s.taskDefinition() != null
                && taskDefinitions.get(s.taskDefinition()).map(SimulatedRun::declaresUtilization).orElse(false)
                ? Boolean.TRUE : null);
        this.loadTags = tags.index(t -> t.tags().containsKey(SimulatedRun.CPU_LOAD_TAG)
                || t.tags().containsKey(SimulatedRun.MEMORY_LOAD_TAG) ? Boolean.TRUE : null);
        this.agents = db.table(RowKind.AGENT_INSTANCE.table(), new JsonCodec<>(AgentInstance.class));
        this.agentsByInstance = agents.index(AgentInstance::instanceId);
        this.ec2Registrations = db.table(RowKind.EC2_REGISTRATION.table(), new JsonCodec<>(Ec2Registration.class));
        this.ec2ByContainerInstance = ec2Registrations.index(Ec2Registration::containerInstanceArn);
        this.daemonServicesByCluster = services.index(s -> "DAEMON".equals(s.schedulingStrategyAsString())
                ? s.clusterArn() : null);
        this.liveServicesByCluster = services.index(s -> Statuses.SERVICE_INACTIVE.equals(s.status())
                ? null : s.clusterArn());
        this.feed = new ChangeFeed(this);
    }

    /**
     * The definition a task runs, as the engine reads it: its task definition, or for a daemon's task its daemon task
     * definition in the task definition's shape ({@link DaemonDefinitions#asTaskDefinition}).
     */
    public Optional<TaskDefinition> definitionOf(String taskDefinitionArn) {
        if (taskDefinitionArn == null) {
            return Optional.empty();
        }
        if (DaemonDefinitions.isDaemonDefinition(taskDefinitionArn)) {
            return daemonTaskDefinitions.get(taskDefinitionArn).map(DaemonDefinitions::asTaskDefinition);
        }
        return taskDefinitions.get(taskDefinitionArn);
    }

    /** The key of {@link #tasksByDesiredStatus}. */
    public static String desiredKey(String clusterArn, String desiredStatus) {
        return KEYS.of(clusterArn, desiredStatus);
    }

    /** The key of {@link #tasksByGroup}. */
    public static String groupKey(String clusterArn, String group) {
        return KEYS.of(clusterArn, group);
    }

    private static final PairKeys KEYS = new PairKeys();

    /**
     * "{@code cluster value}" keys, each built once: the same string object for the same pair. Every task write
     * computes its two index keys and every service pass looks its tasks up by one; a key made once is neither built
     * again nor hashed again, and compares with itself by identity. At most {@link #MAX} keys are kept (the cache
     * starts afresh beyond that; a key made again is equal, only not the same object).
     */
    static final class PairKeys {
        static final int MAX = 200_000;
        private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.ConcurrentHashMap<String,
                String>> byCluster = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.concurrent.atomic.AtomicInteger size = new java.util.concurrent.atomic.AtomicInteger();

        String of(String cluster, String value) {
            if (cluster == null || value == null) {
                return cluster + " " + value;
            }
            var values = byCluster.get(cluster);
            String key = values == null ? null : values.get(value);
            if (key != null) {
                return key;
            }
            if (size.incrementAndGet() > MAX) {
                byCluster.clear();
                size.set(0);
            }
            return byCluster.computeIfAbsent(cluster, c -> new java.util.concurrent.ConcurrentHashMap<>())
                    .computeIfAbsent(value, v -> cluster + " " + v);
        }
    }

    /** The next value of a named sequence (persisted with the transaction). */
    public long next(String name) {
        long v = sequences.get(name).map(Sequence::value).orElse(0L) + 1;
        sequences.put(name, new Sequence(name, v));
        return v;
    }

    /** A new 32-hex-digit id (task, container instance, deployment), deterministic per data directory. */
    public String newId(String kind) {
        return idOf(idPrefix(kind), next("id/" + kind));
    }

    /** What the ids of a kind are made from, before their number. */
    private String idPrefix(String kind) {
        return idSeed + "/" + kind + "/";
    }

    /** The id {@link #newId} makes from the {@code number}-th draw of the kind whose ids start with {@code prefix}. */
    static String idOf(String prefix, long number) {
        return nameUuidHex((prefix + number).getBytes(StandardCharsets.UTF_8));
    }

    private static final ThreadLocal<java.security.MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return java.security.MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 not supported", e);
        }
    });
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /**
     * {@code UUID.nameUUIDFromBytes(name).toString()} without its dashes, the same 32 digits: the MD5 of the name with
     * the version (3) and IETF variant bits set. Without a digest looked up and a UUID formatted per id (an id per
     * task and per service event).
     */
    static String nameUuidHex(byte[] name) {
        byte[] md5 = MD5.get().digest(name);
        md5[6] &= 0x0f;
        md5[6] |= 0x30;
        md5[8] &= 0x3f;
        md5[8] |= (byte) 0x80;
        char[] out = new char[32];
        for (int i = 0; i < 16; i++) {
            out[2 * i] = HEX[(md5[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[md5[i] & 0xf];
        }
        return new String(out);
    }

    /** Removes a deleted capacity provider from every cluster's association list. */
    public void detachCapacityProvider(String name) {
        for (Cluster c : clusters.values(c -> c.capacityProviders().contains(name))) {
            java.util.List<String> providers = new java.util.ArrayList<>(c.capacityProviders());
            providers.remove(name);
            clusters.put(c.clusterArn(), c.toBuilder().capacityProviders(providers).build());
        }
    }

    /**
     * The service with its events, as the API returns it. A service stored before the events moved to their own log
     * shows the events its row carries until its next event moves them into the log.
     */
    public Service withEvents(Service s) {
        return serviceEvents.get(s.serviceArn()).map(log -> s.toBuilder().events(log.events()).build()).orElse(s);
    }

    /** The service's event log: its own, or one of the events a service stored before the log carries in its row. */
    private ServiceEventLog logOf(Service s) {
        return serviceEvents.get(s.serviceArn()).orElseGet(() -> new ServiceEventLog(s.serviceArn(), s.events()));
    }

    /** The service's latest event messages, newest first. */
    public List<String> recentEventMessages(Service s, int n) {
        return logOf(s).messages(n);
    }

    /**
     * Adds events (given oldest first) at the head of the service's log, keeping the latest 100. Their ids are drawn
     * now, oldest first, as {@link #newId} draws them; each is made from its number when read.
     */
    public void addServiceEvents(Service s, List<? extends CharSequence> messages, Instant at) {
        serviceEvents.put(s.serviceArn(), logOf(s).with(messages, at, eventIdPrefix, () -> next("id/" + EVENT)));
    }

    /** The tasks placed on an EC2 instance and not yet done, in the index's order. */
    public List<Task> tasksOnInstance(String instanceId) {
        List<Task> out = new ArrayList<>();
        for (TaskRuntime rt : runtimesByInstance.values(instanceId)) {
            tasks.get(rt.taskArn()).ifPresent(out::add);
        }
        return out;
    }

    public Map<String, String> tagsOf(String arn) {
        return tags.get(arn).map(TagSet::tags).orElse(Map.of());
    }
}
