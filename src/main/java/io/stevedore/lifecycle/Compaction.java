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
        Candidate best = null;
        for (Member m : active) {
            if (!eligible(now, p, m)) {
                continue;
            }
            Optional<Candidate> c = evaluate(p, m, active);
            if (c.isPresent() && (best == null || c.get().savingPerHour() > best.savingPerHour() + 1e-9)) {
                best = c.get();
            }
        }
        return Optional.ofNullable(best);
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

    private Optional<Candidate> evaluate(Provider p, Member m, List<Member> active) {
        List<String> ids = new ArrayList<>();
        List<Resources> free = new ArrayList<>();
        for (Member o : active) {
            if (!o.instanceId().equals(m.instanceId()) && !o.impaired() && o.spotNoticeMillis() < 0) {
                ids.add(o.instanceId());
                free.add(o.registered().minus(o.used()));
            }
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
            List<PendingGroup> groups = new ArrayList<>();
            int i = 0;
            for (Map.Entry<TaskDemand, Integer> e : rest.entrySet()) {
                groups.add(new PendingGroup("g" + i++, e.getKey(), e.getValue()));
            }
            LaunchPlan plan = provisioner.plan(new ProvisioningRequest(groups, p.offerings(), p.zones()));
            if (!plan.unplaceable().isEmpty()) {
                return Optional.empty();
            }
            newCost = plan.ec2PerHour();
            fresh = " and " + plan.fleet() + " new";
        }
        double saving = m.pricePerHour() - newCost;
        if (saving < MIN_SAVING * m.pricePerHour()) {
            return Optional.empty();
        }
        return Optional.of(new Candidate(m.instanceId(), saving, String.format(java.util.Locale.ROOT,
                "infrastructure optimization: %d task(s) fit on %d other instance(s)%s; saves %.4f USD/h",
                moved, ids.size(), fresh, saving)));
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
