package io.stevedore.bench.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.InstanceType;
import io.stevedore.catalog.Offering;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.control.scheduling.CapacityOfferings;
import io.stevedore.control.scheduling.Scheduler;
import io.stevedore.control.scheduling.Scheduling.PendingTask;
import io.stevedore.control.scheduling.Scheduling.ProviderCapacity;
import io.stevedore.placement.ClusterSnapshot;
import io.stevedore.placement.InstanceView;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.Zone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Times the engine's part of a reconciler tick (bench/engine): the per-tick snapshot of a cluster of N half-full
 * t4g.medium / m6g.large instances over three zones, then {@link Scheduler#schedule} for k new 512/1024 ARM64
 * tasks of one service (placed on existing room first, the rest provisioned; the overflow case, twice the fleet size
 * in new tasks, only up to 5,000 instances). Median and worst of 15 runs after a
 * warm-up; not a unit test (docs/benchmarks.md).
 */
public final class EngineTickBench {
    private EngineTickBench() {
    }

    public static void main(String[] args) throws Exception {
        List<Offering> offerings = CapacityOfferings.load().offerings(new ObjectMapper().readTree(
                Files.readString(Path.of("examples/seed-requirements.json"))), "us-east-1", PurchaseOption.ON_DEMAND);
        List<Zone> zones = List.of(new Zone("subnet-a", "us-east-1a"), new Zone("subnet-b", "us-east-1b"),
                new Zone("subnet-c", "us-east-1c"));
        ProviderCapacity provider = new ProviderCapacity("p", offerings, zones, Optional.empty());
        TaskDemand task = TaskDemand.awsvpc(512, 1024, Architecture.ARM64);
        Scheduler engine = new Scheduler();
        System.out.printf("%-44s %10s %10s%n", "case", "median ms", "worst ms");
        for (int fleet : new int[] {500, 5_000, 50_000}) {
            List<InstanceView> views = fleet(offerings, zones, fleet, task);
            time("snapshot of " + fleet + " instances", () -> ClusterSnapshot.of(views));
            ClusterSnapshot snapshot = ClusterSnapshot.of(views);
            for (int k : new int[] {5, 1_000}) {
                List<PendingTask> pending = pending(k, task);
                time("schedule " + k + " tasks on " + fleet + " instances",
                        () -> engine.schedule(snapshot, Map.of("p", provider), pending));
            }
            if (fleet > 5_000) {
                continue;
            }
            List<PendingTask> overflow = pending(fleet * 2, task);
            time("schedule " + overflow.size() + " tasks on " + fleet + " (overflow)",
                    () -> engine.schedule(snapshot, Map.of("p", provider), overflow));
        }
        Runtime rt = Runtime.getRuntime();
        System.out.printf("heap in use: %d MiB%n", (rt.totalMemory() - rt.freeMemory()) >> 20);
    }

    private static List<InstanceView> fleet(List<Offering> offerings, List<Zone> zones, int n, TaskDemand task) {
        InstanceType medium = find(offerings, "t4g.medium");
        InstanceType large = find(offerings, "m6g.large");
        List<InstanceView> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            InstanceType t = i % 3 == 0 ? large : medium;
            Zone z = zones.get(i % zones.size());
            out.add(InstanceView.fresh(String.format("ci-%06d", i), String.format("i-%06d", i), t,
                    Architecture.ARM64, z.availabilityZone(), z.subnetId(), "p", Instant.EPOCH, Map.of())
                    .withRunning(task.resources(), Set.of(), Map.of("service:old", 1)));
        }
        return out;
    }

    private static InstanceType find(List<Offering> offerings, String name) {
        return offerings.stream().map(Offering::type).filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<PendingTask> pending(int k, TaskDemand task) {
        List<PendingTask> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            out.add(new PendingTask(String.format("task-%07d", i), "service:web", task, "p", List.of(), List.of(),
                    Set.of("us-east-1a", "us-east-1b", "us-east-1c")));
        }
        return out;
    }

    private static void time(String name, Runnable r) {
        for (int i = 0; i < 5; i++) {
            r.run();
        }
        double[] ms = new double[15];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("%-44s %10.2f %10.2f%n", name, ms[ms.length / 2], ms[ms.length - 1]);
    }
}
