package io.stevedore.provisioning;

import java.util.Objects;

/**
 * One place a capacity provider launches into: a subnet and its Availability Zone.
 *
 * @param subnetId         e.g. {@code subnet-0abc}
 * @param availabilityZone e.g. {@code us-east-1a}
 */
public record Zone(String subnetId, String availabilityZone) {
    public Zone {
        Objects.requireNonNull(subnetId, "subnetId");
        Objects.requireNonNull(availabilityZone, "availabilityZone");
        if (subnetId.isBlank() || availabilityZone.isBlank()) {
            throw new IllegalArgumentException("a zone needs a subnet id and an Availability Zone");
        }
    }
}
