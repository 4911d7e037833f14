package io.stevedore.sim.billing;

import io.stevedore.catalog.InstanceRate;
import io.stevedore.catalog.PriceBook;
import io.stevedore.catalog.PurchaseOption;

/**
 * One Managed Instances instance's bill: EC2 (On-Demand or the Spot estimate) plus the management fee, both per
 * second with a one-minute minimum (https://aws.amazon.com/ecs/pricing/), for its whole life from launch to
 * termination.
 *
 * @param instanceType  the type
 * @param option        ON_DEMAND or SPOT
 * @param ec2PerHour    EC2 USD per hour
 * @param feePerHour    management fee USD per hour (the fee is the same on Spot)
 * @param billedSeconds billed seconds
 */
public record InstanceBill(String instanceType, PurchaseOption option, double ec2PerHour, double feePerHour,
                           long billedSeconds) {

    public double ec2() {
        return Billing.cost(billedSeconds, ec2PerHour);
    }

    public double fee() {
        return Billing.cost(billedSeconds, feePerHour);
    }

    public double total() {
        return ec2() + fee();
    }

    /** The bill for {@code millis} of life; fails when the price book has no price for the type. */
    public static InstanceBill of(PriceBook prices, String region, String type, PurchaseOption option, long millis) {
        InstanceRate rate = prices.instanceRate(region, type, option).orElseThrow(() -> new IllegalArgumentException(
                "no " + option + " price or no management fee for " + type + " in " + region));
        return new InstanceBill(type, option, rate.ec2PerHour(), rate.feePerHour(), Billing.billedSeconds(millis));
    }
}
