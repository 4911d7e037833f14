package io.stevedore.api.engine;

import io.stevedore.api.Context;
import io.stevedore.api.engine.TaskRuntime.Phase;
import io.stevedore.catalog.InstanceType;
import io.stevedore.cloud.CloudException;
import io.stevedore.cloud.Instance;
import io.stevedore.cloud.LaunchRequest;
import io.stevedore.cloud.Network;
import io.stevedore.placement.InstanceReservation;
import io.stevedore.placement.NetworkMode;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * The control loop. {@link #tick()} runs one reconciliation in one transaction: register booted instances,
 * run the service scheduler, place waiting tasks (launching instances when nothing fits), advance task
 * lifecycles, scale in idle instances and forget old stopped tasks. It reads time only from the injected clock.
 */
public final class Reconciler {
    static final Duration STOPPED_TASK_RETENTION = Duration.ofHours(1);

    private final Context ctx;
    private final Timings timings;
    private final TaskFactory factory;
    private final TaskLifecycle lifecycle;
    private final ServiceController services;
    private CapacityEngine engine;

    public Reconciler(Context ctx, Timings timings) {
        this.ctx = ctx;
        this.timings = timings;
        this.factory = new TaskFactory(ctx, timings);
        this.lifecycle = new TaskLifecycle(ctx, timings);
        this.services = new ServiceController(ctx, factory, this);
        this.engine = new SimpleCapacityEngine(ctx.catalog());
    }

    /** Swaps the placement / instance-selection engine (the one wiring point). */
    public synchronized void setCapacityEngine(CapacityEngine engine) {
        this.engine = engine;
    }

    public Timings timings() {
        return timings;
    }

    public TaskFactory tasks() {
        return factory;
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
            scaleIn();
            purgeStoppedTasks();
        });
    }

    // ---- instances -------------------------------------------------------------------------------------------

    private void registerBootedInstances() {
        for (ManagedInstance mi : ctx.state().instances.values(m -> m.containerInstanceArn() == null)) {
            Optional<Instance> ec2 = ctx.cloud().describe(mi.instanceId());
            if (ec2.isEmpty() || "terminated".equals(ec2.get().state())) {
                ctx.state().instances.remove(mi.instanceId());
                continue;
            }
            if (!"running".equals(ec2.get().state())) {
                continue;
            }
            String cluster = mi.clusterArn().substring(mi.clusterArn().indexOf("cluster/") + 8);
            String arn = ctx.arn("container-instance/" + cluster + "/" + ctx.state().newId("container-instance"));
            ctx.state().containerInstances.put(arn, Instances.register(ctx, mi, ec2.get(), arn));
            ctx.state().instances.put(mi.instanceId(), mi.registered(arn).idleSince(ctx.now().toEpochMilli()));
            for (TaskRuntime rt : ctx.state().runtimes.values(r -> mi.instanceId().equals(r.instanceId())
                    && r.phase() == Phase.WAIT_INSTANCE)) {
                ctx.state().tasks.get(rt.taskArn()).ifPresent(t -> start(t, rt, ctx.state().instances
                        .get(mi.instanceId()).orElseThrow(), ec2.get()));
            }
        }
    }

    // ---- placement -------------------------------------------------------------------------------------------

    private record Usage(Resources used, Set<Integer> ports, int tasks, Set<String> groups) {
        static final Usage NONE = new Usage(Resources.ZERO, Set.of(), 0, Set.of());

        Usage plus(TaskDemand d, String group) {
            Set<Integer> p = new HashSet<>(ports);
            p.addAll(d.hostPorts());
            Set<String> g = new HashSet<>(groups);
            if (group != null) {
                g.add(group);
            }
            return new Usage(used.plus(d.resources()), p, tasks + 1, g);
        }
    }

    private Map<String, Usage> usageByInstance(Map<String, TaskDemand> demands) {
        Map<String, Usage> out = new HashMap<>();
        for (TaskRuntime rt : ctx.state().runtimes.values(r -> r.instanceId() != null && r.phase() != Phase.DONE)) {
            TaskDemand d = demands.get(rt.taskArn());
            if (d == null) {
                continue;
            }
            String group = ctx.state().tasks.get(rt.taskArn()).map(Task::group).orElse(null);
            out.put(rt.instanceId(), out.getOrDefault(rt.instanceId(), Usage.NONE).plus(d, group));
        }
        return out;
    }

    private Map<String, TaskDemand> demands() {
        Map<String, TaskDemand> out = new HashMap<>();
        Map<String, TaskDefinition> tds = new HashMap<>();
        for (TaskRuntime rt : ctx.state().runtimes.values(r -> r.phase() != Phase.DONE)) {
            ctx.state().tasks.get(rt.taskArn()).ifPresent(t -> {
                TaskDefinition td = tds.computeIfAbsent(t.taskDefinitionArn(),
                        a -> ctx.state().taskDefinitions.get(a).orElse(null));
                if (td != null) {
                    out.put(t.taskArn(), Demands.of(td, t.overrides()));
                }
            });
        }
        return out;
    }

    private void place() {
        Map<String, TaskDemand> demands = demands();
        Map<String, Usage> usage = usageByInstance(demands);
        List<TaskRuntime> waiting = new ArrayList<>(ctx.state().runtimes.values(r -> r.phase() == Phase.UNPLACED));
        waiting.removeIf(r -> !demands.containsKey(r.taskArn()));
        // first fit decreasing: biggest tasks first, then oldest, then ARN (stable)
        waiting.sort(Comparator.comparing((TaskRuntime r) -> -demands.get(r.taskArn()).cpu())
                .thenComparing(r -> -demands.get(r.taskArn()).memoryMiB())
                .thenComparing(r -> ctx.state().tasks.get(r.taskArn()).map(Task::createdAt).orElse(null),
                        Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(TaskRuntime::taskArn));
        for (TaskRuntime rt : waiting) {
            Task t = ctx.state().tasks.get(rt.taskArn()).orElse(null);
            if (t == null || !"RUNNING".equals(t.desiredStatus())) {
                continue;
            }
            placeOne(t, rt, demands.get(t.taskArn()), usage);
        }
    }

    private void placeOne(Task t, TaskRuntime rt, TaskDemand demand, Map<String, Usage> usage) {
        String providerName = t.capacityProviderName();
        if (providerName == null && !"FARGATE".equals(t.launchTypeAsString())) {
            return; // EC2 / EXTERNAL launch types: Stevedore registers no self-managed container instances
        }
        if (providerName == null || providerName.startsWith("FARGATE")) {
            startServerless(t, rt);
            return;
        }
        CapacityProvider p = ctx.state().capacityProviders.get(providerName).orElse(null);
        if (p == null || p.managedInstancesProvider() == null || !"ACTIVE".equals(p.statusAsString())) {
            lifecycle.requestStop(t, "TaskFailedToStart", "Capacity provider " + providerName + " is not ACTIVE");
            return;
        }
        Set<String> zones = allowedZones(p, rt);
        List<CapacityEngine.Candidate> candidates = new ArrayList<>();
        for (ManagedInstance mi : ctx.state().instances.values(m -> m.capacityProvider().equals(p.name())
                && m.clusterArn().equals(t.clusterArn()))) {
            Optional<Instance> ec2 = ctx.cloud().describe(mi.instanceId());
            if (ec2.isEmpty() || !zones.contains(ec2.get().availabilityZone()) || !schedulable(mi)) {
                continue;
            }
            InstanceType type = ctx.catalog().find(mi.instanceType()).orElseThrow();
            Usage u = usage.getOrDefault(mi.instanceId(), Usage.NONE);
            if (!satisfies(rt, attributes(mi, type, ec2.get())) || rt.distinctInstance() && u.groups.contains(
                    t.group())) {
                continue;
            }
            candidates.add(new CapacityEngine.Candidate(mi.instanceId(), type, ec2.get().availabilityZone(),
                    InstanceReservation.registered(type).minus(u.used), u.ports, u.tasks));
        }
        Optional<CapacityEngine.Candidate> choice = engine.place(demand, candidates);
        String instanceId;
        if (choice.isPresent()) {
            instanceId = choice.get().instanceId();
        } else {
            List<InstanceType> types = engine.launchTypes(
                    p.managedInstancesProvider().instanceLaunchTemplate().instanceRequirements(), demand);
            if (types.isEmpty()) {
                lifecycle.requestStop(t, "TaskFailedToStart", "RESOURCE:No instance type of capacity provider "
                        + p.name() + " satisfies the task's cpu " + demand.cpu() + ", memory " + demand.memoryMiB()
                        + " MiB, architecture " + demand.architecture());
                return;
            }
            Optional<String> launched = launch(p, t, rt, types, zones);
            if (launched.isEmpty()) {
                return; // insufficient capacity everywhere: the task waits in PROVISIONING and is retried
            }
            instanceId = launched.get();
        }
        usage.put(instanceId, usage.getOrDefault(instanceId, Usage.NONE).plus(demand, t.group()));
        ManagedInstance mi = ctx.state().instances.get(instanceId).orElseThrow();
        TaskRuntime placed = rt.placed(instanceId, !mi.hasImage(rt.image()));
        if (mi.containerInstanceArn() == null) {
            ctx.state().runtimes.put(rt.taskArn(), placed.to(Phase.WAIT_INSTANCE, 0));
        } else {
            ctx.state().instances.put(instanceId, mi.idleSince(-1));
            start(t, placed, mi, ctx.cloud().describe(instanceId).orElseThrow());
        }
    }

    /** The placement attributes of an instance (the four MI attributes plus custom container-instance ones). */
    private Map<String, String> attributes(ManagedInstance mi, InstanceType type, Instance ec2) {
        Map<String, String> a = new HashMap<>();
        if (mi != null && mi.containerInstanceArn() != null) {
            ctx.state().containerInstances.get(mi.containerInstanceArn()).ifPresent(ci -> ci.attributes()
                    .forEach(x -> a.put(x.name(), x.value() == null ? "" : x.value())));
        }
        a.put("ecs.instance-type", type.name());
        a.put("ecs.cpu-architecture", type.architectures().iterator().next().ec2Name());
        a.put("ecs.availability-zone", ec2.availabilityZone());
        a.put("ecs.subnet-id", ec2.subnetId());
        return a;
    }

    private static boolean satisfies(TaskRuntime rt, Map<String, String> attributes) {
        for (String e : rt.memberOf()) {
            if (!FilterExpression.parse(e).test(attributes)) {
                return false;
            }
        }
        return true;
    }

    private boolean schedulable(ManagedInstance mi) {
        if (mi.containerInstanceArn() == null) {
            return true;
        }
        return ctx.state().containerInstances.get(mi.containerInstanceArn())
                .map(ci -> "ACTIVE".equals(ci.status())).orElse(false);
    }

    private Set<String> allowedZones(CapacityProvider p, TaskRuntime rt) {
        Set<String> providerZones = new HashSet<>();
        for (String s : p.managedInstancesProvider().instanceLaunchTemplate().networkConfiguration().subnets()) {
            ctx.cloud().subnet(s).ifPresent(sn -> providerZones.add(sn.availabilityZone()));
        }
        if (rt.subnets().isEmpty()) {
            return providerZones;
        }
        Set<String> taskZones = new HashSet<>();
        for (String s : rt.subnets()) {
            ctx.cloud().subnet(s).ifPresent(sn -> taskZones.add(sn.availabilityZone()));
        }
        taskZones.retainAll(providerZones);
        return taskZones;
    }

    /** Launches an instance in the provider subnet of the allowed zone with the fewest of its instances. */
    private Optional<String> launch(CapacityProvider p, Task t, TaskRuntime rt, List<InstanceType> types,
                                    Set<String> zones) {
        Map<String, Integer> perZone = new HashMap<>();
        for (ManagedInstance mi : ctx.state().instances.values(m -> m.capacityProvider().equals(p.name()))) {
            ctx.cloud().describe(mi.instanceId()).ifPresent(i -> perZone.merge(i.availabilityZone(), 1, Integer::sum));
        }
        List<Network.Subnet> subnets = new ArrayList<>();
        for (String s : p.managedInstancesProvider().instanceLaunchTemplate().networkConfiguration().subnets()) {
            ctx.cloud().subnet(s).filter(sn -> zones.contains(sn.availabilityZone())).ifPresent(subnets::add);
        }
        subnets.sort(Comparator.comparing((Network.Subnet s) -> perZone.getOrDefault(s.availabilityZone(), 0))
                .thenComparing(Network.Subnet::id));
        for (Network.Subnet subnet : subnets) {
            List<String> fitting = new ArrayList<>();
            for (InstanceType type : types) {
                Instance probe = new Instance("i-probe", type.name(), subnet.id(), subnet.availabilityZone(), "",
                        "pending", 0, Map.of());
                if (satisfies(rt, attributes(null, type, probe))) {
                    fitting.add(type.name());
                }
            }
            if (fitting.isEmpty()) {
                continue;
            }
            try {
                Instance i = ctx.cloud().launch(new LaunchRequest(fitting,
                        subnet.id(), p.managedInstancesProvider().instanceLaunchTemplate().networkConfiguration()
                        .securityGroups(), instanceTags(p, t)));
                ctx.state().instances.put(i.id(), new ManagedInstance(i.id(), t.clusterArn(), p.name(),
                        i.instanceType(), null, -1, ""));
                return Optional.of(i.id());
            } catch (CloudException e) {
                if (e.reason() != CloudException.Reason.INSUFFICIENT_CAPACITY) {
                    throw e;
                }
            }
        }
        return Optional.empty();
    }

    private Map<String, String> instanceTags(CapacityProvider p, Task t) {
        Map<String, String> tags = new LinkedHashMap<>();
        if ("CAPACITY_PROVIDER".equals(p.managedInstancesProvider().propagateTagsAsString())) {
            tags.putAll(ctx.state().tagsOf(p.capacityProviderArn()));
        }
        tags.put("aws:ecs:clusterName", t.clusterArn().substring(t.clusterArn().indexOf("cluster/") + 8));
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

    // ---- scale-in --------------------------------------------------------------------------------------------

    private void scaleIn() {
        long now = ctx.now().toEpochMilli();
        Map<String, Integer> active = new HashMap<>();
        for (TaskRuntime rt : ctx.state().runtimes.values(r -> r.instanceId() != null && r.phase() != Phase.DONE)) {
            active.merge(rt.instanceId(), 1, Integer::sum);
        }
        for (ManagedInstance mi : ctx.state().instances.values(m -> m.containerInstanceArn() != null)) {
            CapacityProvider p = ctx.state().capacityProviders.get(mi.capacityProvider()).orElse(null);
            ContainerInstance ci = ctx.state().containerInstances.get(mi.containerInstanceArn()).orElse(null);
            boolean leaving = p == null || !"ACTIVE".equals(p.statusAsString());
            boolean draining = ci != null && "DRAINING".equals(ci.status());
            if (leaving || draining) {
                for (TaskRuntime rt : ctx.state().runtimes.values(r -> mi.instanceId().equals(r.instanceId())
                        && r.phase() != Phase.DONE)) {
                    ctx.state().tasks.get(rt.taskArn()).ifPresent(t -> {
                        if (leaving || t.group() != null && t.group().startsWith("service:")) {
                            lifecycle.requestStop(t, "ServiceSchedulerInitiated", leaving
                                    ? "Capacity provider is being deleted" : "Container instance is draining");
                        }
                    });
                }
            }
            if (active.getOrDefault(mi.instanceId(), 0) > 0) {
                if (mi.idleSinceMillis() >= 0) {
                    ctx.state().instances.put(mi.instanceId(), mi.idleSince(-1));
                }
                continue;
            }
            if (mi.idleSinceMillis() < 0) {
                ctx.state().instances.put(mi.instanceId(), mi.idleSince(now));
                continue;
            }
            long delay = scaleInDelayMillis(p);
            if (leaving || draining || delay >= 0 && now - mi.idleSinceMillis() >= delay) {
                terminate(mi, ci);
            }
        }
        for (CapacityProvider p : ctx.state().capacityProviders.values(cp -> "DEPROVISIONING".equals(
                cp.statusAsString()))) {
            if (ctx.state().instances.values(m -> m.capacityProvider().equals(p.name())).isEmpty()) {
                CapacityProvider gone = p.toBuilder().status("INACTIVE").updateStatus("DELETE_COMPLETE").build();
                ctx.state().capacityProviders.put(p.name(), gone);
                ctx.state().detachCapacityProvider(gone.name());
            }
        }
    }

    private long scaleInDelayMillis(CapacityProvider p) {
        Integer s = p == null || p.managedInstancesProvider() == null
                || p.managedInstancesProvider().infrastructureOptimization() == null ? null
                : p.managedInstancesProvider().infrastructureOptimization().scaleInAfter();
        if (s == null) {
            return timings.defaultScaleInAfter().toMillis();
        }
        if (s < 0) {
            return -1;
        }
        return Timings.div(Duration.ofSeconds(s), ctx.config().speed()).toMillis();
    }

    private void terminate(ManagedInstance mi, ContainerInstance ci) {
        if (ci != null) {
            ctx.state().containerInstances.put(ci.containerInstanceArn(), ci.toBuilder().status("INACTIVE")
                    .agentConnected(false).statusReason("Instance scaled in by Amazon ECS").build());
        }
        ctx.cloud().terminate(mi.instanceId());
        ctx.state().instances.remove(mi.instanceId());
    }

    private void purgeStoppedTasks() {
        long cutoff = ctx.now().minus(STOPPED_TASK_RETENTION).toEpochMilli();
        for (Task t : ctx.state().tasks.values(t -> "STOPPED".equals(t.lastStatus()) && t.stoppedAt() != null
                && t.stoppedAt().toEpochMilli() < cutoff)) {
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
