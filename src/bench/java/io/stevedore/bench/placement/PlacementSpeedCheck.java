package io.stevedore.bench.placement;

import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.InstanceType;
import io.stevedore.placement.ClusterSnapshot;
import io.stevedore.placement.Fleet;
import io.stevedore.placement.InstanceView;
import io.stevedore.placement.PlacementConstraint;
import io.stevedore.placement.PlacementEngine;
import io.stevedore.placement.PlacementRequest;
import io.stevedore.placement.PlacementStrategy;
import io.stevedore.placement.PlanState;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Micro-harness for docs/benchmarks.md (not a unit test; nothing here asserts a time). Run {@code bench/placement}.
 * Prints median and worst wall times and the median thread CPU time over repeated runs after a warm-up, for:
 * snapshot build, 1,000 new tasks onto 5,000 instances under several strategies and constraints, and a handful
 * of tasks onto fleets of 5,000 and 50,000 instances (the cost should not grow with the fleet).
 */
public final class PlacementSpeedCheck {
    private static final String[] TYPES = {"m5.xlarge", "m5.2xlarge", "c5.2xlarge", "r5.xlarge", "m6g.xlarge",
        "c6g.2xlarge", "m7i.2xlarge", "c7g.xlarge"};
    private static final int RUNS = 15;
    private static final List<PlacementConstraint> DISTINCT = List.of(PlacementConstraint.distinctInstance());
    private static final List<PlacementConstraint> MEMBER_OF_M5 = List.of(
            PlacementConstraint.memberOf("attribute:ecs.instance-type =~ m5.*"));

    private PlacementSpeedCheck() {
    }

    public static void main(String[] args) {
        System.out.printf("java %s, %d cpus, max heap %d MiB%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        List<InstanceView> fleet5k = fleet(5_000, 1);
        List<InstanceView> fleet50k = fleet(50_000, 2);
        time("snapshot build, 5,000 instances", () -> ClusterSnapshot.of(fleet5k));
        time("snapshot build, 50,000 instances", () -> ClusterSnapshot.of(fleet50k));
        ClusterSnapshot s5k = ClusterSnapshot.of(fleet5k);
        ClusterSnapshot s50k = ClusterSnapshot.of(fleet50k);
        PlacementEngine engine = PlacementEngine.standard();
        PlacementStrategy binMem = new PlacementStrategy.Binpack(PlacementStrategy.Binpack.Field.MEMORY);
        PlacementStrategy spreadAz = new PlacementStrategy.Spread("attribute:ecs.availability-zone");
        PlacementStrategy spreadId = new PlacementStrategy.Spread("instanceId");
        Map<String, List<PlacementStrategy>> cases = new java.util.LinkedHashMap<>();
        cases.put("default (spread AZ, binpack memory)", List.of());
        cases.put("binpack memory", List.of(binMem));
        cases.put("spread AZ, spread instanceId", List.of(spreadAz, spreadId));
        cases.put("spread instanceId", List.of(spreadId));
        cases.put("random", List.of(new PlacementStrategy.Random()));
        for (Map.Entry<String, List<PlacementStrategy>> c : cases.entrySet()) {
            time("1,000 tasks (10 services x 100) onto 5,000 instances, " + c.getKey(),
                    () -> placeServices(engine, s5k, c.getValue(), 10, 100, List.of()));
        }
        time("1,000 tasks, distinctInstance + default strategies, onto 5,000 instances",
                () -> placeServices(engine, s5k, List.of(), 10, 100, DISTINCT));
        time("1,000 tasks, memberOf instance-type =~ m5.* + default strategies, onto 5,000 instances",
                () -> placeServices(engine, s5k, List.of(), 10, 100, MEMBER_OF_M5));
        time("1,000 tasks, memberOf instance-type =~ m5.* + spread instanceId, onto 5,000 instances",
                () -> placeServices(engine, s5k, List.of(spreadId), 10, 100, MEMBER_OF_M5));
        time("5 tasks onto 5,000 instances (default strategies)",
                () -> placeServices(engine, s5k, List.of(), 1, 5, List.of()));
        time("5 tasks onto 50,000 instances (default strategies)",
                () -> placeServices(engine, s50k, List.of(), 1, 5, List.of()));
        time("5 tasks onto 50,000 instances (binpack memory)",
                () -> placeServices(engine, s50k, List.of(binMem), 1, 5, List.of()));
        Runtime rt = Runtime.getRuntime();
        System.gc();
        System.out.printf("heap in use after the runs (both snapshots live): %d MiB%n",
                (rt.totalMemory() - rt.freeMemory()) >> 20);
    }

    private static int placeServices(PlacementEngine engine, ClusterSnapshot snap, List<PlacementStrategy> strategies,
                                     int services, int tasksEach, List<PlacementConstraint> constraints) {
        PlanState plan = snap.newPlan();
        int placed = 0;
        for (int k = 0; k < services; k++) {
            Architecture arch = k % 3 == 2 ? Architecture.ARM64 : Architecture.X86_64;
            PlacementRequest r = new PlacementRequest("service:new-" + k,
                    TaskDemand.awsvpc(256 * (1 + k % 4), 512L * (1 + k % 6), arch), Set.of(),
                    constraints, strategies, k);
            placed += engine.place(plan, r, tasksEach).placements().size();
        }
        return placed;
    }

    /** {@code n} instances over 3 AZs and 8 types; two thirds already run tasks of 200 existing services. */
    static List<InstanceView> fleet(int n, long seed) {
        Random rnd = new Random(seed);
        List<InstanceView> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            InstanceType t = Fleet.type(TYPES[rnd.nextInt(TYPES.length)]);
            Architecture arch = t.supports(Architecture.ARM64) ? Architecture.ARM64 : Architecture.X86_64;
            String az = "us-east-1" + (char) ('a' + i % 3);
            InstanceView v = InstanceView.fresh(String.format("ci-%06d", i), String.format("i-%06d", i), t, arch,
                    az, "subnet-" + az, "mi", Fleet.T0, Map.of());
            int tasks = rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(3);
            if (tasks > 0) {
                Resources used = new Resources(512 * tasks, 1024L * tasks, 0, tasks);
                v = v.withRunning(used, Set.of(), Map.of("service:old-" + rnd.nextInt(200), tasks));
            }
            out.add(v);
        }
        return out;
    }

    /**
     * Median and worst wall time, and median thread CPU time (less sensitive to other processes on a shared
     * machine), over {@value #RUNS} runs after 5 warm-up runs.
     */
    private static void time(String label, java.util.function.Supplier<Object> body) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int w = 0; w < 5; w++) {
            body.get();
        }
        long[] ns = new long[RUNS];
        long[] cpu = new long[RUNS];
        Object last = null;
        for (int k = 0; k < RUNS; k++) {
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            last = body.get();
            ns[k] = System.nanoTime() - t0;
            cpu[k] = mx.getCurrentThreadCpuTime() - c0;
        }
        Arrays.sort(ns);
        Arrays.sort(cpu);
        System.out.printf("%-86s wall median %8.3f ms, worst %8.3f ms; cpu median %8.3f ms (%s)%n", label,
                ns[RUNS / 2] / 1e6, ns[RUNS - 1] / 1e6, cpu[RUNS / 2] / 1e6,
                last instanceof Integer ? last + " placed" : "ok");
    }
}
