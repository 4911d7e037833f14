package io.stevedore.lifecycle;

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
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Picks underutilized instances to drain (infrastructure optimization). Each candidate's service tasks are
 * re-placed (simulated) on the free capacity of the provider's other ACTIVE instances — best fit, largest task
 * first, as the placement engine prefers existing capacity — after room is set aside for the tasks of drains
 * already in progress; what does not fit goes on new capacity planned by the {@link Provisioner} (which may be a
 * cheaper type than the instance itself). The drain that lowers the cost most is chosen; the controller drains
 * one instance at a time per provider, as the real service does ("in stages"). Candidates are simulated least
 * utilized first, at most {@link #MAX_EVALUATED} per pick; an instance about to take the tasks of a drain in
 * progress is not a candidate.
 * An instance qualifies only when every task on it is a RUNNING service task without scale-in protection whose
 * service has not opted out, nothing started or stopped on it for {@code scaleInAfter}, and no task of the provider
 * waits for capacity. A drain must save at least {@link #MIN_SAVING} of the instance's price (so two nearly equal
 * fleets do not trade places forever).
 */
public final class Compaction {
    /** The smallest saving worth a disruption, as a share of the drained instance's price (ours). */
    public static final double MIN_SAVING = 0.05;
    /** At most this many candidates are simulated per pick, least utilized first (ours: bounds a tick's work). */
    public static final int MAX_EVALUATED = 16;

    private final Provisioner provisioner;

    public Compaction(Provisioner provisioner) {
        this.provisioner = provisioner;
    }

    /** The chosen instance and why. */
    public record Candidate(String instanceId, double savingPerHour, String reason) {
    }

    /**
     * The instance to drain now, if any.
     *
     * @param active   the provider's ACTIVE instances (candidates and hosts)
     * @param draining its instances draining now: their service tasks need room first
     */
    public Optional<Candidate> pick(long now, Provider p, List<Member> active, List<Member> draining) {
        if (last != null && now >= last.at() && now < last.eligibleUntil() && last.provider().equals(p)
                && LastPick.identical(last.active(), active) && LastPick.identical(last.draining(), draining)) {
            // the same members as the last pick and none of them has become eligible since: the same eligible ones
            // (an eligible member stays so while it is the same object), so the same pick
            return last.result();
        }
        if (!p.settled()) {
            return Optional.empty(); // no member is eligible while a task of the provider waits for capacity
        }
        List<Member> eligible = new ArrayList<>();
        List<Usage> eligibleUsage = new ArrayList<>(); // their usages, in the same order
        long eligibleUntil = Long.MAX_VALUE; // when the first member not eligible now becomes so, as time passes
        Member[] seen = new Member[active.size()];
        long[] since = new long[seen.length]; // -1: not movable, else when the member became quiet
        Usage[] usages = new Usage[seen.length];
        int j = 0; // where the member was in the last pick's list (same instance-id order): most are the same objects
        for (int i = 0; i < seen.length; i++) {
            Member m = active.get(i);
            long quietSince;
            if (j < seenActive.length && seenActive[j] == m) {
                usages[i] = seenUsage[j];
                quietSince = seenSince[j++];
            } else if (j + 1 < seenActive.length && seenActive[j + 1] == m) {
                usages[i] = seenUsage[j + 1];
                quietSince = seenSince[j + 1]; // the member before it left
                j += 2;
            } else {
                if (j < seenActive.length && seenActive[j].instanceId().equals(m.instanceId())) {
                    j++; // the same instance, changed
                }
                usages[i] = usage(m);
                quietSince = usages[i].movable() ? Math.max(m.lastTaskChangeMillis(), m.launchedAtMillis()) : -1;
            }
            seen[i] = m;
            since[i] = quietSince;
            if (quietSince < 0) {
                continue;
            }
            if (now - quietSince >= p.scaleInAfterMillis()) {
                eligible.add(m);
                eligibleUsage.add(usages[i]);
            } else {
                eligibleUntil = Math.min(eligibleUntil, quietSince + p.scaleInAfterMillis());
            }
        }
        seenActive = seen;
        seenSince = since;
        seenUsage = usages;
        if (eligible.isEmpty()) {
            return Optional.empty();
        }
        if (last != null && last.sameAs(p, active, draining, eligible)) {
            last = last.at(now, eligibleUntil);
            return last.result(); // nothing it depends on changed since the last pick
        }
        List<Member> inputs = List.copyOf(eligible);
        if (usedCache.size() > 2 * active.size() + 16) {
            Set<String> ids = new HashSet<>();
            active.forEach(m -> ids.add(m.instanceId()));
            usedCache.keySet().retainAll(ids);
        }
        Room room = Room.ofHosts(active, i -> usages[i], smallestOf(eligibleUsage).min(smallest(draining)));
        Set<String> hosts = new HashSet<>(); // instances about to take moved tasks: not drained now
        for (Member d : draining) {
            hosts.addAll(room.reserveOrdered(usage(d).largestFirst()));
        }
        // the evaluation below skips hosts and stops after MAX_EVALUATED: only that many least utilized are needed
        eligible = leastUtilized(eligibleUsage, MAX_EVALUATED + hosts.size());
        Evaluation best = null;
        int evaluated = 0;
        for (Member m : eligible) {
            if (evaluated >= MAX_EVALUATED) {
                break;
            }
            if (hosts.contains(m.instanceId())) {
                continue;
            }
            evaluated++;
            if (best != null && m.pricePerHour() <= best.savingPerHour() + 1e-9) {
                continue; // it saves at most its price (new capacity costs nothing or more): it cannot beat the best
            }
            Evaluation c = evaluate(p, m, room);
            if (c != null && (best == null || c.savingPerHour() > best.savingPerHour() + 1e-9)) {
                best = c;
            }
        }
        last = new LastPick(p, List.copyOf(active), List.copyOf(draining), inputs,
                Optional.ofNullable(best == null ? null : best.candidate()), now, eligibleUntil);
        return last.result();
    }

    /** The active members of the last pick (as handed over) and, for each, when it became quiet (-1: not movable). */
    private Member[] seenActive = new Member[0];
    private long[] seenSince = new long[0];
    private Usage[] seenUsage = new Usage[0];

    /**
     * The {@code k} least utilized of {@code usages} ({@link #LEAST_UTILIZED} order), least first: the first
     * {@code k} of their sort. The order is total (instance id last), so ties do not depend on the input's order.
     */
    private static List<Member> leastUtilized(List<Usage> usages, int k) {
        List<Usage> top = new ArrayList<>(Math.min(k, usages.size()) + 1);
        for (Usage u : usages) {
            if (top.size() == k && LEAST_UTILIZED.compare(u, top.get(k - 1)) >= 0) {
                continue; // most members: one comparison with the last kept
            }
            int at = Collections.binarySearch(top, u, LEAST_UTILIZED);
            top.add(at < 0 ? -at - 1 : at, u);
            if (top.size() > k) {
                top.remove(k);
            }
        }
        List<Member> order = new ArrayList<>(top.size());
        for (Usage u : top) {
            order.add(u.member);
        }
        return order;
    }

    /** The smallest task demand (per resource) among {@code usages}. */
    private static Resources smallestOf(List<Usage> usages) {
        Resources smallest = UNBOUNDED;
        for (Usage u : usages) {
            if (!u.smallest().fits(smallest)) { // only when some resource is smaller: no new object per member
                smallest = smallest.min(u.smallest());
            }
        }
        return smallest;
    }

    /** Least utilized first: cpu share, then memory share (both computed once per usage), then instance id. */
    private static final Comparator<Usage> LEAST_UTILIZED = (a, b) -> {
        int c = Double.compare(a.cpuShare, b.cpuShare);
        if (c == 0) {
            c = Double.compare(a.memoryShare, b.memoryShare);
        }
        return c != 0 ? c : a.member.instanceId().compareTo(b.member.instanceId());
    };

    /** Whether every task may move: RUNNING service tasks without protection, opt-out or constraints. */
    static boolean movable(Member m) {
        if (m.tasks().isEmpty() || m.impaired() || m.spotNoticeMillis() >= 0) {
            return false;
        }
        for (Work w : m.tasks()) {
            if (w.service() == null || w.protectedFromScaleIn() || w.optedOut() || !w.running() || w.constrained()) {
                return false;
            }
        }
        return true;
    }

    /** The smallest demand of any task of {@code draining} (per resource). */
    private Resources smallest(List<Member> draining) {
        Resources smallest = UNBOUNDED;
        for (Member m : draining) {
            smallest = smallest.min(usage(m).smallest());
        }
        return smallest;
    }

    /** The start of a minimum: larger than any demand. */
    private static final Resources UNBOUNDED = new Resources(Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE,
            Integer.MAX_VALUE);

    private static double share(long used, long registered) {
        return registered <= 0 ? 1 : (double) used / registered;
    }

    /**
     * What a member's tasks use in all (and as shares of what it registered), the smallest of them per resource,
     * whether they all may move, and (when first asked) its tasks in the order the simulation moves them
     * ({@link Room#largestFirst}).
     */
    private static final class Usage implements Room.Host {
        final Resources used;
        final Resources free;
        final boolean usable;
        private final Member member;
        private Set<Integer> ports;
        final Resources smallest;
        final boolean movable;
        final double cpuShare;
        final double memoryShare;
        private final List<Work> tasks;
        private List<Work> largestFirst;

        Usage(Member m, Resources smallest) {
            this.used = m.used();
            this.smallest = smallest;
            this.movable = Compaction.movable(m);
            this.cpuShare = share(used.cpu(), m.registered().cpu());
            this.memoryShare = share(used.memoryMiB(), m.registered().memoryMiB());
            this.tasks = m.tasks();
            this.free = m.registered().minus(used);
            this.usable = !m.impaired() && m.spotNoticeMillis() < 0;
            this.member = m;
        }

        @Override
        public boolean usable() {
            return usable;
        }

        @Override
        public Resources free() {
            return free;
        }

        @Override
        public Set<Integer> ports() {
            if (ports == null) {
                ports = Set.copyOf(Room.portsOf(member));
            }
            return ports;
        }

        boolean movable() {
            return movable;
        }

        Resources smallest() {
            return smallest;
        }

        List<Work> largestFirst() {
            if (largestFirst == null) {
                largestFirst = Room.largestFirst(tasks);
            }
            return largestFirst;
        }
    }

    /** Each member's usage, remembered while the control plane hands over the same member object. */
    private final Map<String, Map.Entry<Member, Usage>> usedCache = new HashMap<>();

    private Usage usage(Member m) {
        Map.Entry<Member, Usage> e = usedCache.get(m.instanceId());
        if (e != null && e.getKey() == m) {
            return e.getValue();
        }
        Resources smallest = UNBOUNDED;
        for (Work w : m.tasks()) {
            smallest = smallest.min(w.demand().resources());
        }
        Usage u = new Usage(m, smallest);
        usedCache.put(m.instanceId(), Map.entry(m, u));
        return u;
    }

    private Resources used(Member m) {
        return usage(m).used;
    }

    private static String reason(int moved, int others, String fresh, double saving) {
        return String.format(java.util.Locale.ROOT,
                "infrastructure optimization: %d task(s) fit on %d other instance(s)%s; saves %.4f USD/h",
                moved, others, fresh, saving);
    }

    /** A candidate's simulated drain; its reason is written only for the one chosen. */
    private record Evaluation(String instanceId, double savingPerHour, int moved, int others,
                              Map<String, Integer> newFleet) {
        Candidate candidate() {
            return new Candidate(instanceId, savingPerHour, reason(moved, others,
                    newFleet == null ? "" : " and " + newFleet + " new", savingPerHour));
        }
    }

    private Evaluation evaluate(Provider p, Member m, Room room) {
        Map<TaskDemand, Integer> rest = new LinkedHashMap<>();
        int moved = room.tryMove(m, usage(m).largestFirst(), rest);
        double newCost = 0;
        Map<String, Integer> fresh = null;
        if (!rest.isEmpty()) {
            if (p.offerings().isEmpty() || p.zones().isEmpty()) {
                return null;
            }
            Optional<ReplacementPlan> plan = newCapacity(p, rest);
            if (plan.isEmpty()) {
                return null;
            }
            newCost = plan.get().perHour();
            fresh = plan.get().fleet();
        }
        double saving = m.pricePerHour() - newCost;
        if (saving < MIN_SAVING * m.pricePerHour()) {
            return null;
        }
        return new Evaluation(m.instanceId(), saving, moved, room.usable() - 1, fresh);
    }

    /**
     * The previous pick and what it was computed from. Members are compared by identity: the control plane reuses a
     * member's snapshot object until something on the instance changes, so an unchanged fleet is the same objects.
     */
    private record LastPick(Provider provider, List<Member> active, List<Member> draining, List<Member> eligible,
                            Optional<Candidate> result, long at, long eligibleUntil) {
        /** The same pick, found again at {@code now}, valid until {@code until}. */
        LastPick at(long now, long until) {
            return new LastPick(provider, active, draining, eligible, result, now, until);
        }

        boolean sameAs(Provider p, List<Member> a, List<Member> d, List<Member> e) {
            return provider.equals(p) && identical(active, a) && identical(draining, d) && identical(eligible, e);
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

    /** What new capacity for the tasks that fit nowhere else costs; empty when no offering can run them. */
    private record ReplacementPlan(double perHour, Map<String, Integer> fleet) {
    }

    /** Plans already made for a provider's offerings, by the tasks left over (many candidates leave the same). */
    private final Map<List<Map.Entry<TaskDemand, Integer>>, Optional<ReplacementPlan>> plans = new LinkedHashMap<>(
            64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Map.Entry<TaskDemand, Integer>>,
                Optional<ReplacementPlan>> eldest) {
            return size() > 256;
        }
    };
    private List<?> plannedFor = List.of();

    private Optional<ReplacementPlan> newCapacity(Provider p, Map<TaskDemand, Integer> rest) {
        List<Object> inputs = List.of(p.offerings(), p.zones(), p.daemonOverhead());
        if (!inputs.equals(plannedFor)) {
            plans.clear();
            plannedFor = inputs;
        }
        return plans.computeIfAbsent(List.copyOf(rest.entrySet()), k -> {
            List<PendingGroup> groups = new ArrayList<>();
            int i = 0;
            for (Map.Entry<TaskDemand, Integer> e : k) {
                groups.add(new PendingGroup("g" + i++, e.getKey(), e.getValue()));
            }
            LaunchPlan plan = provisioner.plan(new ProvisioningRequest(groups, p.offerings(), p.zones(),
                    p.daemonOverhead()));
            return plan.unplaceable().isEmpty() ? Optional.of(new ReplacementPlan(plan.ec2PerHour(), plan.fleet()))
                    : Optional.empty();
        });
    }
}
