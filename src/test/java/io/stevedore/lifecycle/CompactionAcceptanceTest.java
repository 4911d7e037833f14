package io.stevedore.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.catalog.Offering;
import io.stevedore.placement.InstanceReservation;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Lifecycle acceptance (a): 20 services × 5 tasks scaled down to 1 task each; compaction drains, and within
 * scaleInAfter plus one control period the fleet costs at most one instance more than the cheapest fleet for the
 * remaining tasks (found exhaustively, not by the provisioner compaction itself uses), and no service ever has fewer
 * RUNNING tasks than its minimumHealthyPercent allows (checked after every tick).
 */
class CompactionAcceptanceTest {
    static final int SERVICES = 20;

    @Test
    void scaleDown_compactsToWithinOneInstanceOfOptimum_neverBelowMinimumHealthy() {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.cluster("mi", "ON_DEMAND", 300, null);
            h.taskDefinition("web", "512", "1024", "public.ecr.aws/nginx/nginx:latest");
            for (int i = 0; i < SERVICES; i++) {
                h.service(String.format("s%02d", i), "web", 5);
            }
            h.run(Duration.ofMinutes(3), Duration.ofSeconds(1));
            for (int i = 0; i < SERVICES; i++) {
                assertThat(h.running(String.format("s%02d", i))).isEqualTo(5);
            }
            int before = h.fleet().instances().size();
            for (int i = 0; i < SERVICES; i++) {
                h.scale(String.format("s%02d", i), 1);
            }
            Instant scaledAt = h.clock.now();
            List<String> violations = new ArrayList<>();
            Map<Long, Double> costBySecond = new TreeMap<>();
            h.run(Duration.ofMinutes(20), Duration.ofSeconds(1), () -> {
                for (int i = 0; i < SERVICES; i++) {
                    long r = h.running(String.format("s%02d", i));
                    if (r < 1) { // desired 1, minimumHealthyPercent 100 → at least one RUNNING
                        violations.add(h.clock.now() + " s" + i + " running " + r);
                    }
                }
                costBySecond.put(Duration.between(scaledAt, h.clock.now()).toSeconds(), h.cost());
            });
            assertThat(violations).isEmpty();
            assertThat(h.plane.events().of("Stevedore Instance Lifecycle Action", scaledAt.toEpochMilli()))
                    .as("compaction drained after the scale-down")
                    .anySatisfy(e -> assertThat(e.detailJson()).contains("\"cause\":\"UNDERUTILIZED\""));
            FleetSnapshot fleet = h.fleet();
            double optimum = optimum(fleet);
            double maxPrice = fleet.instances().stream().mapToDouble(FleetSnapshot.Member::pricePerHour).max().orElse(0);
            long within = -1;
            for (Map.Entry<Long, Double> e : costBySecond.entrySet()) {
                if (e.getValue() <= optimum + maxPrice + 1e-9) {
                    within = within < 0 ? e.getKey() : within;
                } else {
                    within = -1;
                }
            }
            System.out.printf("compaction: %d instances before scale-down, %d after; cost %.4f USD/h, optimum %.4f;"
                    + " within one instance of optimum (and staying) %d s after the scale-down%n", before,
                    fleet.instances().size(), h.cost(), optimum, within);
            assertThat(h.cost()).as("no fleet beats the cheapest (checks the search)")
                    .isGreaterThanOrEqualTo(optimum - 1e-9);
            assertThat(h.cost()).isLessThanOrEqualTo(optimum + maxPrice + 1e-9);
            assertThat(within).isBetween(0L, 300L + CONTROL_PERIOD_SECONDS);
        }
    }

    /** One control period of the lifecycle (docs/lifecycle.md): 60 simulated seconds. */
    static final long CONTROL_PERIOD_SECONDS = 60;

    /**
     * The cheapest fleet for the tasks still running, with the provider's offerings, found exhaustively and
     * independently of the {@link io.stevedore.provisioning.Provisioner} that compaction plans with. The tasks are
     * all alike (asserted), so a fleet is a number of instances per offering, each holding as many tasks as its
     * type's registered resources ({@link InstanceReservation}) take; the cheapest fleet for k tasks is the cheapest
     * of one instance of some offering plus the cheapest fleet for the rest.
     */
    static double optimum(FleetSnapshot fleet) {
        FleetSnapshot.Provider p = fleet.providers().values().iterator().next();
        List<TaskDemand> demands = fleet.instances().stream().flatMap(m -> m.tasks().stream())
                .map(FleetSnapshot.Work::demand).toList();
        assertThat(demands).hasSize(SERVICES);
        assertThat(Set.copyOf(demands)).as("the remaining tasks are all alike").hasSize(1);
        TaskDemand d = demands.get(0);
        double[] cheapest = new double[demands.size() + 1]; // cheapest[k]: the cheapest fleet holding k tasks
        Arrays.fill(cheapest, Double.POSITIVE_INFINITY);
        cheapest[0] = 0;
        for (int k = 1; k < cheapest.length; k++) {
            for (Offering o : p.offerings()) {
                int holds = holds(o, d);
                if (holds > 0) {
                    cheapest[k] = Math.min(cheapest[k], o.pricePerHour() + cheapest[Math.max(0, k - holds)]);
                }
            }
        }
        assertThat(cheapest[demands.size()]).as("some offering runs the tasks").isFinite();
        return cheapest[demands.size()];
    }

    /** How many tasks of demand {@code d} one instance of offering {@code o} holds. */
    static int holds(Offering o, TaskDemand d) {
        if (!o.type().supports(d.architecture())) {
            return 0;
        }
        Resources room = InstanceReservation.registered(o.type());
        Resources need = d.resources();
        long n = room.memoryMiB() / need.memoryMiB();
        if (need.cpu() > 0) {
            n = Math.min(n, room.cpu() / need.cpu());
        }
        if (need.gpus() > 0) {
            n = Math.min(n, room.gpus() / need.gpus());
        }
        if (need.enis() > 0) {
            n = Math.min(n, room.enis() / need.enis());
        }
        if (!d.hostPorts().isEmpty()) {
            n = Math.min(n, 1); // host ports are exclusive
        }
        return (int) n;
    }
}
