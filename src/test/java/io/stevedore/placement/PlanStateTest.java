package io.stevedore.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlanStateTest {
    private final PlacementEngine engine = PlacementEngine.standard();

    @Test
    void snapshot_duplicateContainerInstance_refused() {
        List<InstanceView> twice = new Fleet().add("m5.large", "us-east-1a").instances();
        assertThatThrownBy(() -> ClusterSnapshot.of(List.of(twice.get(0), twice.get(0))))
                .hasMessageContaining("duplicate container instance ci-000");
    }

    @Test
    void snapshot_sortsByContainerInstanceId_whateverTheInputOrder() {
        List<InstanceView> l = new Fleet().add("m5.large", "us-east-1a").add("c5.large", "us-east-1b").instances();
        ClusterSnapshot s = ClusterSnapshot.of(List.of(l.get(1), l.get(0)));
        assertThat(s.instance(0).containerInstanceId()).isEqualTo("ci-000");
    }

    @Test
    void replacing_someViews_indexesAsABuildOfThePatchedList() {
        List<InstanceView> l = new Fleet().add("m5.large", "us-east-1a").add("m5.large", "us-east-1b")
                .add("c5.large", "us-east-1a").add("m5.large", "us-east-1a").add("c5.large", "us-east-1b")
                .instances();
        ClusterSnapshot base = ClusterSnapshot.ofSorted(List.copyOf(l), null);
        InstanceView busier = l.get(0).withRunning(new Resources(1024, 4096, 0, 1), Set.of(80), Map.of("g", 1));
        InstanceView busiest = l.get(3).withRunning(new Resources(1536, 6144, 0, 1), Set.of(), Map.of("g", 2));
        ClusterSnapshot patched = base.replacing(List.of(busier, busiest), null);
        List<InstanceView> list = new java.util.ArrayList<>(l);
        list.set(0, busier);
        list.set(3, busiest);
        ClusterSnapshot built = ClusterSnapshot.of(list);

        assertThat(patched).isNotNull();
        assertThat(patched.cpu).containsExactly(built.cpu);
        assertThat(patched.memory).containsExactly(built.memory);
        assertThat(patched.running).containsExactly(built.running);
        assertThat(patched.partitions).hasSameSizeAs(built.partitions).hasSize(2);
        for (int k = 0; k < built.partitions.size(); k++) {
            assertThat(patched.partitions.get(k).members).containsExactly(built.partitions.get(k).members);
            assertThat(patched.partitions.get(k).cpuKeys).containsExactly(built.partitions.get(k).cpuKeys);
            assertThat(patched.partitions.get(k).memoryKeys).containsExactly(built.partitions.get(k).memoryKeys);
        }
        for (int i = 0; i < built.size(); i++) {
            assertThat(patched.instance(i)).isSameAs(built.instance(i));
            assertThat(patched.partitionOf[i].members).containsExactly(built.partitionOf[i].members);
        }
        assertThat(patched.instancesOf("g")).containsExactly(0, 3);
        assertThat(base.instancesOf("g")).isEmpty(); // the base snapshot is left as it was
        assertThat(base.cpu[0]).isEqualTo(l.get(0).remaining().cpu());
    }

    @Test
    void replacing_aViewThatLeavesItsPartition_refusedSoTheCallerBuildsAnew() {
        List<InstanceView> l = new Fleet().add("m5.large", "us-east-1a").add("m5.large", "us-east-1b").instances();
        ClusterSnapshot base = ClusterSnapshot.ofSorted(List.copyOf(l), null);
        assertThat(base.replacing(List.of(l.get(0).withStatus(InstanceStatus.DRAINING)), null)).isNull();
        assertThat(base.replacing(List.of(new Fleet().add("m5.large", "us-east-1a").add("c5.large", "us-east-1b")
                .instances().get(1)), null)).isNull(); // registers other resources
    }

    @Test
    void copy_thenBinpack_branchesSeeTheirOwnOverlay() {
        PlanState base = new Fleet().add("m5.large", "us-east-1a").add("m5.large", "us-east-1a").snapshot()
                .newPlan();
        PlacementRequest r = PlacementRequest.of("g", Fleet.task(256, 1024)).withStrategies(List.of(
                new PlacementStrategy.Binpack(PlacementStrategy.Binpack.Field.MEMORY)));
        engine.place(base, r, 6);
        PlanState branch = base.copy();
        List<String> more = engine.place(branch, r, 3).placements().stream()
                .map(TaskPlacement::containerInstanceId).collect(Collectors.toList());
        // ci-000 has room for one more 1 GiB task (7,654 MiB registered), then ci-001 takes over
        assertThat(more).containsExactly("ci-000", "ci-001", "ci-001");
        assertThat(engine.place(base, r, 1).placements().get(0).containerInstanceId()).isEqualTo("ci-000");
        assertThat(base.remaining(1)).isEqualTo(new Fleet().add("m5.large", "x").snapshot().newPlan().remaining(0));
    }

    @Test
    void commit_updatesEveryDimensionAndCounts() {
        PlanState s = new Fleet().add("m5.large", "us-east-1a")
                .mapLast(v -> v.withRunning(new Resources(0, 0, 0, 0), Set.of(), Map.of("service:web", 2)))
                .snapshot().newPlan();
        Resources before = s.remaining(0);
        PlacementRequest r = PlacementRequest.of("service:web", new TaskDemand(512, 1000, 0, NetworkMode.HOST,
                Set.of(80), io.stevedore.catalog.Architecture.X86_64));
        s.commit(0, r);
        assertThat(s.remaining(0)).isEqualTo(before.minus(new Resources(512, 1000, 0, 0)));
        assertThat(s.groupCount(0, "service:web")).isEqualTo(3);
        assertThat(s.runningTasksCount(0)).isEqualTo(3);
        assertThat(s.hostPortFree(0, 80)).isFalse();
        assertThat(s.hostPortFree(0, 81)).isTrue();
        assertThat(s.spreadCount("service:web", InstanceView.ATTR_AZ, "us-east-1a")).isEqualTo(3);
    }

    @Test
    void intCounter_manyKeys_growsAndCounts() {
        IntCounter c = new IntCounter();
        for (int k = 0; k < 1000; k++) {
            c.increment(k * 7);
            c.increment(k * 7);
        }
        c.put(7, 9);
        assertThat(c.get(0)).isEqualTo(2);
        assertThat(c.get(7)).isEqualTo(9);
        assertThat(c.get(6993)).isEqualTo(2);
        assertThat(c.get(1)).isZero();
        int[] total = {0};
        c.forEach((k, v) -> total[0] += v);
        assertThat(total[0]).isEqualTo(2 * 1000 + 7);
    }

    @Test
    void release_afterCommit_restoresEverything() {
        PlanState s = new Fleet().add("m5.large", "us-east-1a").snapshot().newPlan();
        PlacementRequest r = PlacementRequest.of("service:web", new TaskDemand(512, 1000, 0, NetworkMode.HOST,
                Set.of(80), io.stevedore.catalog.Architecture.X86_64));
        Resources before = s.remaining(0);
        assertThat(s.spreadCount("service:web", InstanceView.ATTR_AZ, "us-east-1a")).isZero();
        s.commit(0, r);
        s.release(0, r.demand(), r.group());
        assertThat(s.remaining(0)).isEqualTo(before);
        assertThat(s.hostPortFree(0, 80)).isTrue();
        assertThat(s.groupCount(0, "service:web")).isZero();
        assertThat(s.taskGroups(0)).isEmpty();
        assertThat(s.runningTasksCount(0)).isZero();
        assertThat(s.spreadCount("service:web", InstanceView.ATTR_AZ, "us-east-1a")).isZero();
    }

    @Test
    void release_taskRunningInSnapshot_freesItsCapacityAndPortForPlacement() {
        TaskDemand web = new TaskDemand(2048, 7000, 0, NetworkMode.HOST, Set.of(80),
                io.stevedore.catalog.Architecture.X86_64);
        PlanState s = new Fleet().add("m5.large", "us-east-1a")
                .mapLast(v -> v.withRunning(web.resources(), Set.of(80), Map.of("service:web", 1))).snapshot()
                .newPlan();
        PlacementRequest r = PlacementRequest.of("service:web", web);
        assertThat(engine.place(s.copy(), r, 1).failure()).isPresent();
        s.release(0, web, "service:web");
        assertThat(s.taskGroups(0)).isEmpty();
        assertThat(engine.place(s, r, 2).placements()).hasSize(1);
        assertThat(s.hostPortFree(0, 80)).isFalse();
        assertThatThrownBy(() -> s.release(0, web, "service:api")).hasMessageContaining("no task of service:api");
    }
}
