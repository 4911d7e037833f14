package io.stevedore.placement.providers;

import io.stevedore.placement.PlacementValidationException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A validated capacity provider strategy: how a service's or RunTask call's tasks split across providers.
 * ECS semantics: the item with {@code base} receives the first {@code base} tasks; the rest split in proportion to
 * {@code weight}; weight-0 items receive nothing beyond their base. See {@link #distribute}.
 */
public record CapacityProviderStrategy(List<StrategyItem> items) {
    public static final int MAX_ITEMS = 20;

    public CapacityProviderStrategy {
        items = List.copyOf(items);
        validateShape(items);
    }

    public static CapacityProviderStrategy of(StrategyItem... items) {
        return new CapacityProviderStrategy(List.of(items));
    }

    /**
     * The strategy a request uses: its own if given, otherwise the cluster's default; neither is an error (ECS
     * then needs a launch type).
     */
    public static CapacityProviderStrategy effective(List<StrategyItem> requested, List<StrategyItem> clusterDefault) {
        if (!requested.isEmpty()) {
            return new CapacityProviderStrategy(requested);
        }
        if (clusterDefault.isEmpty()) {
            throw new PlacementValidationException("No launch type or capacity provider strategy was specified and"
                    + " the cluster has no default capacity provider strategy.");
        }
        return new CapacityProviderStrategy(clusterDefault);
    }

    private static void validateShape(List<StrategyItem> items) {
        if (items.isEmpty()) {
            throw new PlacementValidationException("The capacity provider strategy must contain at least one"
                    + " capacity provider.");
        }
        if (items.size() > MAX_ITEMS) {
            throw new PlacementValidationException("The capacity provider strategy contains " + items.size()
                    + " capacity providers; at most " + MAX_ITEMS + " are allowed.");
        }
        Set<String> seen = new HashSet<>();
        int withBase = 0;
        boolean anyWeight = false;
        for (StrategyItem it : items) {
            if (!seen.add(it.capacityProvider())) {
                throw new PlacementValidationException("The capacity provider " + it.capacityProvider()
                        + " appears more than once in the capacity provider strategy.");
            }
            if (it.base() < 0 || it.base() > StrategyItem.MAX_BASE) {
                throw new PlacementValidationException("Invalid base " + it.base() + " for capacity provider "
                        + it.capacityProvider() + ": the base must be between 0 and " + StrategyItem.MAX_BASE + ".");
            }
            if (it.weight() < 0 || it.weight() > StrategyItem.MAX_WEIGHT) {
                throw new PlacementValidationException("Invalid weight " + it.weight() + " for capacity provider "
                        + it.capacityProvider() + ": the weight must be between 0 and " + StrategyItem.MAX_WEIGHT
                        + ".");
            }
            withBase += it.base() > 0 ? 1 : 0;
            anyWeight |= it.weight() > 0;
        }
        if (withBase > 1) {
            throw new PlacementValidationException("Only one capacity provider in a capacity provider strategy can"
                    + " have a base defined.");
        }
        if (!anyWeight) {
            throw new PlacementValidationException("At least one capacity provider in the capacity provider"
                    + " strategy must have a weight greater than zero.");
        }
    }

    /**
     * Checks the providers against the cluster: each must be associated ({@code kindOf} returns null otherwise) and
     * all must be of one kind (Managed Instances, Auto Scaling group, or Fargate).
     */
    public ProviderKind validateProviders(Function<String, ProviderKind> kindOf) {
        ProviderKind kind = null;
        for (StrategyItem it : items) {
            ProviderKind k = kindOf.apply(it.capacityProvider());
            if (k == null) {
                throw new PlacementValidationException("The specified capacity provider strategy cannot contain a"
                        + " capacity provider that is not associated with the cluster: " + it.capacityProvider()
                        + ". Associate the capacity provider with the cluster or specify a valid capacity provider.");
            }
            if (kind != null && k != kind) {
                throw new PlacementValidationException("A capacity provider strategy cannot mix capacity provider"
                        + " types: " + it.capacityProvider() + " is " + k + " but the strategy already uses " + kind
                        + " capacity providers.");
            }
            kind = k;
        }
        return kind;
    }

    /** {@code count} new tasks over providers, with nothing running yet. */
    public Map<String, Integer> distribute(int count) {
        return distribute(count, Map.of());
    }

    /**
     * Where {@code count} new tasks go, given how many of the service's tasks already run on each provider.
     * The base provider is filled up to its base first (running tasks count towards it); then each task goes to
     * the weighted provider whose share is furthest behind its weight: the smallest
     * {@code (tasksBeyondBase + 1) / weight}, ties in strategy order. Over the tasks beyond the base, every
     * provider stays within one task of its exact proportional share.
     */
    public Distribution distribute(int count, Map<String, Integer> running) {
        return Distribution.compute(items, count, running);
    }
}
