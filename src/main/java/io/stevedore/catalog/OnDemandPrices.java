package io.stevedore.catalog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * On-Demand prices ({@code {"regions": {"us-east-1": {"c5.large": 0.085, …}, …}}}), read one region at a time: a
 * region's prices are streamed out of the resource on first use and the other regions are skipped, so a command
 * about one region never builds the other thirty. Thread-safe.
 */
final class OnDemandPrices {
    private final String resource;
    private final JsonNode tree;
    private final Map<String, Map<String, Double>> byRegion = new ConcurrentHashMap<>();
    /** All region names, computed on the first unknown region (so unknown names never grow the cache). */
    private volatile Set<String> names;

    private OnDemandPrices(String resource, JsonNode tree) {
        this.resource = resource;
        this.tree = tree;
    }

    static OnDemandPrices fromResource(String resource) {
        return new OnDemandPrices(resource, null);
    }

    static OnDemandPrices fromTree(JsonNode doc) {
        return new OnDemandPrices(null, doc);
    }

    /** Type → USD per hour in the region; empty for an unknown region. Only regions with prices are cached. */
    Map<String, Double> region(String region) {
        Map<String, Double> cached = byRegion.get(region);
        if (cached != null) {
            return cached;
        }
        Set<String> known = names;
        if (known != null && !known.contains(region)) {
            return Map.of();
        }
        Map<String, Double> loaded = load(region);
        if (loaded.isEmpty()) {
            regions();
            return loaded;
        }
        Map<String, Double> previous = byRegion.putIfAbsent(region, loaded);
        return previous == null ? loaded : previous;
    }

    /** Region names, sorted; one pass over the resource on first call. */
    Set<String> regions() {
        Set<String> known = names;
        if (known == null) {
            Set<String> found = new TreeSet<>();
            if (tree != null) {
                tree.path("regions").fieldNames().forEachRemaining(found::add);
            } else {
                stream(name -> {
                    found.add(name);
                    return false;
                }, new HashMap<>());
            }
            known = Collections.unmodifiableSet(found);
            names = known;
        }
        return known;
    }

    private Map<String, Double> load(String region) {
        Map<String, Double> prices = new HashMap<>();
        if (tree != null) {
            tree.path("regions").path(region).fields().forEachRemaining(p -> put(prices, p.getKey(), p.getValue().isNumber()
                    ? p.getValue().doubleValue() : Double.NaN));
        } else {
            stream(region::equals, prices);
        }
        return Map.copyOf(prices);
    }

    private static void put(Map<String, Double> prices, String type, double price) {
        if (price > 0) {
            prices.put(type, price);
        }
    }

    /** Streams the resource; reads the prices of the regions {@code wanted} accepts into {@code into}, skips the rest. */
    private void stream(Predicate<String> wanted, Map<String, Double> into) {
        try (InputStream in = OnDemandPrices.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            try (JsonParser p = new JsonFactory().createParser(in)) {
                expect(p.nextToken(), JsonToken.START_OBJECT);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    if ("regions".equals(field)) {
                        readRegions(p, wanted, into);
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static void readRegions(JsonParser p, Predicate<String> wanted, Map<String, Double> into) throws IOException {
        expect(p.currentToken(), JsonToken.START_OBJECT);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String region = p.currentName();
            p.nextToken();
            if (!wanted.test(region)) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String type = p.currentName();
                JsonToken value = p.nextToken();
                if (value.isNumeric()) {
                    put(into, type, p.getDoubleValue());
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("on-demand prices: expected " + expected + " but found " + actual);
        }
    }
}
