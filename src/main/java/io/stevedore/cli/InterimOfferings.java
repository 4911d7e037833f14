package io.stevedore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.catalog.CpuManufacturer;
import io.stevedore.catalog.InstanceCatalog;
import io.stevedore.catalog.InstanceType;
import io.stevedore.catalog.Offering;
import io.stevedore.catalog.PurchaseOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * INTERIM, the single place to swap for {@code catalog.InstanceSelector} + {@code PriceBook} once they land:
 * turns a capacity provider's {@code instanceRequirements} (ECS JSON shape) into priced On-Demand offerings.
 * Applies Managed Instances' hard rules (more than 1 vCPU, never nano/micro) and a subset of the attributes
 * (vCpuCount, memoryMiB, cpuManufacturers, instanceGenerations, burstablePerformance, bareMetal,
 * allowedInstanceTypes, excludedInstanceTypes, acceleratorCount); the fee is the inferred 12% of On-Demand.
 */
public final class InterimOfferings {
    static final String PRICES = "stevedore/catalog/prices-on-demand.json";
    static final double FEE_PERCENT = 12.0;
    private final InstanceCatalog catalog;
    private final JsonNode prices;

    public InterimOfferings(InstanceCatalog catalog) {
        this.catalog = catalog;
        try (InputStream in = InterimOfferings.class.getClassLoader().getResourceAsStream(PRICES)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + PRICES);
            }
            this.prices = new ObjectMapper().readTree(in).get("regions");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Set<String> regions() {
        Set<String> r = new java.util.TreeSet<>();
        prices.fieldNames().forEachRemaining(r::add);
        return r;
    }

    /** Every priced type of the region that MI may launch and that matches {@code requirements} (null = any). */
    public List<Offering> offerings(String region, JsonNode requirements) {
        JsonNode regionPrices = prices.get(region);
        if (regionPrices == null) {
            throw new IllegalArgumentException("no prices for region " + region + "; known: " + regions());
        }
        List<Offering> out = new ArrayList<>();
        for (InstanceType t : catalog.all()) {
            JsonNode p = regionPrices.get(t.name());
            if (p == null || !p.isNumber() || p.asDouble() <= 0 || !managedInstancesAllows(t)) {
                continue;
            }
            if (requirements == null || matches(t, requirements)) {
                double price = p.asDouble();
                out.add(new Offering(t, region, PurchaseOption.ON_DEMAND, price, price * FEE_PERCENT / 100));
            }
        }
        return out;
    }

    static boolean managedInstancesAllows(InstanceType t) {
        String size = t.size();
        return t.vcpus() > 1 && !size.equals("nano") && !size.equals("micro");
    }

    static boolean matches(InstanceType t, JsonNode r) {
        if (!range(r.get("vCpuCount"), t.vcpus()) || !range(r.get("memoryMiB"), t.memoryMiB())
                || !range(r.get("acceleratorCount"), t.gpus())) {
            return false;
        }
        JsonNode makers = r.get("cpuManufacturers");
        if (makers != null && makers.size() > 0 && !contains(makers, wire(t.cpuManufacturer()))) {
            return false;
        }
        JsonNode gens = r.get("instanceGenerations");
        if (gens != null && gens.size() > 0 && !contains(gens, t.currentGeneration() ? "current" : "previous")) {
            return false;
        }
        if (!tri(r.path("burstablePerformance").asText("excluded"), t.burstable())
                || !tri(r.path("bareMetal").asText("excluded"), t.bareMetal())) {
            return false;
        }
        JsonNode allowed = r.get("allowedInstanceTypes");
        if (allowed != null && allowed.size() > 0 && !anyGlob(allowed, t.name())) {
            return false;
        }
        JsonNode excluded = r.get("excludedInstanceTypes");
        return excluded == null || !anyGlob(excluded, t.name());
    }

    private static String wire(CpuManufacturer m) {
        return m.wireName();
    }

    private static boolean range(JsonNode n, long v) {
        if (n == null) {
            return true;
        }
        return (!n.has("min") || v >= n.get("min").asDouble()) && (!n.has("max") || v <= n.get("max").asDouble());
    }

    private static boolean contains(JsonNode array, String v) {
        for (JsonNode e : array) {
            if (e.asText().equalsIgnoreCase(v)) {
                return true;
            }
        }
        return false;
    }

    private static boolean tri(String mode, boolean has) {
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "required" -> has;
            case "included" -> true;
            default -> !has;
        };
    }

    private static boolean anyGlob(JsonNode patterns, String name) {
        Set<String> seen = new HashSet<>();
        for (JsonNode p : patterns) {
            String g = p.asText();
            if (seen.add(g) && name.matches(g.replace(".", "\\.").replace("*", ".*"))) {
                return true;
            }
        }
        return false;
    }
}
