package io.stevedore.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.provisioning.LaunchPlan;
import io.stevedore.provisioning.PendingGroup;
import io.stevedore.provisioning.Provisioner;
import io.stevedore.provisioning.ProvisioningRequest;
import io.stevedore.control.Reconciler;
import io.stevedore.placement.TaskDemand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Lifecycle acceptance (a): 20 services × 5 tasks scaled down to 1 task each; within scaleInAfter plus one control
 * period the fleet costs at most one instance more than the planner's optimum for the remaining tasks, and no
 * service ever has fewer RUNNING tasks than its minimumHealthyPercent allows (checked after every tick).
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
            assertThat(h.cost()).isLessThanOrEqualTo(optimum + maxPrice + 1e-9);
            assertThat(within).isBetween(0L, 300L + CONTROL_PERIOD_SECONDS);
        }
    }

    /** One control period of the lifecycle (docs/lifecycle.md): 60 simulated seconds. */
    static final long CONTROL_PERIOD_SECONDS = 60;

    /** The planner's cheapest fleet for the tasks still running, with the provider's offerings. */
    static double optimum(FleetSnapshot fleet) {
        FleetSnapshot.Provider p = fleet.providers().values().iterator().next();
        Map<TaskDemand, Integer> demands = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        fleet.instances().forEach(m -> m.tasks().forEach(w -> demands.merge(w.demand(), 1, Integer::sum)));
        List<PendingGroup> groups = new ArrayList<>();
        demands.forEach((d, n) -> groups.add(new PendingGroup("g" + groups.size(), d, n)));
        LaunchPlan plan = new Provisioner().plan(new ProvisioningRequest(groups, p.offerings(), p.zones()));
        return plan.ec2PerHour();
    }

    static {
        assertThat(Reconciler.EVENT_RING_SIZE).isPositive();
    }
}
