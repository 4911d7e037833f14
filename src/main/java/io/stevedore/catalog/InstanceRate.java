package io.stevedore.catalog;

import java.util.Objects;

/**
 * What one hour of a Managed Instances instance costs: EC2 at its purchase option's rate (On-Demand, or the Spot
 * estimate) plus the management fee. Built only by {@link PriceBook#instanceRate}, the one pricing function that
 * offerings, {@code /metrics}, the console and the simulator's bills share.
 *
 * @param option     how the instance is bought
 * @param ec2PerHour EC2 USD per hour
 * @param feePerHour management fee USD per hour (the same on Spot)
 */
public record InstanceRate(PurchaseOption option, double ec2PerHour, double feePerHour) {
    public InstanceRate {
        Objects.requireNonNull(option, "option");
    }

    /** EC2 price plus management fee. */
    public double perHour() {
        return ec2PerHour + feePerHour;
    }
}
