package io.stevedore.control.fleet;

import io.stevedore.control.events.EventRing;
import io.stevedore.control.scheduling.SchedulingInputs;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.LaunchBackoff;
import io.stevedore.control.state.WindowSetting;
import io.stevedore.control.tasks.TaskLifecycle;
import io.stevedore.lifecycle.Compaction;
import io.stevedore.lifecycle.Consolidation;
import io.stevedore.lifecycle.Decision;
import io.stevedore.lifecycle.EventWindow;
import io.stevedore.lifecycle.FleetSnapshot;
import io.stevedore.lifecycle.LifecycleController;
import io.stevedore.lifecycle.LifecycleSettings;
import io.stevedore.provisioning.Provisioner;
import java.util.List;
import java.util.Optional;

/**
 * The fleet stage of the tick. In order: Spot notices past their time are reclaimed ({@link SpotNotices}),
 * instances the cloud took away lose their tasks ({@link LostInstances}), idle timers and the image cache are kept
 * ({@link InstanceUsage}), leaving providers empty their instances ({@link LeavingProviders}); then the
 * {@link LifecycleController} decides on a {@link FleetSnapshot} of the fleet ({@link LifecycleView}) — scale-in,
 * compaction, maximum lifetime, repair, Spot drains — and {@link FleetCommitter} writes the decisions; last, empty
 * leaving providers finish and the next wake-up is computed ({@link WakeUps}). Also the entry point of the fleet's
 * inputs from outside the tick: launch backoff, Spot notices, health, maintenance windows.
 */
public final class FleetLifecycle {
    /** Provider tag: maintenance window (ranges form, e.g. {@code sat:02-sat:06}). */
    public static final String WINDOW_TAG = "stevedore:event-window";
    /** Provider tag: disruption budget ({@code 2} or {@code 10%}). */
    public static final String BUDGET_TAG = "stevedore:disruption-budget";
    /** Service tag: {@code disabled} keeps the service's instances out of compaction. */
    public static final String OPT_OUT_TAG = "stevedore:optimization";
    /**
     * Provider tag: consolidation by replacement, {@code enabled} (optionally with thresholds, e.g.
     * {@code enabled 3% 0.05/h}) or {@code disabled} (the default); see {@link io.stevedore.lifecycle.Consolidation}.
     */
    public static final String CONSOLIDATION_TAG = "stevedore:consolidation";

    private final Context ctx;
    private final LifecycleController controller;
    private final LifecycleView view;
    private final FleetCommitter committer;
    private final SpotNotices spot;
    private final LostInstances lost;
    private final InstanceUsage usage;
    private final LeavingProviders leaving;
    private final InstanceHealth health;
    private final LaunchBackoffs backoffs;
    private long nextCheckMillis = Long.MAX_VALUE;

    public FleetLifecycle(Context ctx, TaskLifecycle tasks, SchedulingInputs inputs, LifecycleSettings settings,
                          EventRing events) {
        this.ctx = ctx;
        Provisioner provisioner = new Provisioner();
        this.controller = new LifecycleController(settings, new Compaction(provisioner),
                new Consolidation(provisioner));
        this.view = new LifecycleView(ctx, inputs, settings, ctx.state().instanceLifecycle,
                ctx.state().maintenanceWindows);
        this.committer = new FleetCommitter(ctx, tasks, events);
        this.spot = new SpotNotices(ctx, settings);
        this.lost = new LostInstances(ctx, tasks, view, committer);
        this.usage = new InstanceUsage(ctx, view);
        this.leaving = new LeavingProviders(ctx, tasks, committer);
        this.health = new InstanceHealth(ctx, events);
        this.backoffs = new LaunchBackoffs(ctx, settings, events);
    }

    public LifecycleSettings settings() {
        return controller.settings();
    }

    public void tick() {
        spot.reclaim();
        lost.run();
        usage.run();
        leaving.run();
        FleetSnapshot fleet = snapshot();
        List<Decision> decisions = controller.reconcile(fleet);
        for (Decision d : decisions) {
            committer.execute(d);
        }
        leaving.finish();
        nextCheckMillis = WakeUps.next(ctx.now().toEpochMilli(), fleet,
                decisions.stream().anyMatch(d -> !(d instanceof Decision.Report)), settings(), usage.expiries());
    }

    /**
     * When the lifecycle next has something to decide that no task or instance event announces ({@link WakeUps});
     * {@code Long.MAX_VALUE} = nothing.
     */
    public long nextCheckMillis() {
        return nextCheckMillis;
    }

    /**
     * When an instance next becomes a candidate for consolidation by replacement (its quiet period ends), as the last
     * tick saw it; {@code Long.MAX_VALUE} = none. Already part of {@link #nextCheckMillis()}.
     */
    public long nextConsolidationMillis() {
        return controller.nextConsolidationMillis();
    }

    /** The lifecycle's view of the fleet now (call inside a transaction). */
    public FleetSnapshot snapshot() {
        return view.snapshot();
    }

    /** The view the snapshots come from (tests). */
    LifecycleView view() {
        return view;
    }

    static String windowKey(String clusterArn, String provider) {
        return clusterArn + "/" + provider;
    }

    /** Launch backoff per provider (the launcher consults it). */
    public LaunchBackoffs backoffs() {
        return backoffs;
    }

    /** The launch backoff of a provider, if any (tests, events). */
    public Optional<LaunchBackoff> backoffOf(String provider) {
        return backoffs.of(provider);
    }

    /** Records a Spot interruption notice; the instance is drained now and reclaimed after the notice. */
    public void spotNotice(String instanceId) {
        spot.notice(instanceId);
    }

    /** Marks an instance IMPAIRED (or OK again) with a health check detail. */
    public void setHealth(String instanceId, boolean impaired, String checkType, String reason) {
        health.set(instanceId, impaired, checkType, reason);
    }

    /** Attaches (or with null removes) a maintenance window to a provider; validates EC2's rules. */
    public void setWindow(String clusterArn, String provider, String expression) {
        String key = windowKey(clusterArn, provider);
        if (expression == null) {
            ctx.state().maintenanceWindows.remove(key);
            return;
        }
        EventWindow.parse(expression);
        ctx.state().maintenanceWindows.put(key, new WindowSetting(key, expression));
    }
}
