package io.stevedore.control.scheduling;

import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.InstanceType;
import io.stevedore.cloud.Instance;
import io.stevedore.control.state.ContainerInstances;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.Daemon;
import io.stevedore.control.state.DaemonCoverage;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.control.state.RowKind;
import io.stevedore.control.state.TaskRuntime.Phase;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.placement.ClusterSnapshot;
import io.stevedore.placement.InstanceReservation;
import io.stevedore.placement.InstanceStatus;
import io.stevedore.placement.InstanceView;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import io.stevedore.wire.AwsException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Placement's view of a cluster, once per tick: the {@link ClusterSnapshot} (registered instances with their live
 * usage, plus instances still booting with what is already planned onto them, so capacity launched in an earlier
 * tick is reserved, not launched again). What the waiting tasks need and what providers may launch come from
 * {@link SchedulingInputs}.
 *
 * <p>Above 300 lines on purpose: the running usage sums, their invalidation from the change feed and the snapshot
 * that reads them keep one invariant together (a cached instance view never hides a write).
 */
public final class SchedulerView {
    static final String LAUNCHING_PREFIX = "~launching/";
    private final Context ctx;
    private final SchedulingInputs inputs;

    public SchedulerView(Context ctx, SchedulingInputs inputs) {
        this.ctx = ctx;
        this.inputs = inputs;
        observeState();
    }

    private record Usage(Resources used, Set<Integer> ports, Map<String, Integer> groups) {
    }

    /*
     * Placement's view of a registered instance is rebuilt only when something it is made of changed: the
     * instance, its container instance, its state in the cloud ({@code CloudProvider#changedSince}), or the share
     * of a task on it — a task's demand or group, or its runtime's instance or DONE-ness; status steps in between
     * (PENDING, ACTIVATING, …) change no share. Rows are observed as they change, rollbacks included. A tick with
     * waiting tasks thus costs the instances that changed, not every task of the cluster. Instances still booting
     * are always rebuilt (few, and their view carries the current time).
     */
    private final Map<String, InstanceView> views = new HashMap<>();
    private final Set<String> dirty = new HashSet<>();
    /** Instances removed since the last snapshot: their views go. */
    private final Set<String> gone = new HashSet<>();
    private boolean everything = true;
    /** The cloud's state version at each cluster's last snapshot. */
    private final Map<String, Long> cloudSeen = new HashMap<>();

    /** What placement reads of a runtime: the instance its share is on, and whether it still holds one. */
    private record RuntimeShare(String instanceId, boolean done) {
        static RuntimeShare of(TaskRuntime rt) {
            return new RuntimeShare(rt.instanceId(), rt.phase() == Phase.DONE);
        }
    }

    /** What placement reads of a task: what its demand is made of, and its group. */
    private record TaskShare(String taskDefinitionArn, Object overrides, String group) {
        static TaskShare of(Task t) {
            return new TaskShare(t.taskDefinitionArn(), t.overrides(), t.group());
        }
    }

    private void observeState() {
        var s = ctx.state();
        s.feed.live()
                .on(RowKind.TASK_RUNTIME, RuntimeShare::of, (id, before, after) -> {
                    recount.add(id);
                    touchShare(before);
                    touchShare(after);
                })
                .on(RowKind.TASK, TaskShare::of, (id, before, after) -> {
                    recount.add(id);
                    s.runtimes.get(id).ifPresent(this::touchShare);
                })
                .on(RowKind.MANAGED_INSTANCE, (id, before, after) -> {
                    touch(id);
                    if (before != null && (after == null || !before.clusterArn().equals(after.clusterArn()))) {
                        departed(id, before.clusterArn());
                    }
                    if (after == null) {
                        gone.add(id);
                    } else {
                        gone.remove(id);
                    }
                })
                .on(RowKind.CONTAINER_INSTANCE, (id, before, after) -> s.instancesByContainerInstance.ids(id)
                        .forEach(this::touch))
                .on(RowKind.TASK_DEFINITION, (id, before, after) -> voidAll())
                .on(RowKind.DAEMON, (id, before, after) -> voidAll())
                .onReset(this::voidAll);
    }

    /** A second view of the same state (tests compare it, rebuilt from nothing, with a kept one). */
    SchedulerView another() {
        return new SchedulerView(ctx, inputs);
    }

