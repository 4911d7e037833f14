package io.stevedore.provisioning;

import io.stevedore.catalog.CpuManufacturer;
import io.stevedore.catalog.Inclusion;
import io.stevedore.catalog.InstanceCatalog;
import io.stevedore.catalog.InstanceGeneration;
import io.stevedore.catalog.InstanceRequirements;
import io.stevedore.catalog.InstanceSelector;
import io.stevedore.catalog.InstanceType;
import io.stevedore.catalog.Offering;
import io.stevedore.catalog.PriceBook;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.catalog.SelectionQuery;
import io.stevedore.catalog.ValueRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** Real catalog types with real us-east-1 On-Demand prices and management fees from the price book. */
final class TestOfferings {
    static final InstanceCatalog CATALOG = InstanceCatalog.load();
    static final PriceBook PRICES = PriceBook.load();
    static final InstanceSelector SELECTOR = InstanceSelector.load();

    private TestOfferings() {
    }

    /** Priced types that match {@code filter}, with MI's hard rules (more than 1 vCPU, no nano/micro). */
    static List<Offering> where(Predicate<InstanceType> filter) {
        List<Offering> out = new ArrayList<>();
        for (InstanceType t : CATALOG.all()) {
            boolean mi = t.vcpus() > 1 && !t.size().equals("nano") && !t.size().equals("micro");
            if (mi && filter.test(t)) {
                PRICES.offering(t, "us-east-1", PurchaseOption.ON_DEMAND).ifPresent(out::add);
            }
        }
        return out;
    }

    static List<Offering> named(String... names) {
        List<String> wanted = List.of(names);
        return where(t -> wanted.contains(t.name()));
    }

    /**
     * The seed scale-up provider (shared/scenarios/seed-scale-up.md) through the instance selector: Graviton,
     * 2–4 vCPU, 2–16 GiB, current and previous generations, burstable included, no bare metal.
     */
    static List<Offering> seed() {
        InstanceRequirements r = InstanceRequirements.builder(ValueRange.of(2, 4), ValueRange.of(2048, 16384))
                .cpuManufacturers(Set.of(CpuManufacturer.AMAZON_WEB_SERVICES))
                .instanceGenerations(Set.of(InstanceGeneration.CURRENT, InstanceGeneration.PREVIOUS))
                .burstablePerformance(Inclusion.INCLUDED).bareMetal(Inclusion.EXCLUDED).build();
        return SELECTOR.select(new SelectionQuery(r, Optional.empty(), "us-east-1", PurchaseOption.ON_DEMAND))
                .offerings();
    }
}
