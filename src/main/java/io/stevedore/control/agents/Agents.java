package io.stevedore.control.agents;

import io.stevedore.cloud.Cidr;
import io.stevedore.cloud.Network;
import io.stevedore.control.state.AgentInstance;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.control.state.TaskRuntime.Phase;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.Statuses;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.AttachmentStateChange;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.Connectivity;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerStateChange;
import software.amazon.awssdk.services.ecs.model.HealthStatus;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;

/**
 * The control plane's side of the agents (docs/execution.md "Control plane side"): what a poll answers, the agent's
 * task and container state changes, container health, and the heartbeat watch (a stage of the tick): an agent
 * silent for {@link Settings#timeout} shows {@code agentConnected: false}; after a further {@link Settings#grace}
 * its tasks stop as lost, and services replace them on instances whose agent is connected. Every method runs
 * inside the caller's transaction; time is the plane's clock.
 */
public final class Agents {
    /** The stopped reason of a task whose agent stopped it after an essential container exited. */
    public static final String ESSENTIAL_EXITED = "Essential container in task exited";
    /** The stopped reason of a service task replaced for failing its container health checks (as ECS words it). */
    public static final String HEALTH_CHECKS_FAILED = "Task failed container health checks";

    /**
     * How agents are watched.
     *
     * @param timeout          silence after which a container instance shows {@code agentConnected: false}
     * @param grace            further silence after which its tasks stop as lost (services replace them elsewhere)
     * @param managedByAgents  every Managed Instance's tasks wait for an agent from its registration on (serve with
     *                         real execution: an agent attaches to each instance); false = the simulated timers run
     *                         them until an agent attaches
     */
    public record Settings(Duration timeout, Duration grace, boolean managedByAgents) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
        public static final Duration DEFAULT_GRACE = Duration.ofMinutes(5);

        /** Agents attach to Managed Instances one by one (the simulated timers run the others). */
        public Settings(Duration timeout, Duration grace) {
            this(timeout, grace, false);
        }

        /** The same timeouts with every Managed Instance run by an agent, or not. */
        public Settings managedByAgents(boolean on) {
            return new Settings(timeout, grace, on);
        }

