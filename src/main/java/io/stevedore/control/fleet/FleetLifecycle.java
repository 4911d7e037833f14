package io.stevedore.control.fleet;

import io.stevedore.control.state.WindowSetting;
import io.stevedore.control.state.LaunchBackoff;
import io.stevedore.control.scheduling.SchedulerView;
import io.stevedore.control.state.InstanceLifecycleState;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.control.tasks.TaskLifecycle;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.TaskRuntime.Phase;
import io.stevedore.cloud.Instance;
import io.stevedore.lifecycle.Compaction;
import io.stevedore.lifecycle.Decision;
import io.stevedore.control.events.EventRing;
import io.stevedore.lifecycle.EventWindow;
import io.stevedore.lifecycle.FleetSnapshot;
import io.stevedore.lifecycle.LifecycleController;
import io.stevedore.lifecycle.LifecycleSettings;
import io.stevedore.provisioning.Provisioner;
import io.stevedore.store.Index;
import io.stevedore.store.JsonCodec;
import io.stevedore.store.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.HashSet;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceHealthStatus;
import software.amazon.awssdk.services.ecs.model.InstanceHealthCheckResult;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The executor of the fleet lifecycle (issue #5): builds the {@link FleetSnapshot} snapshot from the control plane's state,
 * asks {@link LifecycleController} for decisions and carries them out (DRAINING, DEREGISTERING and termination,
 * health reports, events). Also: instances the cloud took away (Spot reclaim, terminate faults) lose their tasks;
 * Spot notices expire into a reclaim; cached images are cleaned 15 minutes after their last use; launch failures
 * back off exponentially. Time comes from the injected clock only.
 */
public final class FleetLifecycle {
    /** Provider tag: maintenance window (ranges form, e.g. {@code sat:02-sat:06}). */
    public static final String WINDOW_TAG = "stevedore:event-window";
    /** Provider tag: disruption budget ({@code 2} or {@code 10%}). */
    public static final String BUDGET_TAG = "stevedore:disruption-budget";
    /** Service tag: {@code disabled} keeps the service's instances out of compaction. */
    public static final String OPT_OUT_TAG = "stevedore:optimization";
    /** Unused images are removed from an instance this long after their last use (fact sheet §5). */
    public static final Duration IMAGE_CLEANUP = Duration.ofMinutes(15);

    private final Context ctx;
    private final TaskLifecycle tasks;
    private final SchedulerView inputs;
    private final LifecycleController controller;
    private final EventRing events;
    private final Table<InstanceLifecycleState> life;
    private final Table<LaunchBackoff> backoff;
    private final Table<WindowSetting> windows;
    private final LifecycleView view;
    /** Instances with a Spot interruption notice. */
    private final Index<InstanceLifecycleState, Boolean> noticed;
    /** Capacity providers being deleted. */
    private final Index<CapacityProvider, Boolean> deprovisioning;
    /** Managed instances by capacity provider name. */
    private final Index<ManagedInstance, String> byProvider;
    /** When each instance's next cached image expires (the image cleanup visits these, not every instance). */
    private final Map<String, Long> imageExpiry = new HashMap<>();

    public FleetLifecycle(Context ctx, TaskLifecycle tasks, SchedulerView inputs, LifecycleSettings settings,
                   EventRing events) {
        this.ctx = ctx;
        this.tasks = tasks;
        this.inputs = inputs;
        this.controller = new LifecycleController(settings, new Compaction(new Provisioner()));
        this.events = events;
        this.life = ctx.state().instanceLifecycle;
        this.backoff = ctx.state().launchBackoff;
        this.windows = ctx.state().maintenanceWindows;
        this.view = new LifecycleView(ctx, inputs, settings, life, windows);
        this.noticed = life.index(l -> l.spotNoticeMillis() >= 0 ? Boolean.TRUE : null);
        this.byProvider = ctx.state().instances.index(ManagedInstance::capacityProvider);
        this.deprovisioning = ctx.state().capacityProviders.index(p -> "DEPROVISIONING".equals(p.statusAsString())
                ? Boolean.TRUE : null);
    }

    public LifecycleSettings settings() {
        return controller.settings();
    }

    private long now() {
        return ctx.now().toEpochMilli();
    }

    // ---- the tick ---------------------------------------------------------------------------------------------

    public void tick() {
        reclaimSpot();
        lostInstances();
        trackIdleAndImages();
        leavingProviders();
        FleetSnapshot fleet = snapshot();
        List<Decision> decisions = controller.reconcile(fleet);
        for (Decision d : decisions) {
            execute(d);
        }
        finishDeprovisioning();
        nextCheckMillis = nextCheck(fleet, decisions.stream().anyMatch(d -> !(d instanceof Decision.Report)));
    }

    private long nextCheckMillis = Long.MAX_VALUE;
    /** The cloud's {@link io.stevedore.cloud.CloudProvider#stateVersion} at the last look for lost instances. */
    private long cloudSeen = -1;

    /**
     * When the lifecycle next has something to decide that no task or instance event announces: an instance's
     * quiet period for compaction ends, a drain's deadline passes, an idle timer or a cached image expires, a Spot
     * notice runs out; right away after a pass that acted (the next instance to compact). A discrete-event driver
     * (the simulator) ticks then; the server ticks on its own period anyway. {@code Long.MAX_VALUE} = nothing.
     */
    public long nextCheckMillis() {
        return nextCheckMillis;
    }

    private long nextCheck(FleetSnapshot fleet, boolean acted) {
        long next = nextDue(fleet, acted);
        long grid = CHECK_GRID.toMillis();
        return next == Long.MAX_VALUE ? next : (next + grid - 1) / grid * grid;
    }

    /**
     * Lifecycle wake-ups are rounded up to this grid (ours): a simulated fleet with hundreds of instances would
     * otherwise tick at every instance's own quiet-period end; the server ticks every 500 ms regardless.
     */
    static final Duration CHECK_GRID = Duration.ofMinutes(1);

    private long nextDue(FleetSnapshot fleet, boolean acted) {
        long now = now();
        if (acted) {
            return now + 1;
        }
        long next = Long.MAX_VALUE;
        for (FleetSnapshot.Member m : fleet.instances()) {
            FleetSnapshot.Provider p = fleet.providers().get(m.provider());
            long scaleIn = p == null ? -1 : p.scaleInAfterMillis();
            if (m.state() == FleetSnapshot.State.DRAINING) {
                next = later(now, next, m.drain().map(FleetSnapshot.Drain::deadlineMillis).orElse(Long.MAX_VALUE));
            } else if (scaleIn >= 0 && m.tasks().isEmpty() && m.idleSinceMillis() >= 0) {
                next = later(now, next, m.idleSinceMillis() + scaleIn);
            } else if (scaleIn >= 0) {
                next = later(now, next, Math.max(m.lastTaskChangeMillis(), m.launchedAtMillis()) + scaleIn);
            }
            if (m.spotNoticeMillis() >= 0) {
                next = later(now, next, m.spotNoticeMillis() + settings().spotNotice().toMillis());
            }
        }
        for (long at : imageExpiry.values()) {
            next = later(now, next, at);
        }
        return next;
    }

    /** {@code next}, or {@code at} when that is sooner and still ahead. */
    private static long later(long now, long next, long at) {
        return at > now && at < next ? at : next;
    }

    /** Spot notices past their two minutes: the cloud takes the instance (EC2 reclaims it). */
    private void reclaimSpot() {
        long limit = now() - settings().spotNotice().toMillis();
        for (InstanceLifecycleState l : noticed.values(Boolean.TRUE)) {
            if (l.spotNoticeMillis() <= limit) {
                ctx.cloud().terminate(l.instanceId());
            }
        }
    }

    /** Registered instances the cloud terminated: their tasks stop, the container instance goes INACTIVE. */
    private void lostInstances() {
        long version = ctx.cloud().stateVersion();
        if (version >= 0 && version == cloudSeen && !view.rebuildingAll()) {
            return; // no instance changed state in the cloud since the last look
        }
        Optional<Set<String>> changed = view.rebuildingAll() ? Optional.empty() : ctx.cloud().changedSince(cloudSeen);
        cloudSeen = version;
        List<ManagedInstance> look;
        if (changed.isPresent()) {
            look = new ArrayList<>();
            for (String id : new TreeSet<>(changed.get())) { // id order, as the table's
                ctx.state().instances.get(id).filter(m -> m.containerInstanceArn() != null).ifPresent(look::add);
            }
        } else {
            look = ctx.state().instances.values(m -> m.containerInstanceArn() != null);
        }
        for (ManagedInstance mi : look) {
            Optional<Instance> ec2 = ctx.cloud().describe(mi.instanceId());
            if (ec2.isPresent() && !"terminated".equals(ec2.get().state())
                    && !"shutting-down".equals(ec2.get().state())) {
                continue;
            }
            boolean spot = life.get(mi.instanceId()).map(l -> l.spotNoticeMillis() >= 0).orElse(false);
            String reason = spot ? "Spot instance " + mi.instanceId() + " was interrupted (reclaimed by EC2)"
                    : "Host EC2 (instance " + mi.instanceId() + ") terminated.";
            for (Task t : tasksOn(mi)) {
                tasks.requestStop(t, spot ? "SpotInterruption" : "TerminationNotice", reason);
                ctx.state().runtimes.get(t.taskArn()).ifPresent(rt -> ctx.state().runtimes.put(t.taskArn(),
                        rt.to(rt.phase() == Phase.RUN ? Phase.STOP : rt.phase(), now())));
            }
            retire(mi, reason, false);
        }
    }

    private List<Task> tasksOn(ManagedInstance mi) {
        List<Task> out = new ArrayList<>();
        for (TaskRuntime rt : ctx.state().runtimesByInstance.values(mi.instanceId())) {
            ctx.state().tasks.get(rt.taskArn()).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Idle timers (the last task stop starts one, a new task cancels it) and the image cache's cleanup: an image
     * no task on the instance uses any more is removed {@link #IMAGE_CLEANUP} after its last task there ended.
     * Only instances whose tasks changed, or whose oldest unused image is due, are looked at.
     */
    private void trackIdleAndImages() {
        long now = now();
        Set<String> visit = new TreeSet<>(view.takeUsageChanges(view.rebuildingAll() || ctx.state().db.isShared()));
        imageExpiry.forEach((id, at) -> {
            if (now >= at) {
                visit.add(id);
            }
        });
        for (String id : visit) {
            ManagedInstance mi = ctx.state().instances.get(id).orElse(null);
            imageExpiry.remove(id);
            if (mi == null || mi.containerInstanceArn() == null) {
                continue;
            }
            List<TaskRuntime> on = ctx.state().runtimesByInstance.values(id);
            ManagedInstance u = mi;
            if (!on.isEmpty() && mi.idleSinceMillis() >= 0) {
                u = u.idleSince(-1);
            } else if (on.isEmpty() && mi.idleSinceMillis() < 0) {
                u = u.idleSince(now);
            }
            InstanceLifecycleState l = life.get(id).orElse(InstanceLifecycleState.of(id));
            Set<String> inUse = new HashSet<>();
            on.forEach(rt -> inUse.add(rt.image()));
            Map<String, Long> lastUse = new TreeMap<>();
            long expiry = Long.MAX_VALUE;
            for (String image : mi.imageList()) {
                if (inUse.contains(image)) {
                    continue; // in use: no timer
                }
                long last = l.imageLastUse().getOrDefault(image, now);
                if (now - last >= IMAGE_CLEANUP.toMillis()) {
                    u = u.withoutImage(image);
                } else {
                    lastUse.put(image, last);
                    expiry = Math.min(expiry, last + IMAGE_CLEANUP.toMillis());
                }
            }
            if (expiry != Long.MAX_VALUE) {
                imageExpiry.put(id, expiry);
            }
            if (!u.equals(mi)) {
                ctx.state().instances.put(id, u);
            }
            if (!lastUse.equals(l.imageLastUse()) || life.get(id).isEmpty()) {
                life.put(id, l.images(lastUse));
            }
        }
    }

    /** Providers being deleted: their tasks stop and their instances go as soon as they are empty. */
    private void leavingProviders() {
        List<ManagedInstance> leaving = new ArrayList<>();
        for (String name : byProvider.keys()) {
            CapacityProvider p = ctx.state().capacityProviders.get(name).orElse(null);
            if (p == null || !"ACTIVE".equals(p.statusAsString())) {
                leaving.addAll(byProvider.values(name));
            }
        }
        leaving.sort(java.util.Comparator.comparing(ManagedInstance::instanceId)); // the instances table's order
        for (ManagedInstance mi : leaving) {
            if (mi.containerInstanceArn() == null) {
                continue;
            }
            List<Task> on = tasksOn(mi);
            on.forEach(t -> tasks.requestStop(t, "ServiceSchedulerInitiated", "Capacity provider is being deleted"));
            if (on.isEmpty()) {
                retire(mi, "its capacity provider is being deleted", false);
            }
        }
    }

    private void finishDeprovisioning() {
        for (CapacityProvider p : deprovisioning.values(Boolean.TRUE)) {
            if (byProvider.count(p.name()) == 0) {
                CapacityProvider gone = p.toBuilder().status("INACTIVE").updateStatus("DELETE_COMPLETE").build();
                ctx.state().capacityProviders.put(p.name(), gone);
                ctx.state().detachCapacityProvider(gone.name());
            }
        }
    }

    // ---- the snapshot ------------------------------------------------------------------------------------------

    /** The lifecycle's view of the fleet now (call inside a transaction). */
    public FleetSnapshot snapshot() {
        return view.snapshot();
    }

    static String windowKey(String clusterArn, String provider) {
        return clusterArn + "/" + provider;
    }

    // ---- executing decisions -----------------------------------------------------------------------------------

    private void execute(Decision d) {
        ManagedInstance mi = ctx.state().instances.get(d.instanceId()).orElse(null);
        if (mi == null) {
            return;
        }
        ContainerInstance ci = ctx.state().containerInstances.get(mi.containerInstanceArn()).orElse(null);
        if (d instanceof Decision.StartDrain s) {
            InstanceLifecycleState l = life.get(mi.instanceId()).orElse(InstanceLifecycleState.of(mi.instanceId()));
            life.put(mi.instanceId(), l.draining(now(), s.cause().name(), s.deadlineMillis()));
            setStatus(ci, "DRAINING", s.reason());
            action(mi, "DRAINING", s.cause().name(), s.reason());
        } else if (d instanceof Decision.CancelDrain c) {
            life.get(mi.instanceId()).ifPresent(l -> life.put(mi.instanceId(), l.notDraining()));
            setStatus(ci, "ACTIVE", null);
            action(mi, "ACTIVE", "UNDERUTILIZED", c.reason());
        } else if (d instanceof Decision.Retire r) {
            if (r.force()) {
                for (Task t : tasksOn(mi)) {
                    tasks.requestStop(t, "ServiceSchedulerInitiated", "Container instance " + mi.instanceId()
                            + " is being replaced: " + r.reason());
                }
            }
            retire(mi, r.reason(), true);
        } else if (d instanceof Decision.Report rep) {
            InstanceLifecycleState l = life.get(mi.instanceId()).orElse(InstanceLifecycleState.of(mi.instanceId()));
            if (!l.impairedReported()) {
                life.put(mi.instanceId(), l.reported(true));
                action(mi, "REPORTED", "IMPAIRED", rep.reason());
            }
        }
    }

    private void setStatus(ContainerInstance ci, String status, String reason) {
        if (ci != null) {
            ctx.state().containerInstances.put(ci.containerInstanceArn(), ci.toBuilder().status(status)
                    .statusReason(reason).version(ci.version() + 1).build());
        }
    }

    /** DEREGISTERING → terminated → INACTIVE, in one step of the control plane. */
    private void retire(ManagedInstance mi, String reason, boolean announce) {
        ContainerInstance ci = ctx.state().containerInstances.get(mi.containerInstanceArn()).orElse(null);
        if (announce) {
            action(mi, "DEREGISTERING", "", reason);
        }
        if (ci != null) {
            ctx.state().containerInstances.put(ci.containerInstanceArn(), ci.toBuilder().status("INACTIVE")
                    .agentConnected(false).statusReason(reason).version(ci.version() + 1).build());
        }
        ctx.cloud().terminate(mi.instanceId());
        ctx.state().instances.remove(mi.instanceId());
        life.remove(mi.instanceId());
    }

    /** A lifecycle action event ({@code Stevedore Instance Lifecycle Action}, ours: ECS has no such event). */
    private void action(ManagedInstance mi, String action, String cause, String reason) {
        String detail = "{\"ec2InstanceId\":" + q(mi.instanceId()) + ",\"containerInstanceArn\":"
                + q(mi.containerInstanceArn()) + ",\"clusterArn\":" + q(mi.clusterArn()) + ",\"capacityProviderName\":"
                + q(mi.capacityProvider()) + ",\"action\":" + q(action) + ",\"cause\":" + q(cause) + ",\"reason\":"
                + q(reason) + "}";
        events.add(now(), "Stevedore Instance Lifecycle Action", List.of(mi.containerInstanceArn()), detail);
    }

    static String q(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    // ---- hooks for the reconciler and fault injection -----------------------------------------------------------

    /** False while the provider backs off after launch failures. */
    public boolean mayLaunch(String provider) {
        return backoff.get(provider).map(b -> now() >= b.nextAttemptMillis()).orElse(true);
    }

    public void launchSucceeded(String provider) {
        if (backoff.contains(provider)) {
            backoff.remove(provider);
        }
    }

    public void launchFailed(String provider, String clusterArn, String message) {
        int failures = backoff.get(provider).map(LaunchBackoff::failures).orElse(0) + 1;
        Duration wait = settings().backoff(failures);
        backoff.put(provider, new LaunchBackoff(provider, failures, now() + wait.toMillis(), message));
        events.add(now(), "Stevedore Capacity Provider Launch Failure", List.of(ctx.arn("capacity-provider/"
                + provider)), "{\"capacityProviderName\":" + q(provider) + ",\"clusterArn\":" + q(clusterArn)
                + ",\"failures\":" + failures + ",\"nextAttemptInSeconds\":" + wait.toSeconds() + ",\"reason\":"
                + q(message) + "}");
    }

    /** The launch backoff of a provider, if any (tests, events). */
    public Optional<LaunchBackoff> backoffOf(String provider) {
        return backoff.get(provider);
    }

    /** Records a Spot interruption notice; the instance is drained now and reclaimed after the notice. */
    public void spotNotice(String instanceId) {
        InstanceLifecycleState l = life.get(instanceId).orElse(InstanceLifecycleState.of(instanceId));
        if (l.spotNoticeMillis() < 0) {
            life.put(instanceId, l.spotNotice(now()));
        }
    }

    /** Marks an instance IMPAIRED (or OK again) with a health check detail. */
    public void setHealth(String instanceId, boolean impaired, String checkType, String reason) {
        ManagedInstance mi = ctx.state().instances.get(instanceId).orElseThrow(() -> new IllegalArgumentException(
                "no managed instance " + instanceId));
        ContainerInstance ci = ctx.state().containerInstances.get(mi.containerInstanceArn()).orElseThrow(() ->
                new IllegalArgumentException("instance " + instanceId + " is not registered yet"));
        String status = impaired ? "IMPAIRED" : "OK";
        ContainerInstanceHealthStatus h = ContainerInstanceHealthStatus.builder().overallStatus(status)
                .details(InstanceHealthCheckResult.builder().type(checkType).status(status).statusReason(reason)
                        .lastUpdated(ctx.now()).lastStatusChange(ctx.now()).build()).build();
        ctx.state().containerInstances.put(ci.containerInstanceArn(), ci.toBuilder().healthStatus(h)
                .version(ci.version() + 1).build());
        life.get(instanceId).ifPresent(l -> life.put(instanceId, l.reported(false)));
        events.add(now(), "ECS Container Instance Health Change", List.of(ci.containerInstanceArn()),
                "{\"containerInstanceArn\":" + q(ci.containerInstanceArn()) + ",\"ec2InstanceId\":" + q(instanceId)
                        + ",\"overallStatus\":" + q(status) + ",\"type\":" + q(checkType) + ",\"statusReason\":"
                        + q(reason) + "}");
    }

    /** Attaches (or with null removes) a maintenance window to a provider; validates EC2's rules. */
    public void setWindow(String clusterArn, String provider, String expression) {
        String key = windowKey(clusterArn, provider);
        if (expression == null) {
            windows.remove(key);
            return;
        }
        EventWindow.parse(expression);
        windows.put(key, new WindowSetting(key, expression));
    }
}
