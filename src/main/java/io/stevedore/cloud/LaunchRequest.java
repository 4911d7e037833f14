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
 */
public record LaunchRequest(List<String> instanceTypes, String subnetId, List<String> securityGroups,
                            Map<String, String> tags) {
    public LaunchRequest {
        instanceTypes = List.copyOf(instanceTypes);
        Objects.requireNonNull(subnetId, "subnetId");
        securityGroups = List.copyOf(securityGroups);
        tags = Map.copyOf(tags);
        if (instanceTypes.isEmpty()) {
            throw new CloudException(CloudException.Reason.INVALID_REQUEST, "no instance types offered");
        }
    }
}
