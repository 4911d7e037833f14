package io.stevedore.control.state;

import io.stevedore.catalog.InstanceRate;
import io.stevedore.catalog.PriceBook;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.ecs.PurchaseOptions;
import java.util.Optional;

/**
 * How much a managed instance costs per hour, for every figure that reads the state ({@code /metrics}, the console's
 * fleet cost): bought as its capacity provider's {@code capacityOptionType} says (a SPOT provider's instances are
 * Spot instances, the EC2 view's {@code InstanceLifecycle: spot}), priced by {@link PriceBook#instanceRate}.
 */
public final class InstancePrices {
    private InstancePrices() {
    }

    /** How the instance is bought: Spot for a SPOT provider, else On-Demand (RESERVED is billed On-Demand). */
    public static PurchaseOption option(EcsState state, ManagedInstance mi) {
        return PurchaseOptions.of(state.capacityProviders.get(mi.capacityProvider()).orElse(null));
    }

    /** What an hour of the instance costs, or empty when the region has no price for its type. */
    public static Optional<InstanceRate> rate(EcsState state, PriceBook prices, String region, ManagedInstance mi) {
        return prices.instanceRate(region, mi.instanceType(), option(state, mi));
    }
}