    /** Everything derived is rebuilt at the next snapshot (tests: a snapshot built from nothing). */
    void rebuildAll() {
        voidAll();
    }

    /** Everything derived is rebuilt at the next snapshot. */
    private void voidAll() {
        everything = true;
        recountAll = true;
    }

    /**
     * The instance of a runtime that holds a share there. A DONE runtime holds none (its share left when it became
     * DONE, which touched the instance then): the purge of stopped tasks, an hour later, changes no view.
     */
    private void touchShare(TaskRuntime rt) {
        if (rt != null && rt.phase() != Phase.DONE) {
            touch(rt.instanceId());
        }
    }

    private void touch(String instanceId) {
        if (instanceId != null) {
            dirty.add(instanceId);
        }
    }

    /*
     * Each cluster's last snapshot is kept with the views it was built from, in container instance id order (the
     * snapshot's order). The next snapshot visits only the instances that may have changed since — dirty ones,
     * those whose cloud state changed, booting ones, those left out last time and those whose row went — and
     * patches that list; the snapshot is rebuilt from it without sorting again, or reused as it is when no view
     * changed. Every other instance would yield its cached view again, exactly as a walk of every row would. A
     * cloud without state versions, the first snapshot of a cluster and anything that voids every view take the
     * full walk.
     */
    private static final class ClusterViews {
        /** The views of the last snapshot by container instance id. */
        final TreeMap<String, InstanceView> sorted = new TreeMap<>();
        /** The same views by EC2 instance id. */
        final Map<String, InstanceView> byInstance = new HashMap<>();
        /** The cluster's instances left out of the last snapshot (not running in the cloud, no container instance). */
        final Set<String> leftOut = new HashSet<>();
        /** Instances whose row left the cluster since the last snapshot. */
        final Set<String> departed = new HashSet<>();
        ClusterSnapshot last;
    }

    private final Map<String, ClusterViews> clusterViews = new HashMap<>();

    /** A container instance row and the attributes made of its attribute list. */
    private record Attributes(ContainerInstance row, Map<String, String> byName) {
    }

    /** The attributes of each registered instance's container instance, by EC2 instance id. */
    private final Map<String, Attributes> attributes = new HashMap<>();

    private void departed(String instanceId, String clusterArn) {
        ClusterViews cv = clusterViews.get(clusterArn);
        if (cv != null) {
            cv.departed.add(instanceId);
            if (cv.departed.size() > 4096) {
                clusterViews.remove(clusterArn); // a cluster long without waiting tasks: its next snapshot walks all
            }
        }
    }

    /** Every managed instance of the cluster as placement sees it now. */
    public ClusterSnapshot snapshot(String clusterArn) {
        if (everything) {
            views.clear();
            gone.clear();
            cloudSeen.clear();
            clusterViews.clear();
            attributes.clear();
            everything = false;
        }
        long cloudVersion = ctx.cloud().stateVersion();
        Long seen = cloudSeen.put(clusterArn, cloudVersion);
        // the instances whose cloud state changed since this cluster's last snapshot (null: any may have)
        Set<String> cloudChanged = cloudVersion < 0 || seen == null ? null : cloudVersion == seen ? Set.of()
                : ctx.cloud().changedSince(seen).orElse(null);
        ClusterViews cv = cloudChanged == null ? null : clusterViews.get(clusterArn);
        ClusterSnapshot out;
        try {
            out = cv == null ? walkAll(clusterArn, cloudChanged) : patch(clusterArn, cv, cloudChanged);
        } catch (RuntimeException e) {
            clusterViews.remove(clusterArn);
            throw e;
        }
        if (!gone.isEmpty()) {
            views.keySet().removeAll(gone);
            attributes.keySet().removeAll(gone);
            dirty.removeAll(gone);
            gone.clear();
        }
        return out;
    }

    /** Every instance row of the cluster visited; the cluster's kept views start again from what it finds. */
    private ClusterSnapshot walkAll(String clusterArn, Set<String> cloudChanged) {
        clusterViews.remove(clusterArn);
        List<InstanceView> out = new ArrayList<>();
        ClusterViews cv = new ClusterViews();
        for (ManagedInstance mi : ctx.state().instances.values(m -> m.clusterArn().equals(clusterArn))) {
            InstanceView v = current(mi, cloudChanged);
            if (v != null) {
                out.add(v);
                cv.byInstance.put(mi.instanceId(), v);
            } else {
                cv.leftOut.add(mi.instanceId());
            }
        }
        ClusterSnapshot snapshot = ClusterSnapshot.of(out, this::instancesRunning);
        if (cloudChanged != null) {
            for (int i = 0; i < snapshot.size(); i++) {
                cv.sorted.put(snapshot.instance(i).containerInstanceId(), snapshot.instance(i));
            }
            cv.last = snapshot;
            clusterViews.put(clusterArn, cv);
        }
        return snapshot;
    }

