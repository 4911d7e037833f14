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
 * <p>Candidates are the instances compaction could drain (every task a RUNNING, unprotected, unconstrained service
 * task whose service did not opt out; quiet for {@code scaleInAfter}; the provider settled), ranked by how much
 * more they cost than their tasks would in one plan of all the provider's tasks (each planned instance's price
 * shared among its tasks by their mean CPU and memory share): the instances whose replacement gains most first. Sets
 * are prefixes of that order: the largest the disruption budget allows ({@code slots}, at most {@link #MAX_SET}), then
 * half of it, down to two instances (one instance is compaction's case); instances about to take the tasks of a
 * drain in progress are left out. For each, all the set's tasks are planned on new capacity — the free room of the
 * other instances is not counted on: the scheduler may use it, which only makes the replacement cheaper, whereas a
 * simulation of it that the placement engine does not follow (host ports, ENIs, its own order) promised savings the
 * moves did not deliver. The set with the largest saving that clears the {@link ConsolidationPolicy} thresholds is
 * drained.
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
        List<Member> order = new ArrayList<>();
        for (Member m : eligible) {
            if (!hosts.contains(m.instanceId())) {
                order.add(m);
            }
        }
        Map<String, Double> prices = prices(p);
        Map<TaskDemand, Double> fair = fairCosts(p, active);
        Map<String, Double> excess = new HashMap<>();
        for (Member m : order) {
            double value = 0;
            for (Work w : m.tasks()) {
                value += fair.getOrDefault(w.demand(), 0.0);
            }
            excess.put(m.instanceId(), prices.getOrDefault(m.instanceType(), m.pricePerHour()) - value);
        }
        order.sort(Comparator.comparingDouble((Member m) -> -excess.get(m.instanceId()))
                .thenComparing(Member::instanceId));
        Move best = null;
        for (int k = Math.min(Math.min(slots, MAX_SET), order.size()); k >= 2; k /= 2) {
            Optional<Move> m = evaluate(p, order.subList(0, k), prices);
            if (m.isPresent() && (best == null || m.get().savingPerHour() > best.savingPerHour() + 1e-9)) {
                best = m.get();
            }
        }
        return Optional.ofNullable(best);
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

    /**
     * What each task costs in one plan of all the provider's tasks (each planned instance's price shared among its
     * tasks by their mean share of its CPU and memory): an instance whose price exceeds the sum of its tasks' costs
     * most is the one whose replacement gains most. Empty when the plan fails.
     */
    private Map<TaskDemand, Double> fairCosts(Provider p, List<Member> active) {
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
        Map<TaskDemand, Double> sum = new HashMap<>();
        Map<TaskDemand, Integer> count = new HashMap<>();
        LaunchPlan plan = provisioner.plan(new ProvisioningRequest(groups, p.offerings(), p.zones(),
                p.daemonOverhead()));
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