        public Settings {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(grace, "grace");
            if (timeout.isNegative() || timeout.isZero() || grace.isNegative()) {
                throw new IllegalArgumentException("the agent timeout must be positive and the grace not negative");
            }
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_TIMEOUT, DEFAULT_GRACE);
        }
    }

    /** One container's health as the agent reports it in a poll. */
    public record Health(String taskArn, String containerName, String status) {
    }

    /** A task the poll hands to the agent, with its task definition and its network interface (awsvpc). */
    public record Assigned(Task task, TaskDefinition taskDefinition, Eni eni) {
    }

    /** An awsvpc task's network interface as the agent configures it (the first usable address is the gateway). */
    public record Eni(String attachmentArn, String privateIPv4Address, String subnetCidr, String gateway,
                      String subnetId, String macAddress) {
    }

    /**
     * A poll's answer.
     *
     * @param version the assignment version of the container instance (changes when its task list or a task's
     *                desiredStatus changes)
     * @param tasks   the tasks placed on it that are not STOPPED, oldest first
     */
    public record Poll(long version, List<Assigned> tasks) {
    }

    private final Context ctx;
    private volatile Settings settings = Settings.defaults();
    /** Per container instance: the fingerprint of its assignments and their version (read and written in a transaction). */
    private final Map<String, long[]> versions = new HashMap<>();
    /** When this plane first watched heartbeats: silence before it does not count (a restart is not a lost agent). */
    private long watchingSince = -1;

    public Agents(Context ctx) {
        this.ctx = ctx;
        ctx.state().feed.committed().onReset(versions::clear); // a wipe or a rollback: versions start again
    }

    public Settings settings() {
        return settings;
    }

    /** Sets the heartbeat timeout and the lost-agent grace (serve options, tests). */
    public void configure(Settings s) {
        this.settings = Objects.requireNonNull(s, "settings");
    }

    private long now() {
        return ctx.now().toEpochMilli();
    }

    /** The agent-backed container instance of a poll or state change, or InvalidParameterException. */
    public AgentInstance agent(Cluster c, String containerInstanceArn) {
        if (containerInstanceArn == null || containerInstanceArn.isEmpty()) {
            throw Errors.invalid("containerInstanceArn must be specified.");
        }
        String arn = containerInstanceArn.startsWith("arn:") ? containerInstanceArn
                : ctx.arn("container-instance/" + c.clusterName() + "/" + containerInstanceArn);
        AgentInstance ai = ctx.state().agents.get(arn).filter(a -> a.clusterArn().equals(c.clusterArn()))
                .orElse(null);
        ContainerInstance ci = ctx.state().containerInstances.get(arn).orElse(null);
        if (ai == null || ci == null || !Statuses.isRegistered(ci.status())) {
            throw Errors.invalid("Container instance " + arn + " is not registered with an agent in cluster "
                    + c.clusterName() + "; register it again (RegisterContainerInstance).");
        }
        return ai;
    }

    /**
     * One poll: with {@code heartbeat}, records it (the container instance shows {@code agentConnected: true}) and
     * applies the reported health; answers the instance's assignments and their version.
     */
    public Poll poll(String cluster, String containerInstanceArn, List<Health> health, boolean heartbeat) {
        Cluster c = ctx.cluster(cluster);
        AgentInstance ai = agent(c, containerInstanceArn);
        if (heartbeat) {
            ctx.state().agents.put(ai.containerInstanceArn(), ai.polled(now()));
            ContainerInstance ci = ctx.state().containerInstances.get(ai.containerInstanceArn()).orElseThrow();
            if (!Boolean.TRUE.equals(ci.agentConnected())) {
                ctx.state().containerInstances.put(ci.containerInstanceArn(), ci.toBuilder().agentConnected(true)
                        .version(ci.version() + 1).build());
            }
            applyHealth(ai, health);
        }
        return assignments(ai.containerInstanceArn());
    }

    /** The tasks on the container instance that are not STOPPED, and their version. */
    public Poll assignments(String containerInstanceArn) {
        List<Task> tasks = new ArrayList<>(ctx.state().tasksByContainerInstance.values(containerInstanceArn,
                t -> !Statuses.isStopped(t.lastStatus())));
        tasks.sort(Comparator.comparing(Task::createdAt, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(Task::taskArn));
        long fingerprint = 17;
        List<Assigned> out = new ArrayList<>(tasks.size());
        for (Task t : tasks) {
            fingerprint = fingerprint * 31 + t.taskArn().hashCode();
            fingerprint = fingerprint * 31 + t.desiredStatus().hashCode();
            out.add(new Assigned(t, ctx.state().taskDefinitions.get(t.taskDefinitionArn()).orElse(null), eni(t)));
        }
        long[] v = versions.get(containerInstanceArn);
        if (v == null || v[0] != fingerprint) {
            // a new version on every change, above any this plane answered before (a restart starts at its clock)
            long next = Math.max(v == null ? 0 : v[1] + 1, now());
            v = new long[] {fingerprint, next};
            versions.put(containerInstanceArn, v);
        }
        return new Poll(v[1], out);
    }

    private Eni eni(Task t) {
        for (Attachment a : t.attachments()) {
            if (!"ElasticNetworkInterface".equals(a.type())) {
                continue;
            }
            Map<String, String> d = new HashMap<>();
            a.details().forEach(kv -> d.put(kv.name(), kv.value()));
            String subnet = d.get("subnetId");
            String cidr = subnet == null ? null : ctx.cloud().subnet(subnet).map(Network.Subnet::cidrBlock)
                    .orElse(null);
            String gateway = cidr == null ? null : Cidr.parse(cidr).address(1);
            return new Eni(ctx.arn("attachment/" + a.id()), d.get("privateIPv4Address"), cidr, gateway, subnet,
                    d.get("macAddress"));
        }
        return null;
    }

    private void applyHealth(AgentInstance ai, List<Health> health) {
        Map<String, Map<String, String>> byTask = new HashMap<>();
        for (Health h : health) {
            if (h.taskArn() != null && h.containerName() != null && h.status() != null) {
                byTask.computeIfAbsent(h.taskArn(), k -> new HashMap<>()).put(h.containerName(), h.status());
            }
        }
        for (Map.Entry<String, Map<String, String>> e : byTask.entrySet()) {
            Task t = ctx.state().tasks.get(e.getKey()).orElse(null);
            if (t == null || !ai.containerInstanceArn().equals(t.containerInstanceArn())
                    || Statuses.isStopped(t.lastStatus())) {
                continue;
            }
            TaskDefinition td = ctx.state().taskDefinitions.get(t.taskDefinitionArn()).orElse(null);
            List<Container> containers = new ArrayList<>();
            for (Container c : t.containers()) {
                String s = e.getValue().get(c.name());
                HealthStatus hs = s == null ? c.healthStatus() : HealthStatus.fromValue(s);
                containers.add(hs == null || hs == HealthStatus.UNKNOWN_TO_SDK_VERSION ? c
                        : c.toBuilder().healthStatus(hs).build());
            }
            String taskHealth = taskHealth(td, containers);
            if (containers.equals(t.containers()) && taskHealth.equals(t.healthStatusAsString())) {
                continue;
            }
            Task.Builder b = t.toBuilder().containers(containers).healthStatus(taskHealth).version(t.version() + 1);
            if (HealthStatus.UNHEALTHY.toString().equals(taskHealth) && isServiceTask(t)
                    && Statuses.isRunning(t.desiredStatus())) {
                // the service scheduler replaces it (a new task within the deployment's maximum percent)
                b.desiredStatus(Statuses.TASK_STOPPED).stopCode(TaskStopCode.SERVICE_SCHEDULER_INITIATED)
                        .stoppedReason(HEALTH_CHECKS_FAILED).stoppingAt(ctx.now());
            }
            ctx.state().tasks.put(t.taskArn(), b.build());
        }
    }

    /**
     * The task's health from its containers': UNHEALTHY when an essential container is; HEALTHY when every
     * essential container with a health check is HEALTHY (and at least one has one); else UNKNOWN.
     */
    static String taskHealth(TaskDefinition td, List<Container> containers) {
        boolean anyChecked = false;
        for (Container c : containers) {
            ContainerDefinition def = td == null ? null : td.containerDefinitions().stream()
                    .filter(d -> d.name().equals(c.name())).findFirst().orElse(null);
            boolean essential = def == null || !Boolean.FALSE.equals(def.essential());
            boolean checked = def != null && def.healthCheck() != null;
            if (!essential) {
                continue;
            }
            if (c.healthStatus() == HealthStatus.UNHEALTHY) {
                return HealthStatus.UNHEALTHY.toString();
            }
            if (checked) {
                if (c.healthStatus() != HealthStatus.HEALTHY) {
                    return HealthStatus.UNKNOWN.toString();
                }
                anyChecked = true;
            }
        }
        return (anyChecked ? HealthStatus.HEALTHY : HealthStatus.UNKNOWN).toString();
    }

    private static boolean isServiceTask(Task t) {
        return t.group() != null && t.group().startsWith("service:");
    }

    /** A task of the cluster that an agent drives, or InvalidParameterException. */
    private Task agentTask(Cluster c, String taskRef) {
        if (taskRef == null || taskRef.isEmpty()) {
            throw Errors.invalid("task must be specified.");
        }
        String arn = taskRef.startsWith("arn:") ? taskRef : ctx.arn("task/" + c.clusterName() + "/" + taskRef);
        Task t = ctx.state().tasks.get(arn).filter(x -> c.clusterArn().equals(x.clusterArn()))
                .orElseThrow(() -> Errors.invalid("Task " + arn + " was not found in cluster " + c.clusterName()
                        + "."));
        TaskRuntime rt = ctx.state().runtimes.get(arn).orElse(null);
        if (rt == null || !AgentInstance.drives(ctx.state(), rt.instanceId())) {
            throw Errors.invalid("Task " + arn + " is not placed on a container instance an agent registered.");
        }
        return t;
    }

    /**
     * The agent's SubmitTaskStateChange: PENDING (pulling), RUNNING (essential containers started) or STOPPED (all
     * containers stopped). A change for a task already STOPPED is acknowledged and ignored (the agent retries).
     */
    public void taskChanged(String cluster, String taskRef, String status, String reason,
                            List<ContainerStateChange> containers, List<AttachmentStateChange> attachments,
                            Instant pullStartedAt, Instant pullStoppedAt, Instant executionStoppedAt) {
        Cluster c = ctx.cluster(cluster);
        Task t = agentTask(c, taskRef);
        if (status == null || !(Statuses.TASK_PENDING.equals(status) || Statuses.TASK_RUNNING.equals(status)
                || Statuses.TASK_STOPPED.equals(status))) {
            throw Errors.invalid("status must be PENDING, RUNNING or STOPPED.");
        }
        if (Statuses.isStopped(t.lastStatus())) {
            return;
        }
        Instant now = ctx.now();
        Task.Builder b = t.toBuilder().containers(containers(t, containers, status)).version(t.version() + 1);
        if (attachments != null && !attachments.isEmpty()) {
            b.attachments(attachments(t, attachments));
        }
        if (pullStartedAt != null) {
            b.pullStartedAt(pullStartedAt);
        }
        if (pullStoppedAt != null) {
            b.pullStoppedAt(pullStoppedAt);
        }
        TaskRuntime rt = ctx.state().runtimes.get(t.taskArn()).orElseThrow();
        switch (status) {
            case "PENDING" -> {
                if (Statuses.isStarting(t.lastStatus())) { // never back from RUNNING
                    b.lastStatus(Statuses.TASK_PENDING);
                }
            }
            case "RUNNING" -> {
                b.lastStatus(Statuses.TASK_RUNNING).connectivity(Connectivity.CONNECTED).connectivityAt(now);
                if (t.startedAt() == null) {
                    b.startedAt(now);
                }
                ctx.state().runtimes.put(rt.taskArn(), rt.to(Phase.RUN, 0));
            }
            default -> {
                b.lastStatus(Statuses.TASK_STOPPED).desiredStatus(Statuses.TASK_STOPPED).stoppedAt(now)
                        .executionStoppedAt(executionStoppedAt != null ? executionStoppedAt : now);
                if (t.stoppingAt() == null) {
                    b.stoppingAt(now);
                }
                if (Statuses.isRunning(t.desiredStatus())) { // the agent stopped it itself
                    boolean started = t.startedAt() != null || Statuses.TASK_RUNNING.equals(t.lastStatus());
                    b.stopCode(started ? TaskStopCode.ESSENTIAL_CONTAINER_EXITED : TaskStopCode.TASK_FAILED_TO_START)
                            .stoppedReason(reason != null && !reason.isEmpty() ? reason : ESSENTIAL_EXITED);
                }
                if (attachments == null || attachments.isEmpty()) {
                    b.attachments(eni(t, "DELETED"));
                }
                ctx.state().runtimes.put(rt.taskArn(), rt.to(Phase.DONE, 0));
            }
        }
        ctx.state().tasks.put(t.taskArn(), b.build());
    }

    /** The agent's SubmitContainerStateChange: one container's status, exit code, reason and bindings. */
    public void containerChanged(String cluster, String taskRef, ContainerStateChange change) {
        Cluster c = ctx.cluster(cluster);
        Task t = agentTask(c, taskRef);
        if (change.containerName() == null || t.containers().stream()
                .noneMatch(x -> x.name().equals(change.containerName()))) {
            throw Errors.invalid("Container " + change.containerName() + " is not a container of task "
                    + t.taskArn() + ".");
        }
        if (Statuses.isStopped(t.lastStatus())) {
            return;
        }
        ctx.state().tasks.put(t.taskArn(), t.toBuilder().containers(containers(t, List.of(change), null))
                .version(t.version() + 1).build());
    }

    /** The agent's SubmitAttachmentStateChanges: the status of task attachments, by attachment ARN or id. */
    public void attachmentsChanged(String cluster, List<AttachmentStateChange> changes) {
        Cluster c = ctx.cluster(cluster);
        for (AttachmentStateChange a : changes) {
            if (a == null || a.attachmentArn() == null || a.status() == null) {
                throw Errors.invalid("attachmentArn and status must be specified.");
            }
            String id = a.attachmentArn().substring(a.attachmentArn().lastIndexOf('/') + 1);
            boolean found = false;
            for (Task t : ctx.state().tasks.values(x -> c.clusterArn().equals(x.clusterArn())
                    && x.attachments().stream().anyMatch(at -> id.equals(at.id())))) {
                found = true;
                ctx.state().tasks.put(t.taskArn(), t.toBuilder().attachments(attachments(t, List.of(a)))
                        .version(t.version() + 1).build());
            }
            if (!found) {
                throw Errors.invalid("Attachment " + a.attachmentArn() + " was not found in cluster "
                        + c.clusterName() + ".");
            }
        }
    }

    private static List<Attachment> attachments(Task t, List<AttachmentStateChange> changes) {
        List<Attachment> out = new ArrayList<>();
        for (Attachment at : t.attachments()) {
            String status = at.status();
            for (AttachmentStateChange a : changes) {
                if (a.attachmentArn() != null && a.attachmentArn().endsWith(at.id())) {
                    status = a.status();
                }
            }
            out.add(at.toBuilder().status(status).build());
        }
        return out;
    }

    private static List<Attachment> eni(Task t, String status) {
        List<Attachment> out = new ArrayList<>();
        for (Attachment a : t.attachments()) {
            out.add("ElasticNetworkInterface".equals(a.type()) ? a.toBuilder().status(status).build() : a);
        }
        return out;
    }

    /**
     * The task's containers with the reported changes applied; with a task {@code status}, containers it does not
     * mention follow it (RUNNING or STOPPED).
     */
    private static List<Container> containers(Task t, List<ContainerStateChange> changes, String status) {
        Map<String, ContainerStateChange> byName = new HashMap<>();
        if (changes != null) {
            for (ContainerStateChange c : changes) {
                if (c != null && c.containerName() != null) {
                    byName.put(c.containerName(), c);
                }
            }
        }
        List<Container> out = new ArrayList<>();
        for (Container c : t.containers()) {
            Container.Builder b = c.toBuilder();
            ContainerStateChange ch = byName.get(c.name());
            if (ch != null) {
                if (ch.status() != null) {
                    b.lastStatus(ch.status());
                }
                if (ch.exitCode() != null) {
                    b.exitCode(ch.exitCode());
                }
                if (ch.reason() != null) {
                    b.reason(ch.reason());
                }
                if (ch.runtimeId() != null) {
                    b.runtimeId(ch.runtimeId());
                }
                if (ch.imageDigest() != null) {
                    b.imageDigest(ch.imageDigest());
                }
                if (ch.hasNetworkBindings()) {
                    b.networkBindings(ch.networkBindings());
                }
            } else if (Statuses.TASK_STOPPED.equals(status)
                    || Statuses.TASK_RUNNING.equals(status) && Statuses.TASK_PENDING.equals(c.lastStatus())) {
                b.lastStatus(status);
            }
            out.add(b.build());
        }
        return out;
    }

    /**
     * The heartbeat watch, a stage of the tick: silent agents show {@code agentConnected: false}; after the grace
     * their tasks stop as lost (ECS's wording for a task whose instance went away is kept: the reason names the
     * instance and the silence).
     */
    public void watch() {
        long now = now();
        if (watchingSince < 0) {
            watchingSince = now;
        }
        Settings s = settings;
        for (AgentInstance ai : ctx.state().agents.values()) {
            ContainerInstance ci = ctx.state().containerInstances.get(ai.containerInstanceArn()).orElse(null);
            if (ci == null || !Statuses.isRegistered(ci.status())) {
                // the instance went away (terminated, retired): no agent will report its tasks any more
                stopAll(ai, TaskStopCode.TERMINATION_NOTICE, ci != null && ci.statusReason() != null
                        ? ci.statusReason() : "Container instance " + ai.instanceId() + " was deregistered.");
                ctx.state().agents.remove(ai.containerInstanceArn());
                continue;
            }
            long silent = now - Math.max(ai.lastPollMillis(), watchingSince);
            if (ai.connected() && silent > s.timeout().toMillis()) {
                ctx.state().agents.put(ai.containerInstanceArn(), ai.disconnected());
                if (!Boolean.FALSE.equals(ci.agentConnected())) {
                    ctx.state().containerInstances.put(ci.containerInstanceArn(), ci.toBuilder()
                            .agentConnected(false).version(ci.version() + 1).build());
                }
                ai = ai.disconnected();
            }
            if (!ai.lost() && silent > s.timeout().plus(s.grace()).toMillis()) {
                String reason = "The agent on container instance " + ai.instanceId() + " stopped reporting (no"
                        + " heartbeat for " + Duration.ofMillis(silent).toSeconds() + " s): its tasks are lost.";
                stopAll(ai, TaskStopCode.TERMINATION_NOTICE, reason);
                ctx.state().agents.put(ai.containerInstanceArn(), ai.lostHandled());
            }
        }
    }

    /**
     * A Managed Instance just registered as a container instance: with {@link Settings#managedByAgents}, its tasks
     * wait for the agent that will attach to it (counted as heard from now, so the timeout bounds the wait).
     */
    public void registered(String clusterArn, String containerInstanceArn, String instanceId) {
        if (settings.managedByAgents() && ctx.state().agents.get(containerInstanceArn).isEmpty()) {
            ctx.state().agents.put(containerInstanceArn, new AgentInstance(containerInstanceArn, clusterArn,
                    instanceId, false, now(), true, false));
        }
    }

    /**
     * Stops every task on the instance that is not STOPPED at once (its agent is gone or the instance was
     * deregistered): STOPPED with {@code reason}; the service scheduler starts replacements elsewhere.
     */
    public void stopAll(AgentInstance ai, TaskStopCode code, String reason) {
        Instant now = ctx.now();
        for (Task t : ctx.state().tasksByContainerInstance.values(ai.containerInstanceArn(),
                x -> !Statuses.isStopped(x.lastStatus()))) {
            Task.Builder b = t.toBuilder().lastStatus(Statuses.TASK_STOPPED).desiredStatus(Statuses.TASK_STOPPED)
                    .stoppedAt(now).executionStoppedAt(now).containers(containers(t, List.of(),
                            Statuses.TASK_STOPPED)).attachments(eni(t, "DELETED")).version(t.version() + 1);
            if (t.stoppingAt() == null) {
                b.stoppingAt(now);
            }
            if (Statuses.isRunning(t.desiredStatus()) || t.stoppedReason() == null) {
                b.stopCode(code).stoppedReason(reason);
            }
            ctx.state().tasks.put(t.taskArn(), b.build());
            ctx.state().runtimes.get(t.taskArn()).ifPresent(rt -> ctx.state().runtimes.put(rt.taskArn(),
                    rt.to(Phase.DONE, 0)));
        }
    }
}