    /** The cluster's last views with the instances that may have changed visited again. */
    private ClusterSnapshot patch(String clusterArn, ClusterViews cv, Set<String> cloudChanged) {
        Set<String> visit = new HashSet<>(dirty);
        visit.addAll(cloudChanged);
        visit.addAll(cv.leftOut);
        visit.addAll(cv.departed);
        cv.departed.clear();
        for (ManagedInstance mi : ctx.state().unregisteredInstances.values(Boolean.TRUE)) {
            visit.add(mi.instanceId()); // booting: its view is made again each time
        }
        boolean changed = false;
        boolean moved = false; // an instance came, went or changed its container instance id
        List<InstanceView> replaced = new ArrayList<>();
        for (String id : visit) {
            ManagedInstance mi = ctx.state().instances.get(id).orElse(null);
            if (mi == null) {
                dirty.remove(id); // no row (a task's instance long gone): a row that comes back is touched again
            }
            boolean member = mi != null && mi.clusterArn().equals(clusterArn);
            InstanceView now = member ? current(mi, cloudChanged) : null;
            if (member && now == null) {
                cv.leftOut.add(id);
            } else {
                cv.leftOut.remove(id);
            }
            InstanceView before = cv.byInstance.get(id);
            if (now == before) {
                continue;
            }
            changed = true;
            if (before != null && now != null && before.containerInstanceId().equals(now.containerInstanceId())) {
                cv.byInstance.put(id, now);
                cv.sorted.put(now.containerInstanceId(), now);
                replaced.add(now);
                continue;
            }
            moved = true;
            if (before != null) {
                cv.byInstance.remove(id);
                cv.sorted.remove(before.containerInstanceId());
            }
            if (now != null) {
                cv.byInstance.put(id, now);
                if (cv.sorted.put(now.containerInstanceId(), now) != null) {
                    throw new IllegalArgumentException("duplicate container instance " + now.containerInstanceId());
                }
            }
        }
        if (!changed && cv.last != null) {
            return cv.last; // no view changed: the same snapshot
        }
        ClusterSnapshot patched = moved || cv.last == null ? null
                : cv.last.replacing(replaced, this::instancesRunning); // the same instances: columns patched
        cv.last = patched != null ? patched // else built again, reading only the views the last one lacks
                : ClusterSnapshot.ofSorted(new ArrayList<>(cv.sorted.values()), this::instancesRunning, cv.last);
        return cv.last;
    }

    /** One instance's view now (null: placement leaves it out), from the cache when nothing under it changed. */
    private InstanceView current(ManagedInstance mi, Set<String> cloudChanged) {
        InstanceView cached = views.get(mi.instanceId());
        if (cloudChanged != null && !cloudChanged.contains(mi.instanceId()) && cached != null
                && mi.containerInstanceArn() != null && !dirty.contains(mi.instanceId())) {
            return cached; // nothing under it changed, in the state or in the cloud
        }
        Optional<Instance> ec2 = ctx.cloud().describe(mi.instanceId());
        Optional<InstanceType> type = ctx.catalog().find(mi.instanceType());
        if (ec2.isEmpty() || type.isEmpty() || "terminated".equals(ec2.get().state())
                || "shutting-down".equals(ec2.get().state())) {
            views.remove(mi.instanceId()); // left out now: no cached view may stand in for it later
            return null;
        }
        String id = mi.instanceId();
        InstanceView v = mi.containerInstanceArn() == null ? null : views.get(id);
        if (v == null || dirty.remove(id)) {
            v = view(mi, ec2.get(), type.get(), usage(id)).orElse(null);
            if (v != null && mi.containerInstanceArn() != null) {
                views.put(id, v);
            } else {
                views.remove(id);
            }
        }
        return v;
    }

