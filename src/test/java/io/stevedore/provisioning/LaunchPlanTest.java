package io.stevedore.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class LaunchPlanTest {
    private static LaunchPlan plan(String name, int count, int cpu, long mem) {
        return new Provisioner().plan(new ProvisioningRequest(List.of(new PendingGroup(name,
                ProvisionerTest.arm(cpu, mem), count)), TestOfferings.seed(), ProvisionerTest.THREE));
    }

    @Test
    void of_instancesOfAPlan_sameTotalsAsTheProvisioner() {
        LaunchPlan p = plan("web", 30, 512, 1024);
        assertThat(LaunchPlan.of(p.instances(), p.unplaceable())).isEqualTo(p);
    }

    @Test
    void merge_twoPlans_instancesInOrderAndTotalsAdded() {
        LaunchPlan a = plan("web", 30, 512, 1024);
        LaunchPlan b = plan("db", 10, 1000, 14000);
        LaunchPlan m = LaunchPlan.merge(List.of(a, b));
        assertThat(m.instances()).hasSize(a.instances().size() + b.instances().size())
                .startsWith(a.instances().toArray(PlannedInstance[]::new))
                .endsWith(b.instances().toArray(PlannedInstance[]::new));
        assertThat(m.ec2PerHour()).isCloseTo(a.ec2PerHour() + b.ec2PerHour(), within(1e-9));
        assertThat(m.feePerHour()).isCloseTo(a.feePerHour() + b.feePerHour(), within(1e-9));
        assertThat(m.cpuAllocated()).isEqualTo(a.cpuAllocated() + b.cpuAllocated());
        assertThat(m.cpuRegistered()).isEqualTo(a.cpuRegistered() + b.cpuRegistered());
        assertThat(m.memAllocated()).isEqualTo(a.memAllocated() + b.memAllocated());
        assertThat(m.memRegistered()).isEqualTo(a.memRegistered() + b.memRegistered());
        assertThat(m.plannedTasks()).isEqualTo(40);
    }

    @Test
    void merge_onePlan_itself() {
        LaunchPlan a = plan("web", 3, 512, 1024);
        assertThat(LaunchPlan.merge(List.of(a))).isSameAs(a);
    }
}
