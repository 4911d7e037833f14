package io.stevedore.control;

import io.stevedore.control.state.Timings;
import io.stevedore.control.fleet.FleetLifecycle;
import io.stevedore.control.state.ContainerInstances;
import io.stevedore.control.scheduling.Scheduler;
import io.stevedore.control.scheduling.SchedulerView;
import io.stevedore.control.scheduling.Scheduling;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.control.tasks.ServiceController;
import io.stevedore.control.tasks.TaskFactory;
import io.stevedore.control.tasks.TaskLifecycle;
import io.stevedore.ecs.Demands;
import io.stevedore.control.scheduling.CapacityOfferings;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.TaskRuntime.Phase;
import io.stevedore.cloud.CloudException;
import io.stevedore.cloud.Instance;
import io.stevedore.cloud.LaunchRequest;
import io.stevedore.control.events.EventRing;
import io.stevedore.lifecycle.LifecycleSettings;
import io.stevedore.cloud.Network;
import io.stevedore.wire.AwsException;
import io.stevedore.placement.NetworkMode;
import io.stevedore.placement.PlacementValidationException;
import io.stevedore.placement.TaskDemand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * The control loop. {@link #tick()} runs one reconciliation in one transaction: register booted instances,
 * run the service scheduler, place waiting tasks (launching instances when nothing fits), advance task
 * lifecycles, run the fleet lifecycle ({@link FleetLifecycle}: scale-in, compaction, maximum lifetime, repair,
 * Spot) and forget old stopped tasks. It reads time only from the injected clock.
 */
public final class Reconciler {
    static final Duration STOPPED_TASK_RETENTION = Duration.ofHours(1);
    /** How many state-change events the ring keeps (docs/lifecycle.md). */
    public static final int EVENT_RING_SIZE = 10_000;
    static final Duration PURGE_EVERY = Duration.ofMinutes(1);
    private long lastPurgeMillis = Long.MIN_VALUE / 2;

    private final Context ctx;
    private final Timings timings;
    private final TaskFactory factory;
    private final TaskLifecycle lifecycle;
    private final ServiceController services;
    private final SchedulerView inputs;
    private Scheduling engine;
    private final EventRing events = new EventRing(EVENT_RING_SIZE);
    private final FleetLifecycle fleet;

    public Reconciler(Context ctx, Timings timings) {
        this(ctx, timings, CapacityOfferings.lazy(ctx.catalog()));
    }

    /** {@code offerings}: what capacity providers may launch (shared with the API's validation). */
    public Reconciler(Context ctx, Timings timings, Supplier<CapacityOfferings> offerings) {
        this.ctx = ctx;
        this.timings = timings;
        this.factory = new TaskFactory(ctx, timings);
        this.lifecycle = new TaskLifecycle(ctx, timings);
        this.services = new ServiceController(ctx, factory, lifecycle);
        this.inputs = new SchedulerView(ctx, offerings);
        this.engine = new Scheduler();
        LifecycleSettings d = LifecycleSettings.defaults();
        this.fleet = new FleetLifecycle(ctx, lifecycle, inputs, new LifecycleSettings(d.drainAfter(),
                d.maxLifetime(), d.hardDrain(), d.lifetimeGrace(), timings.defaultScaleInAfter(), d.repairDeadline(),
                d.compactionTimeout(), d.budgetPercent(), d.spotNotice(), d.backoffBase(), d.backoffMax()), events);
    }

    /** The state-change event ring (admin API {@code GET /_stevedore/events}). */
    public EventRing events() {
        return events;
    }

    /** The fleet lifecycle executor (fault injection, maintenance windows). */
    public FleetLifecycle lifecycle() {
        return fleet;
    }

    /** Swaps the placement / instance-selection engine (the one wiring point). */
    public synchronized void setCapacityEngine(Scheduling engine) {
        this.engine = engine;
    }

    public Timings timings() {
        return timings;
    }

    public TaskFactory tasks() {
        return factory;
    }

    /** When the control plane next has work no task or instance event announces (see {@link FleetLifecycle}). */
    public long nextCheckMillis() {
        return fleet.nextCheckMillis();
    }

    /** Requests a task stop (StopTask, the service scheduler, draining). */
    public void stopTask(Task t, String stopCode, String reason) {
        lifecycle.requestStop(t, stopCode, reason);
    }

    public void tick() {
        ctx.state().db.run(() -> {
            registerBootedInstances();
            services.reconcile();
            lifecycle.advanceAll();
            place();
            lifecycle.advanceAll();
            fleet.tick();
            purgeStoppedTasks();
        });
    }

    // ---- instances -------------------------------------------------------------------------------------------

    private void registerBootedInstances() {
        for (ManagedInstance mi : ctx.state().unregisteredInstances.values(Boolean.TRUE)) {
            Optional<Instance> ec2 = ctx.cloud().describe(mi.instanceId());
            if (ec2.isEmpty() || "terminated".equals(ec2.get().state())) {
                ctx.state().instances.remove(mi.instanceId());
                for (TaskRuntime rt : waitingFor(mi)) {
                    ctx.state().runtimes.put(rt.taskArn(), rt.placed(null, true).to(Phase.UNPLACED, 0));
                }
                continue;
            }
            if (!"running".equals(ec2.get().state())) {
                continue;
            }
            String cluster = mi.clusterArn().substring(mi.clusterArn().indexOf("cluster/") + 8);
            String arn = ctx.arn("container-instance/" + cluster + "/" + ctx.state().newId("container-instance"));
            ctx.state().containerInstances.put(arn, ContainerInstances.register(ctx, mi, ec2.get(), arn));
            ctx.state().instances.put(mi.instanceId(), mi.registered(arn).idleSince(ctx.now().toEpochMilli()));
            for (TaskRuntime rt : waitingFor(mi)) {
                ctx.state().tasks.get(rt.taskArn()).ifPresent(t -> start(t, rt, ctx.state().instances
                        .get(mi.instanceId()).orElseThrow(), ec2.get()));
            }
        }
    }

    private List<TaskRuntime> waitingFor(ManagedInstance mi) {
        return ctx.state().runtimesByInstance.values(mi.instanceId()).stream()
                .filter(r -> r.phase() == Phase.WAIT_INSTANCE).toList();
    }

    // ---- placement ---------------------------------------------------------------------------------------------

    /** A waiting Managed Instances task and its runtime. */
    private record Waiting(Task task, TaskRuntime runtime) {
    }

    /**
     * The scheduling step: Fargate and launch-type tasks start on their own; every task waiting for a Managed
     * Instances provider is collected per cluster and handed to the engine in one batch, whose decisions are
     * committed here (placements, launches, explanations).
     */
    private void place() {
        inputs.newTick();
        List<Waiting> waiting = new ArrayList<>();
        for (TaskRuntime rt : ctx.state().unplacedRuntimes.values(Boolean.TRUE)) {
            ctx.state().tasks.get(rt.taskArn()).filter(t -> "RUNNING".equals(t.desiredStatus()))
                    .ifPresent(t -> waiting.add(new Waiting(t, rt)));
        }
        waiting.sort(Comparator.comparing((Waiting w) -> w.task().createdAt(),
                Comparator.nullsLast(Comparator.naturalOrder())).thenComparing(w -> w.task().taskArn()));
        Map<String, List<Waiting>> byCluster = new TreeMap<>();
        for (Waiting w : waiting) {
            Task t = w.task();
            TaskRuntime rt = w.runtime();
            String providerName = t.capacityProviderName();
            if (providerName == null && !"FARGATE".equals(t.launchTypeAsString())) {
                continue; // EC2 / EXTERNAL launch types: Stevedore registers no self-managed container instances
            }
            if (providerName == null || providerName.startsWith("FARGATE")) {
                startServerless(t, rt);
                continue;
            }
            CapacityProvider p = ctx.state().capacityProviders.get(providerName).orElse(null);
            if (p == null || p.managedInstancesProvider() == null || !"ACTIVE".equals(p.statusAsString())) {
                lifecycle.requestStop(t, "TaskFailedToStart", "Capacity provider " + providerName
                        + " is not ACTIVE");
                continue;
            }
            byCluster.computeIfAbsent(t.clusterArn(), c -> new ArrayList<>()).add(w);
        }
        byCluster.forEach(this::schedule);
    }

    private void schedule(String clusterArn, List<Waiting> waiting) {
        Map<String, Scheduling.ProviderCapacity> providers = new TreeMap<>();
        Map<String, Waiting> byArn = new HashMap<>();
        List<Scheduling.PendingTask> pending = new ArrayList<>();
        for (Waiting w : waiting) {
            Task t = w.task();
            Scheduling.ProviderCapacity p = providers.computeIfAbsent(t.capacityProviderName(),
                    n -> inputs.provider(ctx.state().capacityProviders.get(n).orElseThrow()));
            TaskDefinition td = ctx.state().taskDefinitions.get(t.taskDefinitionArn()).orElse(null);
            if (td == null) {
                continue;
            }
            try {
                Optional<TaskDemand> demand = inputs.demand(t);
                if (demand.isEmpty()) {
                    continue;
                }
                pending.add(new Scheduling.PendingTask(t.taskArn(), t.group() == null ? "" : t.group(),
                        demand.get(), p.name(), w.runtime().placement().placementConstraints(td.placementConstraints()),
                        w.runtime().placement().placementStrategies(), inputs.zones(p, w.runtime())));
            } catch (AwsException | PlacementValidationException e) {
                unplaced(t, e.getMessage());
                continue;
            }
            byArn.put(t.taskArn(), w);
        }
        if (pending.isEmpty()) {
            return;
        }
        Scheduling.Decisions d = engine.schedule(inputs.snapshot(clusterArn), providers, pending);
        for (Scheduling.Placement pl : d.placements()) {
            Waiting w = byArn.get(pl.taskArn());
            assign(w.task(), w.runtime(), ctx.state().instances.get(pl.ec2InstanceId()).orElseThrow());
        }
        for (Scheduling.Launch l : d.launches()) {
            launch(clusterArn, l).ifPresent(mi -> l.taskArns().forEach(a -> assign(byArn.get(a).task(),
                    byArn.get(a).runtime(), mi)));
        }
        for (Scheduling.Unplaced u : d.unplaced()) {
            unplaced(byArn.get(u.taskArn()).task(), u.reason());
        }
    }

    /** Puts a task on an instance: it starts at once on a registered one, or waits for a booting one. */
    private void assign(Task t, TaskRuntime rt, ManagedInstance mi) {
        TaskRuntime placed = rt.placed(mi.instanceId(), !mi.hasImage(rt.image()));
        if (mi.containerInstanceArn() == null) {
            ctx.state().runtimes.put(rt.taskArn(), placed.to(Phase.WAIT_INSTANCE, 0));
        } else {
            ctx.state().instances.put(mi.instanceId(), mi.idleSince(-1));
            start(t, placed, mi, ctx.cloud().describe(mi.instanceId()).orElseThrow());
        }
    }

    /**
     * No capacity can run the task. A standalone task stops with the reason (TaskFailedToStart); a service's task
     * keeps waiting in PROVISIONING (it is placed as soon as capacity allows, e.g. after the provider's requirements
     * change) and the service gets an event with the reason, as ECS reports unplaceable service tasks.
     */
    private void unplaced(Task t, String reason) {
        if (t.group() != null && t.group().startsWith("service:")) {
            services.unableToPlace(t, reason);
        } else {
            lifecycle.requestStop(t, "TaskFailedToStart", "Unable to place the task: " + reason);
        }
    }

    /** Launches one planned instance; on insufficient capacity for every offered type its tasks wait a tick. */
    private Optional<ManagedInstance> launch(String clusterArn, Scheduling.Launch l) {
        CapacityProvider p = ctx.state().capacityProviders.get(l.capacityProvider()).orElseThrow();
        if (!fleet.mayLaunch(p.name())) {
            return Optional.empty(); // backing off after launch failures: the tasks wait
        }
        try {
            Instance i = ctx.cloud().launch(new LaunchRequest(l.offerings().stream().map(o -> o.type().name())
                    .toList(), l.zone().subnetId(), p.managedInstancesProvider().instanceLaunchTemplate()
                    .networkConfiguration().securityGroups(), instanceTags(p, clusterArn)));
            ManagedInstance mi = new ManagedInstance(i.id(), clusterArn, p.name(), i.instanceType(), null, -1, "");
            ctx.state().instances.put(i.id(), mi);
            fleet.launchSucceeded(p.name());
            return Optional.of(mi);
        } catch (CloudException e) {
            if (e.reason() != CloudException.Reason.INSUFFICIENT_CAPACITY) {
                throw e;
            }
            fleet.launchFailed(p.name(), clusterArn, e.getMessage());
            return Optional.empty();
        }
    }

    private Map<String, String> instanceTags(CapacityProvider p, String clusterArn) {
        Map<String, String> tags = new LinkedHashMap<>();
        if ("CAPACITY_PROVIDER".equals(p.managedInstancesProvider().propagateTagsAsString())) {
            tags.putAll(ctx.state().tagsOf(p.capacityProviderArn()));
        }
        tags.put("aws:ecs:clusterName", clusterArn.substring(clusterArn.indexOf("cluster/") + 8));
        tags.put("aws:ecs:capacityProviderName", p.name());
        tags.put("aws:ec2:managed-launch", "ecs-managed-instances");
        tags.put("AmazonECSManaged", "true");
        return tags;
    }

    /** Starts a placed task on a registered instance: ENI attachment (awsvpc) or straight to the pull. */
    private void start(Task t, TaskRuntime rt, ManagedInstance mi, Instance ec2) {
        Task.Builder b = t.toBuilder().containerInstanceArn(mi.containerInstanceArn())
                .availabilityZone(ec2.availabilityZone());
        long now = ctx.now().toEpochMilli();
        TaskRuntime placed = rt.placed(mi.instanceId(), !mi.hasImage(rt.image()));
        if (isAwsvpc(t)) {
            String subnet = rt.subnets().stream().filter(s -> ctx.cloud().subnet(s)
                    .map(sn -> sn.availabilityZone().equals(ec2.availabilityZone())).orElse(false))
                    .findFirst().orElse(ec2.subnetId());
            b.attachments(eniAttachment(subnet));
            ctx.state().tasks.put(t.taskArn(), b.version(t.version() + 1).build());
            ctx.state().runtimes.put(rt.taskArn(), placed.to(Phase.ATTACH_ENI,
                    now + Math.max(1, timings.eniAttach().toMillis())));
        } else {
            ctx.state().tasks.put(t.taskArn(), b.lastStatus("PENDING").pullStartedAt(ctx.now())
                    .version(t.version() + 1).build());
            ctx.state().runtimes.put(rt.taskArn(), placed.to(Phase.PULL, now + Math.max(1,
                    (placed.cold() ? timings.coldPull() : timings.warmPull()).toMillis())));
        }
    }

    /** Fargate and launch-type tasks: no instance; Fargate's own provisioning takes an instance boot time. */
    private void startServerless(Task t, TaskRuntime rt) {
        String subnet = rt.subnets().isEmpty() ? ctx.cloud().network().subnets().get(0).id() : rt.subnets().get(0);
        String az = ctx.cloud().subnet(subnet).map(Network.Subnet::availabilityZone).orElse(null);
        Task.Builder b = t.toBuilder().availabilityZone(az).version(t.version() + 1);
        if (isAwsvpc(t)) {
            b.attachments(eniAttachment(subnet));
        }
        ctx.state().tasks.put(t.taskArn(), b.build());
        ctx.state().runtimes.put(rt.taskArn(), rt.to(Phase.ATTACH_ENI, ctx.now().toEpochMilli()
                + Math.max(1, timings.instanceBoot().toMillis())));
    }

    private boolean isAwsvpc(Task t) {
        return ctx.state().taskDefinitions.get(t.taskDefinitionArn())
                .map(td -> !"host".equals(td.networkModeAsString()) && !"bridge".equals(td.networkModeAsString())
                        && !"none".equals(td.networkModeAsString()))
                .orElse(true);
    }

    private List<Attachment> eniAttachment(String subnetId) {
        String ip = ctx.cloud().allocatePrivateIp(subnetId);
        String eni = "eni-0" + ctx.state().newId("eni").substring(0, 16);
        String mac = "0e:" + eni.substring(5, 7) + ":" + eni.substring(7, 9) + ":" + eni.substring(9, 11) + ":"
                + eni.substring(11, 13) + ":" + eni.substring(13, 15);
        String dns = "ip-" + ip.replace('.', '-') + ("us-east-1".equals(ctx.config().region()) ? ".ec2.internal"
                : "." + ctx.config().region() + ".compute.internal");
        return List.of(Attachment.builder().id(ctx.state().newId("attachment")).type("ElasticNetworkInterface")
                .status("PRECREATED").details(List.of(kv("subnetId", subnetId), kv("networkInterfaceId", eni),
                        kv("macAddress", mac), kv("privateDnsName", dns), kv("privateIPv4Address", ip))).build());
    }

    private static KeyValuePair kv(String n, String v) {
        return KeyValuePair.builder().name(n).value(v).build();
    }

    /**
     * Forgets tasks stopped more than an hour ago. A retention, not a deadline: it runs at most once per
     * {@link #PURGE_EVERY} of clock time, so a tick does not scan every task (ECS keeps stopped tasks visible for
     * at least an hour).
     */
    private void purgeStoppedTasks() {
        long nowMillis = ctx.now().toEpochMilli();
        if (nowMillis - lastPurgeMillis < PURGE_EVERY.toMillis() && nowMillis >= lastPurgeMillis) {
            return;
        }
        lastPurgeMillis = nowMillis;
        long cutoff = ctx.now().minus(STOPPED_TASK_RETENTION).toEpochMilli();
        for (Task t : ctx.state().stoppedTasks.values(Boolean.TRUE, x -> x.stoppedAt() != null
                && x.stoppedAt().toEpochMilli() < cutoff)) {
            ctx.state().tasks.remove(t.taskArn());
            ctx.state().runtimes.remove(t.taskArn());
            ctx.state().protections.remove(t.taskArn());
            ctx.state().tags.remove(t.taskArn());
        }
    }

    /** Used by the simulator and tests: the engine's demand model of a task definition. */
    public static TaskDemand demandOf(TaskDefinition td) {
        return Demands.of(td, null);
    }

    static boolean awsvpc(TaskDemand d) {
        return d.networkMode() == NetworkMode.AWSVPC;
    }
}
