package io.stevedore.catalog;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a selection: what can be bought, cheapest effective price first (ties by name), the matching
 * types that have no price in the region (never priced at zero), the price-protection evaluation, and — when
 * nothing can be bought — why.
 *
 * @param query           what was asked
 * @param offerings       matching, priced, within price protection; cheapest first
 * @param unpriced        matching types without a price (or not sold for the purchase option) in the region
 * @param priceProtection the reference and threshold, when a reference type exists
 * @param funnel          candidates left after each criterion, in chain order
 * @param noMatchReason   empty when {@code offerings} is non-empty
 */
public record Selection(SelectionQuery query, List<Offering> offerings, List<InstanceType> unpriced,
                        Optional<PriceProtection> priceProtection, List<Stage> funnel,
                        Optional<String> noMatchReason) {
    /**
     * The message ECS answers when no instance type matches (AWS page "Troubleshooting Amazon ECS Managed Instances
     * errors", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-errors.html).
     */
    public static final String NO_MATCH_MESSAGE = "No instance types satisfy the instance requirements specified in the"
            + " Amazon ECS Managed Instances capacity provider";

    /** One step of the funnel: a criterion and how many types were left after it. */
    public record Stage(String criterion, int remaining) {
    }

    public Selection {
        Objects.requireNonNull(query, "query");
        offerings = List.copyOf(offerings);
        unpriced = List.copyOf(unpriced);
        Objects.requireNonNull(priceProtection, "priceProtection");
        funnel = List.copyOf(funnel);
        Objects.requireNonNull(noMatchReason, "noMatchReason");
    }

    public boolean isEmpty() {
        return offerings.isEmpty();
    }

    /** The full ECS-style error message when nothing matches, e.g. for an API error; empty otherwise. */
    public Optional<String> noMatchMessage() {
        return noMatchReason.map(r -> NO_MATCH_MESSAGE + ": " + r);
    }

    public Optional<Offering> cheapest() {
        return offerings.stream().findFirst();
    }
}
