package io.stevedore.catalog;

import java.util.Objects;

/**
 * An instance type that can be bought in a region at a price, plus the ECS Managed Instances management fee.
 *
 * @param type            the instance type
 * @param region          e.g. us-east-1
 * @param purchaseOption  On-Demand, Spot (estimated price) or Reserved
 * @param pricePerHour    EC2 USD per instance-hour
 * @param feePerHour      ECS Managed Instances management fee, USD per instance-hour
 */
public record Offering(InstanceType type, String region, PurchaseOption purchaseOption, double pricePerHour,
                       double feePerHour) {
    public Offering {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(purchaseOption, "purchaseOption");
        if (!(pricePerHour > 0) || feePerHour < 0) {
            throw new IllegalArgumentException(type.name() + ": an offering needs a positive price (a type without a"
                    + " price has no offering, never a zero price)");
        }
    }

    /** What an hour of this instance costs on Managed Instances: EC2 price plus management fee. */
    public double effectivePerHour() {
        return pricePerHour + feePerHour;
    }
}
