package io.stevedore.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The ECS Managed Instances management fee rule, read from {@code management-fees.json}: a default percentage of
 * the type's On-Demand price, dated per-family overrides, and exact known points (region + type). The rule lives in
 * the data; this class only evaluates it. Immutable.
 */
final class ManagementFees {
    /** One dated percentage; {@code effective} inclusive, {@code until} exclusive, either may be open. */
    private record Period(LocalDate effective, LocalDate until, double percent) {
        boolean covers(LocalDate date) {
            return (effective == null || !date.isBefore(effective)) && (until == null || date.isBefore(until));
        }
    }

    private final double defaultPercent;
    private final Map<String, List<Period>> familyPeriods;
    private final Map<String, Double> knownPoints;

    private ManagementFees(double defaultPercent, Map<String, List<Period>> familyPeriods,
                           Map<String, Double> knownPoints) {
        this.defaultPercent = defaultPercent;
        this.familyPeriods = familyPeriods;
        this.knownPoints = knownPoints;
    }

    static ManagementFees parse(JsonNode doc) {
        double defaultPercent = doc.path("default").path("percentOfOnDemand").asDouble(Double.NaN);
        if (!(defaultPercent >= 0)) {
            throw new IllegalArgumentException("management fees: default.percentOfOnDemand missing");
        }
        Map<String, List<Period>> families = new HashMap<>();
        doc.path("overrides").path("families").fields().forEachRemaining(e -> {
            List<Period> periods = new ArrayList<>();
            for (JsonNode p : e.getValue()) {
                periods.add(new Period(date(p.get("effective")), date(p.get("until")),
                        p.get("percentOfOnDemand").asDouble()));
            }
            families.put(e.getKey(), List.copyOf(periods));
        });
        Map<String, Double> points = new HashMap<>();
        for (JsonNode p : doc.path("knownPoints")) {
            JsonNode usd = p.get("usdPerHour");
            if (usd != null && usd.isNumber() && usd.doubleValue() > 0) {
                points.put(key(p.get("region").asText(), p.get("instanceType").asText()), usd.doubleValue());
            }
        }
        return new ManagementFees(defaultPercent, Map.copyOf(families), Map.copyOf(points));
    }

    private static LocalDate date(JsonNode n) {
        return n == null || n.isNull() ? null : LocalDate.parse(n.asText());
    }

    private static String key(String region, String type) {
        return region + '/' + type;
    }

    /**
     * The fee per instance-hour. A published point for this region and type wins; otherwise the family's
     * percentage in force on {@code date} (the latest open-ended one when {@code date} is null), else the default,
     * applied to the On-Demand price. No On-Demand price → no fee (never zero).
     */
    OptionalDouble fee(String region, InstanceTypeName type, OptionalDouble onDemand, LocalDate date) {
        Double known = knownPoints.get(key(region, type.name()));
        if (known != null) {
            return OptionalDouble.of(known);
        }
        if (onDemand.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(onDemand.getAsDouble() * percent(type.family(), date) / 100.0);
    }

    /** The percentage of On-Demand charged for a family on a date (null date = the rule now in force). */
    double percent(String family, LocalDate date) {
        List<Period> periods = familyPeriods.get(family);
        if (periods == null) {
            return defaultPercent;
        }
        for (Period p : periods) {
            if (date == null ? p.until() == null : p.covers(date)) {
                return p.percent();
            }
        }
        return defaultPercent;
    }
}
