package io.stevedore.control.scheduling;

import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.Offering;
import io.stevedore.control.scheduling.Scheduling.Launch;
import io.stevedore.control.scheduling.Scheduling.PendingTask;
import io.stevedore.control.scheduling.Scheduling.ProviderCapacity;
import io.stevedore.control.scheduling.Scheduling.Unplaced;
import io.stevedore.control.state.ContainerInstances;
import io.stevedore.placement.InstanceReservation;
import io.stevedore.placement.InstanceView;
import io.stevedore.placement.PlacementConstraint;
import io.stevedore.placement.TaskDemand;
import io.stevedore.placement.query.ProspectiveInstance;
import io.stevedore.placement.query.QueryTarget;
import io.stevedore.provisioning.LaunchPlan;
import io.stevedore.provisioning.PendingGroup;
import io.stevedore.provisioning.PlannedInstance;
import io.stevedore.provisioning.Provisioner;
import io.stevedore.provisioning.ProvisioningRequest;
import io.stevedore.provisioning.TaskAssignment;
import io.stevedore.provisioning.Unplaceable;
import io.stevedore.provisioning.Zone;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * New instances for the tasks placement could not fit. Tasks are classed by what new capacity must respect:
 * provider, {@code memberOf} constraints (evaluated on each offering in each zone, as the instance would register),
 * {@code distinctInstance} and the zones of their subnets. Classes with the same zones and offerings share one
 * {@link Provisioner} call, so a tick's unconstrained tasks of a provider are packed together; a
 * {@code distinctInstance} task gets an instance of its own. Each planned instance becomes a {@link Launch} whose
 * offerings list the planned one first, then the cheapest others that also hold its tasks.
 */
final class LaunchPlanner {
    static final int FALLBACKS = 3;

    private final Provisioner provisioner;

    LaunchPlanner(Provisioner provisioner) {
        this.provisioner = provisioner;
    }

    record Outcome(List<Launch> launches, List<Unplaced> unplaced) {
    }

    private record ClassKey(String provider, List<PlacementConstraint> memberOf, boolean distinct, Set<String> zones) {
    }

    private record GroupKey(String group, TaskDemand demand) {
    }

    /** What makes one provisioner call: the provider, its zones and the names of the offerings allowed there. */
    private record BatchKey(String provider, List<Zone> zones, List<String> offerings) {
    }

    /*
     * What is derived from a provider's offerings alone is kept with the list it came from (the providers' lists
     * are immutable and the same list from tick to tick while the provider's requirements do not change): their
     * names, and their order by price for the fallbacks. A few lists at most are kept.
     */
    private static final int KEPT_LISTS = 16;
    private final Map<List<Offering>, List<String>> namesOf = new IdentityHashMap<>();
    private final Map<List<Offering>, List<Offering>> byPriceOf = new IdentityHashMap<>();

    private List<String> names(List<Offering> offerings) {
        return kept(namesOf, offerings, () -> offerings.stream().map(LaunchPlanner::id).toList());
    }

    private List<Offering> byPrice(List<Offering> offerings) {
        return kept(byPriceOf, offerings, () -> offerings.stream().sorted(Comparator
                .comparingDouble(Offering::effectivePerHour).thenComparing(o -> o.type().name())).toList());
    }

    private static <V> V kept(Map<List<Offering>, V> cache, List<Offering> offerings, Supplier<V> make) {
        V v = cache.get(offerings);
        if (v == null) {
            if (cache.size() >= KEPT_LISTS) {
                cache.clear();
            }
            v = make.get();
            cache.put(offerings, v);
        }
        return v;
    }

    /** One provisioner call: a provider's zones and the offerings allowed there. */
    private static final class Batch {
        final ProviderCapacity provider;
        final List<Zone> zones;
        final List<Offering> offerings;
        final Map<GroupKey, List<PendingTask>> groups = new LinkedHashMap<>();

        Batch(ProviderCapacity provider, List<Zone> zones, List<Offering> offerings) {
            this.provider = provider;
            this.zones = zones;
            this.offerings = offerings;
        }
    }

