package io.stevedore.api.engine;

import io.stevedore.api.Context;
import io.stevedore.api.engine.TaskRuntime.Phase;
import io.stevedore.catalog.Offering;
import io.stevedore.cloud.Instance;
import io.stevedore.lifecycle.Compaction;
import io.stevedore.lifecycle.Decision;
import io.stevedore.lifecycle.DisruptionBudget;
import io.stevedore.lifecycle.DrainCause;
import io.stevedore.lifecycle.EventRing;
import io.stevedore.lifecycle.EventWindow;
import io.stevedore.lifecycle.Fleet;
import io.stevedore.lifecycle.LifecycleController;
import io.stevedore.lifecycle.LifecycleSettings;
import io.stevedore.placement.InstanceReservation;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.Provisioner;
import io.stevedore.store.JsonCodec;
import io.stevedore.store.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceHealthStatus;
import software.amazon.awssdk.services.ecs.model.InstanceHealthCheckResult;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The executor of the fleet lifecycle (issue #5): builds the {@link Fleet} snapshot from the control plane's state,
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
    private final CapacityInputs inputs;
    private final LifecycleController controller;
    private final EventRing events;
    private final Table<InstanceLife> life;
    private final Table<LaunchBackoff> backoff;
    private final Table<WindowSetting> windows;

    /** A maintenance window attached through the admin API (cron form allowed), key cluster/provider. */
    public record WindowSetting(String key, String expression) {
    }

    FleetLifecycle(Context ctx, TaskLifecycle tasks, CapacityInputs inputs, LifecycleSettings settings,
                   EventRing events) {
        this.ctx = ctx;
        this.tasks = tasks;
        this.inputs = inputs;
        this.controller = new LifecycleController(settings, new Compaction(new Provisioner()));
        this.events = events;
        this.life = ctx.state().db.table("lifecycle.instance", new JsonCodec<>(InstanceLife.class));
        this.backoff = ctx.state().db.table("lifecycle.launch-backoff", new JsonCodec<>(LaunchBackoff.class));
        this.windows = ctx.state().db.table("lifecycle.event-window", new JsonCodec<>(WindowSetting.class));
    }

    public LifecycleSettings settings() {
        return controller.settings();
    }

    private long now() {
        return ctx.now().toEpochMilli();
    }

    // ---- the tick ---------------------------------------------------------------------------------------------

    void tick() {
        reclaimSpot();
        lostInstances();
        trackIdleAndImages();
        leavingProviders();
        for (Decision d : controller.reconcile(snapshot())) {
            execute(d);
        }
        finishDeprovisioning();
    }

    /** Spot notices past their two minutes: the cloud takes the instance (EC2 reclaims it). */
    private void reclaimSpot() {
        long limit = now() - settings().spotNotice().toMillis();
        for (InstanceLife l : life.values(l -> l.spotNoticeMillis() >= 0 && l.spotNoticeMillis() <= limit)) {
            ctx.cloud().terminate(l.instanceId());
        }
    }

    /** Registered instances the cloud terminated: their tasks stop, the container instance goes INACTIVE. */
    private void lostInstances() {
        for (ManagedInstance mi : ctx.state().instances.values(m -> m.containerInstanceArn() != null)) {
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
        for (TaskRuntime rt : ctx.state().runtimes.values(r -> mi.instanceId().equals(r.instanceId())
                && r.phase() != Phase.DONE)) {
            ctx.state().tasks.get(rt.taskArn()).ifPresent(out::add);
        }
        return out;
    }

    /** Idle timers (the last task stop starts one, a new task cancels it) and the image cache's cleanup. */
    private void trackIdleAndImages() {
        long now = now();
        Map<String, List<TaskRuntime>> active = new HashMap<>();
        for (TaskRuntime rt : ctx.state().runtimes.values(r -> r.instanceId() != null && r.phase() != Phase.DONE)) {
            active.computeIfAbsent(rt.instanceId(), k -> new ArrayList<>()).add(rt);
        }
        for (ManagedInstance mi : ctx.state().instances.values(m -> m.containerInstanceArn() != null)) {
            List<TaskRuntime> on = active.getOrDefault(mi.instanceId(), List.of());
            ManagedInstance u = mi;
            if (!on.isEmpty() && mi.idleSinceMillis() >= 0) {
                u = u.idleSince(-1);
            } else if (on.isEmpty() && mi.idleSinceMillis() < 0) {
                u = u.idleSince(now);
            }
            InstanceLife l = life.get(mi.instanceId()).orElse(InstanceLife.of(mi.instanceId()));
            Map<String, Long> lastUse = new TreeMap<>(l.imageLastUse());
            for (TaskRuntime rt : on) {
                if (rt.image() != null) {
                    lastUse.put(rt.image(), now);
                }
            }
            for (String image : mi.imageList()) {
                long last = lastUse.computeIfAbsent(image, k -> now);
                if (now - last >= IMAGE_CLEANUP.toMillis()) {
                    u = u.withoutImage(image);
                    lastUse.remove(image);
                }
            }
            lastUse.keySet().retainAll(new java.util.HashSet<>(u.imageList()));
            if (!u.equals(mi)) {
                ctx.state().instances.put(mi.instanceId(), u);
            }
            if (!lastUse.equals(l.imageLastUse()) || life.get(mi.instanceId()).isEmpty()) {
                life.put(mi.instanceId(), l.images(lastUse));
            }
        }
    }

    /** Providers being deleted: their tasks stop and their instances go as soon as they are empty. */
    private void leavingProviders() {
        for (ManagedInstance mi : ctx.state().instances.values(m -> m.containerInstanceArn() != null)) {
            CapacityProvider p = ctx.state().capacityProviders.get(mi.capacityProvider()).orElse(null);
            if (p != null && "ACTIVE".equals(p.statusAsString())) {
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
        for (CapacityProvider p : ctx.state().capacityProviders.values(cp -> "DEPROVISIONING".equals(
                cp.statusAsString()))) {
            if (ctx.state().instances.values(m -> m.capacityProvider().equals(p.name())).isEmpty()) {
                CapacityProvider gone = p.toBuilder().status("INACTIVE").updateStatus("DELETE_COMPLETE").build();
                ctx.state().capacityProviders.put(p.name(), gone);
                ctx.state().detachCapacityProvider(gone.name());
            }
        }
    }

    // ---- the snapshot ------------------------------------------------------------------------------------------

    /** The lifecycle's view of the fleet now (call inside a transaction). */
    public Fleet snapshot() {
        Map<String, Fleet.Provider> providers = new TreeMap<>();
        List<Fleet.Member> members = new ArrayList<>();
        Map<String, Boolean> optOut = new HashMap<>();
        Map<String, List<Task>> tasksByInstance = new HashMap<>(); // one pass over the tasks, not one per instance
        for (Task t : ctx.state().tasks.values()) {
            if (t.containerInstanceArn() != null) {
                tasksByInstance.computeIfAbsent(t.containerInstanceArn(), k -> new ArrayList<>()).add(t);
            }
        }
        for (ManagedInstance mi : ctx.state().instances.values(m -> m.containerInstanceArn() != null)) {
            CapacityProvider p = ctx.state().capacityProviders.get(mi.capacityProvider()).orElse(null);
            ContainerInstance ci = ctx.state().containerInstances.get(mi.containerInstanceArn()).orElse(null);
            Optional<Instance> ec2 = ctx.cloud().describe(mi.instanceId());
            if (p == null || !"ACTIVE".equals(p.statusAsString()) || ci == null || ec2.isEmpty()
                    || !"running".equals(ec2.get().state())) {
                continue;
            }
            Fleet.Provider fp = providers.computeIfAbsent(p.name(), n -> provider(p, mi.clusterArn()));
            members.add(member(mi, ci, ec2.get(), fp, optOut,
                    tasksByInstance.getOrDefault(mi.containerInstanceArn(), List.of())));
        }
        return new Fleet(ctx.now(), providers, members);
    }

    private Fleet.Provider provider(CapacityProvider p, String clusterArn) {
        Map<String, String> tags = ctx.state().tagsOf(p.capacityProviderArn());
        Optional<EventWindow> window = Optional.empty();
        String expr = windows.get(windowKey(clusterArn, p.name())).map(WindowSetting::expression)
                .orElse(tags.get(WINDOW_TAG));
        if (expr != null) {
            try {
                window = Optional.of(EventWindow.parse(expr));
            } catch (IllegalArgumentException e) {
                window = Optional.empty(); // validated when attached; a bad tag value is ignored
            }
        }
        DisruptionBudget budget = DisruptionBudget.percent(settings().budgetPercent());
        if (tags.containsKey(BUDGET_TAG)) {
            try {
                budget = DisruptionBudget.parse(tags.get(BUDGET_TAG));
            } catch (IllegalArgumentException e) {
                // keep the default
            }
        }
        var mip = p.managedInstancesProvider();
        Integer s = mip.infrastructureOptimization() == null ? null : mip.infrastructureOptimization().scaleInAfter();
        long scaleIn = s == null ? settings().defaultScaleInAfter().toMillis() : s < 0 ? -1
                : Timings.div(Duration.ofSeconds(s), ctx.config().speed()).toMillis();
        boolean repair = mip.autoRepairConfiguration() == null
                || !"DISABLED".equals(mip.autoRepairConfiguration().actionsStatusAsString());
        CapacityEngine.ProviderCapacity cap = inputs.provider(p);
        boolean settled = ctx.state().tasks.values(t -> p.name().equals(t.capacityProviderName())
                && clusterArn.equals(t.clusterArn()) && !"STOPPED".equals(t.lastStatus())
                && !("RUNNING".equals(t.lastStatus()) && "RUNNING".equals(t.desiredStatus()))).isEmpty();
        return new Fleet.Provider(p.name(), scaleIn, repair, window, budget, cap.offerings(), cap.zones(), settled);
    }

    static String windowKey(String clusterArn, String provider) {
        return clusterArn + "/" + provider;
    }

    private Fleet.Member member(ManagedInstance mi, ContainerInstance ci, Instance ec2, Fleet.Provider p,
                                Map<String, Boolean> optOut, List<Task> tasksOnInstance) {
        InstanceLife l = life.get(mi.instanceId()).orElse(InstanceLife.of(mi.instanceId()));
        double price = p.offerings().stream().filter(o -> o.type().name().equals(mi.instanceType()))
                .mapToDouble(Offering::pricePerHour).findFirst().orElse(0);
        Resources registered = ctx.catalog().find(mi.instanceType()).map(InstanceReservation::registered)
                .orElse(Resources.ZERO);
        List<Fleet.Work> work = new ArrayList<>();
        long lastChange = -1;
        for (Task t : tasksOnInstance) {
            lastChange = Math.max(lastChange, Math.max(millis(t.startedAt()), Math.max(millis(t.stoppedAt()),
                    millis(t.createdAt()))));
            if ("STOPPED".equals(t.lastStatus())) {
                continue;
            }
            Optional<TaskDemand> d = inputs.demand(t);
            String service = t.group() != null && t.group().startsWith("service:") ? t.group().substring(8) : null;
            boolean prot = ctx.state().protections.get(t.taskArn()).map(x -> x.enabled()
                    && x.expiresAtMillis() > now()).orElse(false);
            boolean out = service != null && optOut.computeIfAbsent(t.clusterArn() + "/" + service,
                    k -> optedOut(t.clusterArn(), service));
            boolean constrained = ctx.state().runtimes.get(t.taskArn()).map(rt -> !rt.placement().constraints()
                    .isEmpty()).orElse(false) || ctx.state().taskDefinitions.get(t.taskDefinitionArn())
                    .map(td -> td.hasPlacementConstraints() && !td.placementConstraints().isEmpty()).orElse(false);
            d.ifPresent(dd -> work.add(new Fleet.Work(t.taskArn(), service, dd, "RUNNING".equals(t.lastStatus())
                    && "RUNNING".equals(t.desiredStatus()), prot, out, constrained)));
        }
        boolean draining = "DRAINING".equals(ci.status());
        Optional<Fleet.Drain> drain = Optional.empty();
        if (draining) {
            if (l.drainStartedMillis() < 0) { // drained by the user: no deadline, standalone tasks run to the end
                l = l.draining(now(), DrainCause.USER.name(), Long.MAX_VALUE);
                life.put(mi.instanceId(), l);
            }
            drain = Optional.of(new Fleet.Drain(l.drainStartedMillis(), DrainCause.valueOf(l.drainCause()),
                    l.drainDeadlineMillis()));
        } else if (l.drainStartedMillis() >= 0) {
            l = l.notDraining(); // made ACTIVE again by the user
            life.put(mi.instanceId(), l);
        }
        boolean impaired = ci.healthStatus() != null && "IMPAIRED".equals(ci.healthStatus().overallStatusAsString());
        return new Fleet.Member(mi.instanceId(), mi.capacityProvider(), mi.instanceType(), price, registered,
                ec2.launchedAtMillis(), draining ? Fleet.State.DRAINING : Fleet.State.ACTIVE, drain, impaired,
                l.spotNoticeMillis(), mi.idleSinceMillis(), lastChange, work);
    }

    private boolean optedOut(String clusterArn, String service) {
        String cluster = clusterArn.substring(clusterArn.indexOf("cluster/") + 8);
        return ctx.state().services.get(ctx.arn("service/" + cluster + "/" + service))
                .map(s -> "disabled".equalsIgnoreCase(ctx.state().tagsOf(s.serviceArn()).get(OPT_OUT_TAG)))
                .orElse(false);
    }

    private static long millis(Instant t) {
        return t == null ? -1 : t.toEpochMilli();
    }

    // ---- executing decisions -----------------------------------------------------------------------------------

    private void execute(Decision d) {
        ManagedInstance mi = ctx.state().instances.get(d.instanceId()).orElse(null);
        if (mi == null) {
            return;
        }
        ContainerInstance ci = ctx.state().containerInstances.get(mi.containerInstanceArn()).orElse(null);
        if (d instanceof Decision.StartDrain s) {
            InstanceLife l = life.get(mi.instanceId()).orElse(InstanceLife.of(mi.instanceId()));
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
            InstanceLife l = life.get(mi.instanceId()).orElse(InstanceLife.of(mi.instanceId()));
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
    boolean mayLaunch(String provider) {
        return backoff.get(provider).map(b -> now() >= b.nextAttemptMillis()).orElse(true);
    }

    void launchSucceeded(String provider) {
        if (backoff.contains(provider)) {
            backoff.remove(provider);
        }
    }

    void launchFailed(String provider, String clusterArn, String message) {
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
        InstanceLife l = life.get(instanceId).orElse(InstanceLife.of(instanceId));
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
