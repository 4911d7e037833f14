package io.stevedore.bench.provisioning;

import io.stevedore.catalog.Offering;
import io.stevedore.placement.InstanceReservation;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.PendingGroup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the real service is described to do (AWS Containers blog,
 * https://aws.amazon.com/blogs/containers/deep-dive-amazon-ecs-managed-instances-provisioning-and-optimization/):
 * batch the pending tasks, sort them largest first and
 * put each on the first open instance it fits, else launch the cheapest type that fits it (first-fit
 * decreasing). One zone; the baseline the provisioner has to beat.
 */
final class FfdBaseline {
    private FfdBaseline() {
    }

    private static final class Open {
        final Offering offering;
        Resources free;
        final Set<Integer> ports = new HashSet<>();

        Open(Offering o) {
            offering = o;
            free = InstanceReservation.registered(o.type());
        }
    }

    static double cost(List<PendingGroup> groups, List<Offering> offerings) {
        List<TaskDemand> tasks = new ArrayList<>();
        for (PendingGroup g : groups) {
            for (int i = 0; i < g.count(); i++) {
                tasks.add(g.demand());
            }
        }
        tasks.sort(Comparator.comparingLong((TaskDemand d) -> -d.memoryMiB()).thenComparingInt(d -> -d.cpu()));
        List<Offering> byPrice = new ArrayList<>(offerings);
        byPrice.sort(Comparator.comparingDouble(Offering::effectivePerHour).thenComparing(o -> o.type().name()));
        List<Open> open = new ArrayList<>();
        double cost = 0;
        for (TaskDemand d : tasks) {
            Open target = null;
            for (Open o : open) {
                if (fits(o, d)) {
                    target = o;
                    break;
                }
            }
            if (target == null) {
                for (Offering o : byPrice) {
                    Open candidate = new Open(o);
                    if (fits(candidate, d)) {
                        target = candidate;
                        open.add(candidate);
                        cost += o.effectivePerHour();
                        break;
                    }
                }
            }
            if (target == null) {
                throw new IllegalStateException("no type fits " + d);
            }
            target.free = target.free.minus(d.resources());
            target.ports.addAll(d.hostPorts());
        }
        return cost;
    }

    private static boolean fits(Open o, TaskDemand d) {
        if (!o.offering.type().supports(d.architecture()) || !o.free.fits(d.resources())) {
            return false;
        }
        for (int p : d.hostPorts()) {
            if (o.ports.contains(p)) {
                return false;
            }
        }
        return true;
    }
}
