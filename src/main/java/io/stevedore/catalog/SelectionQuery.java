package io.stevedore.catalog;

import java.util.Objects;
import java.util.Optional;

/**
 * What to select: a capacity provider's requirements, the task's CPU architecture (empty = either), the region and
 * the capacity option.
 */
public record SelectionQuery(InstanceRequirements requirements, Optional<Architecture> architecture, String region,
                             PurchaseOption purchaseOption) {
    public SelectionQuery {
        Objects.requireNonNull(requirements, "requirements");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(purchaseOption, "purchaseOption");
    }

    public static SelectionQuery onDemand(InstanceRequirements requirements, Architecture architecture, String region) {
        return new SelectionQuery(requirements, Optional.ofNullable(architecture), region, PurchaseOption.ON_DEMAND);
    }
}
