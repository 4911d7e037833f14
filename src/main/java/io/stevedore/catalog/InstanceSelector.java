package io.stevedore.catalog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Attribute-based instance selection with EC2 semantics plus the Managed Instances hard filters, priced for a
 * region and capacity option. A pure function of the catalog, the price book and the query. Thread-safe.
 *
 * <p>Price protection follows EC2 when the caller sets a price-protection field; when it is omitted EC2's default is
 * NOT applied (the real service launched types far above it, see docs/decisions.md) and the would-be threshold is
 * only reported.
 */
public final class InstanceSelector {
    private static final double EPSILON = 1e-9;

    private final InstanceCatalog catalog;
    private final PriceBook prices;
    private final ManagedInstanceTypes rules;

    public InstanceSelector(InstanceCatalog catalog, PriceBook prices, ManagedInstanceTypes rules) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.prices = Objects.requireNonNull(prices, "prices");
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /** A selector over the embedded catalog, prices and Managed Instances rules. */
    public static InstanceSelector load() {
        return new InstanceSelector(InstanceCatalog.load(), PriceBook.load(), ManagedInstanceTypes.load());
    }

    public InstanceCatalog catalog() {
        return catalog;
    }

    public PriceBook prices() {
        return prices;
    }

    /** Types that satisfy every attribute, the architecture and the hard filters, in name order (prices ignored). */
    public List<InstanceType> matching(InstanceRequirements requirements, Optional<Architecture> architecture) {
        List<Criterion> chain = SelectionCriteria.chain(requirements, architecture, rules);
        return catalog.all().stream().filter(t -> chain.stream().allMatch(c -> c.accepts(t)))
                .sorted(Comparator.comparing(InstanceType::name)).toList();
    }

    /** The first criterion that rejects {@code type} (its label), or empty when the type matches every attribute. */
    public Optional<String> rejection(InstanceType type, SelectionQuery query) {
        return SelectionCriteria.chain(query.requirements(), query.architecture(), rules).stream()
                .filter(c -> !c.accepts(type)).findFirst().map(Criterion::label);
    }

    public Selection select(SelectionQuery query) {
        List<Criterion> chain = SelectionCriteria.chain(query.requirements(), query.architecture(), rules);
        List<InstanceType> candidates = catalog.all();
        List<Selection.Stage> funnel = new ArrayList<>();
        List<String> narrowedBy = new ArrayList<>();
        for (Criterion c : chain) {
            List<InstanceType> left = candidates.stream().filter(c::accepts).toList();
            funnel.add(new Selection.Stage(c.label(), left.size()));
            if (left.isEmpty()) {
                String reason = narrowedBy.isEmpty() ? c.label() + " excludes every instance type"
                        : c.label() + " excludes every one of the " + candidates.size() + " instance types left after "
                        + String.join(", ", narrowedBy);
                return new Selection(query, List.of(), List.of(), Optional.empty(), funnel, Optional.of(reason));
            }
            if (left.size() < candidates.size()) {
                narrowedBy.add(c.label());
            }
            candidates = left;
        }
        return price(query, candidates, funnel);
    }

    private Selection price(SelectionQuery query, List<InstanceType> matching, List<Selection.Stage> funnel) {
        List<Offering> offerings = new ArrayList<>();
        List<InstanceType> unpriced = new ArrayList<>();
        for (InstanceType t : matching) {
            prices.offering(t, query.region(), query.purchaseOption())
                    .ifPresentOrElse(offerings::add, () -> unpriced.add(t));
        }
        unpriced.sort(Comparator.comparing(InstanceType::name));
        Optional<PriceProtection> protection = priceProtection(query, matching);
        if (protection.isPresent() && protection.get().applied()) {
            double threshold = protection.get().threshold();
            offerings.removeIf(o -> o.pricePerHour() > threshold + EPSILON);
            funnel.add(new Selection.Stage(protection.get().field() + " " + protection.get().percent() + "%",
                    offerings.size()));
        }
        offerings.sort(PriceBook.CHEAPEST_FIRST);
        Optional<String> reason = Optional.empty();
        if (offerings.isEmpty()) {
            reason = Optional.of(protection.filter(PriceProtection::applied)
                    .map(p -> p.field() + " " + p.percent() + "% excludes every priced type (threshold $"
                            + String.format(Locale.ROOT, "%.4f", p.threshold()) + "/h)")
                    .orElse("none of the " + matching.size() + " matching instance types ("
                            + names(matching) + ") has " + optionName(query.purchaseOption()) + " price in "
                            + query.region()));
        }
        return new Selection(query, offerings, unpriced, protection, funnel, reason);
    }

