package io.stevedore.control.fleet;

import io.stevedore.control.state.Context;
import io.stevedore.control.state.Timings;
import io.stevedore.control.state.WindowSetting;
import io.stevedore.lifecycle.ConsolidationPolicy;
import io.stevedore.lifecycle.DisruptionBudget;
import io.stevedore.lifecycle.EventWindow;
import io.stevedore.lifecycle.LifecycleSettings;
import io.stevedore.store.Table;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.AutoRepairActionsStatus;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;

/**
 * How the lifecycle reads a Managed Instances provider's settings: its maintenance window (attached through the
 * admin API, else the provider's {@link FleetLifecycle#WINDOW_TAG} tag), its disruption budget (tag, else the
 * default percentage), its scale-in time (infrastructureOptimization.scaleInAfter, scaled by the plane's speed) and
 * whether auto repair acts, whether it consolidates by replacement; and whether a service opted out of compaction (its {@link FleetLifecycle#OPT_OUT_TAG}).
 */
public final class ProviderPolicies {
    private final Context ctx;
    private final LifecycleSettings settings;
    private final Table<WindowSetting> windows;

    ProviderPolicies(Context ctx, LifecycleSettings settings, Table<WindowSetting> windows) {
        this.ctx = ctx;
        this.settings = settings;
        this.windows = windows;
    }

    /** The provider's maintenance window; {@code tags}: the provider's own. */
    Optional<EventWindow> window(CapacityProvider p, String clusterArn, Map<String, String> tags) {
        String expr = windows.get(FleetLifecycle.windowKey(clusterArn, p.name()))
                .map(WindowSetting::expression).orElse(tags.get(FleetLifecycle.WINDOW_TAG));
        if (expr != null) {
            try {
                return Optional.of(EventWindow.parse(expr));
            } catch (IllegalArgumentException e) {
                return Optional.empty(); // validated when attached; a bad tag value is ignored
            }
        }
        return Optional.empty();
    }

    /** The provider's disruption budget; {@code tags}: the provider's own. */
    DisruptionBudget budget(Map<String, String> tags) {
        DisruptionBudget budget = DisruptionBudget.percent(settings.budgetPercent());
        if (tags.containsKey(FleetLifecycle.BUDGET_TAG)) {
            try {
                budget = DisruptionBudget.parse(tags.get(FleetLifecycle.BUDGET_TAG));
            } catch (IllegalArgumentException e) {
                // keep the default
            }
        }
        return budget;
    }

    /** The provider's consolidation by replacement ({@link FleetLifecycle#CONSOLIDATION_TAG}); off by default. */
    ConsolidationPolicy consolidation(Map<String, String> tags) {
        String v = tags.get(FleetLifecycle.CONSOLIDATION_TAG);
        if (v != null) {
            try {
                return ConsolidationPolicy.parse(v);
            } catch (IllegalArgumentException e) {
                // keep the default
            }
        }
        return ConsolidationPolicy.off();
    }

    /** The provider's scale-in time in ms; -1 = never scale in. */
    long scaleInAfterMillis(CapacityProvider p) {
        return scaleInAfterMillis(p, settings.defaultScaleInAfter(), ctx.config().speed());
    }

    /**
     * How long an instance of provider {@code p} stays idle before it is scaled in, in ms of the plane's clock
     * (its {@code infrastructureOptimization.scaleInAfter} divided by the plane's speed, else {@code defaultAfter});
     * -1 = never.
     */
    public static long scaleInAfterMillis(CapacityProvider p, Duration defaultAfter, double speed) {
        var mip = p.managedInstancesProvider();
        Integer s = mip == null || mip.infrastructureOptimization() == null ? null
                : mip.infrastructureOptimization().scaleInAfter();
        return s == null ? defaultAfter.toMillis() : s < 0 ? -1 : Timings.div(Duration.ofSeconds(s), speed).toMillis();
    }

    static boolean autoRepair(CapacityProvider p) {
        var mip = p.managedInstancesProvider();
        return mip.autoRepairConfiguration() == null
                || mip.autoRepairConfiguration().actionsStatus() != AutoRepairActionsStatus.DISABLED;
    }

    /** Whether the service's tag keeps its instances out of compaction. */
    boolean optedOut(String clusterArn, String service) {
        String cluster = clusterArn.substring(clusterArn.indexOf("cluster/") + 8);
        return ctx.state().services.get(ctx.arn("service/" + cluster + "/" + service))
                .map(s -> "disabled".equalsIgnoreCase(ctx.state().tagsOf(s.serviceArn())
                        .get(FleetLifecycle.OPT_OUT_TAG))).orElse(false);
    }
}
