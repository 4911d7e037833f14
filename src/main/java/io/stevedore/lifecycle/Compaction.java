package io.stevedore.lifecycle;

import io.stevedore.lifecycle.Fleet.Member;
import io.stevedore.lifecycle.Fleet.Provider;
import io.stevedore.lifecycle.Fleet.Work;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.LaunchPlan;
import io.stevedore.provisioning.PendingGroup;
import io.stevedore.provisioning.Provisioner;
import io.stevedore.provisioning.ProvisioningRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks underutilized instances to drain (infrastructure optimization). Each candidate's service tasks are
 * re-placed (simulated) on the free capacity of the provider's other ACTIVE instances — best fit, largest task
 * first, as the placement engine prefers existing capacity — after room is set aside for the tasks of drains
 * already in progress; what does not fit goes on new capacity planned by the {@link Provisioner} (which may be a
 * cheaper type than the instance itself). The drain that lowers the cost most is chosen first; further candidates,
 * in order of saving, join it while the free slots of the disruption budget last and their tasks all fit on the
 * room left (an instance that takes moved tasks is not drained in the same pick), so a large fleet compacts many
 * instances at once instead of one per pass.
 * An instance qualifies only when every task on it is a RUNNING service task without scale-in protection whose
 * service has not opted out, nothing started or stopped on it for {@code scaleInAfter}, and no task of the provider
 * waits for capacity. A drain must save at least {@link #MIN_SAVING} of the instance's price (so two nearly equal
 * fleets do not trade places forever).
 */
public final class Compaction {
    /** The smallest saving worth a disruption, as a share of the drained instance's price (ours). */
    public static final double MIN_SAVING = 0.05;
    /** At most this many candidates are simulated per pick, least utilized first (ours: bounds a tick's work). */
    public static final int MAX_EVALUATED = 64;

    private final Provisioner provisioner;

    public Compaction(Provisioner provisioner) {
        this.provisioner = provisioner;
    }

    /** The chosen instance and why. */
    public record Candidate(String instanceId, double savingPerHour, String reason) {
    }

    /** The single best drain, as {@link #pick(long, Provider, List, List, int)} with one slot and no drains. */
    public Optional<Candidate> pick(long now, Provider p, List<Member> active) {
        return pick(now, p, active, List.of(), 1).stream().findFirst();
    }

    /**
     * The instances to drain now, at most {@code slots}.
     *
     * @param active   the provider's ACTIVE instances (candidates and hosts)
     * @param draining its instances draining now: their service tasks need room first
     */
    public List<Candidate> pick(long now, Provider p, List<Member> active, List<Member> draining, int slots) {
        if (slots <= 0) {
            return List.of();
        }
        List<Member> eligible = new ArrayList<>();
        for (Member m : active) {
            if (eligible(now, p, m)) {
                eligible.add(m);
            }
        }
        if (eligible.isEmpty()) {
            return List.of();
        }
        if (last != null && last.sameAs(p, active, draining, eligible, slots)) {
            return last.result(); // nothing it depends on changed since the last pick
        }
        eligible.sort(Comparator.comparingDouble(Compaction::cpuShare).thenComparingDouble(Compaction::memoryShare)
                .thenComparing(Member::instanceId));
        List<Member> tried = eligible.subList(0, Math.min(eligible.size(), MAX_EVALUATED));
        Room room = Room.of(active);
        Set<String> hosts = new HashSet<>(); // instances that take moved tasks: not drained in this pick
        for (Member d : draining) {
            hosts.addAll(room.reserve(d.tasks()));
        }
        List<Scored> scored = new ArrayList<>();
        for (Member m : tried) {
            if (!hosts.contains(m.instanceId())) {
                evaluate(p, m, room).ifPresent(c -> scored.add(new Scored(m, c)));
            }
        }
        scored.sort(Comparator.comparingDouble((Scored x) -> -x.candidate().savingPerHour())
                .thenComparing(x -> x.candidate().instanceId()));
        List<Candidate> picked = new ArrayList<>();
        for (Scored x : scored) {
            if (picked.size() >= slots) {
                break;
            }
            if (hosts.contains(x.member().instanceId())) {
                continue;
            }
            if (picked.isEmpty()) { // the best saving, whatever needs new capacity
                hosts.addAll(room.moveFitting(x.member()));
                picked.add(x.candidate());
            } else { // more: only what the rest of the fleet absorbs
                Set<String> used = room.moveAll(x.member());
                if (used != null) {
                    hosts.addAll(used);
                    picked.add(new Candidate(x.member().instanceId(), x.member().pricePerHour(), reason(
                            x.member().tasks().size(), room.usable() - 1, "", x.member().pricePerHour())));
                }
            }
        }
        last = new LastPick(p, List.copyOf(active), List.copyOf(draining), List.copyOf(eligible), slots,
                List.copyOf(picked));
        return last.result();
    }

