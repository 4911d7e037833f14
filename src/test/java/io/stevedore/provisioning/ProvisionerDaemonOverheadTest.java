package io.stevedore.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.Offering;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A per-instance overhead (the daemons of the provider: one task of each on every instance) is taken off every
 * candidate type's capacity: each planned instance reserves it, and the cheapest fleet shifts toward larger types,
 * which pay the overhead fewer times.
 */
class ProvisionerDaemonOverheadTest {
    private static final List<Zone> ONE = List.of(new Zone("subnet-a", "us-east-1a"));
    /** Graviton compute, general purpose and memory optimized types of 2 to 16 vCPUs. */
    private static final List<Offering> GRAVITON = TestOfferings.where(t -> t.name()
            .matches("(m7g|c7g|r7g)\\.(large|xlarge|2xlarge|4xlarge)"));
    private static final List<PendingGroup> SIX = List.of(new PendingGroup("api",
            TaskDemand.awsvpc(1024, 2048, Architecture.ARM64), 6));
    private static final List<PendingGroup> THIRTY = List.of(new PendingGroup("web",
            TaskDemand.awsvpc(512, 1024, Architecture.ARM64), 30));
    private static final List<Offering> M7G = TestOfferings.named("m7g.large", "m7g.xlarge", "m7g.2xlarge");

    private static double meanVcpus(LaunchPlan p) {
        return p.instances().stream().mapToInt(i -> i.offering().type().vcpus()).average().orElseThrow();
    }

    @Test
    void plan_daemonOverhead_reservedOnEveryInstance_andFleetShiftsToLargerTypes() {
        LaunchPlan plain = new Provisioner().plan(new ProvisioningRequest(SIX, GRAVITON, ONE));
        Resources daemon = new Resources(256, 512, 0, 0);
        LaunchPlan withDaemon = new Provisioner().plan(new ProvisioningRequest(SIX, GRAVITON, ONE, daemon));

        assertThat(plain.plannedTasks()).isEqualTo(6);
        assertThat(withDaemon.plannedTasks()).isEqualTo(6);
        for (PlannedInstance i : withDaemon.instances()) {
            assertThat(i.allocated().cpu()).isEqualTo(1024 * i.taskCount() + daemon.cpu());
            assertThat(i.allocated().memoryMiB()).isEqualTo(2048L * i.taskCount() + daemon.memoryMiB());
            assertThat(i.registered().fits(i.allocated())).isTrue();
        }
        // 6 × 1 vCPU fit a 2- and a 4-vCPU instance exactly; with a quarter vCPU of daemon on each, one 8-vCPU
        // instance (paying the overhead once) is the cheapest fleet
        assertThat(plain.instances()).hasSize(2);
        assertThat(withDaemon.instances()).hasSize(1);
        assertThat(meanVcpus(withDaemon)).isGreaterThan(meanVcpus(plain));
        assertThat(withDaemon.totalPerHour()).isGreaterThan(plain.totalPerHour());
    }

    @Test
    void plan_thirtyTasksAndTheIssuesDaemon_everyInstanceReservesIt() {
        Resources daemon = new Resources(256, 512, 0, 0);
        LaunchPlan p = new Provisioner().plan(new ProvisioningRequest(THIRTY, M7G, ONE, daemon));
        assertThat(p.plannedTasks()).isEqualTo(30);
        assertThat(p.unplaceable()).isEmpty();
        assertThat(p.instances()).allSatisfy(i -> {
            assertThat(i.allocated().cpu()).isEqualTo(512 * i.taskCount() + 256);
            assertThat(i.registered().fits(i.allocated())).isTrue();
        });
    }

    @Test
    void plan_overheadLargerThanSmallTypes_smallTypesNotUsed_andUnplaceableWhenNothingIsLeft() {
        Resources huge = new Resources(7 * 1024, 1024, 0, 0);
        LaunchPlan p = new Provisioner().plan(new ProvisioningRequest(THIRTY, M7G, ONE, huge));
        assertThat(p.instances()).isNotEmpty().allSatisfy(i -> assertThat(i.offering().type().name())
                .isEqualTo("m7g.2xlarge"));
        assertThat(p.plannedTasks()).isEqualTo(30);
        LaunchPlan none = new Provisioner().plan(new ProvisioningRequest(THIRTY, M7G, ONE,
                new Resources(8 * 1024, 1024, 0, 0)));
        assertThat(none.instances()).isEmpty();
        assertThat(none.unplaceable()).singleElement().satisfies(u -> assertThat(u.count()).isEqualTo(30));
    }

    @Test
    void plan_zeroOverhead_sameAsWithoutOverhead() {
        assertThat(new Provisioner().plan(new ProvisioningRequest(THIRTY, M7G, ONE, Resources.ZERO)))
                .isEqualTo(new Provisioner().plan(new ProvisioningRequest(THIRTY, M7G, ONE)));
    }
}