    /**
     * The EC2 instances with a task of the group placed and not done (the snapshot's spread counts ask): read from
     * the running sums, so the answer costs the group's instances, not every task the group ever had (stopped tasks
     * stay in the group until they are purged).
     */
    private List<String> instancesRunning(String group) {
        recountNow();
        Map<String, Integer> on = byGroup.get(group);
        return on == null ? List.of() : new ArrayList<>(on.keySet());
    }

    /*
     * What each instance's tasks use is kept as a running sum: every task placed on an instance and not done adds
     * its demand, host ports and group there. A task whose share may have changed (its definition, overrides or
     * group; its runtime's instance or DONE-ness; the rows appearing or going) is counted again at the next
     * snapshot (its old share taken off, its new one added), so a view rebuilt because one task changed does not
     * read every task on the instance.
     */
    /** One task's share of an instance's usage. */
    private record Share(String instanceId, TaskDemand demand, String group) {
    }

    /** An instance's usage: the sum of its tasks' shares (ports and groups with their counts). */
    private static final class Sum {
        Resources used = Resources.ZERO;
        final Map<Integer, Integer> ports = new HashMap<>();
        final Map<String, Integer> groups = new HashMap<>();
        /** Immutable copies of the ports and groups for views, made on first use after a change. */
        private Set<Integer> frozenPorts;
        private Map<String, Integer> frozenGroups;

        void add(Share s, int sign) {
            frozenPorts = null;
            frozenGroups = null;
            used = sign > 0 ? used.plus(s.demand().resources()) : used.minus(s.demand().resources());
            for (int port : s.demand().hostPorts()) {
                ports.merge(port, sign, (a, b) -> a + b == 0 ? null : a + b);
            }
            groups.merge(s.group(), sign, (a, b) -> a + b == 0 ? null : a + b);
        }

        boolean isEmpty() {
            return groups.isEmpty();
        }

        /** The usage now; a view rebuilt while the sum is unchanged (its rows changed) shares the same copies. */
        Usage usage() {
            if (frozenGroups == null) {
                frozenPorts = Set.copyOf(ports.keySet());
                frozenGroups = Map.copyOf(groups);
            }
            return new Usage(used, frozenPorts, frozenGroups);
        }
    }

    private final Map<String, Share> shares = new HashMap<>();
    private final Map<String, Sum> sums = new HashMap<>();
    /** The same shares by group: group → instance → how many of the group's tasks are on it. */
    private final Map<String, Map<String, Integer>> byGroup = new HashMap<>();
    /** Tasks whose share is to be counted again. */
    private Set<String> recount = new HashSet<>();
    private boolean recountAll = true;

    /** What the tasks placed on an instance (and not done) use: resources, host ports, groups. */
    private Usage usage(String instanceId) {
        recountNow();
        Sum sum = sums.get(instanceId);
        if (sum == null) {
            return new Usage(Resources.ZERO, Set.of(), Map.of());
        }
        return sum.usage();
    }

    /** Brings the sums up to date: every task whose share may have changed is counted again. */
    private void recountNow() {
        if (recountAll) {
            recountAll = false;
            recount.clear();
            shares.clear();
            sums.clear();
            byGroup.clear();
            for (TaskRuntime rt : ctx.state().runtimes.values()) {
                count(rt.taskArn());
            }
        }
        if (recount.isEmpty()) {
            return;
        }
        for (String taskArn : recount) {
            count(taskArn);
        }
        // a set that grew in a wave keeps its table: a fresh one spares the next walks its empty buckets
        if (recount.size() > 256) {
            recount = new HashSet<>();
        } else {
            recount.clear();
        }
    }

    /** Takes a task's old share off its instance and adds its current one. */
    private void count(String taskArn) {
        Share old = shares.remove(taskArn);
        if (old != null) {
            Sum sum = sums.get(old.instanceId());
            sum.add(old, -1);
            if (sum.isEmpty()) {
                sums.remove(old.instanceId());
            }
            Map<String, Integer> on = byGroup.get(old.group());
            on.merge(old.instanceId(), -1, (a, b) -> a + b == 0 ? null : a + b);
            if (on.isEmpty()) {
                byGroup.remove(old.group());
            }
        }
        Share now = share(taskArn);
        if (now != null) {
            shares.put(taskArn, now);
            sums.computeIfAbsent(now.instanceId(), i -> new Sum()).add(now, 1);
            byGroup.computeIfAbsent(now.group(), g -> new HashMap<>()).merge(now.instanceId(), 1, Integer::sum);
        }
    }

