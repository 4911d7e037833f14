package io.stevedore.lifecycle;

import io.stevedore.catalog.Offering;
import io.stevedore.lifecycle.FleetSnapshot.Member;
import io.stevedore.lifecycle.FleetSnapshot.Provider;
import io.stevedore.lifecycle.FleetSnapshot.Work;
import io.stevedore.placement.TaskDemand;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds optimization moves to account, per provider that enabled consolidation by replacement: once a move (a
 * consolidation, or a compaction drain) has finished — no optimization drain in flight and no task waiting for
 * capacity — the provider's fleet must cost at least half the predicted saving less than before it. A move that did
 * not deliver (the scheduler placed the moved tasks otherwise than the simulation, e.g. for placement rules it does
 * not model) stops further moves of its kind (consolidation or compaction) in the provider until its tasks change (another service, a scale-out or -in,
 * a new task definition), so a prediction that is wrong never turns into churn. Kept in memory: after a restart the
 * first move is trusted again.
 */
final class MoveLedger {
    /** A move in flight: the fleet's cost when it was decided and what it should save. */
    private record Open(DrainCause kind, double fleetBefore, double expectedSaving) {
    }

    private final Map<String, Open> open = new HashMap<>();
    /** Per provider, the tasks for which a move did not deliver: no optimization while they stay the same. */
    private final Map<String, Map<TaskDemand, Integer>> blocked = new HashMap<>();
    /** The kind of move that did not deliver, per blocked provider key. */
    private static String key(String provider, DrainCause kind) {
        return provider + "/" + kind;
    }

    /**
     * Settles the provider's finished move, if any: a move that did not deliver blocks its kind.
     *
     * @param moving whether an optimization drain of the provider is in flight
     */
    void settle(Provider p, List<Member> members, boolean moving) {
        Open o = open.get(p.name());
        if (o != null && !moving && p.settled()) {
            open.remove(p.name());
            double now = cost(p, members);
            if (now > o.fleetBefore() - 0.5 * o.expectedSaving()) {
                blocked.put(key(p.name(), o.kind()), tasks(members));
            }
        }
    }

    /** Whether moves of {@code kind} may be made in the provider now (call after {@link #settle}). */
    boolean may(Provider p, List<Member> members, DrainCause kind) {
        Map<TaskDemand, Integer> b = blocked.get(key(p.name(), kind));
        if (b == null) {
            return true;
        }
        if (b.equals(tasks(members))) {
            return false;
        }
        blocked.remove(key(p.name(), kind));
        return true;
    }

    /** Records a move just decided. */
    void moved(Provider p, List<Member> members, DrainCause kind, double expectedSaving) {
        open.put(p.name(), new Open(kind, cost(p, members), expectedSaving));
    }

    /** Whether moves of {@code kind} in the provider stopped because one did not deliver (tests, events). */
    boolean blocked(String provider, DrainCause kind) {
        return blocked.containsKey(key(provider, kind));
    }

    /** EC2 price and management fee per hour of the members, by the provider's offerings (else the member's price). */
    static double cost(Provider p, List<Member> members) {
        Map<String, Double> price = new HashMap<>();
        for (Offering o : p.offerings()) {
            price.putIfAbsent(o.type().name(), o.pricePerHour() + o.feePerHour());
        }
        double sum = 0;
        for (Member m : members) {
            sum += price.getOrDefault(m.instanceType(), m.pricePerHour());
        }
        return sum;
    }

    private static Map<TaskDemand, Integer> tasks(List<Member> members) {
        Map<TaskDemand, Integer> out = new HashMap<>();
        for (Member m : members) {
            for (Work w : m.tasks()) {
                out.merge(w.demand(), 1, Integer::sum);
            }
        }
        return out;
    }
}
