package io.stevedore.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The Spot price ESTIMATE method of {@code prices-spot.json}: {@code onDemand × (1 − discount)} where the discount is
 * the type's published savings in that region, else the family's, else the category's, else the default. These
 * are estimates from a dated AWS Spot Instance Advisor snapshot, not a price list. Immutable.
 */
final class SpotEstimates {
    private final double defaultDiscount;
    private final Map<String, Double> familyDiscounts;
    private final Map<String, Double> categoryDiscounts;
    /** region → type → savings fraction (0..1). */
    private final Map<String, Map<String, Double>> perType;

    private SpotEstimates(double defaultDiscount, Map<String, Double> familyDiscounts,
                          Map<String, Double> categoryDiscounts, Map<String, Map<String, Double>> perType) {
        this.defaultDiscount = defaultDiscount;
        this.familyDiscounts = familyDiscounts;
        this.categoryDiscounts = categoryDiscounts;
        this.perType = perType;
    }

    static SpotEstimates parse(JsonNode doc) {
        double defaultDiscount = doc.path("defaultDiscount").asDouble(Double.NaN);
        if (!(defaultDiscount >= 0 && defaultDiscount < 1)) {
            throw new IllegalArgumentException("spot prices: defaultDiscount missing or out of [0, 1)");
        }
        Map<String, Map<String, Double>> perType = new HashMap<>();
        doc.path("perType").fields().forEachRemaining(region -> {
            Map<String, Double> types = new HashMap<>();
            region.getValue().fields().forEachRemaining(t -> {
                JsonNode v = t.getValue();
                JsonNode savings = v.isArray() ? v.get(0) : v.path("savingsPercent");
                if (savings != null && savings.isNumber()) {
                    types.put(t.getKey(), savings.doubleValue() / 100.0);
                }
            });
            perType.put(region.getKey(), Map.copyOf(types));
        });
        return new SpotEstimates(defaultDiscount, fractions(doc.path("familyDiscounts")),
                fractions(doc.path("categoryDiscounts")), Map.copyOf(perType));
    }

    private static Map<String, Double> fractions(JsonNode obj) {
        Map<String, Double> out = new HashMap<>();
        obj.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
        return Map.copyOf(out);
    }

    /** The discount off On-Demand used for this type in this region (0..1). */
    double discount(String region, InstanceTypeName type) {
        Double d = perType.getOrDefault(region, Map.of()).get(type.name());
        if (d == null) {
            d = familyDiscounts.get(type.family());
        }
        if (d == null) {
            d = categoryDiscounts.get(type.category());
        }
        return d == null ? defaultDiscount : d;
    }

    /** The estimated Spot price; no On-Demand price → no estimate (never zero). */
    OptionalDouble estimate(String region, InstanceTypeName type, OptionalDouble onDemand) {
        if (onDemand.isEmpty()) {
            return OptionalDouble.empty();
        }
        double price = onDemand.getAsDouble() * (1.0 - discount(region, type));
        return price > 0 ? OptionalDouble.of(price) : OptionalDouble.empty();
    }
}
