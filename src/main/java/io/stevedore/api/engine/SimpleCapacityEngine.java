package io.stevedore.api.engine;

import io.stevedore.catalog.InstanceCatalog;
import io.stevedore.catalog.InstanceType;
import io.stevedore.placement.InstanceReservation;
import io.stevedore.placement.NetworkMode;
import io.stevedore.placement.TaskDemand;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * PROVISIONAL engine until the placement chain and the priced instance selector are wired: places a task on
 * the fitting instance that already runs the most tasks (bin packing, ties by instance id), and launches the smallest matching type by a provisional size score
 * ({@code vCPUs + GiB / 8}, ties by name) — a stand-in for price, not a price.
 */
public final class SimpleCapacityEngine implements CapacityEngine {
    private final InstanceCatalog catalog;

    public SimpleCapacityEngine(InstanceCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public Optional<Candidate> place(TaskDemand demand, List<Candidate> candidates) {
        return candidates.stream()
                .filter(c -> c.type().supports(demand.architecture()))
                .filter(c -> c.remaining().fits(demand.resources()))
                .filter(c -> demand.networkMode() != NetworkMode.HOST
                        || demand.hostPorts().stream().noneMatch(c.usedHostPorts()::contains))
                .min(Comparator.comparingInt(Candidate::tasks).reversed().thenComparing(Candidate::instanceId));
    }

    @Override
    public List<InstanceType> launchTypes(software.amazon.awssdk.services.ecs.model.InstanceRequirementsRequest req,
                                          TaskDemand demand) {
        return InstanceMatcher.matching(catalog, req).stream()
                .filter(t -> t.supports(demand.architecture()))
                .filter(t -> InstanceReservation.registered(t).fits(demand.resources()))
                .sorted(Comparator.comparingDouble((InstanceType t) -> t.vcpus() + t.memoryMiB() / 8192.0)
                        .thenComparing(InstanceType::name))
                .limit(20)
                .toList();
    }
}
