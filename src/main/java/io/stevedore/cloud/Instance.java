package io.stevedore.cloud;

import java.util.Map;
import java.util.Objects;

/**
 * A launched instance as the cloud reports it.
 *
 * @param id               e.g. {@code i-0123456789abcdef0}
 * @param instanceType     e.g. {@code t4g.small}
 * @param subnetId         the subnet of its primary interface
 * @param availabilityZone the subnet's zone
 * @param privateIp        the primary private IPv4 address
 * @param state            EC2 state name: pending, running, shutting-down, terminated
 * @param launchedAtMillis launch time, epoch milliseconds
 * @param tags             instance tags
 */
public record Instance(String id, String instanceType, String subnetId, String availabilityZone, String privateIp,
                       String state, long launchedAtMillis, Map<String, String> tags) {
    public Instance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(instanceType, "instanceType");
        Objects.requireNonNull(state, "state");
        tags = Map.copyOf(tags);
    }

    public Instance withState(String newState) {
        return new Instance(id, instanceType, subnetId, availabilityZone, privateIp, newState, launchedAtMillis, tags);
    }
}
