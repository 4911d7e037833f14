package io.stevedore.provisioning;

import io.stevedore.catalog.Offering;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.placement.Resources;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to provision for: pending task groups, the offerings the capacity provider allows (already filtered by its
 * {@code instanceRequirements} and priced), the provider's subnets to spread over, and what every instance of the
 * provider reserves before any task (the provider's daemons: one task of each on every instance).
 *
 * @param overhead reserved on every planned instance ({@link Resources#ZERO} when the provider has no daemon)
 */
public record ProvisioningRequest(List<PendingGroup> groups, List<Offering> offerings, List<Zone> zones,
                                  Resources overhead) {
    /** A request without per-instance overhead. */
    public ProvisioningRequest(List<PendingGroup> groups, List<Offering> offerings, List<Zone> zones) {
        this(groups, offerings, zones, Resources.ZERO);
    }

    public ProvisioningRequest {
        overhead = overhead == null ? Resources.ZERO : overhead;
        if (!overhead.isNonNegative()) {
            throw new IllegalArgumentException("negative per-instance overhead: " + overhead);
        }
        groups = List.copyOf(groups);
        offerings = List.copyOf(offerings);
        zones = List.copyOf(zones);
        if (zones.isEmpty()) {
            throw new IllegalArgumentException("the capacity provider needs at least one subnet to launch into");
        }
        Set<String> keys = new HashSet<>();
        for (PendingGroup g : groups) {
            if (!keys.add(g.key())) {
                throw new IllegalArgumentException("duplicate pending group key: " + g.key());
            }
        }
        Set<String> subnets = new HashSet<>();
        for (Zone z : zones) {
            if (!subnets.add(z.subnetId())) {
                throw new IllegalArgumentException("duplicate subnet: " + z.subnetId());
            }
        }
        Map<PurchaseOption, Set<String>> offered = new EnumMap<>(PurchaseOption.class); // type names by option
        for (Offering o : offerings) {
            if (!offered.computeIfAbsent(o.purchaseOption(), k -> new HashSet<>()).add(o.type().name())) {
                throw new IllegalArgumentException("duplicate offering: " + o.type().name() + " " + o.purchaseOption());
            }
        }
    }
}
