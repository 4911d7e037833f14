package io.stevedore.cloud;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Launch one instance.
 *
 * @param instanceTypes  acceptable types, best first: the provider launches the first one it has capacity for
 * @param subnetId       where to put the primary interface
 * @param securityGroups security groups of the primary interface
 * @param tags           tags to put on the instance
 * @param marketType     EC2's {@code InstanceMarketOptions.MarketType}: {@code spot}, or null for On-Demand
 * @param rootVolumeGiB  the size of the root EBS volume (the provider's {@code storageConfiguration}), 0 = none
 */
public record LaunchRequest(List<String> instanceTypes, String subnetId, List<String> securityGroups,
                            Map<String, String> tags, String marketType, int rootVolumeGiB) {
    public LaunchRequest {
        instanceTypes = List.copyOf(instanceTypes);
        Objects.requireNonNull(subnetId, "subnetId");
        securityGroups = List.copyOf(securityGroups);
        tags = Map.copyOf(tags);
        if (instanceTypes.isEmpty()) {
            throw new CloudException(CloudException.Reason.INVALID_REQUEST, "no instance types offered");
        }
        if (marketType != null && !Instance.SPOT.equals(marketType)) {
            throw new CloudException(CloudException.Reason.INVALID_REQUEST, "unsupported market type " + marketType);
        }
        if (rootVolumeGiB < 0) {
            throw new CloudException(CloudException.Reason.INVALID_REQUEST, "rootVolumeGiB must not be negative");
        }
    }

    /** An On-Demand launch without a root volume size. */
    public LaunchRequest(List<String> instanceTypes, String subnetId, List<String> securityGroups,
                         Map<String, String> tags) {
        this(instanceTypes, subnetId, securityGroups, tags, null, 0);
    }
}
