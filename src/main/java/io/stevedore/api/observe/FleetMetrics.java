package io.stevedore.api.observe;

import io.stevedore.catalog.InstanceRate;
import io.stevedore.catalog.PriceBook;
import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.InstancePrices;
import io.stevedore.control.state.ManagedInstance;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Fleet and task metrics read from the state at scrape time: managed instances and their hourly cost (EC2 price at
 * their purchase option + Managed Instances management fee, {@link InstancePrices}) by capacity provider and instance type, tasks by last status, and the
 * scheduling latency of every task seen placed (RunTask to the start of its image pull). Several regions write into
 * the same families ({@link #write(PrometheusText, List)}); a region other than the home one labels its samples
 * with {@code region}.
 */
public final class FleetMetrics {
    static final double[] SCHEDULING_BOUNDS = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800};
    private static PriceBook sharedPrices;

    /**
     * One sample's group (ordered by provider and type: a provider buys all its instances one way, so one provider
     * and type have one price); {@code perHour} is one instance's hourly cost, 0 when the region has no price for it.
     */
    private record Group(String capacityProvider, String instanceType, double perHour) {
    }

    private record Snapshot(FleetMetrics source, Map<Group, Integer> fleet, Map<String, Integer> tasks) {
    }

    private final EcsState state;
    private final String region;
    /** Labels added to every sample ("" for the home region, {@code region="…"} for the others). */
    private final String extra;
    private final Histogram scheduling = new Histogram(SCHEDULING_BOUNDS);
    private final Set<String> observed = new HashSet<>();

    public FleetMetrics(EcsState state, String region) {
        this(state, region, false);
    }

    /** @param labelRegion whether every sample carries {@code region="<region>"} (a region other than the home one) */
    public FleetMetrics(EcsState state, String region, boolean labelRegion) {
        this.state = state;
        this.region = region;
        this.extra = labelRegion ? PrometheusText.label("region", region) : "";
    }

    /** Reads the state (in one transaction) and writes the fleet, task and scheduling families. */
    public void write(PrometheusText out) {
        write(out, List.of(this));
    }

    /** Reads each region's state (one transaction each) and writes every family once, with each region's samples. */
    public static void write(PrometheusText out, List<FleetMetrics> regions) {
        PriceBook prices = prices();
        List<Snapshot> snapshots = regions.stream().map(r -> r.collect(prices)).toList();
        out.family("stevedore_fleet_instances", "gauge",
                "Managed instances (launched, not yet terminated) by capacity provider and instance type.");
        for (Snapshot s : snapshots) {
            s.fleet().forEach((g, n) -> out.sample("stevedore_fleet_instances", s.source().labels(g), n));
        }
        out.family("stevedore_fleet_hourly_cost_usd", "gauge", "Hourly cost of the managed fleet in USD (EC2 price"
                + " at the instances' purchase option, On-Demand or Spot, + Managed Instances management fee) by"
                + " capacity provider and instance type.");
        double[] totals = new double[snapshots.size()];
        for (int i = 0; i < snapshots.size(); i++) {
            Snapshot s = snapshots.get(i);
            for (Map.Entry<Group, Integer> e : s.fleet().entrySet()) {
                double perHour = e.getKey().perHour();
                totals[i] += perHour * e.getValue();
                out.sample("stevedore_fleet_hourly_cost_usd", s.source().labels(e.getKey()), perHour * e.getValue());
            }
        }
        out.family("stevedore_fleet_hourly_cost_usd_total", "gauge", "Hourly cost of the whole managed fleet in USD.");
        for (int i = 0; i < snapshots.size(); i++) {
            out.sample("stevedore_fleet_hourly_cost_usd_total", snapshots.get(i).source().extra, totals[i]);
        }
        out.family("stevedore_tasks", "gauge", "Tasks by last status.");
        for (Snapshot s : snapshots) {
            s.tasks().forEach((status, n) -> out.sample("stevedore_tasks",
                    s.source().with(PrometheusText.label("last_status", status)), n));
        }
        out.family("stevedore_task_scheduling_latency_seconds", "histogram",
                "Time from RunTask (or a service launch) to the task's placement on a registered instance"
                        + " (its image pull starts).");
        for (Snapshot s : snapshots) {
            synchronized (s.source()) {
                s.source().scheduling.write(out, "stevedore_task_scheduling_latency_seconds", s.source().extra);
            }
        }
    }

    private synchronized Snapshot collect(PriceBook prices) {
        Map<Group, Integer> fleet = new TreeMap<>((a, b) -> {
            int c = a.capacityProvider().compareTo(b.capacityProvider());
            return c != 0 ? c : a.instanceType().compareTo(b.instanceType());
        });
        Map<String, Integer> tasks = new TreeMap<>();
        state.db.transaction(() -> {
            for (ManagedInstance mi : state.instances.values()) {
                double perHour = InstancePrices.rate(state, prices, region, mi).map(InstanceRate::perHour).orElse(0.0);
                fleet.merge(new Group(String.valueOf(mi.capacityProvider()), String.valueOf(mi.instanceType()),
                        perHour), 1, Integer::sum);
            }
            Set<String> present = new HashSet<>();
            for (Task t : state.tasks.values()) {
                tasks.merge(String.valueOf(t.lastStatus()), 1, Integer::sum);
                present.add(t.taskArn());
                if (t.createdAt() != null && t.pullStartedAt() != null && observed.add(t.taskArn())) {
                    scheduling.observe(Math.max(0, Duration.between(t.createdAt(), t.pullStartedAt()).toMillis())
                            / 1000.0);
                }
            }
            observed.retainAll(present);
            return null;
        });
        return new Snapshot(this, fleet, tasks);
    }

    private static synchronized PriceBook prices() {
        if (sharedPrices == null) {
            sharedPrices = PriceBook.load();
        }
        return sharedPrices;
    }

    private String labels(Group g) {
        return with(PrometheusText.label("capacity_provider", g.capacityProvider()) + ","
                + PrometheusText.label("instance_type", g.instanceType()));
    }

    private String with(String labels) {
        return extra.isEmpty() ? labels : labels + "," + extra;
    }
}
