package io.stevedore.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * AWS Fargate Linux rates in one region, from {@code fargate-prices.json}. A rate the data has no value for is
 * empty ("no price"), never zero.
 *
 * @param region                   e.g. us-east-1
 * @param x86VcpuHour              Linux/x86 USD per vCPU-hour
 * @param x86GbHour                Linux/x86 USD per GB-hour
 * @param armVcpuHour              Linux/ARM USD per vCPU-hour
 * @param armGbHour                Linux/ARM USD per GB-hour
 * @param ephemeralGbHour          USD per GB-hour of ephemeral storage above the included amount
 * @param includedEphemeralGiB     ephemeral storage included with every task
 * @param spotDiscountEstimate     Fargate Spot discount used for estimates (0..1)
 */
public record FargateRates(String region, OptionalDouble x86VcpuHour, OptionalDouble x86GbHour,
                           OptionalDouble armVcpuHour, OptionalDouble armGbHour, OptionalDouble ephemeralGbHour,
                           int includedEphemeralGiB, double spotDiscountEstimate) {
    public FargateRates {
        Objects.requireNonNull(region, "region");
        if (spotDiscountEstimate < 0 || spotDiscountEstimate >= 1 || includedEphemeralGiB < 0) {
            throw new IllegalArgumentException("bad Fargate rates for " + region);
        }
    }

    /** Hourly On-Demand cost of a task size, when both rates for the architecture are known. */
    public OptionalDouble taskHour(Architecture architecture, double vcpu, double memoryGiB) {
        OptionalDouble cpuRate = architecture == Architecture.ARM64 ? armVcpuHour : x86VcpuHour;
        OptionalDouble memRate = architecture == Architecture.ARM64 ? armGbHour : x86GbHour;
        if (cpuRate.isEmpty() || memRate.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(vcpu * cpuRate.getAsDouble() + memoryGiB * memRate.getAsDouble());
    }

    static FargateRates parse(String region, JsonNode regionNode, JsonNode doc) {
        return new FargateRates(region,
                value(regionNode.path("linuxX86").path("vcpuHour")),
                value(regionNode.path("linuxX86").path("gbHour")),
                value(regionNode.path("linuxArm").path("vcpuHour")),
                value(regionNode.path("linuxArm").path("gbHour")),
                value(regionNode.path("ephemeralStorageGbHourAboveIncluded")),
                doc.path("ephemeralStorage").path("includedGiB").asInt(20),
                doc.path("fargateSpot").path("estimateDiscount").path("value").asDouble(0));
    }

    private static OptionalDouble value(JsonNode n) {
        JsonNode v = n.isNumber() ? n : n.path("value");
        return v.isNumber() && v.doubleValue() > 0 ? OptionalDouble.of(v.doubleValue()) : OptionalDouble.empty();
    }
}