    static boolean eligible(long now, Provider p, Member m) {
        if (!p.settled() || m.tasks().isEmpty() || m.impaired() || m.spotNoticeMillis() >= 0) {
            return false;
        }
        for (Work w : m.tasks()) {
            if (w.service() == null || w.protectedFromScaleIn() || w.optedOut() || !w.running() || w.constrained()) {
                return false;
            }
        }
        long quietSince = Math.max(m.lastTaskChangeMillis(), m.launchedAtMillis());
        return now - quietSince >= p.scaleInAfterMillis();
    }

    private static double cpuShare(Member m) {
        return m.registered().cpu() <= 0 ? 1 : (double) m.used().cpu() / m.registered().cpu();
    }

    private static double memoryShare(Member m) {
        return m.registered().memoryMiB() <= 0 ? 1 : (double) m.used().memoryMiB() / m.registered().memoryMiB();
    }

    private static String reason(int moved, int others, String fresh, double saving) {
        return String.format(java.util.Locale.ROOT,
                "infrastructure optimization: %d task(s) fit on %d other instance(s)%s; saves %.4f USD/h",
                moved, others, fresh, saving);
    }

    /** A candidate and its drain evaluated alone. */
    private record Scored(Member member, Candidate candidate) {
    }

    private Optional<Candidate> evaluate(Provider p, Member m, Room room) {
        Map<TaskDemand, Integer> rest = new LinkedHashMap<>();
        int moved = room.tryMove(m, rest);
        double newCost = 0;
        String fresh = "";
        if (!rest.isEmpty()) {
            if (p.offerings().isEmpty() || p.zones().isEmpty()) {
                return Optional.empty();
            }
            Optional<NewCapacity> plan = newCapacity(p, rest);
            if (plan.isEmpty()) {
                return Optional.empty();
            }
            newCost = plan.get().perHour();
            fresh = " and " + plan.get().fleet() + " new";
        }
        double saving = m.pricePerHour() - newCost;
        if (saving < MIN_SAVING * m.pricePerHour()) {
            return Optional.empty();
        }
        return Optional.of(new Candidate(m.instanceId(), saving, reason(moved, room.usable() - 1, fresh, saving)));
    }

    /**
     * The previous pick and what it was computed from. Members are compared by identity: the control plane reuses a
     * member's snapshot object until something on the instance changes, so an unchanged fleet is the same objects.
     */
    private record LastPick(Provider provider, List<Member> active, List<Member> draining, List<Member> eligible,
                            int slots, List<Candidate> result) {
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

    /** What new capacity for the tasks that fit nowhere else costs; empty when no offering can run them. */
    private record NewCapacity(double perHour, Map<String, Integer> fleet) {
    }

    /** Plans already made for a provider's offerings, by the tasks left over (many candidates leave the same). */
    private final Map<List<Map.Entry<TaskDemand, Integer>>, Optional<NewCapacity>> plans = new LinkedHashMap<>(
            64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Map.Entry<TaskDemand, Integer>>,
                Optional<NewCapacity>> eldest) {
            return size() > 256;
        }
    };
    private List<?> plannedFor = List.of();

    private Optional<NewCapacity> newCapacity(Provider p, Map<TaskDemand, Integer> rest) {
        List<Object> inputs = List.of(p.offerings(), p.zones());
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
            LaunchPlan plan = provisioner.plan(new ProvisioningRequest(groups, p.offerings(), p.zones()));
            return plan.unplaceable().isEmpty() ? Optional.of(new NewCapacity(plan.ec2PerHour(), plan.fleet()))
                    : Optional.empty();
        });
    }
}
