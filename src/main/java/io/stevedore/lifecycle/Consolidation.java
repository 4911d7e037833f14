package io.stevedore.lifecycle;

import io.stevedore.catalog.Offering;
import io.stevedore.lifecycle.FleetSnapshot.Member;
import io.stevedore.lifecycle.FleetSnapshot.Provider;
import io.stevedore.lifecycle.FleetSnapshot.Work;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.LaunchPlan;
import io.stevedore.provisioning.PendingGroup;
import io.stevedore.provisioning.Provisioner;
import io.stevedore.provisioning.ProvisioningRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Consolidation by replacement (Karpenter's multi-node consolidation; beyond the real service, which drains one
 * underutilized instance at a time): when a cheaper set of instances can hold the tasks of several current ones,
 * those instances are drained together. Their service tasks are then replaced start-before-stop within each
 * service's {@code minimumHealthyPercent} and {@code maximumPercent}: the replacement tasks wait for capacity, which
 * the scheduler plans with the same {@link Provisioner} for all of them at once (after any free room on the other
 * instances), so the replacement instances are launched before any old task stops; each old instance is retired once
 * empty.
 *
 * <p>A provider whose fleet costs at most {@code 1 + bound} times one plan of all its tasks (the provisioner's, as if
 * every task were placed at once; {@link ConsolidationPolicy#bound()}) makes no move: a fleet within the bound stays
 * put. Otherwise the candidates are the instances compaction could drain (every task a RUNNING, unprotected,
 * unconstrained service task whose service did not opt out; quiet for {@code scaleInAfter}; the provider settled),
 * less the instances about to take the tasks of a drain in progress. Sets are prefixes of two orders of them:
 * <ol>
 *   <li><em>off plan</em>: the candidates that are not as that one plan has them (an instance of the same type with
 *       the same tasks is as planned, and replacing it gains nothing), interleaved so that every prefix holds each
 *       kind (type and tasks) in proportion. A fleet built service by service typically needs tasks of different
 *       services on one instance (a CPU-heavy one beside a memory-heavy one): a prefix holding one kind only
 *       re-plans to the same types, a proportional one keeps the partners together;</li>
 *   <li><em>most overpriced first</em>: by how much more each costs than its tasks would in the plan (each planned
 *       instance's price shared among its tasks by their mean CPU and memory share).</li>
 * </ol>
 * For each order the prefixes tried are the largest the disruption budget allows ({@code slots}, at most
 * {@link #MAX_SET}), then half of it, down to two instances (one instance is compaction's case). For each set, all
 * its tasks are planned on new capacity — the free room of the other instances is not counted on: the scheduler may
 * use it, which only makes the replacement cheaper, whereas a simulation of it that the placement engine does not
 * follow (host ports, ENIs, its own order) promised savings the moves did not deliver. The set with the largest
 * saving that clears the {@link ConsolidationPolicy} thresholds is drained.
 * A set is never replaced by instances of the same types, and a fleet that no set can improve by the threshold stays
 * put. Prices include the Managed Instances management fee.
 */
public final class Consolidation {
    /** The largest set evaluated (Karpenter's multi-node consolidation also looks at 100 candidates at most). */
    public static final int MAX_SET = 100;

    private final Provisioner provisioner;
    private long nextDueMillis = Long.MAX_VALUE;

    public Consolidation(Provisioner provisioner) {
        this.provisioner = provisioner;
    }

    /**
     * A move: drain {@code instanceIds} together; their tasks go to other instances and to {@code newFleet}.
     *
     * @param instanceIds   the instances replaced, in instance-id order
     * @param beforePerHour what they cost (EC2 and management fee, USD/h)
     * @param afterPerHour  what the new capacity costs
     * @param newFleet      the new capacity by instance type
     * @param reason        a person-readable reason, for events
     */
    public record Move(List<String> instanceIds, double beforePerHour, double afterPerHour,
                       Map<String, Integer> newFleet, String reason) {
        public Move {
            instanceIds = List.copyOf(instanceIds);
            newFleet = Map.copyOf(newFleet);
        }

        public double savingPerHour() {
            return beforePerHour - afterPerHour;
        }
    }

    /**
     * When a new instance next becomes a candidate (its quiet period ends) among the providers this pass looked at;
     * {@code Long.MAX_VALUE} = none pending. A discrete-event driver evaluates again then (or on any task or instance
     * change).
     */
    public long nextDueMillis() {
        return nextDueMillis;
    }

    /** Forgets the due time of the last pass: called once at the start of each controller pass. */
    void startPass() {
        nextDueMillis = Long.MAX_VALUE;
    }

    /**
     * The move to make now, if any.
     *
     * @param active   the provider's ACTIVE instances (candidates and hosts)
     * @param draining its instances draining now: their service tasks need room first
     * @param slots    how many instances the disruption budget still lets go at once
     */
    public Optional<Move> pick(long now, Provider p, List<Member> active, List<Member> draining, int slots) {
        ConsolidationPolicy policy = p.consolidation();
        if (!policy.enabled() || !p.settled() || p.scaleInAfterMillis() < 0 || slots < 2 || p.offerings().isEmpty()
                || p.zones().isEmpty()) {
            return Optional.empty();
        }
        List<Member> eligible = new ArrayList<>();
        for (Member m : active) {
            long quietUntil = Math.max(m.lastTaskChangeMillis(), m.launchedAtMillis()) + p.scaleInAfterMillis();
            if (!Compaction.movable(m)) {
                continue;
            }
            if (now >= quietUntil) {
                eligible.add(m);
            } else {
                nextDueMillis = Math.min(nextDueMillis, quietUntil);
            }
        }
        if (eligible.size() < 2) {
            return Optional.empty();
        }
        if (last != null && last.sameAs(p, active, draining, eligible, slots)) {
            return last.result(); // nothing it depends on changed since the last pick
        }
        Optional<Move> result = choose(p, active, draining, eligible, slots);
        last = new LastPick(p, List.copyOf(active), List.copyOf(draining), List.copyOf(eligible), slots, result);
        return result;
    }

    private Optional<Move> choose(Provider p, List<Member> active, List<Member> draining, List<Member> eligible,
                                  int slots) {
        Set<String> hosts = hostsOfDrains(active, draining);
        List<Member> movable = new ArrayList<>();
        for (Member m : eligible) {
            if (!hosts.contains(m.instanceId())) {
                movable.add(m);
            }
        }
        Map<String, Double> prices = prices(p);
        OnePlan one = onePlan(p, active);
        double fleet = 0;
        for (Member m : active) {
            fleet += prices.getOrDefault(m.instanceType(), m.pricePerHour());
        }
        if (one.plan().unplaceable().isEmpty() && p.consolidation().withinBound(fleet, one.plan().totalPerHour())) {
            return Optional.empty(); // within the bound of one plan of its tasks: the fleet stays put
        }
        Map<TaskDemand, Double> fair = one.fairCosts();
        Map<String, Double> excess = new HashMap<>();
        for (Member m : movable) {
            double value = 0;
            for (Work w : m.tasks()) {
                value += fair.getOrDefault(w.demand(), 0.0);
            }
            excess.put(m.instanceId(), prices.getOrDefault(m.instanceType(), m.pricePerHour()) - value);
        }
        List<Member> byExcess = new ArrayList<>(movable);
        byExcess.sort(Comparator.comparingDouble((Member m) -> -excess.get(m.instanceId()))
                .thenComparing(Member::instanceId));
        List<Member> offPlan = offPlan(one, active, movable, excess);
        int cap = Math.min(slots, MAX_SET);
        Move best = null;
        Set<List<String>> tried = new HashSet<>();
        for (List<Member> order : List.of(offPlan, byExcess)) {
            for (int k = Math.min(cap, order.size()); k >= 2; k /= 2) {
                List<Member> set = order.subList(0, k);
                if (!tried.add(set.stream().map(Member::instanceId).sorted().toList())) {
                    continue;
                }
                Optional<Move> m = evaluate(p, set, prices);
                if (m.isPresent() && (best == null || m.get().savingPerHour() > best.savingPerHour() + 1e-9)) {
                    best = m.get();
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** An instance's type and the tasks it holds, by demand: equal shapes are interchangeable. */
    private record Shape(String type, Map<TaskDemand, Integer> tasks) {
    }

    private static Shape shape(Member m) {
        Map<TaskDemand, Integer> tasks = new HashMap<>();
        m.tasks().forEach(w -> tasks.merge(w.demand(), 1, Integer::sum));
        return new Shape(m.instanceType(), tasks);
    }

    /**
     * The movable instances that are not as one plan of all the provider's tasks would have them, interleaved so
     * that every prefix holds each kind of them (type and tasks) in proportion. The saving of a fleet built online
     * often needs tasks of different services on one instance (a CPU-heavy service beside a memory-heavy one); an
     * instance as planned is left out (replacing it gains nothing), and a proportional prefix keeps the partners
     * together when the budget allows only part of them.
     */
    private static List<Member> offPlan(OnePlan one, List<Member> active, List<Member> movable,
                                        Map<String, Double> excess) {
        Map<Shape, Integer> planned = new HashMap<>(one.shapes());
        Set<String> candidates = new HashSet<>();
        movable.forEach(m -> candidates.add(m.instanceId()));
        // instances as planned first use up the plan's shapes: the non-movable ones, then the movable ones
        Set<String> asPlanned = new HashSet<>();
        for (boolean pass : new boolean[] {false, true}) {
            for (Member m : active) {
                if (candidates.contains(m.instanceId()) == pass) {
                    Shape s = shape(m);
                    Integer left = planned.get(s);
                    if (left != null && left > 0) {
                        planned.put(s, left - 1);
                        asPlanned.add(m.instanceId());
                    }
                }
            }
        }
        Map<Shape, List<Member>> kinds = new LinkedHashMap<>();
        Map<Shape, Double> kindExcess = new HashMap<>();
        for (Member m : movable) {
            if (!asPlanned.contains(m.instanceId())) {
                Shape s = shape(m);
                kinds.computeIfAbsent(s, k -> new ArrayList<>()).add(m);
                kindExcess.merge(s, excess.get(m.instanceId()), Double::sum);
            }
        }
        List<Shape> order = new ArrayList<>(kinds.keySet());
        order.sort(Comparator.comparingDouble((Shape s) -> -kindExcess.get(s))
                .thenComparing(s -> kinds.get(s).get(0).instanceId()));
        int total = 0;
        for (Shape s : order) {
            kinds.get(s).sort(Comparator.comparing(Member::instanceId));
            total += kinds.get(s).size();
        }
        // each step takes from the kind furthest behind its share (taken + 1/2 per member, Sainte-Lague)
        int[] taken = new int[order.size()];
        List<Member> out = new ArrayList<>(total);
        while (out.size() < total) {
            int pick = -1;
            double lowest = Double.MAX_VALUE;
            for (int i = 0; i < order.size(); i++) {
                int n = kinds.get(order.get(i)).size();
                if (taken[i] < n) {
                    double behind = (taken[i] + 0.5) / n;
                    if (behind < lowest - 1e-12) {
                        lowest = behind;
                        pick = i;
                    }
                }
            }
            out.add(kinds.get(order.get(pick)).get(taken[pick]++));
        }
        return out;
    }

    /** Instances about to take the tasks of drains in progress: not replaced now. */
    private static Set<String> hostsOfDrains(List<Member> active, List<Member> draining) {
        if (draining.isEmpty()) {
            return Set.of();
        }
        Room room = Room.of(active, Member::used, smallest(draining));
        Set<String> hosts = new HashSet<>();
        for (Member d : draining) {
            hosts.addAll(room.reserve(d.tasks()));
        }
        return hosts;
    }

    private Optional<Move> evaluate(Provider p, List<Member> set, Map<String, Double> prices) {
        double before = 0;
        Map<String, Integer> oldTypes = new TreeMap<>();
        Map<TaskDemand, Integer> demand = new LinkedHashMap<>();
        for (Member m : set) {
            before += prices.getOrDefault(m.instanceType(), m.pricePerHour());
            oldTypes.merge(m.instanceType(), 1, Integer::sum);
            m.tasks().forEach(w -> demand.merge(w.demand(), 1, Integer::sum));
        }
        List<PendingGroup> groups = new ArrayList<>();
        for (Map.Entry<TaskDemand, Integer> e : demand.entrySet()) {
            groups.add(new PendingGroup("g" + groups.size(), e.getKey(), e.getValue()));
        }
        LaunchPlan plan = provisioner.plan(new ProvisioningRequest(groups, p.offerings(), p.zones(),
                p.daemonOverhead()));
        if (!plan.unplaceable().isEmpty()) {
            return Optional.empty();
        }
        double after = plan.totalPerHour();
        Map<String, Integer> fleet = new TreeMap<>(plan.fleet());
        if (fleet.equals(oldTypes) || !p.consolidation().worthIt(before, after)) {
            return Optional.empty();
        }
        List<String> replaced = set.stream().map(Member::instanceId).sorted().toList();
        String reason = String.format(Locale.ROOT, "consolidation by replacement: %d instance(s) %s replaced by %s;"
                + " saves %.4f USD/h (%.1f%%)", set.size(), oldTypes, fleet, before - after,
                100 * (before - after) / before);
        return Optional.of(new Move(replaced, before, after, fleet, reason));
    }

    /** One plan of all the provider's active tasks, with the demand of each of its task groups. */
    private record OnePlan(LaunchPlan plan, Map<String, TaskDemand> byKey) {
        /**
         * What each task costs in the plan (each planned instance's price shared among its tasks by their mean share
         * of its CPU and memory): an instance whose price exceeds the sum of its tasks' costs most is the one whose
         * replacement gains most.
         */
        Map<TaskDemand, Double> fairCosts() {
            Map<TaskDemand, Double> sum = new HashMap<>();
            Map<TaskDemand, Integer> count = new HashMap<>();
            for (io.stevedore.provisioning.PlannedInstance pi : plan.instances()) {
                double price = pi.offering().pricePerHour() + pi.offering().feePerHour();
                double shares = 0;
                for (io.stevedore.provisioning.TaskAssignment a : pi.tasks()) {
                    shares += a.count() * share(byKey.get(a.groupKey()), pi.registered());
                }
                for (io.stevedore.provisioning.TaskAssignment a : pi.tasks()) {
                    TaskDemand d = byKey.get(a.groupKey());
                    double each = shares <= 0 ? 0 : price * share(d, pi.registered()) / shares;
                    sum.merge(d, each * a.count(), Double::sum);
                    count.merge(d, a.count(), Integer::sum);
                }
            }
            Map<TaskDemand, Double> out = new HashMap<>();
            sum.forEach((d, v) -> out.put(d, v / count.get(d)));
            return out;
        }

        /** How many planned instances have each shape (type and tasks). */
        Map<Shape, Integer> shapes() {
            Map<Shape, Integer> out = new HashMap<>();
            for (io.stevedore.provisioning.PlannedInstance pi : plan.instances()) {
                Map<TaskDemand, Integer> tasks = new HashMap<>();
                for (io.stevedore.provisioning.TaskAssignment a : pi.tasks()) {
                    tasks.merge(byKey.get(a.groupKey()), a.count(), Integer::sum);
                }
                out.merge(new Shape(pi.offering().type().name(), tasks), 1, Integer::sum);
            }
            return out;
        }
    }

    private OnePlan onePlan(Provider p, List<Member> active) {
        Map<TaskDemand, Integer> all = new LinkedHashMap<>();
        for (Member m : active) {
            m.tasks().forEach(w -> all.merge(w.demand(), 1, Integer::sum));
        }
        List<PendingGroup> groups = new ArrayList<>();
        Map<String, TaskDemand> byKey = new HashMap<>();
        for (Map.Entry<TaskDemand, Integer> e : all.entrySet()) {
            String key = "g" + groups.size();
            groups.add(new PendingGroup(key, e.getKey(), e.getValue()));
            byKey.put(key, e.getKey());
        }
        return new OnePlan(provisioner.plan(new ProvisioningRequest(groups, p.offerings(), p.zones(),
                p.daemonOverhead())), byKey);
    }

    private static double share(TaskDemand d, Resources registered) {
        double cpu = registered.cpu() <= 0 ? 0 : (double) d.cpu() / registered.cpu();
        double mem = registered.memoryMiB() <= 0 ? 0 : (double) d.memoryMiB() / registered.memoryMiB();
        return (cpu + mem) / 2;
    }

    /** Each type's price with the management fee (the first offering of a type, as the fleet's prices). */
    private static Map<String, Double> prices(Provider p) {
        Map<String, Double> out = new HashMap<>();
        for (Offering o : p.offerings()) {
            out.putIfAbsent(o.type().name(), o.pricePerHour() + o.feePerHour());
        }
        return out;
    }

    /** The smallest demand of any task of {@code members}, per resource. */
    private static Resources smallest(List<Member> members) {
        Resources smallest = new Resources(Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
        for (Member m : members) {
            for (Work w : m.tasks()) {
                smallest = smallest.min(w.demand().resources());
            }
        }
        return smallest;
    }

    /** The previous pick and its inputs, compared by identity as {@link Compaction} does. */
    private record LastPick(Provider provider, List<Member> active, List<Member> draining, List<Member> eligible,
                            int slots, Optional<Move> result) {
        boolean sameAs(Provider p, List<Member> a, List<Member> d, List<Member> e, int s) {
            return slots == s && provider.equals(p) && identical(active, a) && identical(draining, d)
                    && identical(eligible, e);
        }

        private static boolean identical(List<Member> x, List<Member> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (x.get(i) != y.get(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    private LastPick last;
}
