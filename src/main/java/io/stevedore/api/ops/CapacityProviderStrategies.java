package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.control.state.Context;
import io.stevedore.ecs.Errors;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStatus;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.CapacityProviderType;
import software.amazon.awssdk.services.ecs.model.Cluster;

/** Capacity provider strategies: validation and the built-in Fargate providers. */
public final class CapacityProviderStrategies {
    public static final List<String> FARGATE = List.of(CapacityProviderType.FARGATE.toString(),
            CapacityProviderType.FARGATE_SPOT.toString());

    private CapacityProviderStrategies() {
    }

    /** The provider name in a name or ARN. */
    public static String providerName(String nameOrArn) {
        if (nameOrArn == null) {
            return null;
        }
        int i = nameOrArn.lastIndexOf(":capacity-provider/");
        return nameOrArn.startsWith("arn:") && i >= 0 ? nameOrArn.substring(i + 19) : nameOrArn;
    }

    /** A built-in Fargate provider or a stored one. */
    public static Optional<CapacityProvider> find(Context ctx, String nameOrArn) {
        String name = providerName(nameOrArn);
        if (FARGATE.contains(name)) {
            return Optional.of(CapacityProvider.builder().name(name).capacityProviderArn(
                    ctx.arn("capacity-provider/" + name)).status(CapacityProviderStatus.ACTIVE).build());
        }
        return ctx.state().capacityProviders.get(name);
    }

    private static CapacityProviderType kind(CapacityProvider p) {
        if (FARGATE.contains(p.name())) {
            return CapacityProviderType.FARGATE;
        }
        return p.managedInstancesProvider() != null ? CapacityProviderType.MANAGED_INSTANCES
                : CapacityProviderType.EC2_AUTOSCALING;
    }

    public static boolean isManagedInstances(CapacityProvider p) {
        return kind(p) == CapacityProviderType.MANAGED_INSTANCES;
    }

    /**
     * Validates a strategy for {@code cluster}. With {@code requireAssociated}, every provider must be
     * associated with the cluster (RunTask, CreateService); MI providers of the cluster always are.
     */
    public static void validate(Context ctx, Cluster cluster, List<CapacityProviderStrategyItem> strategy,
                                String field, boolean requireAssociated) {
        if (strategy == null || strategy.isEmpty()) {
            return;
        }
        Checks.maxItems(strategy, 20, field);
        Set<String> names = new HashSet<>();
        Set<CapacityProviderType> kinds = new HashSet<>();
        int withBase = 0;
        boolean positiveWeight = false;
        for (CapacityProviderStrategyItem item : strategy) {
            // the messages are built only to be thrown: UpdateService checks its service's strategy at every call
            if (item == null || item.capacityProvider() == null || item.capacityProvider().isEmpty()) {
                throw Errors.invalid(field + ": capacityProvider must not be blank.");
            }
            Checks.range(item.weight(), 0, 1000, field, ".weight");
            Checks.range(item.base(), 0, 100000, field, ".base");
            if (item.base() != null && item.base() > 0) {
                withBase++;
            }
            if (item.weight() != null && item.weight() > 0) {
                positiveWeight = true;
            }
            String name = providerName(item.capacityProvider());
            if (!names.add(name)) {
                throw Errors.invalid(field + " contains the capacity provider '" + name + "' more than once.");
            }
            CapacityProvider p = find(ctx, name).filter(cp -> cp.status() != CapacityProviderStatus.INACTIVE)
                    .orElseThrow(() -> Errors.invalid("The specified capacity provider '" + name
                            + "' does not exist."));
            if (isManagedInstances(p)) {
                if (p.cluster() == null || !p.cluster().equals(cluster.clusterName())) {
                    throw Errors.invalid("The capacity provider '" + name + "' belongs to another cluster; a Managed"
                            + " Instances capacity provider can only be used in its own cluster.");
                }
                if (p.status() != CapacityProviderStatus.ACTIVE) {
                    throw Errors.invalid("The specified capacity provider '" + name + "' is not in an ACTIVE state");
                }
            } else if (requireAssociated) {
                require(cluster.capacityProviders().contains(name), "The specified capacity provider strategy"
                        + " cannot contain a capacity provider that is not associated with the cluster. Associate"
                        + " the capacity provider with the cluster or specify a valid capacity provider and try"
                        + " again.");
            }
            kinds.add(kind(p));
        }
        if (withBase > 1) {
            throw Errors.invalid(field + ": only one capacity provider in a strategy can have a base.");
        }
        if (kinds.size() != 1) {
            throw Errors.invalid(field + ": a capacity provider strategy cannot mix capacity provider types"
                    + " (Managed Instances, Auto Scaling group, Fargate).");
        }
        if (!(positiveWeight || strategy.size() == 1 && withBase == 1 || strategy.size() == 1)) {
            throw Errors.invalid(field + ": at least one capacity provider must have a weight greater than zero.");
        }
    }
}
