package io.stevedore.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.catalog.Architecture;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.PendingGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Consolidation by replacement on the real control plane (virtual clock, deterministic): three services created one
 * by one through the ECS API (the shapes of quality workload 17) leave a fleet well above one plan of their tasks;
 * with consolidation enabled the fleet settles within 2 % of that plan, no service ever has fewer RUNNING tasks than
 * its desired count (minimumHealthyPercent 100) while tasks move, and the settled fleet then stays put for hours.
 * With a threshold above the saving on offer, no move is made.
 */
class ConsolidationOnlineTest {
    static final List<PendingGroup> WORKLOAD = List.of(
            new PendingGroup("svc-0", TaskDemand.awsvpc(256, 2048, Architecture.ARM64), 26),
            new PendingGroup("svc-1", TaskDemand.awsvpc(256, 1600, Architecture.ARM64), 11),
            new PendingGroup("svc-2", TaskDemand.awsvpc(1536, 5568, Architecture.ARM64), 15));

    private static OnlineFleet built(String consolidation) {
        OnlineFleet f = new OnlineFleet(Map.of("stevedore:consolidation", consolidation,
                "stevedore:disruption-budget", "100"));
        for (PendingGroup g : WORKLOAD) {
            f.createService(g);
        }
        return f;
    }

    @Test
    void servicesOneByOne_settleWithinTwoPercentOfOnePlan_neverBelowMinimumHealthy_thenStayPut() {
        try (OnlineFleet f = built("enabled")) {
            double plan = f.singlePlan();
            double built = f.cost();
            assertThat(built).as("services created one by one leave a fleet above one plan").isGreaterThan(1.02 * plan);
            Instant lastChange = f.settle(Duration.ofMinutes(15), Duration.ofHours(6));
            double settled = f.cost();
            System.out.printf("consolidation online: built %.4f USD/h, settled %.4f, one plan %.4f, %d move(s),"
                    + " lowest RUNNING %s%n", built, settled, plan, f.moves().size(), f.lowestRunningPercent());
            assertThat(f.moves()).as("consolidation moved tasks").isNotEmpty();
            assertThat(settled).isLessThanOrEqualTo(1.02 * plan);
            assertThat(f.lowestRunningPercent()).as("every service watched").hasSize(WORKLOAD.size());
            assertThat(f.lowestRunningPercent().values()).as("RUNNING never below desired while tasks moved")
                    .allSatisfy(p -> assertThat(p).isGreaterThanOrEqualTo(100.0));
            assertThat(f.checks()).as("checked after every commit that changed a task").isGreaterThan(20);

            int moves = f.moves().size();
            String shape = f.fleetShape();
            f.kit().runFor(Duration.ofHours(6));
            assertThat(f.moves()).as("a settled fleet makes no further move").hasSize(moves);
            assertThat(f.fleetShape()).as("no instance or task changed in 6 simulated hours").isEqualTo(shape);
            assertThat(f.cost()).isEqualTo(settled);
            assertThat(lastChange).isBefore(f.kit().clock().now().minus(Duration.ofHours(6)));
        }
    }

    /**
     * A CPU-heavy service and a memory-heavy one, created one by one: the scheduler puts each on its own instance
     * types and the free room left, eight instances of eight different shapes costing 13 % more than one plan that
     * puts the two together. Moves of several instances at once replace them (with a budget of four no set saves: the
     * budget is what would hold this small fleet); the fleet settles within 2 % of one plan, no service has fewer RUNNING tasks than its desired
     * count while several instances drain together, and the settled fleet stays put.
     */
    @Test
    void complementaryServices_settleWithinTwoPercent_neverBelowMinimumHealthy_thenStayPut() {
        List<PendingGroup> workload = List.of(
                new PendingGroup("cpu", TaskDemand.awsvpc(3072, 1024, Architecture.ARM64), 30),
                new PendingGroup("memory", TaskDemand.awsvpc(512, 15360, Architecture.ARM64), 20));
        try (OnlineFleet f = new OnlineFleet(Map.of("stevedore:consolidation", "enabled",
                "stevedore:disruption-budget", "100"))) {
            int[] draining = {0};
            f.kit().invariant("instances draining at once", s -> draining[0] = Math.max(draining[0],
                    (int) s.containerInstances.values().stream().filter(c -> "DRAINING".equals(c.status())).count()));
            for (PendingGroup g : workload) {
                f.createService(g);
            }
            double plan = f.singlePlan();
            double built = f.cost();
            assertThat(built).as("services created one by one leave a fleet above one plan").isGreaterThan(1.05 * plan);
            f.settle(Duration.ofMinutes(15), Duration.ofHours(6));
            double settled = f.cost();
            System.out.printf("complementary online: built %.4f USD/h, settled %.4f, one plan %.4f, %d move(s), at most %d"
                    + " draining, lowest RUNNING %s%n", built, settled, plan, f.moves().size(), draining[0],
                    f.lowestRunningPercent());
            assertThat(f.moves()).as("consolidation moved tasks").isNotEmpty();
            assertThat(settled).isLessThanOrEqualTo(1.02 * plan);
            assertThat(draining[0]).as("instances draining together").isGreaterThan(1);
            assertThat(f.lowestRunningPercent()).hasSize(workload.size());
            assertThat(f.lowestRunningPercent().values()).as("RUNNING never below desired while tasks moved")
                    .allSatisfy(p -> assertThat(p).isGreaterThanOrEqualTo(100.0));
            String shape = f.fleetShape();
            f.kit().runFor(Duration.ofHours(2));
            assertThat(f.fleetShape()).as("the settled fleet stays put").isEqualTo(shape);
        }
    }

    /** The whole gap is under 0.14 USD/h (built 1.5994, one plan 1.4676): no move can save 0.2 USD/h. */
    @Test
    void thresholdAboveTheSaving_noMove() {
        try (OnlineFleet f = built("enabled 0.2/h")) {
            assertThat(f.cost() - f.singlePlan()).isLessThan(0.2);
            f.settle(Duration.ofMinutes(15), Duration.ofHours(6));
            assertThat(f.moves()).isEmpty();
            assertThat(f.cost()).as("the gap consolidation would close is still there")
                    .isGreaterThan(1.02 * f.singlePlan());
        }
    }
}
