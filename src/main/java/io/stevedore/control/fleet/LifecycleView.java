package io.stevedore.control.fleet;

import io.stevedore.catalog.Offering;
import io.stevedore.cloud.Instance;
import io.stevedore.control.scheduling.Scheduling;
import io.stevedore.control.scheduling.SchedulingInputs;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.InstanceLifecycleState;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.control.state.RowKind;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.control.state.WindowSetting;
import io.stevedore.ecs.DaemonDefinitions;
import io.stevedore.ecs.Statuses;
import io.stevedore.lifecycle.DisruptionBudget;
import io.stevedore.lifecycle.DrainCause;
import io.stevedore.lifecycle.EventWindow;
import io.stevedore.lifecycle.FleetSnapshot;
import io.stevedore.lifecycle.LifecycleSettings;
import io.stevedore.placement.InstanceReservation;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import io.stevedore.store.Index;
import io.stevedore.store.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStatus;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.InstanceHealthCheckState;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Builds the lifecycle controller's {@link FleetSnapshot} snapshot from the control plane's state, incrementally: a
 * member (one instance and the work on it) is rebuilt only when something it reads changed — its instance,
 * container instance or lifecycle row, a task on it (its place, running or stopped state, desired status, times,
 * group or demand: {@link #sameForFleet}), a task's scale-in protection — or when a protection it counted expires;
 * a snapshot visits only those instances. Row changes arrive through the state's live
 * {@link io.stevedore.control.state.ChangeFeed} as they happen (inside the tick, rollbacks included), so a cached
 * member never hides a write. Changes that concern every member (task
 * definitions, service tags, a provider's offerings or status) rebuild them all. A fleet of 10,000 tasks thus costs
 * a tick what changed, not every task.
 *
 * <p>Above 300 lines on purpose: the member cache, its invalidation from the change feed and the snapshot that
 * reads it keep one invariant together (a cached member never hides a write); how providers' settings are read is
 * {@link ProviderPolicies}.
 */
final class LifecycleView {
    private final Context ctx;
    private final SchedulingInputs inputs;
    private final LifecycleSettings settings;
    private final Table<InstanceLifecycleState> life;
    private final Table<WindowSetting> windows;
    /** How each provider's settings are read (window, budget, scale-in, repair, opt-out). */
    private final ProviderPolicies policies;
    /** Tasks waiting for capacity (PROVISIONING), by cluster ARN and provider: a provider without any is settled. */
    private final Index<Task, String> unsettled;
    /** Tasks not stopped, by container instance: what a member's work is made of. */
    private final Index<Task, String> liveTasks;
    /** The latest task time on each container instance (stopped tasks included): a member's last change. */
    private final LastTaskChange lastChanges = new LastTaskChange();

    private record Cached(FleetSnapshot.Member member, long validUntilMillis) {
    }

    /** The members of the last snapshot, by instance id (the order of the instances table). */
    private final TreeMap<String, FleetSnapshot.Member> members = new TreeMap<>();
    /** {@link #members} as a list, until they change. */
    private List<FleetSnapshot.Member> listed;
    /** When the scale-in protection a member counted runs out, for the members that counted one. */
    private final Map<String, Long> protectedUntil = new HashMap<>();
    /** The registered instances (rows with a container instance), kept current from the dirty ids. */
    private final Map<String, ManagedInstance> registered = new HashMap<>();
    /** How many registered instances each provider has, and their cluster. */
    private final Map<String, ProviderUse> providerUse = new TreeMap<>();
    /** The providers that were ACTIVE at the last snapshot (a change rebuilds every member). */
    private Set<String> activeProviders = Set.of();
    /** Set when a provider's offerings changed: its members' prices are stale. */
    private boolean repriced;
    /** Registered instances left out for want of a container instance or a running EC2 instance: looked at again. */
    private final Set<String> unresolved = new HashSet<>();

    private record ProviderUse(String clusterArn, int instances) {
    }

    private final Set<String> dirty = new HashSet<>();
    /** Instances whose tasks or images changed since {@link #takeUsageChanges} last ran (idle and image timers). */
    private final Set<String> usageChanged = new HashSet<>();
    private final Map<String, List<Offering>> offeringsSeen = new HashMap<>();
    /** Each provider's price per instance type (from its offerings, the first offering of a type). */
    private final Map<String, Map<String, Double>> prices = new HashMap<>();
    /**
     * Services opted out of optimization, by cluster ARN and task group ({@code service:<name>}), tag changes rebuild
     * everything. Two levels, not one joined key: a task's cluster ARN and group are strings it shares with the
     * others of its service, whose hashes are kept, where a joined key was a new string to hash and compare per task.
     */
    private final Map<String, Map<String, Boolean>> optOut = new HashMap<>();
    private boolean everything = true;

    LifecycleView(Context ctx, SchedulingInputs inputs, LifecycleSettings settings, Table<InstanceLifecycleState> life,
              Table<WindowSetting> windows) {
        this.ctx = ctx;
        this.inputs = inputs;
        this.settings = settings;
        this.life = life;
        this.windows = windows;
        this.policies = new ProviderPolicies(ctx, settings, windows);
        EcsState s = ctx.state();
        this.unsettled = s.tasks.index(t -> t.capacityProviderName() != null
                && Statuses.TASK_PROVISIONING.equals(t.lastStatus())
                && Statuses.isRunning(t.desiredStatus()) ? t.clusterArn() + "/" + t.capacityProviderName() : null);
        this.liveTasks = s.tasks.index(t -> Statuses.isStopped(t.lastStatus()) ? null : t.containerInstanceArn());
        s.tasks.values().forEach(t -> lastChanges.changed(t.taskArn(), null, t));
        s.tasks.observe(lastChanges);
        s.feed.live()
                .on(RowKind.MANAGED_INSTANCE, (id, before, after) -> touch(id))
                .on(RowKind.INSTANCE_LIFECYCLE, (id, before, after) -> touch(id))
                .on(RowKind.CONTAINER_INSTANCE, (id, before, after) -> touchContainerInstance(id))
                .on(RowKind.TASK, (id, before, after) -> {
                    if (after == null) {
                        works.remove(id);
                    }
                    if (before != null && after != null && sameForFleet(before, after)) {
                        return; // neither the member nor the idle and image timers read what changed
                    }
                    noteTask(before == null ? null : before.containerInstanceArn(), id);
                    noteTask(after == null ? null : after.containerInstanceArn(), id);
                    // the idle and image timers read a task only for its group (which does not change), if the row is there
                    boolean usage = before == null || after == null;
                    touchContainerInstance(before == null ? null : before.containerInstanceArn(), usage);
                    touchContainerInstance(after == null ? null : after.containerInstanceArn(), usage);
                })
                .on(RowKind.TASK_RUNTIME, (id, before, after) -> {
                    // a member is made of task rows, not runtimes: a runtime change concerns the idle and image timers
                    if (!sameForUsage(before, after)) {
                        usageChanged(before == null ? null : before.instanceId());
                        usageChanged(after == null ? null : after.instanceId());
                    }
                })
                .on(RowKind.TASK_PROTECTION, (id, before, after) -> {
                    works.remove(id);
                    s.tasks.get(id).ifPresent(t -> {
                        touchContainerInstance(t.containerInstanceArn());
                        if (t.containerInstanceArn() != null) { // its member's remembered works are stale too
                            s.instancesByContainerInstance.ids(t.containerInstanceArn()).forEach(this::dropWorks);
                            Built b = worksByContainerInstance.get(t.containerInstanceArn());
                            if (b != null) {
                                dropWorks(b.instanceId);
                            }
                        }
                    });
                })
                .on(RowKind.TASK_DEFINITION, (id, before, after) -> everything = true)
                .on(RowKind.TAGS, (id, before, after) -> {
                    // provider tags (window, budget) and a service's opt-out tag; task tags and a service's other
                    // tags (e.g. its declared load, changed every few minutes by a simulation) are not read
                    if (!id.contains(":task/") && !(id.contains(":service/")
                            && Objects.equals(optOutTag(before), optOutTag(after)))) {
                        everything = true;
                    }
                })
                .onReset(() -> everything = true);
    }

    /** A service's opt-out tag in a tag row (null: none, or no row). */
    private static String optOutTag(EcsState.TagSet tags) {
        return tags == null ? null : tags.tags().get(FleetLifecycle.OPT_OUT_TAG);
    }

    private void touch(String instanceId) {
        if (instanceId != null) {
            dirty.add(instanceId);
            usageChanged.add(instanceId);
        }
    }

    /** The instance registered as {@code arn} changed. */
    private void touchContainerInstance(String arn) {
        touchContainerInstance(arn, true);
    }

    /** The member of the instance registered as {@code arn} changed; {@code usage}: its idle and image timers too. */
    private void touchContainerInstance(String arn, boolean usage) {
        if (arn != null) {
            ctx.state().instancesByContainerInstance.ids(arn).forEach(usage ? this::touch : dirty::add);
        }
    }

    private void usageChanged(String instanceId) {
        if (instanceId != null) {
            usageChanged.add(instanceId);
        }
    }

    /**
     * Whether a task change leaves the member it is on as it was: a member reads the task's place, whether it
     * runs, is stopped or is to stop, its times, group and demand; the steps in between (PENDING, ACTIVATING,
     * STOPPING, …) do not show.
     */
    static boolean sameForFleet(Task b, Task a) {
        return MemberFacts.of(b).equals(MemberFacts.of(a));
    }

    /**
     * Whether a runtime change leaves the idle and image timers ({@link InstanceUsage}) as they were: they read the
     * runtimes an instance holds ({@code runtimesByInstance}: not DONE, by instance) and their task and image, and a
     * task's group (which does not change); the phase steps and times in between do not show.
     */
    static boolean sameForUsage(TaskRuntime b, TaskRuntime a) {
        return b != null && a != null && Objects.equals(usageKey(b), usageKey(a)) && b.taskArn().equals(a.taskArn())
                && Objects.equals(b.image(), a.image());
    }

    /** A runtime's key in {@code runtimesByInstance} (null: not on an instance as the timers count it). */
    private static String usageKey(TaskRuntime rt) {
        return rt.phase() == TaskRuntime.Phase.DONE ? null : rt.instanceId();
    }

    /** What a member reads of a task (see {@link #sameForFleet}). */
    private record MemberFacts(String containerInstanceArn, String desiredStatus, boolean running, boolean stopped,
                               Object createdAt, Object startedAt, Object stoppedAt, String group, String clusterArn,
                               String taskDefinitionArn, Object overrides) {
        static MemberFacts of(Task t) {
            return new MemberFacts(t.containerInstanceArn(), t.desiredStatus(), Statuses.isRunning(t.lastStatus()),
                    Statuses.isStopped(t.lastStatus()), t.createdAt(), t.startedAt(), t.stoppedAt(), t.group(),
                    t.clusterArn(), t.taskDefinitionArn(), t.overrides());
        }
    }

    /**
     * The instances whose tasks, images or rows changed since the last call (every registered one after a reload);
     * the idle and image-cache bookkeeping looks at these only.
     */
    Set<String> takeUsageChanges(boolean all) {
        Set<String> out = new HashSet<>(usageChanged);
        usageChanged.clear();
        if (all) {
            ctx.state().instances.values().forEach(m -> out.add(m.instanceId()));
        }
        return out;
    }

    /** A second view of the same state, which keeps nothing yet (tests compare it with this one). */
    LifecycleView another() {
        return new LifecycleView(ctx, inputs, settings, life, windows);
    }

    /** Makes the next snapshot rebuild every member, as the first one does (tests). */
    void rebuildAll() {
        everything = true;
    }

    /** True when the next snapshot rebuilds every member (first tick, reload, definition or tag change). */
    boolean rebuildingAll() {
        return everything;
    }

    // ---- the snapshot ------------------------------------------------------------------------------------------

    /** Keeps {@link #registered} and {@link #providerUse} current for one instance ({@code null}: not registered). */
    private void register(String id, ManagedInstance mi) {
        ManagedInstance old = mi == null ? registered.remove(id) : registered.put(id, mi);
        if (old != null) {
            providerUse.computeIfPresent(old.capacityProvider(), (n, u) -> u.instances() == 1 ? null
                    : new ProviderUse(u.clusterArn(), u.instances() - 1));
        }
        if (mi != null) {
            providerUse.merge(mi.capacityProvider(), new ProviderUse(mi.clusterArn(), 1),
                    (u, one) -> new ProviderUse(u.clusterArn(), u.instances() + 1));
        }
    }

    /** The lifecycle's view of the fleet now (call inside a transaction). */
    FleetSnapshot snapshot() {
        long now = ctx.now().toEpochMilli();
        boolean all = everything || ctx.state().db.isShared();
        everything = false;
        if (all) {
            members.clear();
            listed = null;
            protectedUntil.clear();
            unresolved.clear();
            optOut.clear();
            works.clear();
            memberWorks.clear();
            worksByContainerInstance.clear();
            registered.clear();
            providerUse.clear();
            for (ManagedInstance mi : ctx.state().instances.values(m -> m.containerInstanceArn() != null)) {
                register(mi.instanceId(), mi);
            }
        } else {
            for (String id : dirty) {
                register(id, ctx.state().instances.get(id).filter(m -> m.containerInstanceArn() != null)
                        .orElse(null));
            }
        }
        Map<String, Optional<FleetSnapshot.Provider>> byName = new TreeMap<>();
        repriced = false;
        providerUse.forEach((name, use) -> byName.put(name, ctx.state().capacityProviders.get(name)
                .filter(p -> p.status() == CapacityProviderStatus.ACTIVE).map(p -> provider(p, use.clusterArn()))));
        Set<String> active = new TreeSet<>();
        byName.forEach((n, p) -> p.ifPresent(x -> active.add(n)));
        Set<String> visit = new TreeSet<>(dirty);
        visit.addAll(unresolved);
        unresolved.clear();
        if (all || repriced || !active.equals(activeProviders)) {
            visit.addAll(registered.keySet()); // a provider came, went or changed its prices: every member again
        } else {
            protectedUntil.forEach((id, until) -> {
                if (now >= until) {
                    visit.add(id); // a task's scale-in protection ran out
                }
            });
        }
        activeProviders = active;
        List<FleetSnapshot.Member> previous = listed;
        for (String id : visit) {
            ManagedInstance mi = registered.get(id);
            Optional<FleetSnapshot.Provider> fp = mi == null ? Optional.empty() : byName.get(mi.capacityProvider());
            protectedUntil.remove(id);
            if (fp.isEmpty()) {
                forget(id);
                continue;
            }
            // rows changed: look again (an instance the cloud took away is retired before this, in the tick)
            ContainerInstance ci = ctx.state().containerInstances.get(mi.containerInstanceArn()).orElse(null);
            Optional<Instance> ec2 = ctx.cloud().describe(mi.instanceId());
            if (ci == null || ec2.isEmpty() || !"running".equals(ec2.get().state())) {
                unresolved.add(id);
                forget(id);
                continue;
            }
            Cached c = member(mi, ci, ec2.get(), fp.get(), now);
            members.put(id, c.member()); // replaces the member in place: no removal and insertion in the tree
            listed = null;
            if (c.validUntilMillis() != Long.MAX_VALUE) {
                protectedUntil.put(id, c.validUntilMillis());
            }
        }
        dirty.clear();
        if (listed == null) {
            listed = previous == null || all ? List.copyOf(members.values()) : patched(previous, visit);
            assert listed.equals(List.copyOf(members.values())) : "the patched list is the members'";
        }
        List<FleetSnapshot.Member> out = listed;
        Map<String, FleetSnapshot.Provider> providers = new TreeMap<>();
        byName.forEach((n, p) -> p.ifPresent(x -> providers.put(n, x)));
        Map<String, EventWindow> instanceWindows = InstanceEventWindows.byInstance(ctx.cloud().eventWindows(),
                members.keySet(), id -> ctx.cloud().describe(id).map(Instance::tags).orElse(Map.of()));
        return new FleetSnapshot(ctx.now(), providers, out, instanceWindows);
    }

    /** Drops the member of {@code id}, if any, and its remembered task works. */
    private void forget(String id) {
        if (members.remove(id) != null) {
            listed = null;
        }
        dropWorks(id);
    }

    /**
     * {@link #members} as a list: {@code previous} (the last list, instance-id order) with the members of
     * {@code visited} replaced, added or removed — a few binary searches instead of a walk through the whole map.
     */
    private List<FleetSnapshot.Member> patched(List<FleetSnapshot.Member> previous, Set<String> visited) {
        List<FleetSnapshot.Member> out = new ArrayList<>(previous);
        for (String id : visited) {
            int found = search(out, FleetSnapshot.Member::instanceId, id);
            int at = found >= 0 ? found : -1;
            int lo = found >= 0 ? found : -found - 1; // where it goes when absent
            FleetSnapshot.Member now = members.get(id);
            if (at >= 0 && now != null) {
                out.set(at, now);
            } else if (at >= 0) {
                out.remove(at);
            } else if (now != null) {
                out.add(lo, now);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The index of {@code id} in {@code sorted} (in the order of {@code key}), else {@code -(insertion point) - 1}, as
     * {@link java.util.Collections#binarySearch} answers.
     */
    private static <T> int search(List<T> sorted, java.util.function.Function<T, String> key, String id) {
        int lo = 0;
        int hi = sorted.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = key.apply(sorted.get(mid)).compareTo(id);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    private FleetSnapshot.Provider provider(CapacityProvider p, String clusterArn) {
        Map<String, String> tags = ctx.state().tagsOf(p.capacityProviderArn());
        Optional<EventWindow> window = policies.window(p, clusterArn, tags);
        DisruptionBudget budget = policies.budget(tags);
        long scaleIn = policies.scaleInAfterMillis(p);
        boolean repair = ProviderPolicies.autoRepair(p);
        Scheduling.ProviderCapacity cap = inputs.provider(p);
        List<Offering> seen = offeringsSeen.put(p.name(), cap.offerings());
        if (seen != cap.offerings() && !cap.offerings().equals(seen)) {
            prices.remove(p.name());
            repriced = true; // prices come from the offerings: a changed provider re-prices its members
        }
        boolean settled = unsettled.count(clusterArn + "/" + p.name()) == 0;
        return new FleetSnapshot.Provider(p.name(), scaleIn, repair, window, budget, cap.offerings(), cap.zones(),
                settled, policies.consolidation(tags), cap.daemonOverhead());
    }

    private Cached member(ManagedInstance mi, ContainerInstance ci, Instance ec2, FleetSnapshot.Provider p, long now) {
        InstanceLifecycleState l = life.get(mi.instanceId()).orElse(InstanceLifecycleState.of(mi.instanceId()));
        double price = prices.computeIfAbsent(p.name(), n -> {
            Map<String, Double> byType = new HashMap<>();
            for (Offering o : p.offerings()) {
                byType.putIfAbsent(o.type().name(), o.pricePerHour());
            }
            return byType;
        }).getOrDefault(mi.instanceType(), 0.0);
        Resources registered = ctx.catalog().find(mi.instanceType()).map(InstanceReservation::registered)
                .orElse(Resources.ZERO);
        List<FleetSnapshot.Work> work = new ArrayList<>();
        long lastChange = lastChanges.of(mi.containerInstanceArn());
        long validUntil = Long.MAX_VALUE;
        TaskWork[] after = works(mi, now);
        for (int i = 0; i < after.length; i++) {
            TaskWork tw = after[i];
            if (now >= tw.protectedUntilMillis()) {
                tw = work(tw.task(), now);
                works.put(tw.task().taskArn(), tw);
                after[i] = tw;
            }
            if (tw.protectedUntilMillis() != Long.MAX_VALUE) {
                validUntil = Math.min(validUntil, tw.protectedUntilMillis());
            }
            if (tw.daemon()) {
                // a daemon task is the instance's, not work to move: what it holds is not the tasks' to use
                Resources held = tw.work() == null ? Resources.ZERO : tw.work().demand().resources();
                registered = registered.minus(held);
                continue;
            }
            if (tw.work() != null) {
                work.add(tw.work());
            }
        }
        remember(mi.instanceId(), mi.containerInstanceArn(), after);
        boolean draining = Statuses.INSTANCE_DRAINING.equals(ci.status());
        Optional<FleetSnapshot.Drain> drain = Optional.empty();
        if (draining) {
            if (l.drainStartedMillis() < 0) { // drained by the user: no deadline, standalone tasks run to the end
                l = l.draining(now, DrainCause.USER.name(), Long.MAX_VALUE);
                life.put(mi.instanceId(), l);
            }
            drain = Optional.of(new FleetSnapshot.Drain(l.drainStartedMillis(), DrainCause.valueOf(l.drainCause()),
                    l.drainDeadlineMillis()));
        } else if (l.drainStartedMillis() >= 0) {
            l = l.notDraining(); // made ACTIVE again by the user
            life.put(mi.instanceId(), l);
        }
        boolean impaired = ci.healthStatus() != null
                && InstanceHealthCheckState.IMPAIRED.toString().equals(ci.healthStatus().overallStatusAsString());
        return new Cached(new FleetSnapshot.Member(mi.instanceId(), mi.capacityProvider(), mi.instanceType(), price,
                registered, ec2.launchedAtMillis(),
                draining ? FleetSnapshot.State.DRAINING : FleetSnapshot.State.ACTIVE, drain, impaired,
                l.spotNoticeMillis(), mi.idleSinceMillis(), lastChange, work), validUntil);
    }

    /**
     * A task as the lifecycle sees it, kept while the task row is the same object and its protection holds;
     * {@code daemon}: a daemon's task ({@link DaemonDefinitions#isDaemonGroup}).
     */
    private record TaskWork(Task task, FleetSnapshot.Work work, long protectedUntilMillis, boolean daemon,
                            String arn) {
        /**
         * {@code work}: null when the task has no demand (its definition is gone); {@code arn}: the task's ARN. Both
         * held here, not behind an {@code Optional} and the task row, so a member's build and a search through its
         * works read one object less per task.
         */
        TaskWork(Task task, FleetSnapshot.Work work, long protectedUntilMillis, boolean daemon) {
            this(task, work, protectedUntilMillis, daemon, task.taskArn());
        }
    }

    private final Map<String, TaskWork> works = new HashMap<>();

    /**
     * A member's task works at its last build, in the order of its tasks (the live tasks on its container instance,
     * by ARN), and the tasks there that changed for the fleet since ({@code null}: too many, build from the index).
     */
    private static final class Built {
        final String instanceId;
        final String containerInstanceArn;
        TaskWork[] works;
        Set<String> changed = new HashSet<>();

        Built(String instanceId, String containerInstanceArn) {
            this.instanceId = instanceId;
            this.containerInstanceArn = containerInstanceArn;
        }
    }

    /** More changed tasks than this on a member since its last build: its works are made from the index again. */
    private static final int PATCH_LIMIT = 32;
    /** Each member's {@link Built}, by instance id. */
    private final Map<String, Built> memberWorks = new HashMap<>();
    /** The same, by container instance ARN: where a task change is noted. */
    private final Map<String, Built> worksByContainerInstance = new HashMap<>();
    private static final TaskWork[] NO_WORKS = new TaskWork[0];

    /** A task on {@code containerInstanceArn} changed for the fleet (entered, left or changed what a member reads). */
    private void noteTask(String containerInstanceArn, String taskArn) {
        Built b = containerInstanceArn == null ? null : worksByContainerInstance.get(containerInstanceArn);
        if (b != null && b.changed != null) {
            b.changed.add(taskArn);
            if (b.changed.size() > PATCH_LIMIT) {
                b.changed = null;
            }
        }
    }

    /** Forgets the works of instance {@code id}: its next build reads its tasks from the index. */
    private void dropWorks(String id) {
        Built b = memberWorks.remove(id);
        if (b != null) {
            worksByContainerInstance.remove(b.containerInstanceArn, b);
        }
    }

    /** Keeps {@code works} as the works of instance {@code id} on {@code containerInstanceArn}; no change noted since. */
    private void remember(String id, String containerInstanceArn, TaskWork[] works) {
        Built b = memberWorks.get(id);
        if (b == null || !b.containerInstanceArn.equals(containerInstanceArn)) {
            dropWorks(id);
            b = new Built(id, containerInstanceArn);
            memberWorks.put(id, b);
            Built other = worksByContainerInstance.put(containerInstanceArn, b);
            if (other != null && other != b) {
                memberWorks.remove(other.instanceId); // two instances on one ARN: neither is patched from notes
            }
        }
        b.works = works;
        if (b.changed == null || !b.changed.isEmpty()) {
            b.changed = new HashSet<>(); // a new set, not a clear: clearing costs a grown set its whole capacity
        }
    }

    /**
     * The works of the live tasks on {@code mi}'s container instance, in ARN order (the order of {@link #liveTasks}).
     * When its last build's works are known with the tasks that changed since, only those are read again (a task
     * row that changed otherwise keeps its work: {@link #sameForFleet} covers what a work reads of it); else every
     * task is read from the index, and the last build's works are found by identity, in order.
     */
    private TaskWork[] works(ManagedInstance mi, long now) {
        String ciArn = mi.containerInstanceArn();
        Built prior = memberWorks.get(mi.instanceId());
        if (prior != null && prior.containerInstanceArn.equals(ciArn) && prior.changed != null) {
            TaskWork[] patched = patchedWorks(prior.works, prior.changed, ciArn, now);
            if (patched.length == liveTasks.count(ciArn)) {
                return patched;
            }
        }
        List<Task> tasks = liveTasks.values(ciArn);
        TaskWork[] before = prior == null ? NO_WORKS : prior.works;
        TaskWork[] after = new TaskWork[tasks.size()];
        int j = 0; // where this member's tasks were last time (same id order): most are the same objects
        for (int i = 0; i < after.length; i++) {
            Task t = tasks.get(i);
            TaskWork tw = null;
            if (j < before.length && before[j].task() == t) {
                tw = before[j++];
            } else if (j + 1 < before.length && before[j + 1].task() == t) {
                tw = before[j + 1]; // the task before it left
                j += 2;
            } else if (j < before.length && before[j].task().taskArn().equals(t.taskArn())) {
                j++; // the same task, changed: its work is made again below (the works hold no newer one)
            } else {
                tw = works.get(t.taskArn());
            }
            if (tw == null || tw.task() != t) {
                tw = work(t, now);
                works.put(t.taskArn(), tw);
            }
            after[i] = tw;
        }
        return after;
    }

    /** {@code before} with the tasks {@code changed} read again: replaced, added or removed (by binary search). */
    private TaskWork[] patchedWorks(TaskWork[] before, Set<String> changed, String ciArn, long now) {
        if (changed.isEmpty()) {
            return before.clone();
        }
        List<TaskWork> out = new ArrayList<>(java.util.Arrays.asList(before));
        for (String arn : changed) {
            int found = search(out, TaskWork::arn, arn);
            int at = found >= 0 ? found : -1;
            int lo = found >= 0 ? found : -found - 1; // where it goes when absent
            Task t = ctx.state().tasks.get(arn).orElse(null);
            boolean here = t != null && !Statuses.isStopped(t.lastStatus()) && ciArn.equals(t.containerInstanceArn());
            if (!here) {
                if (at >= 0) {
                    out.remove(at);
                }
                continue;
            }
            TaskWork tw = at >= 0 ? out.get(at) : null;
            if (tw == null || tw.task() != t) {
                tw = work(t, now);
                works.put(arn, tw);
            }
            if (at >= 0) {
                out.set(at, tw);
            } else {
                out.add(lo, tw);
            }
        }
        return out.toArray(NO_WORKS);
    }

    private TaskWork work(Task t, long now) {
        Optional<TaskDemand> d = inputs.demand(t);
        String service = t.group() != null && t.group().startsWith("service:") ? t.group().substring(8) : null;
        Optional<EcsState.Protection> protection = ctx.state().protections.get(t.taskArn())
                .filter(x -> x.enabled() && x.expiresAtMillis() > now);
        boolean prot = protection.isPresent();
        boolean out = service != null && optOut.computeIfAbsent(t.clusterArn(), k -> new HashMap<>())
                .computeIfAbsent(t.group(), k -> policies.optedOut(t.clusterArn(), service));
        boolean constrained = ctx.state().runtimes.get(t.taskArn()).map(rt -> !rt.placement().constraints()
                .isEmpty()).orElse(false) || ctx.state().taskDefinitions.get(t.taskDefinitionArn())
                .map(td -> td.hasPlacementConstraints() && !td.placementConstraints().isEmpty()).orElse(false);
        FleetSnapshot.Work work = d.map(dd -> new FleetSnapshot.Work(t.taskArn(), service, dd,
                Statuses.isRunning(t.lastStatus()) && Statuses.isRunning(t.desiredStatus()), prot, out, constrained))
                .orElse(null);
        return new TaskWork(t, work, prot ? protection.get().expiresAtMillis() : Long.MAX_VALUE,
                DaemonDefinitions.isDaemonGroup(t.group()));
    }
}