    Outcome plan(List<PendingTask> tasks, Map<String, ProviderCapacity> providers) {
        List<Launch> launches = new ArrayList<>();
        List<Unplaced> unplaced = new ArrayList<>();
        Map<ClassKey, List<PendingTask>> classes = new LinkedHashMap<>();
        for (PendingTask t : tasks) {
            List<PlacementConstraint> memberOf = new ArrayList<>();
            boolean distinct = false;
            for (PlacementConstraint c : t.constraints()) {
                if (c instanceof PlacementConstraint.MemberOf) {
                    memberOf.add(c);
                } else {
                    distinct = true;
                }
            }
            classes.computeIfAbsent(new ClassKey(t.capacityProvider(), memberOf, distinct, t.zones()),
                    k -> new ArrayList<>()).add(t);
        }
        Map<BatchKey, Batch> batches = new LinkedHashMap<>();
        classes.forEach((k, members) -> {
            ProviderCapacity p = providers.get(k.provider());
            Map<List<String>, List<Zone>> parts = new LinkedHashMap<>();
            Map<List<String>, List<Offering>> offeringsOf = new LinkedHashMap<>();
            for (Zone z : p.zones()) {
                if (!k.zones().contains(z.availabilityZone())) {
                    continue;
                }
                List<Offering> allowed = k.memberOf().isEmpty() ? p.offerings()
                        : p.offerings().stream().filter(o -> matches(k.memberOf(), o, z)).toList();
                if (!allowed.isEmpty()) {
                    List<String> names = names(allowed);
                    parts.computeIfAbsent(names, n -> new ArrayList<>()).add(z);
                    offeringsOf.putIfAbsent(names, allowed);
                }
            }
            if (parts.isEmpty()) {
                String why = p.offerings().isEmpty() ? noOfferings(p) : "Capacity provider " + p.name()
                        + " offers no instance type that satisfies the placement constraints " + texts(k.memberOf())
                        + " in the task's Availability Zones " + k.zones().stream().sorted().toList();
                members.forEach(t -> unplaced.add(new Unplaced(t.taskArn(), why)));
                return;
            }
            List<List<String>> keys = new ArrayList<>(parts.keySet());
            List<Integer> zoneToPart = new ArrayList<>();
            List<Batch> partBatches = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                List<String> key = keys.get(i);
                for (int j = 0; j < parts.get(key).size(); j++) {
                    zoneToPart.add(i);
                }
                partBatches.add(k.distinct() ? null : batches.computeIfAbsent(new BatchKey(p.name(), parts.get(key),
                        key), b -> new Batch(p, parts.get(key), offeringsOf.get(key))));
            }
            for (int n = 0; n < members.size(); n++) {
                int part = zoneToPart.get(n % zoneToPart.size());
                PendingTask t = members.get(n);
                if (k.distinct()) {
                    List<Zone> zs = parts.get(keys.get(part));
                    run(oneTask(p, List.of(zs.get(n % zs.size())), offeringsOf.get(keys.get(part)), t), launches,
                            unplaced);
                    continue;
                }
                partBatches.get(part).groups.computeIfAbsent(new GroupKey(t.group(), t.demand()),
                        g -> new ArrayList<>()).add(t);
            }
        });
        batches.values().forEach(b -> run(b, launches, unplaced));
        return new Outcome(launches, unplaced);
    }

    private static Batch oneTask(ProviderCapacity p, List<Zone> zones, List<Offering> offerings, PendingTask t) {
        Batch b = new Batch(p, zones, offerings);
        b.groups.put(new GroupKey(t.group(), t.demand()), List.of(t));
        return b;
    }

    private void run(Batch b, List<Launch> launches, List<Unplaced> unplaced) {
        List<PendingGroup> groups = new ArrayList<>();
        Map<String, Deque<PendingTask>> queues = new LinkedHashMap<>();
        b.groups.forEach((g, tasks) -> {
            String key = "g" + groups.size();
            groups.add(new PendingGroup(key, g.demand(), tasks.size()));
            queues.put(key, new ArrayDeque<>(tasks));
        });
        LaunchPlan plan = provisioner.plan(new ProvisioningRequest(groups, b.offerings, b.zones,
                b.provider.daemonOverhead()));
        for (PlannedInstance pi : plan.instances()) {
            List<String> arns = new ArrayList<>();
            Set<Architecture> archs = EnumSet.noneOf(Architecture.class);
            for (TaskAssignment a : pi.tasks()) {
                Deque<PendingTask> q = queues.get(a.groupKey());
                for (int i = 0; i < a.count(); i++) {
                    PendingTask t = q.removeFirst();
                    arns.add(t.taskArn());
                    archs.add(t.demand().architecture());
                }
            }
            launches.add(new Launch(b.provider.name(), pi.zone(), ranked(pi, b.offerings, archs), arns));
        }
        for (Unplaceable u : plan.unplaceable()) {
            String why = "Capacity provider " + b.provider.name() + " cannot run the task: " + u.reason()
                    + (b.provider.offerings().isEmpty() ? " (" + noOfferings(b.provider) + ")" : "");
            Deque<PendingTask> q = queues.get(u.groupKey());
            while (!q.isEmpty()) {
                unplaced.add(new Unplaced(q.removeFirst().taskArn(), why));
            }
        }
    }

    /** The planned offering, then up to {@value #FALLBACKS} cheapest others that register enough for its tasks. */
    List<Offering> ranked(PlannedInstance pi, List<Offering> offerings, Set<Architecture> archs) {
        List<Offering> out = new ArrayList<>();
        out.add(pi.offering());
        // the offerings by price (a stable sort: ties keep the list's order), the first that qualify
        for (Offering o : byPrice(offerings)) {
            if (out.size() > FALLBACKS) {
                break;
            }
            if (o.purchaseOption() == pi.offering().purchaseOption()
                    && !o.type().name().equals(pi.offering().type().name())
                    && InstanceReservation.registered(o.type()).fits(pi.allocated())
                    && archs.stream().allMatch(o.type()::supports)) {
                out.add(o);
            }
        }
        return out;
    }

    private static boolean matches(List<PlacementConstraint> memberOf, Offering o, Zone z) {
        if (memberOf.isEmpty()) {
            return true;
        }
        Architecture arch = o.type().architectures().iterator().next();
        // a new, empty instance as the cluster query language would see it right after registration
        QueryTarget target = new ProspectiveInstance(InstanceView.standardAttributes(o.type(), arch,
                z.availabilityZone(), z.subnetId(), Map.of()), Instant.EPOCH, ContainerInstances.AGENT_VERSION);
        for (PlacementConstraint c : memberOf) {
            if (!((PlacementConstraint.MemberOf) c).expression().matches(target)) {
                return false;
            }
        }
        return true;
    }

    private static String id(Offering o) {
        return o.type().name() + "/" + o.purchaseOption();
    }

    private static String texts(List<PlacementConstraint> memberOf) {
        return memberOf.stream().map(c -> ((PlacementConstraint.MemberOf) c).text()).toList().toString();
    }

    private static String noOfferings(ProviderCapacity p) {
        return p.noMatchReason().orElse("capacity provider " + p.name() + " allows no priced instance type");
    }
}
