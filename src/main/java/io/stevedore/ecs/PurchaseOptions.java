package io.stevedore.ecs;

import io.stevedore.catalog.PurchaseOption;
import software.amazon.awssdk.services.ecs.model.CapacityOptionType;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.InstanceLaunchTemplate;

/** How a capacity provider buys its instances: Spot when its launch template says {@code SPOT}, else On-Demand. */
public final class PurchaseOptions {
    private PurchaseOptions() {
    }

    public static PurchaseOption of(CapacityProvider p) {
        InstanceLaunchTemplate t = p == null || p.managedInstancesProvider() == null ? null
                : p.managedInstancesProvider().instanceLaunchTemplate();
        return t != null && t.capacityOptionType() == CapacityOptionType.SPOT ? PurchaseOption.SPOT
                : PurchaseOption.ON_DEMAND;
    }
}
