package io.stevedore.api.observe;

import io.stevedore.catalog.PriceBook;
import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.ManagedInstance;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Fleet and task metrics read from the state at scrape time: managed instances and their hourly cost (On-Demand
 * price + Managed Instances management fee) by capacity provider and instance type, tasks by last status, and the
 * scheduling latency of every task seen placed (RunTask to the start of its image pull).
 */
public final class FleetMetrics {
    static final double[] SCHEDULING_BOUNDS = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800};

    private record Group(String capacityProvider, String instanceType) {
    }

    private final EcsState state;
    private final String region;
    private final Histogram scheduling = new Histogram(SCHEDULING_BOUNDS);
    private final Set<String> observed = new HashSet<>();
    private PriceBook prices;

    public FleetMetrics(EcsState state, String region) {
        this.state = state;
        this.region = region;
    }

    /** Reads the state (in one transaction) and writes the fleet, task and scheduling families. */
    public synchronized void write(PrometheusText out) {
        Map<Group, Integer> fleet = new TreeMap<>((a, b) -> {
            int c = a.capacityProvider().compareTo(b.capacityProvider());
            return c != 0 ? c : a.instanceType().compareTo(b.instanceType());
        });
        Map<String, Integer> tasks = new TreeMap<>();
        state.db.transaction(() -> {
            for (ManagedInstance mi : state.instances.values()) {
                fleet.merge(new Group(String.valueOf(mi.capacityProvider()), String.valueOf(mi.instanceType())), 1,
                        Integer::sum);
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
        writeFleet(out, fleet);
        out.family("stevedore_tasks", "gauge", "Tasks by last status.");
        tasks.forEach((s, n) -> out.sample("stevedore_tasks", PrometheusText.label("last_status", s), n));
        out.family("stevedore_task_scheduling_latency_seconds", "histogram",
                "Time from RunTask (or a service launch) to the task's placement on a registered instance"
                        + " (its image pull starts).");
        scheduling.write(out, "stevedore_task_scheduling_latency_seconds", "");
    }

    private void writeFleet(PrometheusText out, Map<Group, Integer> fleet) {
        if (prices == null) {
            prices = PriceBook.load();
        }
        out.family("stevedore_fleet_instances", "gauge",
                "Managed instances (launched, not yet terminated) by capacity provider and instance type.");
        fleet.forEach((g, n) -> out.sample("stevedore_fleet_instances", labels(g), n));
        out.family("stevedore_fleet_hourly_cost_usd", "gauge", "Hourly cost of the managed fleet in USD (On-Demand"
                + " price + Managed Instances management fee) by capacity provider and instance type.");
        double total = 0;
        for (Map.Entry<Group, Integer> e : fleet.entrySet()) {
            double perHour = hourly(e.getKey().instanceType());
            total += perHour * e.getValue();
            out.sample("stevedore_fleet_hourly_cost_usd", labels(e.getKey()), perHour * e.getValue());
        }
        out.family("stevedore_fleet_hourly_cost_usd_total", "gauge", "Hourly cost of the whole managed fleet in USD.");
        out.sample("stevedore_fleet_hourly_cost_usd_total", "", total);
    }

    private double hourly(String type) {
        OptionalDouble od = prices.onDemand(region, type);
        OptionalDouble fee = prices.managementFee(region, type);
        return od.orElse(0) + fee.orElse(0);
    }

    private static String labels(Group g) {
        return PrometheusText.label("capacity_provider", g.capacityProvider()) + ","
                + PrometheusText.label("instance_type", g.instanceType());
    }
}
