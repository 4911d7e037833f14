package io.stevedore.bench.provisioning;

import io.stevedore.catalog.Offering;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.LaunchPlan;
import io.stevedore.provisioning.PendingGroup;
import io.stevedore.provisioning.PlannedInstance;
import io.stevedore.provisioning.Provisioner;
import io.stevedore.provisioning.ProvisioningRequest;
import io.stevedore.provisioning.TaskAssignment;
import io.stevedore.provisioning.Zone;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Our plan vs the reference solver on seeded random workloads (one zone: a pure packing problem). */
final class QualityBench {
    record Row(long seed, int shapes, int tasks, String arch, double ours, double lowerBound, double solverBest,
               boolean proven, double ms, double ffd) {
        double ratioToBound() {
            return ours / lowerBound;
        }

        double ratioToBest() {
            return ours / Math.min(solverBest, ours);
        }
    }

    static Row run(long seed, List<Offering> offerings, double solverSeconds) {
        List<PendingGroup> groups = Workloads.random(seed);
        List<Zone> zone = List.of(new Zone("subnet-1", "us-east-1a"));
        long t0 = System.nanoTime();
        LaunchPlan plan = new Provisioner().plan(new ProvisioningRequest(groups, offerings, zone));
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!plan.unplaceable().isEmpty()) {
            throw new IllegalStateException("seed " + seed + ": unplaceable " + plan.unplaceable());
        }
        Map<String, Integer> shapeOf = new LinkedHashMap<>();
        List<TaskDemand> shapes = new ArrayList<>();
        Map<TaskDemand, Integer> idx = new LinkedHashMap<>();
        for (PendingGroup g : groups) {
            idx.putIfAbsent(g.demand(), idx.size());
            shapeOf.put(g.key(), idx.get(g.demand()));
        }
        shapes.addAll(idx.keySet());
        int[] demand = new int[shapes.size()];
        for (PendingGroup g : groups) {
            demand[shapeOf.get(g.key())] += g.count();
        }
        ExactOptimum exact = new ExactOptimum(shapes, demand, offerings);
        for (PlannedInstance i : plan.instances()) {
            int[] counts = new int[shapes.size()];
            for (TaskAssignment a : i.tasks()) {
                counts[shapeOf.get(a.groupKey())] += a.count();
            }
            exact.addColumn(i.offering().type().name(), counts);
        }
        ExactOptimum.Result r = exact.solve(solverSeconds);
        String arch = groups.stream().map(g -> g.demand().architecture().ec2Name()).distinct().sorted()
                .reduce((a, b) -> a + "+" + b).orElse("");
        int tasks = groups.stream().mapToInt(PendingGroup::count).sum();
        return new Row(seed, shapes.size(), tasks, arch, plan.totalPerHour(), r.lowerBound(), r.upperBound(),
                r.proven() || Math.abs(r.upperBound() - r.lowerBound()) < 1e-9, ms, FfdBaseline.cost(groups, offerings));
    }
}