    /** A task's share now: none when it is not placed, done, gone or its definition cannot be read. */
    private Share share(String taskArn) {
        TaskRuntime rt = ctx.state().runtimes.get(taskArn).orElse(null);
        if (rt == null || rt.phase() == Phase.DONE || rt.instanceId() == null) {
            return null;
        }
        Task t = ctx.state().tasks.get(taskArn).orElse(null);
        Optional<TaskDemand> d;
        try {
            d = t == null ? Optional.empty() : inputs.demand(t);
        } catch (AwsException e) {
            d = Optional.empty(); // placed before its definition became unplaceable: nothing to count
        }
        return d.map(x -> new Share(rt.instanceId(), x, t.group() == null ? "" : t.group())).orElse(null);
    }

    private Optional<InstanceView> view(ManagedInstance mi, Instance ec2, InstanceType type, Usage u) {
        Architecture arch = type.architectures().iterator().next();
        Resources registered = InstanceReservation.registered(type);
        Resources remaining = clamp(registered.minus(u.used).minus(missingDaemons(mi, u)));
        if (mi.containerInstanceArn() == null) {
            Map<String, String> attrs = InstanceView.standardAttributes(type, arch, ec2.availabilityZone(),
                    ec2.subnetId(), Map.of());
            return Optional.of(new InstanceView(LAUNCHING_PREFIX + mi.instanceId(), mi.instanceId(), type, arch,
                    ec2.availabilityZone(), ec2.subnetId(), mi.capacityProvider(), InstanceStatus.ACTIVE, true,
                    ContainerInstances.AGENT_VERSION, ctx.now(), attrs, registered, remaining, u.ports, u.groups));
        }
        ContainerInstance ci = ctx.state().containerInstances.get(mi.containerInstanceArn()).orElse(null);
        if (ci == null) {
            return Optional.empty();
        }
        Map<String, String> attrs = attributes(mi.instanceId(), ci);
        InstanceStatus status;
        try {
            status = InstanceStatus.valueOf(ci.status());
        } catch (IllegalArgumentException | NullPointerException e) {
            status = InstanceStatus.INACTIVE;
        }
        return Optional.of(new InstanceView(ci.containerInstanceArn(), mi.instanceId(), type, arch,
                ec2.availabilityZone(), ec2.subnetId(), mi.capacityProvider(), status,
                !Boolean.FALSE.equals(ci.agentConnected()),
                ci.versionInfo() == null ? ContainerInstances.AGENT_VERSION : ci.versionInfo().agentVersion(),
                ci.registeredAt() == null ? Instant.EPOCH : ci.registeredAt(), attrs, registered, remaining, u.ports,
                u.groups));
    }

    /** The container instance's attributes as placement reads them, made again only when its row changed. */
    private Map<String, String> attributes(String instanceId, ContainerInstance ci) {
        Attributes kept = attributes.get(instanceId);
        if (kept != null && (kept.row() == ci || kept.row().attributes().equals(ci.attributes()))) {
            return kept.byName(); // the row is written at each task count change, its attributes seldom
        }
        Map<String, String> attrs = new TreeMap<>();
        for (Attribute a : ci.attributes()) {
            attrs.put(a.name(), a.value() == null ? "" : a.value());
        }
        Map<String, String> byName = Map.copyOf(attrs); // immutable: the view keeps it as it is
        attributes.put(instanceId, new Attributes(ci, byName));
        return byName;
    }

    /**
     * What the instance holds for daemons of its provider whose task is not on it yet (all of them while it boots):
     * their tasks start there before any other, so no other task may take that room.
     */
    private Resources missingDaemons(ManagedInstance mi, Usage u) {
        Resources r = Resources.ZERO;
        for (Daemon d : DaemonCoverage.covering(ctx.state(), mi.clusterArn(), mi.capacityProvider())) {
            if (mi.containerInstanceArn() == null || !u.groups.containsKey(d.group())) {
                r = r.plus(DaemonCoverage.demand(ctx.state(), d).map(TaskDemand::resources).orElse(Resources.ZERO));
            }
        }
        return r;
    }

    /** Never negative: a task definition edited under running tasks must not stop the whole tick. */
    private static Resources clamp(Resources r) {
        return new Resources(Math.max(0, r.cpu()), Math.max(0, r.memoryMiB()), Math.max(0, r.gpus()),
                Math.max(0, r.enis()));
    }


}
