package io.stevedore.placement.providers;

import java.util.Objects;

/**
 * One {@code CapacityProviderStrategyItem}.
 *
 * @param capacityProvider the provider's short name
 * @param base             tasks that run on this provider first (0–100,000; only one item may set it)
 * @param weight           relative share of the tasks after the base (0–1,000)
 */
public record StrategyItem(String capacityProvider, int base, int weight) {
    public static final int MAX_BASE = 100_000;
    public static final int MAX_WEIGHT = 1_000;

    public StrategyItem {
        Objects.requireNonNull(capacityProvider, "capacityProvider");
    }
}
