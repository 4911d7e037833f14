package io.stevedore.control.scheduling;

import io.stevedore.control.scheduling.Scheduling.Decisions;
import io.stevedore.control.scheduling.Scheduling.PendingTask;
import io.stevedore.control.scheduling.Scheduling.Placement;
import io.stevedore.control.scheduling.Scheduling.ProviderCapacity;
import io.stevedore.control.scheduling.Scheduling.Unplaced;
import io.stevedore.placement.ClusterSnapshot;
import io.stevedore.placement.PlacementConstraint;
import io.stevedore.placement.PlacementEngine;
import io.stevedore.placement.PlacementRequest;
import io.stevedore.placement.PlacementStrategy;
import io.stevedore.placement.PlacementValidationException;
import io.stevedore.placement.PlanState;
import io.stevedore.placement.TaskDemand;
import io.stevedore.placement.TaskPlacement;
import io.stevedore.provisioning.Provisioner;
import io.stevedore.provisioning.Zone;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The real capacity engine, batch by batch as the real service works (AWS blog, below): the tick's waiting tasks are
 * grouped by what placement must treat alike (task group, demand, provider, constraints, strategies, zones); each
 * group is placed on the existing and launching instances through {@link PlacementEngine} in one plan (largest
 * tasks first), and whatever does not fit goes to {@link LaunchPlanner}, which calls {@link Provisioner} once per
 * provider and constraint class for the cheapest fleet. Pure and deterministic: stable orders everywhere, the
 * random strategy seeded from the task group. The real service's batching: AWS Containers blog, "Deep Dive: Amazon
 * ECS Managed Instances provisioning and optimization",
 * https://aws.amazon.com/blogs/containers/deep-dive-amazon-ecs-managed-instances-provisioning-and-optimization/
 */
public final class Scheduler {
    private final PlacementEngine placement;
    private final LaunchPlanner newCapacity;

    public Scheduler() {
        this(PlacementEngine.standard(), new Provisioner());
    }

    public Scheduler(PlacementEngine placement, Provisioner provisioner) {
        this.placement = placement;
        this.newCapacity = new LaunchPlanner(provisioner);
    }

    /** Tasks placement treats alike: one {@link PlacementRequest} each. */
    private record RequestKey(String group, TaskDemand demand, String provider, List<PlacementConstraint> constraints,
                              List<PlacementStrategy> strategies, Set<String> zones) {
    }

    /** Largest first (cpu, memory, GPUs), then by group and provider: first fit decreasing over groups. */
    private static final Comparator<RequestKey> ORDER = Comparator
            .comparingInt((RequestKey k) -> -k.demand().gpus())
            .thenComparingInt(k -> -k.demand().cpu())
            .thenComparingLong(k -> -k.demand().memoryMiB())
            .thenComparing(RequestKey::group).thenComparing(RequestKey::provider)
            .thenComparing(k -> k.constraints().toString()).thenComparing(k -> k.strategies().toString())
            .thenComparing(k -> new TreeSet<>(k.zones()).toString());

    /** The decisions for one cluster's waiting tasks: pure, deterministic. */
    public Decisions schedule(ClusterSnapshot snapshot, Map<String, ProviderCapacity> providers,
                              List<PendingTask> pending) {
        Map<RequestKey, List<PendingTask>> groups = new LinkedHashMap<>();
        List<Unplaced> unplaced = new ArrayList<>();
        for (PendingTask t : pending) {
            ProviderCapacity p = providers.get(t.capacityProvider());
            if (p == null) {
                unplaced.add(new Unplaced(t.taskArn(), "Capacity provider " + t.capacityProvider()
                        + " is not an ACTIVE Managed Instances capacity provider of the cluster"));
                continue;
            }
            if (t.zones().isEmpty()) {
                unplaced.add(new Unplaced(t.taskArn(), "None of the task's subnets is in an Availability Zone of"
                        + " the subnets of capacity provider " + p.name()));
                continue;
            }
            groups.computeIfAbsent(new RequestKey(t.group(), t.demand(), t.capacityProvider(), t.constraints(),
                    t.strategies(), t.zones()), k -> new ArrayList<>()).add(t);
        }
        List<RequestKey> order = new ArrayList<>(groups.keySet());
        order.sort(ORDER);
        PlanState plan = snapshot.newPlan();
        List<Placement> placements = new ArrayList<>();
        List<PendingTask> rest = new ArrayList<>();
        for (RequestKey k : order) {
            List<PendingTask> tasks = groups.get(k);
            PlacementRequest request;
            try {
                request = request(k, providers.get(k.provider()));
            } catch (PlacementValidationException e) {
                tasks.forEach(t -> unplaced.add(new Unplaced(t.taskArn(), e.getMessage())));
                continue;
            }
            List<TaskPlacement> placed = placement.placeAsMany(plan, request, tasks.size()); // the rest: new capacity
            for (TaskPlacement p : placed) {
                placements.add(new Placement(tasks.get(p.ordinal()).taskArn(), p.ec2InstanceId()));
            }
            rest.addAll(tasks.subList(placed.size(), tasks.size()));
        }
        LaunchPlanner.Outcome fresh = newCapacity.plan(rest, providers);
        unplaced.addAll(fresh.unplaced());
        return new Decisions(placements, fresh.launches(), unplaced);
    }

    /** The placement request of a group; a zone limit narrower than the provider's becomes a memberOf. */
    private static PlacementRequest request(RequestKey k, ProviderCapacity provider) {
        List<PlacementConstraint> constraints = new ArrayList<>(k.constraints());
        Set<String> providerZones = new TreeSet<>();
        provider.zones().stream().map(Zone::availabilityZone).forEach(providerZones::add);
        if (!k.zones().containsAll(providerZones)) {
            constraints.add(PlacementConstraint.memberOf("attribute:ecs.availability-zone in ["
                    + String.join(", ", new TreeSet<>(k.zones())) + "]"));
        }
        return new PlacementRequest(k.group(), k.demand(), Set.of(k.provider()), constraints, k.strategies(),
                k.group().hashCode());
    }
}
