package io.stevedore.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.catalog.Architecture;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlacementEngineTest {
    private final PlacementEngine engine = PlacementEngine.standard();

    private static List<String> ids(PlacementResult r) {
        return r.placements().stream().map(TaskPlacement::containerInstanceId).collect(Collectors.toList());
    }

    private static Map<String, Long> perInstance(PlacementResult r) {
        return r.placements().stream().collect(Collectors.groupingBy(TaskPlacement::containerInstanceId,
                TreeMap::new, Collectors.counting()));
    }

    private static PlacementRequest req(String group, int cpu, long mem, PlacementStrategy... strategies) {
        return PlacementRequest.of(group, Fleet.task(cpu, mem)).withStrategies(List.of(strategies));
    }

    @Test
    void binpackMemory_prefersLeastRemainingMemory_fillsOneInstanceBeforeTheNext() {
        // two m5.large (8 GiB): 7 tasks of 1 GiB fit on one (7,654 MiB registered)
        PlanState s = new Fleet().add("m5.large", "us-east-1a").add("m5.large", "us-east-1a").snapshot().newPlan();
        PlacementResult r = engine.place(s, req("g", 128, 1024, new PlacementStrategy.Binpack(
                PlacementStrategy.Binpack.Field.MEMORY)), 8);
        assertThat(ids(r)).containsExactly("ci-000", "ci-000", "ci-000", "ci-000", "ci-000", "ci-000", "ci-000",
                "ci-001");
    }

    @Test
    void placeAsMany_placesWhatPlacePlaces_withoutAnExplanation() {
        // 14 tasks of 1 GiB, room for 7 per m5.large: the last 2 of 16 do not fit
        Fleet fleet = new Fleet().add("m5.large", "us-east-1a").add("m5.large", "us-east-1a");
        PlacementRequest r = req("g", 128, 1024, new PlacementStrategy.Binpack(PlacementStrategy.Binpack.Field.MEMORY));
        PlacementResult full = engine.place(fleet.snapshot().newPlan(), r, 16);
        List<TaskPlacement> some = engine.placeAsMany(fleet.snapshot().newPlan(), r, 16);
        assertThat(some).hasSize(14).isEqualTo(full.placements());
        assertThat(full.failure()).isPresent();
    }

    @Test
    void binpackCpuVersusMemory_pickTheInstanceTightestInThatDimension() {
        // ci-000 has less CPU left, ci-001 less memory left
        Fleet f = new Fleet().add("m5.xlarge", "us-east-1a")
                .mapLast(v -> v.withRunning(new Resources(3072, 1024, 0, 1), Set.of(), Map.of("other", 1)))
                .add("m5.xlarge", "us-east-1a")
                .mapLast(v -> v.withRunning(new Resources(1024, 12000, 0, 1), Set.of(), Map.of("other", 1)));
        ClusterSnapshot snap = f.snapshot();
        assertThat(ids(engine.place(snap.newPlan(), req("g", 256, 512,
                new PlacementStrategy.Binpack(PlacementStrategy.Binpack.Field.CPU)), 1))).containsExactly("ci-000");
        assertThat(ids(engine.place(snap.newPlan(), req("g", 256, 512,
                new PlacementStrategy.Binpack(PlacementStrategy.Binpack.Field.MEMORY)), 1)))
                .containsExactly("ci-001");
    }

    @Test
    void spreadInstanceId_sixTasksOnThreeInstances_twoEach() {
        PlanState s = new Fleet().add("m5.large", "us-east-1a").add("m5.large", "us-east-1b")
                .add("m5.large", "us-east-1c").snapshot().newPlan();
        PlacementResult r = engine.place(s, req("g", 256, 512, new PlacementStrategy.Spread("instanceId")), 6);
        assertThat(ids(r)).containsExactly("ci-000", "ci-001", "ci-002", "ci-000", "ci-001", "ci-002");
    }

    @Test
    void spreadAvailabilityZone_unevenInstancesPerZone_tasksEvenPerZone() {
        PlanState s = new Fleet().add("m5.large", "us-east-1a").add("m5.large", "us-east-1a")
                .add("m5.large", "us-east-1a").add("m5.large", "us-east-1b").snapshot().newPlan();
        PlacementResult r = engine.place(s, req("g", 256, 512,
                new PlacementStrategy.Spread("attribute:ecs.availability-zone")), 4);
        Map<String, Long> perZone = r.placements().stream().collect(Collectors.groupingBy(
                p -> p.containerInstanceId().equals("ci-003") ? "b" : "a", Collectors.counting()));
        assertThat(perZone).containsEntry("a", 2L).containsEntry("b", 2L);
    }

    @Test
    void spreadAvailabilityZone_countsTasksAlreadyRunning() {
        PlanState s = new Fleet().add("m5.large", "us-east-1a")
                .mapLast(v -> v.withRunning(new Resources(512, 1024, 0, 2), Set.of(), Map.of("service:web", 2)))
                .add("m5.large", "us-east-1b").snapshot().newPlan();
        PlacementResult r = engine.place(s, PlacementRequest.of("service:web", Fleet.task(256, 512)), 3);
        assertThat(ids(r)).containsExactly("ci-001", "ci-001", "ci-000");
    }

    @Test
    void azBalancedSpread_docExample_spreadZoneThenInstance() {
        // "AZ balanced spread": spread(attribute:ecs.availability-zone), spread(instanceId)
        PlanState s = new Fleet().add("m5.large", "us-east-1a").add("m5.large", "us-east-1a")
                .add("m5.large", "us-east-1b").add("m5.large", "us-east-1b").snapshot().newPlan();
        PlacementResult r = engine.place(s, req("g", 256, 512,
                new PlacementStrategy.Spread("attribute:ecs.availability-zone"),
                new PlacementStrategy.Spread("instanceId")), 4);
        assertThat(perInstance(r)).containsOnlyKeys("ci-000", "ci-001", "ci-002", "ci-003").allSatisfy((k, v) ->
                assertThat(v).isEqualTo(1L));
    }

    @Test
    void azBalancedBinpack_docExample_spreadZoneThenPackWithinZone() {
        // "AZ balanced binpack": spread(attribute:ecs.availability-zone), binpack(memory)
        PlanState s = new Fleet().add("m5.large", "us-east-1a").add("m5.large", "us-east-1a")
                .add("m5.large", "us-east-1b").add("m5.large", "us-east-1b").snapshot().newPlan();
        PlacementResult r = engine.place(s, req("g", 256, 512,
                new PlacementStrategy.Spread("attribute:ecs.availability-zone"),
                new PlacementStrategy.Binpack(PlacementStrategy.Binpack.Field.MEMORY)), 4);
        assertThat(perInstance(r)).containsExactly(Map.entry("ci-000", 2L), Map.entry("ci-002", 2L));
    }

    @Test
    void strategyOrder_firstDominatesLaterBreaksTies() {
        Fleet f = new Fleet().add("m5.large", "us-east-1a")
                .mapLast(v -> v.withRunning(new Resources(256, 4096, 0, 1), Set.of(), Map.of("g", 1)))
                .add("m5.large", "us-east-1a");
        ClusterSnapshot snap = f.snapshot();
        PlacementStrategy binpack = new PlacementStrategy.Binpack(PlacementStrategy.Binpack.Field.MEMORY);
        PlacementStrategy spread = new PlacementStrategy.Spread("instanceId");
        assertThat(ids(engine.place(snap.newPlan(), req("g", 256, 512, binpack, spread), 1)))
                .containsExactly("ci-000");
        assertThat(ids(engine.place(snap.newPlan(), req("g", 256, 512, spread, binpack), 1)))
                .containsExactly("ci-001");
    }

    @Test
    void binpackThenSpread_equalRemaining_spreadBreaksTheTie() {
        Fleet f = new Fleet().add("m5.large", "us-east-1a")
                .mapLast(v -> v.withRunning(new Resources(256, 512, 0, 1), Set.of(), Map.of("g", 1)))
                .add("m5.large", "us-east-1a")
                .mapLast(v -> v.withRunning(new Resources(256, 512, 0, 1), Set.of(), Map.of("other", 1)));
        PlacementResult r = engine.place(f.snapshot().newPlan(), req("g", 256, 512,
                new PlacementStrategy.Binpack(PlacementStrategy.Binpack.Field.MEMORY),
                new PlacementStrategy.Spread("instanceId")), 1);
        assertThat(ids(r)).containsExactly("ci-001");
    }

    @Test
    void random_sameSeedReplays_differentSeedDiffers() {
        Fleet f = new Fleet();
        for (int k = 0; k < 20; k++) {
            f.add("m5.large", "us-east-1" + (char) ('a' + k % 3));
        }
        ClusterSnapshot snap = f.snapshot();
        PlacementRequest r = req("g", 256, 512, new PlacementStrategy.Random());
        List<String> a = ids(engine.place(snap.newPlan(), r.withSeed(7), 10));
        List<String> b = ids(engine.place(snap.newPlan(), r.withSeed(7), 10));
        List<String> c = ids(engine.place(snap.newPlan(), r.withSeed(8), 10));
        assertThat(a).hasSize(10).isEqualTo(b).isNotEqualTo(c);
        assertThat(Set.copyOf(a).size()).isGreaterThan(3);
    }

    @Test
    void random_first_uniformOverFeasibleInstances() {
        // ci-001 cannot take the task: the other three share the draws evenly
        ClusterSnapshot snap = new Fleet().add("m5.large", "us-east-1a").add("c5.large", "us-east-1a")
                .add("m5.large", "us-east-1b").add("m5.large", "us-east-1c").snapshot();
        Map<String, Integer> hits = new TreeMap<>();
        for (long seed = 0; seed < 3000; seed++) {
            PlacementResult r = engine.place(snap.newPlan(), req("g", 256, 6000, new PlacementStrategy.Random())
                    .withSeed(seed), 1);
            hits.merge(r.placements().get(0).containerInstanceId(), 1, Integer::sum);
        }
        assertThat(hits).containsOnlyKeys("ci-000", "ci-002", "ci-003");
        assertThat(hits.values()).allSatisfy(n -> assertThat(n).isBetween(880, 1120));
    }

    @Test
    void distinctInstance_moreTasksThanInstances_restFailWithDistinctInstanceReason() {
        PlanState s = new Fleet().add("m5.large", "us-east-1a").add("m5.large", "us-east-1b")
                .add("m5.large", "us-east-1c").snapshot().newPlan();
        PlacementResult r = engine.place(s, PlacementRequest.of("service:web", Fleet.task(256, 512))
                .withConstraints(List.of(PlacementConstraint.distinctInstance())), 5);
        assertThat(Set.copyOf(ids(r))).hasSize(3);
        assertThat(r.unplaced()).isEqualTo(2);
        PlacementFailure why = r.failure().orElseThrow();
        assertThat(why.ecsReason()).isEqualTo("DistinctInstance placement constraint unsatisfied");
        assertThat(why.rejectedInstances()).containsEntry(ReasonCode.DISTINCT_INSTANCE, 3);
    }

    @Test
    void memberOf_onlyMatchingInstancesUsed_otherwiseMemberOfReason() {
        PlanState s = new Fleet().add("m5.large", "us-east-1a").add("c5.large", "us-east-1a")
                .add("c5.xlarge", "us-east-1b").snapshot().newPlan();
        PlacementRequest r = PlacementRequest.of("g", Fleet.task(256, 512)).withConstraints(List.of(
                PlacementConstraint.memberOf("attribute:ecs.instance-type =~ c5.* and attribute:ecs.availability-zone"
                        + " == us-east-1a")));
        assertThat(Set.copyOf(ids(engine.place(s, r, 5)))).containsExactly("ci-001");
        PlacementResult none = engine.place(s, r.withConstraints(List.of(
                PlacementConstraint.memberOf("attribute:ecs.instance-type == r5.large"))), 1);
        assertThat(none.failure().orElseThrow().reason()).isEqualTo(ReasonCode.MEMBER_OF);
        assertThat(none.failure().orElseThrow().rejectedInstances()).containsEntry(ReasonCode.MEMBER_OF, 3);
    }

    @Test
    void failure_taskTooBig_reportsMemoryWithTheClosestInstance() {
        PlanState s = new Fleet().add("m5.large", "us-east-1a").add("m5.xlarge", "us-east-1a")
                .add("m6g.xlarge", "us-east-1a").snapshot().newPlan();
        PlacementResult r = engine.place(s, PlacementRequest.of("g", Fleet.task(1024, 20_000)), 3);
        PlacementFailure why = r.failure().orElseThrow();
        assertThat(r.placements()).isEmpty();
        assertThat(why.tasks()).isEqualTo(3);
        assertThat(why.ecsReason()).isEqualTo("RESOURCE:MEMORY");
        assertThat(why.rejectedInstances()).containsEntry(ReasonCode.RESOURCE_MEMORY, 2)
                .containsEntry(ReasonCode.ATTRIBUTE, 1);
        // m5.xlarge: 16384 - (820 + 128) = 15436 MiB registered
        assertThat(why.example().asked()).isEqualTo("20000");
        assertThat(why.example().available()).isEqualTo("15436");
        assertThat(why.message()).contains("RESOURCE:MEMORY on 2 instance(s)", "best available 15436",
                "ATTRIBUTE on 1");
    }

    @Test
    void failure_noInstanceOfTheArchitecture_reportsAttribute() {
        PlanState s = new Fleet().add("m5.large", "us-east-1a").snapshot().newPlan();
        PlacementResult r = engine.place(s, PlacementRequest.of("g", TaskDemand.awsvpc(256, 512,
                Architecture.ARM64)), 1);
        assertThat(r.failure().orElseThrow().ecsReason()).isEqualTo("ATTRIBUTE");
        assertThat(r.failure().orElseThrow().example().dimension()).isEqualTo("ecs.cpu-architecture");
    }

    @Test
    void failure_emptyCluster_reportsMissing() {
        PlacementResult r = engine.place(new Fleet().snapshot().newPlan(),
                PlacementRequest.of("g", Fleet.task(256, 512)), 2);
        assertThat(r.failure().orElseThrow().reason()).isEqualTo(ReasonCode.MISSING);
        assertThat(r.failure().orElseThrow().message()).contains("2 task(s) wait for new capacity");
    }

    @Test
    void drainingInstance_neverReceivesTasks_agentReason() {
        PlanState s = new Fleet().add("m5.large", "us-east-1a").mapLast(v -> v.withStatus(InstanceStatus.DRAINING))
                .add("m5.large", "us-east-1a").snapshot().newPlan();
        PlacementResult r = engine.place(s, PlacementRequest.of("g", Fleet.task(1024, 4096)), 3);
        assertThat(ids(r)).containsExactly("ci-001");
        assertThat(r.failure().orElseThrow().rejectedInstances()).containsEntry(ReasonCode.AGENT, 1)
                .containsEntry(ReasonCode.RESOURCE_MEMORY, 1);
        assertThat(r.failure().orElseThrow().ecsReason()).isEqualTo("RESOURCE:MEMORY");
    }

    @Test
    void capacityProvider_requestForOneProvider_onlyItsInstances() {
        PlanState s = new Fleet().add("m5.large", "us-east-1a", "a", Map.of())
                .add("m5.large", "us-east-1a", "b", Map.of()).snapshot().newPlan();
        PlacementResult r = engine.place(s, PlacementRequest.of("g", Fleet.task(256, 512))
                .withCapacityProviders(Set.of("b")), 3);
        assertThat(Set.copyOf(ids(r))).containsExactly("ci-001");
    }

    @Test
    void awsvpc_trunkingLimit_c5LargeTakesTenTasks() {
        PlanState s = new Fleet().add("c5.large", "us-east-1a").snapshot().newPlan();
        PlacementResult r = engine.place(s, PlacementRequest.of("g", Fleet.task(64, 128)), 12);
        assertThat(r.placements()).hasSize(10);
        assertThat(r.failure().orElseThrow().ecsReason()).isEqualTo("RESOURCE:ENI");
    }

    @Test
    void hostMode_samePortTwice_onePerInstance() {
        PlanState s = new Fleet().add("m5.large", "us-east-1a").add("m5.large", "us-east-1b").snapshot().newPlan();
        PlacementRequest r = PlacementRequest.of("g", new TaskDemand(256, 512, 0, NetworkMode.HOST, Set.of(8080),
                Architecture.X86_64));
        PlacementResult res = engine.place(s, r, 3);
        assertThat(Set.copyOf(ids(res))).containsExactlyInAnyOrder("ci-000", "ci-001");
        assertThat(res.failure().orElseThrow().ecsReason()).isEqualTo("RESOURCE:PORTS");
    }

    @Test
    void planCopy_isIndependent() {
        PlanState s = new Fleet().add("m5.large", "us-east-1a").snapshot().newPlan();
        PlacementRequest r = PlacementRequest.of("g", Fleet.task(1024, 1024));
        engine.place(s, r, 1);
        PlanState branch = s.copy();
        engine.place(branch, r, 1);
        assertThat(s.remaining(0).cpu()).isEqualTo(1024);
        assertThat(branch.remaining(0).cpu()).isEqualTo(0);
        assertThat(s.placedTasks()).isEqualTo(1);
        assertThat(branch.placedTasks()).isEqualTo(2);
    }
}
