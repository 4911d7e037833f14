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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the underutilized instance whose drain lowers the provider's cost most: its service tasks are re-placed
 * (simulated) first on the free capacity of the provider's other ACTIVE instances (best fit, largest task first,
 * as the placement engine prefers existing capacity), the rest on new capacity planned by the {@link Provisioner}
 * (which may be a cheaper type than the instance itself). An instance qualifies only when every task on it is a
 * RUNNING service task without scale-in protection whose service has not opted out, and nothing started or stopped
 * on it for {@code scaleInAfter}. A drain must save at least {@link #MIN_SAVING} of the instance's price (so two
 * nearly equal fleets do not trade places forever).
 */
public final class Compaction {
    /** The smallest saving worth a disruption, as a share of the drained instance's price (ours). */
    public static final double MIN_SAVING = 0.05;

    private final Provisioner provisioner;

    public Compaction(Provisioner provisioner) {
        this.provisioner = provisioner;
    }

    /** The chosen instance and why. */
    public record Candidate(String instanceId, double savingPerHour, String reason) {
    }

    public Optional<Candidate> pick(long now, Provider p, List<Member> active) {
        List<Member> eligible = new ArrayList<>();
        for (Member m : active) {
            if (eligible(now, p, m)) {
                eligible.add(m);
            }
        }
        if (eligible.isEmpty()) {
            return Optional.empty();
        }
        if (last != null && last.sameAs(p, active, eligible)) {
            return last.result(); // nothing it depends on changed since the last pick
        }
        Hosts hosts = Hosts.of(active, eligible);
        Candidate best = null;
        for (Member m : eligible) {
            Optional<Candidate> c = evaluate(p, m, hosts);
            if (c.isPresent() && (best == null || c.get().savingPerHour() > best.savingPerHour() + 1e-9)) {
                best = c.get();
            }
        }
        last = new LastPick(p, List.copyOf(active), List.copyOf(eligible), Optional.ofNullable(best));
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

    /**
     * The previous pick and what it was computed from. Members are compared by identity: the control plane reuses a
     * member's snapshot object until something on the instance changes, so an unchanged fleet is the same objects.
     */
    private record LastPick(Provider provider, List<Member> active, List<Member> eligible, Optional<Candidate> result) {
        boolean sameAs(Provider p, List<Member> a, List<Member> e) {
            return provider.equals(p) && identical(active, a) && identical(eligible, e);
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

    /**
     * The instances that could take a moved task, with their free resources, computed once per pick: only those
     * with room for the smallest task of any candidate (no other can ever be a best fit), and how many others
     * there are in all (for the explanation).
     */
    private record Hosts(List<String> ids, List<Resources> free, int usable) {
        static Hosts of(List<Member> active, List<Member> eligible) {
            int cpu = Integer.MAX_VALUE;
            long mem = Long.MAX_VALUE;
            int gpus = Integer.MAX_VALUE;
            int enis = Integer.MAX_VALUE;
            for (Member m : eligible) {
                for (Work w : m.tasks()) {
                    Resources r = w.demand().resources();
                    cpu = Math.min(cpu, r.cpu());
                    mem = Math.min(mem, r.memoryMiB());
                    gpus = Math.min(gpus, r.gpus());
                    enis = Math.min(enis, r.enis());
                }
            }
            Resources smallest = new Resources(cpu, mem, gpus, enis);
            List<String> ids = new ArrayList<>();
            List<Resources> free = new ArrayList<>();
            int usable = 0;
            for (Member o : active) {
                if (o.impaired() || o.spotNoticeMillis() >= 0) {
                    continue;
                }
                usable++;
                Resources f = o.registered().minus(o.used());
                if (f.fits(smallest)) {
                    ids.add(o.instanceId());
                    free.add(f);
                }
            }
            return new Hosts(ids, free, usable);
        }
    }

    private Optional<Candidate> evaluate(Provider p, Member m, Hosts hosts) {
        List<Resources> free = new ArrayList<>(hosts.free());
        int self = hosts.ids().indexOf(m.instanceId());
        if (self >= 0) {
            free.set(self, new Resources(-1, -1, -1, -1)); // not a host for its own tasks
        }
        List<Work> tasks = new ArrayList<>(m.tasks());
        tasks.sort(Comparator.comparingInt((Work w) -> -w.demand().cpu())
                .thenComparingLong(w -> -w.demand().memoryMiB()).thenComparing(Work::taskArn));
        Map<TaskDemand, Integer> rest = new LinkedHashMap<>();
        int moved = 0;
        for (Work w : tasks) {
            int target = bestFit(free, w.demand().resources());
            if (target < 0) {
                rest.merge(w.demand(), 1, Integer::sum);
            } else {
                free.set(target, free.get(target).minus(w.demand().resources()));
                moved++;
            }
        }
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
        int others = hosts.usable() - (m.impaired() || m.spotNoticeMillis() >= 0 ? 0 : 1);
        return Optional.of(new Candidate(m.instanceId(), saving, String.format(java.util.Locale.ROOT,
                "infrastructure optimization: %d task(s) fit on %d other instance(s)%s; saves %.4f USD/h",
                moved, others, fresh, saving)));
    }

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

    /** The instance left with the least CPU (then memory) after taking {@code demand}; -1 when none fits. */
    private static int bestFit(List<Resources> free, Resources demand) {
        int best = -1;
        for (int i = 0; i < free.size(); i++) {
            Resources f = free.get(i);
            if (!f.fits(demand)) {
                continue;
            }
            if (best < 0 || f.cpu() < free.get(best).cpu()
                    || f.cpu() == free.get(best).cpu() && f.memoryMiB() < free.get(best).memoryMiB()) {
                best = i;
            }
        }
        return best;
    }
}
