package io.stevedore.catalog;

/** How capacity is bought ({@code capacityOptionType} of a Managed Instances provider). */
public enum PurchaseOption {
    ON_DEMAND,
    SPOT,
    RESERVED
}
