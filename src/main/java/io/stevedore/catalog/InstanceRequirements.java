package io.stevedore.catalog;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The complete ECS {@code instanceRequirements} (EC2 attribute-based instance selection) as a domain record, with
 * EC2's defaults resolved (EC2 API model, shape InstanceRequirementsRequest: github.com/boto/botocore, file
 * botocore/data/ec2/2016-11-15/service-2.json): an empty set means "any"; generations default to current + previous;
 * bare metal and burstable types are excluded and local storage included unless stated; local storage types default
 * to hdd + ssd. {@code acceleratorCount} max 0 excludes every accelerated type. Price-protection percentages are
 * empty when omitted (see docs/decisions.md "Instance selection" for what that means here).
 *
 * <p>Wire validation with AWS error messages happens at the API edge; this constructor only refuses combinations
 * no valid request can produce.
 */
public record InstanceRequirements(
        ValueRange vCpuCount,
        ValueRange memoryMiB,
        Set<CpuManufacturer> cpuManufacturers,
        ValueRange memoryGiBPerVCpu,
        List<String> excludedInstanceTypes,
        List<String> allowedInstanceTypes,
        Set<InstanceGeneration> instanceGenerations,
        OptionalInt spotMaxPricePercentageOverLowestPrice,
        OptionalInt onDemandMaxPricePercentageOverLowestPrice,
        OptionalInt maxSpotPriceAsPercentageOfOptimalOnDemandPrice,
        Inclusion bareMetal,
        Inclusion burstablePerformance,
        boolean requireHibernateSupport,
        ValueRange networkInterfaceCount,
        Inclusion localStorage,
        Set<String> localStorageTypes,
        ValueRange totalLocalStorageGB,
        ValueRange baselineEbsBandwidthMbps,
        Set<AcceleratorType> acceleratorTypes,
        ValueRange acceleratorCount,
        Set<String> acceleratorManufacturers,
        Set<String> acceleratorNames,
        ValueRange acceleratorTotalMemoryMiB,
        ValueRange networkBandwidthGbps) {

    public static final Set<String> ALL_LOCAL_STORAGE_TYPES = Set.of("hdd", "ssd");

    public InstanceRequirements {
        Objects.requireNonNull(vCpuCount, "vCpuCount");
        Objects.requireNonNull(memoryMiB, "memoryMiB");
        cpuManufacturers = Set.copyOf(cpuManufacturers);
        Objects.requireNonNull(memoryGiBPerVCpu, "memoryGiBPerVCpu");
        excludedInstanceTypes = List.copyOf(excludedInstanceTypes);
        allowedInstanceTypes = List.copyOf(allowedInstanceTypes);
        instanceGenerations = instanceGenerations.isEmpty() ? EnumSet.allOf(InstanceGeneration.class)
                : Set.copyOf(instanceGenerations);
        Objects.requireNonNull(spotMaxPricePercentageOverLowestPrice, "spotMaxPricePercentageOverLowestPrice");
        Objects.requireNonNull(onDemandMaxPricePercentageOverLowestPrice, "onDemandMaxPricePercentageOverLowestPrice");
        Objects.requireNonNull(maxSpotPriceAsPercentageOfOptimalOnDemandPrice,
                "maxSpotPriceAsPercentageOfOptimalOnDemandPrice");
        Objects.requireNonNull(bareMetal, "bareMetal");
        Objects.requireNonNull(burstablePerformance, "burstablePerformance");
        Objects.requireNonNull(networkInterfaceCount, "networkInterfaceCount");
        Objects.requireNonNull(localStorage, "localStorage");
        localStorageTypes = localStorageTypes.isEmpty() ? ALL_LOCAL_STORAGE_TYPES : Set.copyOf(localStorageTypes);
        Objects.requireNonNull(totalLocalStorageGB, "totalLocalStorageGB");
        Objects.requireNonNull(baselineEbsBandwidthMbps, "baselineEbsBandwidthMbps");
        acceleratorTypes = Set.copyOf(acceleratorTypes);
        Objects.requireNonNull(acceleratorCount, "acceleratorCount");
        acceleratorManufacturers = Set.copyOf(acceleratorManufacturers);
        acceleratorNames = Set.copyOf(acceleratorNames);
        Objects.requireNonNull(acceleratorTotalMemoryMiB, "acceleratorTotalMemoryMiB");
        Objects.requireNonNull(networkBandwidthGbps, "networkBandwidthGbps");
        if (!allowedInstanceTypes.isEmpty() && !excludedInstanceTypes.isEmpty()) {
            throw new IllegalArgumentException("allowedInstanceTypes and excludedInstanceTypes are mutually exclusive");
        }
        if (spotMaxPricePercentageOverLowestPrice.isPresent()
                && maxSpotPriceAsPercentageOfOptimalOnDemandPrice.isPresent()) {
            throw new IllegalArgumentException("spotMaxPricePercentageOverLowestPrice and"
                    + " maxSpotPriceAsPercentageOfOptimalOnDemandPrice are mutually exclusive");
        }
    }

    /** Requirements with only the two required ranges set and every other attribute at its default. */
    public static Builder builder(ValueRange vCpuCount, ValueRange memoryMiB) {
        return new Builder(vCpuCount, memoryMiB);
    }

    /** A builder starting from these requirements. */
    public Builder toBuilder() {
        Builder b = new Builder(vCpuCount, memoryMiB);
        b.cpuManufacturers = cpuManufacturers;
        b.memoryGiBPerVCpu = memoryGiBPerVCpu;
        b.excludedInstanceTypes = excludedInstanceTypes;
        b.allowedInstanceTypes = allowedInstanceTypes;
        b.instanceGenerations = instanceGenerations;
        b.spotMaxPricePercentageOverLowestPrice = spotMaxPricePercentageOverLowestPrice;
        b.onDemandMaxPricePercentageOverLowestPrice = onDemandMaxPricePercentageOverLowestPrice;
        b.maxSpotPriceAsPercentageOfOptimalOnDemandPrice = maxSpotPriceAsPercentageOfOptimalOnDemandPrice;
        b.bareMetal = bareMetal;
        b.burstablePerformance = burstablePerformance;
        b.requireHibernateSupport = requireHibernateSupport;
        b.networkInterfaceCount = networkInterfaceCount;
        b.localStorage = localStorage;
        b.localStorageTypes = localStorageTypes;
        b.totalLocalStorageGB = totalLocalStorageGB;
        b.baselineEbsBandwidthMbps = baselineEbsBandwidthMbps;
        b.acceleratorTypes = acceleratorTypes;
        b.acceleratorCount = acceleratorCount;
        b.acceleratorManufacturers = acceleratorManufacturers;
        b.acceleratorNames = acceleratorNames;
        b.acceleratorTotalMemoryMiB = acceleratorTotalMemoryMiB;
        b.networkBandwidthGbps = networkBandwidthGbps;
        return b;
    }

    /** Mutable builder; every attribute starts at EC2's default. */
    public static final class Builder {
        private ValueRange vCpuCount;
        private ValueRange memoryMiB;
        private Set<CpuManufacturer> cpuManufacturers = Set.of();
        private ValueRange memoryGiBPerVCpu = ValueRange.ANY;
        private List<String> excludedInstanceTypes = List.of();
        private List<String> allowedInstanceTypes = List.of();
        private Set<InstanceGeneration> instanceGenerations = Set.of();
        private OptionalInt spotMaxPricePercentageOverLowestPrice = OptionalInt.empty();
        private OptionalInt onDemandMaxPricePercentageOverLowestPrice = OptionalInt.empty();
        private OptionalInt maxSpotPriceAsPercentageOfOptimalOnDemandPrice = OptionalInt.empty();
        private Inclusion bareMetal = Inclusion.EXCLUDED;
        private Inclusion burstablePerformance = Inclusion.EXCLUDED;
        private boolean requireHibernateSupport;
        private ValueRange networkInterfaceCount = ValueRange.ANY;
        private Inclusion localStorage = Inclusion.INCLUDED;
        private Set<String> localStorageTypes = Set.of();
        private ValueRange totalLocalStorageGB = ValueRange.ANY;
        private ValueRange baselineEbsBandwidthMbps = ValueRange.ANY;
        private Set<AcceleratorType> acceleratorTypes = Set.of();
        private ValueRange acceleratorCount = ValueRange.ANY;
        private Set<String> acceleratorManufacturers = Set.of();
        private Set<String> acceleratorNames = Set.of();
        private ValueRange acceleratorTotalMemoryMiB = ValueRange.ANY;
        private ValueRange networkBandwidthGbps = ValueRange.ANY;

        private Builder(ValueRange vCpuCount, ValueRange memoryMiB) {
            this.vCpuCount = vCpuCount;
            this.memoryMiB = memoryMiB;
        }

        public Builder vCpuCount(ValueRange v) { vCpuCount = v; return this; }
        public Builder memoryMiB(ValueRange v) { memoryMiB = v; return this; }
        public Builder cpuManufacturers(Set<CpuManufacturer> v) { cpuManufacturers = v; return this; }
        public Builder memoryGiBPerVCpu(ValueRange v) { memoryGiBPerVCpu = v; return this; }
        public Builder excludedInstanceTypes(List<String> v) { excludedInstanceTypes = v; return this; }
        public Builder allowedInstanceTypes(List<String> v) { allowedInstanceTypes = v; return this; }
        public Builder instanceGenerations(Set<InstanceGeneration> v) { instanceGenerations = v; return this; }
        public Builder spotMaxPricePercentageOverLowestPrice(OptionalInt v) {
            spotMaxPricePercentageOverLowestPrice = v; return this; }
        public Builder onDemandMaxPricePercentageOverLowestPrice(OptionalInt v) {
            onDemandMaxPricePercentageOverLowestPrice = v; return this; }
        public Builder maxSpotPriceAsPercentageOfOptimalOnDemandPrice(OptionalInt v) {
            maxSpotPriceAsPercentageOfOptimalOnDemandPrice = v; return this; }
        public Builder bareMetal(Inclusion v) { bareMetal = v; return this; }
        public Builder burstablePerformance(Inclusion v) { burstablePerformance = v; return this; }
        public Builder requireHibernateSupport(boolean v) { requireHibernateSupport = v; return this; }
        public Builder networkInterfaceCount(ValueRange v) { networkInterfaceCount = v; return this; }
        public Builder localStorage(Inclusion v) { localStorage = v; return this; }
        public Builder localStorageTypes(Set<String> v) { localStorageTypes = v; return this; }
        public Builder totalLocalStorageGB(ValueRange v) { totalLocalStorageGB = v; return this; }
        public Builder baselineEbsBandwidthMbps(ValueRange v) { baselineEbsBandwidthMbps = v; return this; }
        public Builder acceleratorTypes(Set<AcceleratorType> v) { acceleratorTypes = v; return this; }
        public Builder acceleratorCount(ValueRange v) { acceleratorCount = v; return this; }
        public Builder acceleratorManufacturers(Set<String> v) { acceleratorManufacturers = v; return this; }
        public Builder acceleratorNames(Set<String> v) { acceleratorNames = v; return this; }
        public Builder acceleratorTotalMemoryMiB(ValueRange v) { acceleratorTotalMemoryMiB = v; return this; }
        public Builder networkBandwidthGbps(ValueRange v) { networkBandwidthGbps = v; return this; }

        public InstanceRequirements build() {
            return new InstanceRequirements(vCpuCount, memoryMiB, cpuManufacturers, memoryGiBPerVCpu,
                    excludedInstanceTypes, allowedInstanceTypes, instanceGenerations,
                    spotMaxPricePercentageOverLowestPrice, onDemandMaxPricePercentageOverLowestPrice,
                    maxSpotPriceAsPercentageOfOptimalOnDemandPrice, bareMetal, burstablePerformance,
                    requireHibernateSupport, networkInterfaceCount, localStorage, localStorageTypes,
                    totalLocalStorageGB, baselineEbsBandwidthMbps, acceleratorTypes, acceleratorCount,
                    acceleratorManufacturers, acceleratorNames, acceleratorTotalMemoryMiB, networkBandwidthGbps);
        }
    }
}
