package io.stevedore.provisioning;

import io.stevedore.catalog.Offering;
import io.stevedore.placement.InstanceReservation;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the cheapest set of new instances (EC2 price + management fee per hour) for pending tasks.
 *
 * <ol>
 *   <li>Every offering's capacity is what it registers less the request's per-instance overhead (the daemons of
 *       the provider), so the packing, its costs and the unplaceable verdicts all see only what is left for
 *       tasks; each planned instance's allocation includes the overhead.</li>
 *   <li>Groups no allowed type can run are reported as {@link Unplaceable} with the deciding dimension.</li>
 *   <li>Each group is split evenly over the provider's zones (counts differ by at most one; the zones that get
 *       the remainder rotate from group to group so the zones stay balanced overall).</li>
 *   <li>Dominated offerings are dropped; identical task demands become one shape.</li>
 *   <li>Each zone is packed by {@link Packer}: a rounded pattern LP ({@link PatternLp}) and a value-per-dollar
 *       greedy, repaired by {@link Improver}.</li>
 *   <li>Tasks of each group are handed to the planned instances of their zone in a fixed order.</li>
 * </ol>
 * Pure and deterministic: no clock, no randomness, stable tie-breaks; the same request gives the same plan. The
 * work grows with the pending tasks and offerings only, never with the existing fleet.
 */
public final class Provisioner {

    public LaunchPlan plan(ProvisioningRequest request) {
        List<Candidate> all = new ArrayList<>();
        for (Offering o : request.offerings()) {
            all.add(Candidate.of(o, request.overhead()));
        }
        List<Unplaceable> unplaceable = new ArrayList<>();
        List<PendingGroup> feasible = new ArrayList<>();
        Map<TaskDemand, Optional<Unplaceable>> verdicts = new HashMap<>();
        for (PendingGroup g : request.groups()) {
            if (g.count() == 0) {
                continue;
            }
            Optional<Unplaceable> why = verdicts.computeIfAbsent(g.demand(),
                    d -> Explainer.explain("", 0, d, all));
            why.ifPresentOrElse(u -> unplaceable.add(new Unplaceable(g.key(), g.count(), u.dimension(), u.reason())),
                    () -> feasible.add(g));
        }
        List<Zone> zones = request.zones();
        Map<TaskDemand, Integer> shapeIndex = new LinkedHashMap<>();
        for (PendingGroup g : feasible) {
            shapeIndex.putIfAbsent(g.demand(), shapeIndex.size());
        }
        ShapeSet shapes = new ShapeSet(new ArrayList<>(shapeIndex.keySet()));
        int[][] demand = new int[zones.size()][shapes.size()];
        List<List<Deque<int[]>>> queues = new ArrayList<>();
        for (int z = 0; z < zones.size(); z++) {
            List<Deque<int[]>> perShape = new ArrayList<>();
            for (int s = 0; s < shapes.size(); s++) {
                perShape.add(new ArrayDeque<>());
            }
            queues.add(perShape);
        }
        int cursor = 0;
        for (int gi = 0; gi < feasible.size(); gi++) {
            PendingGroup g = feasible.get(gi);
            int s = shapeIndex.get(g.demand());
            int base = g.count() / zones.size();
            int extra = g.count() % zones.size();
            for (int i = 0; i < zones.size(); i++) {
                int z = (cursor + i) % zones.size();
                int n = base + (i < extra ? 1 : 0);
                if (n > 0) {
                    demand[z][s] += n;
                    queues.get(z).get(s).add(new int[] {gi, n});
                }
            }
            cursor = (cursor + extra) % zones.size();
        }
        List<PlannedInstance> instances = new ArrayList<>();
        if (shapes.size() > 0) {
            Packer packer = new Packer(shapes, Candidate.undominated(request.offerings(),
                    request.overhead()));
            for (int z = 0; z < zones.size(); z++) {
                List<Bin> bins = packer.pack(demand[z]);
                bins.sort(Comparator.comparing((Bin b) -> packer.candidates().get(b.cand).name())
                        .thenComparing(b -> -b.total()));
                for (Bin b : bins) {
                    instances.add(instance(b, zones.get(z), packer, queues.get(z), feasible, request.overhead()));
                }
            }
        }
        return LaunchPlan.of(instances, unplaceable);
    }

    private static PlannedInstance instance(Bin b, Zone zone, Packer packer, List<Deque<int[]>> queues,
                                            List<PendingGroup> groups, Resources overhead) {
        Candidate c = packer.candidates().get(b.cand);
        Map<Integer, Integer> byGroup = new LinkedHashMap<>();
        for (int s = 0; s < b.counts.length; s++) {
            int need = b.counts[s];
            Deque<int[]> q = queues.get(s);
            while (need > 0) {
                int[] head = q.peekFirst();
                int n = Math.min(need, head[1]);
                byGroup.merge(head[0], n, Integer::sum);
                head[1] -= n;
                need -= n;
                if (head[1] == 0) {
                    q.removeFirst();
                }
            }
        }
        List<TaskAssignment> tasks = new ArrayList<>();
        byGroup.forEach((g, n) -> tasks.add(new TaskAssignment(groups.get(g).key(), n)));
        Resources allocated = new Resources((int) b.cpu, b.mem, (int) b.gpu, (int) b.eni).plus(overhead);
        return new PlannedInstance(c.offering(), zone, tasks, InstanceReservation.registered(c.offering().type()),
                allocated);
    }
}