    private Optional<PriceProtection> priceProtection(SelectionQuery query, List<InstanceType> matching) {
        InstanceRequirements r = query.requirements();
        String region = query.region();
        ToDoubleFunction<InstanceType> onDemand = t -> prices.onDemand(region, t.name()).orElse(Double.NaN);
        ToDoubleFunction<InstanceType> spot = t -> t.usageClasses().contains("spot")
                ? prices.spotEstimate(region, t.name()).orElse(Double.NaN) : Double.NaN;
        if (query.purchaseOption() != PurchaseOption.SPOT) {
            boolean set = r.onDemandMaxPricePercentageOverLowestPrice().isPresent();
            int pct = r.onDemandMaxPricePercentageOverLowestPrice().orElse(PriceProtection.EC2_DEFAULT_ON_DEMAND_PERCENT);
            return reference(matching, onDemand).map(ref -> new PriceProtection(
                    "onDemandMaxPricePercentageOverLowestPrice", pct, set, ref.name(), onDemand.applyAsDouble(ref),
                    onDemand.applyAsDouble(ref) * (1 + pct / 100.0)));
        }
        if (r.maxSpotPriceAsPercentageOfOptimalOnDemandPrice().isPresent()) {
            int pct = r.maxSpotPriceAsPercentageOfOptimalOnDemandPrice().getAsInt();
            return reference(matching, onDemand).map(ref -> new PriceProtection(
                    "maxSpotPriceAsPercentageOfOptimalOnDemandPrice", pct, true, ref.name(),
                    onDemand.applyAsDouble(ref), onDemand.applyAsDouble(ref) * pct / 100.0));
        }
        boolean set = r.spotMaxPricePercentageOverLowestPrice().isPresent();
        int pct = r.spotMaxPricePercentageOverLowestPrice().orElse(PriceProtection.EC2_DEFAULT_SPOT_PERCENT);
        return reference(matching, spot).map(ref -> new PriceProtection("spotMaxPricePercentageOverLowestPrice", pct,
                set, ref.name(), spot.applyAsDouble(ref), spot.applyAsDouble(ref) * (1 + pct / 100.0)));
    }

    /**
     * EC2's reference type: the cheapest current-generation C, M or R type among the matching ones; failing that
     * the cheapest current-generation type; failing that the cheapest previous-generation type. Ties by name.
     */
    static Optional<InstanceType> reference(List<InstanceType> matching, ToDoubleFunction<InstanceType> price) {
        Comparator<InstanceType> cheapest = Comparator.comparingDouble(price).thenComparing(InstanceType::name);
        List<InstanceType> priced = matching.stream().filter(t -> !Double.isNaN(price.applyAsDouble(t))).toList();
        Optional<InstanceType> cmr = priced.stream().filter(InstanceType::currentGeneration)
                .filter(t -> isCmr(t.family())).min(cheapest);
        if (cmr.isPresent()) {
            return cmr;
        }
        Optional<InstanceType> current = priced.stream().filter(InstanceType::currentGeneration).min(cheapest);
        return current.isPresent() ? current : priced.stream().min(cheapest);
    }

    /** C, M or R family: category exactly {@code c}, {@code m} or {@code r} (not mac, not hpc). */
    static boolean isCmr(String family) {
        String category = new InstanceTypeName(family).category();
        return category.equals("c") || category.equals("m") || category.equals("r");
    }

    private static String optionName(PurchaseOption option) {
        return switch (option) {
            case ON_DEMAND -> "an On-Demand";
            case SPOT -> "a Spot";
            case RESERVED -> "an On-Demand (reserved capacity)";
        };
    }

    private static String names(List<InstanceType> types) {
        String joined = types.stream().limit(5).map(InstanceType::name).collect(Collectors.joining(", "));
        return types.size() > 5 ? joined + ", …" : joined;
    }
}
