package io.stevedore.placement;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Tasks to place that share a shape and rules (a service's new tasks or one RunTask call).
 *
 * @param group             the task group ({@code service:web}, {@code family:nginx}); spread, distinctInstance
 *                          and {@code task:group} count tasks of this group
 * @param demand            what each task needs
 * @param capacityProviders instances of these providers only (empty: any)
 * @param constraints       placement constraints (at most 10)
 * @param strategies        placement strategies in order (at most 5; empty: {@link PlacementStrategy#DEFAULT})
 * @param seed              seed of the random strategy (e.g. from the task or evaluation id)
 */
public record PlacementRequest(String group, TaskDemand demand, Set<String> capacityProviders,
                               List<PlacementConstraint> constraints, List<PlacementStrategy> strategies,
                               long seed) {
    public PlacementRequest {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(demand, "demand");
        capacityProviders = Set.copyOf(capacityProviders);
        constraints = List.copyOf(constraints);
        strategies = strategies.isEmpty() ? PlacementStrategy.DEFAULT : List.copyOf(strategies);
        if (constraints.size() > PlacementConstraint.MAX_CONSTRAINTS) {
            throw new PlacementValidationException("Too many placement constraints: " + constraints.size()
                    + " (at most " + PlacementConstraint.MAX_CONSTRAINTS + ").");
        }
        if (strategies.size() > PlacementStrategy.MAX_STRATEGIES) {
            throw new PlacementValidationException("Too many placement strategies: " + strategies.size()
                    + " (at most " + PlacementStrategy.MAX_STRATEGIES + ").");
        }
    }

    /** A request with no constraints, the default strategies, any provider. */
    public static PlacementRequest of(String group, TaskDemand demand) {
        return new PlacementRequest(group, demand, Set.of(), List.of(), List.of(), 0L);
    }

    public PlacementRequest withConstraints(List<PlacementConstraint> c) {
        return new PlacementRequest(group, demand, capacityProviders, c, strategies, seed);
    }

    public PlacementRequest withStrategies(List<PlacementStrategy> s) {
        return new PlacementRequest(group, demand, capacityProviders, constraints, s, seed);
    }

    public PlacementRequest withCapacityProviders(Set<String> p) {
        return new PlacementRequest(group, demand, p, constraints, strategies, seed);
    }

    public PlacementRequest withSeed(long s) {
        return new PlacementRequest(group, demand, capacityProviders, constraints, strategies, s);
    }

    boolean hasDistinctInstance() {
        for (PlacementConstraint c : constraints) {
            if (c instanceof PlacementConstraint.DistinctInstance) {
                return true;
            }
        }
        return false;
    }
}
