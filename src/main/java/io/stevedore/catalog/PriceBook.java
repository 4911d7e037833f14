package io.stevedore.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Supplier;

/**
 * EC2 On-Demand prices, Spot estimates, the ECS Managed Instances management fee and Fargate rates, all read from
 * data resources under {@code stevedore/catalog/} (provenance in each file and in docs/data-sources.md).
 *
 * <p>A type without a price in a region has NO price there: every look-up returns an empty optional, never zero.
 * Each resource is parsed on first use, so a command that only needs On-Demand prices never reads the Spot file.
 * Thread-safe.
 */
public final class PriceBook {
    public static final String ON_DEMAND_RESOURCE = "stevedore/catalog/prices-on-demand.json";
    public static final String SPOT_RESOURCE = "stevedore/catalog/prices-spot.json";
    public static final String FEES_RESOURCE = "stevedore/catalog/management-fees.json";
    public static final String FARGATE_RESOURCE = "stevedore/catalog/fargate-prices.json";

    private final OnDemandPrices onDemand;
    private final Lazy<SpotEstimates> spot;
    private final Lazy<ManagementFees> fees;
    private final Lazy<JsonNode> fargate;
    private final LocalDate feeDate;

    private PriceBook(OnDemandPrices onDemand, Lazy<SpotEstimates> spot,
                      Lazy<ManagementFees> fees, Lazy<JsonNode> fargate, LocalDate feeDate) {
        this.onDemand = onDemand;
        this.spot = spot;
        this.fees = fees;
        this.fargate = fargate;
        this.feeDate = feeDate;
    }

    /** The embedded price data; fees as the rule now in force (see {@link #withFeeDate}). */
    public static PriceBook load() {
        return new PriceBook(
                OnDemandPrices.fromResource(ON_DEMAND_RESOURCE),
                new Lazy<>(() -> SpotEstimates.parse(JsonTrees.resource(SPOT_RESOURCE))),
                new Lazy<>(() -> ManagementFees.parse(JsonTrees.resource(FEES_RESOURCE))),
                new Lazy<>(() -> JsonTrees.resource(FARGATE_RESOURCE)),
                null);
    }

    /** A price book over the given documents (same formats as the resources); used by tests. */
    public static PriceBook of(JsonNode onDemandDoc, JsonNode spotDoc, JsonNode feesDoc, JsonNode fargateDoc) {
        return new PriceBook(OnDemandPrices.fromTree(onDemandDoc), new Lazy<>(() -> SpotEstimates.parse(spotDoc)),
                new Lazy<>(() -> ManagementFees.parse(feesDoc)), new Lazy<>(() -> fargateDoc), null);
    }

    /**
     * The same prices with the management fee evaluated as of {@code date} (dated family overrides); {@code null}
     * means the rule currently in force, i.e. the open-ended period of each override.
     */
    public PriceBook withFeeDate(LocalDate date) {
        return new PriceBook(onDemand, spot, fees, fargate, date);
    }

    /** Regions with at least one On-Demand price, sorted. */
    public Set<String> regions() {
        return onDemand.regions();
    }

    /** Whether the region has any On-Demand price (reads only that region). */
    public boolean hasRegion(String region) {
        return !onDemand.region(region).isEmpty();
    }

    /** EC2 On-Demand Linux USD per hour, or empty when the type has no price in the region. */
    public OptionalDouble onDemand(String region, String type) {
        Double p = onDemand.region(region).get(type);
        return p == null ? OptionalDouble.empty() : OptionalDouble.of(p);
    }

    /** Estimated Spot USD per hour (see {@code prices-spot.json} "method"), or empty without an On-Demand price. */
    public OptionalDouble spotEstimate(String region, String type) {
        return spot.get().estimate(region, new InstanceTypeName(type), onDemand(region, type));
    }

    /** The Managed Instances management fee per instance-hour, or empty without an On-Demand price. */
    public OptionalDouble managementFee(String region, String type) {
        return fees.get().fee(region, new InstanceTypeName(type), onDemand(region, type), feeDate);
    }

    /**
     * The EC2 price for a purchase option: Spot is the estimate; Reserved (capacity reservations) is billed at the
     * On-Demand rate.
     */
    public OptionalDouble price(String region, String type, PurchaseOption option) {
        return option == PurchaseOption.SPOT ? spotEstimate(region, type) : onDemand(region, type);
    }

    /**
     * What an hour of an instance of {@code type} bought as {@code option} costs on Managed Instances: the EC2 price
     * of that option ({@link #price}) plus the management fee; empty when either has no data (never a zero price).
     * Every figure that prices instances goes through here: offerings, {@code /metrics}, the console's fleet cost
     * and the simulator's bills.
     */
    public Optional<InstanceRate> instanceRate(String region, String type, PurchaseOption option) {
        OptionalDouble price = price(region, type, option);
        OptionalDouble fee = managementFee(region, type);
        if (price.isEmpty() || fee.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new InstanceRate(option, price.getAsDouble(), fee.getAsDouble()));
    }

    /** The offering of a type, or empty when it has no price there or is not sold that way (e.g. no Spot). */
    public Optional<Offering> offering(InstanceType type, String region, PurchaseOption option) {
        if (option == PurchaseOption.SPOT && !type.usageClasses().contains("spot")) {
            return Optional.empty();
        }
        return instanceRate(region, type.name(), option)
                .map(r -> new Offering(type, region, option, r.ec2PerHour(), r.feePerHour()));
    }

    /** Offerings of the given types, cheapest effective price (EC2 + fee) first, ties by name. */
    public List<Offering> offerings(List<InstanceType> types, String region, PurchaseOption option) {
        List<Offering> out = new ArrayList<>();
        for (InstanceType t : types) {
            offering(t, region, option).ifPresent(out::add);
        }
        out.sort(CHEAPEST_FIRST);
        return out;
    }

    /** Offerings of every catalog type in a region, cheapest first. */
    public List<Offering> offerings(InstanceCatalog catalog, String region, PurchaseOption option) {
        return offerings(catalog.all(), region, option);
    }

    /** Cheapest effective price first; stable tie-break by type name. */
    public static final Comparator<Offering> CHEAPEST_FIRST = Comparator.comparingDouble(Offering::effectivePerHour)
            .thenComparing(o -> o.type().name());

    /** Fargate rates for a region, or empty when the data has no entry for it. */
    public Optional<FargateRates> fargate(String region) {
        JsonNode doc = fargate.get();
        JsonNode r = doc.path("regions").get(region);
        return r == null ? Optional.empty() : Optional.of(FargateRates.parse(region, r, doc));
    }

    /** A value computed once on first use. */
    private static final class Lazy<T> {
        private Supplier<T> supplier;
        private T value;

        Lazy(Supplier<T> supplier) {
            this.supplier = supplier;
        }

        synchronized T get() {
            if (supplier != null) {
                value = supplier.get();
                supplier = null;
            }
            return value;
        }
    }
}
