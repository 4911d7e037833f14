package io.stevedore.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.catalog.InstanceCatalog;
import io.stevedore.catalog.InstanceType;
import io.stevedore.catalog.Offering;
import io.stevedore.catalog.PurchaseOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Real catalog types with real us-east-1 On-Demand prices; fee = 12% of On-Demand (fact sheet §6.1). */
final class TestOfferings {
    static final InstanceCatalog CATALOG = InstanceCatalog.load();
    private static final JsonNode PRICES = prices();

    private TestOfferings() {
    }

    private static JsonNode prices() {
        try (InputStream in = TestOfferings.class.getClassLoader()
                .getResourceAsStream("stevedore/catalog/prices-on-demand.json")) {
            return new ObjectMapper().readTree(in).get("regions").get("us-east-1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Priced types MI may launch (more than 1 vCPU, no nano/micro) that match {@code filter}. */
    static List<Offering> where(Predicate<InstanceType> filter) {
        List<Offering> out = new ArrayList<>();
        for (InstanceType t : CATALOG.all()) {
            JsonNode p = PRICES.get(t.name());
            boolean mi = t.vcpus() > 1 && !t.size().equals("nano") && !t.size().equals("micro");
            if (p != null && p.asDouble() > 0 && mi && filter.test(t)) {
                out.add(new Offering(t, "us-east-1", PurchaseOption.ON_DEMAND, p.asDouble(), p.asDouble() * 0.12));
            }
        }
        return out;
    }

    static List<Offering> named(String... names) {
        List<String> wanted = List.of(names);
        return where(t -> wanted.contains(t.name()));
    }

    /** The seed scale-up requirements: Graviton, 2–4 vCPU, 2–16 GiB, burstable included, no bare metal. */
    static List<Offering> seed() {
        return where(t -> t.cpuManufacturer().wireName().equals("amazon-web-services") && t.vcpus() >= 2
                && t.vcpus() <= 4 && t.memoryMiB() >= 2048 && t.memoryMiB() <= 16384 && !t.bareMetal());
    }
}
