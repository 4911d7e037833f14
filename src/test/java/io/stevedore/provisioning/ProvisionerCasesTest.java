package io.stevedore.provisioning;

import static io.stevedore.provisioning.ProvisionerTest.ONE;
import static io.stevedore.provisioning.ProvisionerTest.THREE;
import static io.stevedore.provisioning.ProvisionerTest.arm;
import static io.stevedore.provisioning.ProvisionerTest.gpu;
import static io.stevedore.provisioning.ProvisionerTest.host;
import static io.stevedore.provisioning.ProvisionerTest.x86;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.catalog.Offering;
import io.stevedore.placement.TaskDemand;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProvisionerCasesTest {

    static LaunchPlan plan(List<Offering> offerings, List<Zone> zones, PendingGroup... groups) {
        return new Provisioner().plan(new ProvisioningRequest(List.of(groups), offerings, zones));
    }

    /** The seed scale-up experiments: cost ceilings from the issue (us-east-1 On-Demand EC2, fee apart). */
    static Stream<Arguments> seeds() {
        return Stream.of(Arguments.of("A", arm(512, 1024), 30, 0.51), Arguments.of("B", arm(1000, 3500), 10, 0.34),
                Arguments.of("C", arm(1000, 14000), 10, 1.01));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void plan_seedScaleUp_ec2CostWithinCeiling(String name, TaskDemand d, int count, double ceiling) {
        LaunchPlan p = plan(TestOfferings.seed(), THREE, new PendingGroup("test-ecs-service", d, count));
        assertThat(p.unplaceable()).isEmpty();
        assertThat(p.plannedTasks()).isEqualTo(count);
        assertThat(p.ec2PerHour()).isLessThanOrEqualTo(ceiling);
        assertThat(p.feePerHour()).isCloseTo(p.ec2PerHour() * 0.12, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void plan_tasksWastingSmallTypes_largerTypeCheaperThanOnePerInstance() {
        // 1536/3000 fits c5.large once (25% of its CPU idle) but c5.2xlarge five times: 2 × $0.34 < 10 × $0.085
        LaunchPlan p = plan(TestOfferings.named("c5.large", "c5.xlarge", "c5.2xlarge"), ONE,
                new PendingGroup("app", x86(1536, 3000), 10));
        assertThat(p.fleet()).isEqualTo(Map.of("c5.2xlarge", 2));
    }

    @Test
    void plan_smallTasks_manyPerInstance() {
        LaunchPlan p = plan(TestOfferings.named("c5.large", "c5.xlarge", "c5.2xlarge"), ONE,
                new PendingGroup("web", x86(256, 512), 30));
        assertThat(p.instances().size()).isLessThanOrEqualTo(4);
        assertThat(p.plannedTasks()).isEqualTo(30);
    }

    @Test
    void plan_gpuTasks_eachGpuExclusiveAndCheapestTypesChosen() {
        LaunchPlan p = plan(TestOfferings.named("g4dn.xlarge", "g4dn.12xlarge"), ONE,
                new PendingGroup("ml", gpu(1), 3));
        assertThat(p.fleet()).isEqualTo(Map.of("g4dn.xlarge", 3));
    }

    @Test
    void plan_sameHostPort_oneTaskPerInstance() {
        LaunchPlan p = plan(TestOfferings.named("m5.large", "m5.xlarge"), ONE,
                new PendingGroup("nginx", host(256, 256, 80), 3));
        assertThat(p.fleet()).isEqualTo(Map.of("m5.large", 3));
    }

    @Test
    void plan_differentHostPorts_shareAnInstance() {
        LaunchPlan p = plan(TestOfferings.named("m5.large", "m5.xlarge"), ONE,
                new PendingGroup("a", host(256, 256, 80), 1), new PendingGroup("b", host(256, 256, 8080), 1));
        assertThat(p.fleet()).isEqualTo(Map.of("m5.large", 1));
    }

    @Test
    void plan_singleTasksOfTwoGroups_goToDifferentZones() {
        LaunchPlan p = plan(TestOfferings.seed(), THREE, new PendingGroup("a", arm(512, 1024), 1),
                new PendingGroup("b", arm(512, 1024), 1));
        assertThat(p.instances()).extracting(PlannedInstance::zone).containsExactly(THREE.get(0), THREE.get(1));
    }

    @Test
    void plan_zeroCountGroup_ignored() {
        LaunchPlan p = plan(TestOfferings.seed(), THREE, new PendingGroup("idle", arm(512, 1024), 0));
        assertThat(p.instances()).isEmpty();
        assertThat(p.unplaceable()).isEmpty();
        assertThat(p.totalPerHour()).isZero();
    }

    static Stream<Arguments> unplaceable() {
        Supplier<List<Offering>> seed = TestOfferings::seed;
        return Stream.of(
                Arguments.of("4 GPUs on 1-GPU types", gpu(4), (Supplier<List<Offering>>) () -> TestOfferings.named(
                        "g4dn.xlarge", "c5.large"), "gpu", "no offered type has 4 GPUs: the most is 1 (g4dn.xlarge)"),
                Arguments.of("20000 MiB on 16 GiB types", arm(1024, 20000), seed, "memory",
                        "task needs 20000 MiB but the largest allowed type registers 15436 ("),
                Arguments.of("8 vCPU on 4 vCPU types", arm(8192, 1024), seed, "cpu",
                        "task needs 8192 CPU units but the largest allowed type registers 4096 ("),
                Arguments.of("x86 task on Graviton types", x86(512, 1024), seed, "architecture",
                        "no offered type supports x86_64"),
                Arguments.of("no offerings", arm(512, 1024), (Supplier<List<Offering>>) List::of, "offerings",
                        "allows no priced instance type"),
                Arguments.of("cpu and memory apart", arm(4096, 15000), (Supplier<List<Offering>>) () ->
                        TestOfferings.named("c6g.xlarge", "r6g.large"), "cpu+memory",
                        "the type with the most memory, r6g.large, registers 2048 CPU units and 15436 MiB"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unplaceable")
    void plan_noTypeFits_explainsTheDecidingDimension(String name, TaskDemand d, Supplier<List<Offering>> offerings,
                                                      String dimension, String reason) {
        LaunchPlan p = plan(offerings.get(), THREE, new PendingGroup("svc", d, 3));
        assertThat(p.instances()).isEmpty();
        assertThat(p.unplaceable()).singleElement().satisfies(u -> {
            assertThat(u.groupKey()).isEqualTo("svc");
            assertThat(u.count()).isEqualTo(3);
            assertThat(u.dimension()).isEqualTo(dimension);
            assertThat(u.reason()).contains(reason);
        });
    }

    static Stream<Arguments> invalid() {
        PendingGroup g = new PendingGroup("web", arm(512, 1024), 1);
        return Stream.of(
                Arguments.of("no zones", (Runnable) () -> new ProvisioningRequest(List.of(g), List.of(), List.of()),
                        "at least one subnet"),
                Arguments.of("duplicate group", (Runnable) () -> new ProvisioningRequest(List.of(g, g), List.of(), ONE),
                        "duplicate pending group key: web"),
                Arguments.of("duplicate subnet", (Runnable) () -> new ProvisioningRequest(List.of(g), List.of(),
                        List.of(ONE.get(0), ONE.get(0))), "duplicate subnet: subnet-a"),
                Arguments.of("negative count", (Runnable) () -> new PendingGroup("web", arm(512, 1024), -1),
                        "group web: count must be >= 0"),
                Arguments.of("blank key", (Runnable) () -> new PendingGroup(" ", arm(512, 1024), 1), "non-blank key"),
                Arguments.of("blank subnet", (Runnable) () -> new Zone("", "us-east-1a"), "subnet id"),
                Arguments.of("duplicate offering", (Runnable) () -> new ProvisioningRequest(List.of(g),
                        List.of(TestOfferings.named("m5.large").get(0), TestOfferings.named("m5.large").get(0)), ONE),
                        "duplicate offering: m5.large ON_DEMAND"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void request_invalid_rejectedWithMessage(String name, Runnable build, String message) {
        assertThatThrownBy(build::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void plan_moreShapesThanTheLpTakes_greedyStillPlacesEverything() {
        List<PendingGroup> groups = new java.util.ArrayList<>();
        for (int i = 0; i < Packer.MAX_LP_SHAPES + 20; i++) {
            groups.add(new PendingGroup("svc-" + i, x86(256 + i, 512 + 3L * i), 1 + i % 3));
        }
        LaunchPlan p = new Provisioner().plan(new ProvisioningRequest(groups,
                TestOfferings.named("c5.large", "m5.large", "m5.xlarge", "m5.4xlarge"), ONE));
        assertThat(p.unplaceable()).isEmpty();
        assertThat(p.plannedTasks()).isEqualTo(groups.stream().mapToInt(PendingGroup::count).sum());
        assertThat(p.instances().size()).isLessThan(p.plannedTasks() / 4);
    }

    @Test
    void undominated_sameResourcesDearer_dropped() {
        List<Candidate> kept = Candidate.undominated(TestOfferings.named("c5.large", "c5d.large", "c5.xlarge"));
        assertThat(kept).extracting(Candidate::name).containsExactly("c5.large", "c5.xlarge");
    }
}
