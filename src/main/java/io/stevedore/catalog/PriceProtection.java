package io.stevedore.catalog;

import java.util.Locale;
import java.util.Objects;

/**
 * EC2 price protection as evaluated for one selection. The reference is the cheapest current-generation C, M or R
 * type matching the attributes (EC2 falls back to any current-generation type, then to a previous-generation one).
 *
 * @param field          the requirement field ({@code onDemandMaxPricePercentageOverLowestPrice}, …)
 * @param percent        the percentage asked, or EC2's default when {@code applied} is false
 * @param applied        true when the caller set the field and the threshold removed types above it; false when
 *                       it is only shown as information (see docs/decisions.md "Instance selection")
 * @param referenceType  the type whose price is the reference
 * @param referencePrice USD per hour of the reference (On-Demand or Spot, per {@code field})
 * @param threshold      USD per hour: types whose EC2 price is above it are (or would be) excluded
 */
public record PriceProtection(String field, int percent, boolean applied, String referenceType,
                              double referencePrice, double threshold) {
    public PriceProtection {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(referenceType, "referenceType");
    }

    /** EC2's default for {@code onDemandMaxPricePercentageOverLowestPrice} (EC2 API reference). */
    public static final int EC2_DEFAULT_ON_DEMAND_PERCENT = 20;
    /** EC2's documented default for {@code spotMaxPricePercentageOverLowestPrice} (EC2 API reference). */
    public static final int EC2_DEFAULT_SPOT_PERCENT = 100;

    public String describe() {
        return String.format(Locale.ROOT, "%s %d%% over %s $%.4f/h = $%.4f/h (%s)", field, percent,
                referenceType, referencePrice, threshold, applied ? "applied" : "EC2 default, not applied");
    }
}
