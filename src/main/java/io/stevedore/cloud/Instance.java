package io.stevedore.cloud;

import java.util.Map;
import java.util.Objects;

/**
 * A launched instance as the cloud reports it.
 *
 * @param id                e.g. {@code i-0123456789abcdef0}
 * @param instanceType      e.g. {@code t4g.small}
 * @param subnetId          the subnet of its primary interface
 * @param availabilityZone  the subnet's zone
 * @param privateIp         the primary private IPv4 address
 * @param state             EC2 state name: pending, running, shutting-down, terminated
 * @param launchedAtMillis  launch time, epoch milliseconds
 * @param tags              instance tags
 * @param instanceLifecycle EC2's {@code InstanceLifecycle}: {@code spot} for a Spot instance, null for On-Demand
 * @param rootVolumeGiB     the size of its root EBS volume, 0 when it has none recorded (launched before the size
 *                          was kept)
 */
public record Instance(String id, String instanceType, String subnetId, String availabilityZone, String privateIp,
                       String state, long launchedAtMillis, Map<String, String> tags, String instanceLifecycle,
                       int rootVolumeGiB) {
    /** EC2's {@code InstanceLifecycle} of a Spot instance. */
    public static final String SPOT = "spot";

    public Instance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(instanceType, "instanceType");
        Objects.requireNonNull(state, "state");
        tags = Map.copyOf(tags);
        if (rootVolumeGiB < 0) {
            throw new IllegalArgumentException("rootVolumeGiB must not be negative");
        }
    }

    /** An On-Demand instance without a recorded root volume. */
    public Instance(String id, String instanceType, String subnetId, String availabilityZone, String privateIp,
                    String state, long launchedAtMillis, Map<String, String> tags) {
        this(id, instanceType, subnetId, availabilityZone, privateIp, state, launchedAtMillis, tags, null, 0);
    }

    public Instance withState(String newState) {
        return new Instance(id, instanceType, subnetId, availabilityZone, privateIp, newState, launchedAtMillis, tags,
                instanceLifecycle, rootVolumeGiB);
    }

    /** Whether EC2 sold it as a Spot instance. */
    public boolean spot() {
        return SPOT.equals(instanceLifecycle);
    }
}
