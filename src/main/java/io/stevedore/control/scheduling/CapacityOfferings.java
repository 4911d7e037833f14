package io.stevedore.control.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.catalog.Inclusion;
import io.stevedore.catalog.InstanceCatalog;
import io.stevedore.catalog.InstanceRequirements;
import io.stevedore.catalog.InstanceSelector;
import io.stevedore.catalog.ManagedInstanceTypes;
import io.stevedore.catalog.Offering;
import io.stevedore.catalog.PriceBook;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.catalog.Selection;
import io.stevedore.catalog.SelectionQuery;
import io.stevedore.catalog.ValueRange;
import io.stevedore.ecs.InstanceRequirementsMapper;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ecs.model.InstanceRequirementsRequest;

/**
 * The priced offerings a Managed Instances capacity provider may launch: its {@code instanceRequirements} (ECS JSON
 * shape, validated by {@link InstanceRequirementsMapper}) run through {@link InstanceSelector} for a region and
 * capacity option. Both architectures are kept; the provisioner matches each task's architecture.
 */
public final class CapacityOfferings {
    private final InstanceSelector selector;

    public CapacityOfferings(InstanceSelector selector) {
        this.selector = selector;
    }

    public static CapacityOfferings load() {
        return new CapacityOfferings(InstanceSelector.load());
    }

    /**
     * Offerings over {@code catalog} with the embedded prices and Managed Instances rules, loaded on the first
     * {@code get()} (a server that never sees a Managed Instances provider never reads the price files).
     */
    public static Supplier<CapacityOfferings> lazy(InstanceCatalog catalog) {
        return new Supplier<>() {
            private CapacityOfferings value;

            @Override
            public synchronized CapacityOfferings get() {
                if (value == null) {
                    value = new CapacityOfferings(new InstanceSelector(catalog, PriceBook.load(),
                            ManagedInstanceTypes.load()));
                }
                return value;
            }
        };
    }

    public InstanceSelector selector() {
        return selector;
    }

    /** Selection for requirements given as ECS JSON; {@code null} = {@link #defaultProviderTypes}. */
    public Selection select(JsonNode requirements, String region, PurchaseOption option) {
        InstanceRequirements r = requirements == null ? defaultProviderTypes()
                : new InstanceRequirementsMapper().parse(requirements.toString());
        return select(r, region, option);
    }

    public List<Offering> offerings(JsonNode requirements, String region, PurchaseOption option) {
        return select(requirements, region, option).offerings();
    }

    /** Selection for a provider's requirements as the SDK holds them; {@code null} = {@link #defaultProviderTypes}. */
    public Selection select(InstanceRequirementsRequest requirements, String region, PurchaseOption option) {
        InstanceRequirements r = requirements == null ? defaultProviderTypes()
                : new InstanceRequirementsMapper().toDomain(requirements);
        return select(r, region, option);
    }

    /**
     * Every priced type the service's hard rules allow (burstable, bare metal and accelerated types included): the
     * widest choice, for benchmarks of the planner, not what a provider without requirements gets.
     */
    public List<Offering> everyType(String region, PurchaseOption option) {
        InstanceRequirements r = InstanceRequirements.builder(ValueRange.ANY, ValueRange.ANY)
                .burstablePerformance(Inclusion.INCLUDED).bareMetal(Inclusion.INCLUDED).build();
        return select(r, region, option).offerings();
    }

    private Selection select(InstanceRequirements r, String region, PurchaseOption option) {
        return selector.select(new SelectionQuery(r, Optional.empty(), region, option));
    }

    /**
     * No requirements: what the real default capacity provider picks, "the most cost-optimized general-purpose"
     * types that fit the task (Amazon ECS Developer Guide, Managed Instances:
     * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ManagedInstances.html): the general-purpose M
     * families, burstable (T) excluded as EC2's default for {@code burstablePerformance} has it, no bare metal and no
     * accelerators. The cost objective then chooses among them (docs/decisions.md "Providers without
     * instanceRequirements").
     */
    public static InstanceRequirements defaultProviderTypes() {
        return InstanceRequirements.builder(ValueRange.ANY, ValueRange.ANY).allowedInstanceTypes(List.of("m*"))
                .burstablePerformance(Inclusion.EXCLUDED).bareMetal(Inclusion.EXCLUDED)
                .acceleratorCount(ValueRange.of(0, 0)).build();
    }
}
