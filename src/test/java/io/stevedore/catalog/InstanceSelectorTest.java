package io.stevedore.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Selection with prices: the seed scenario, ordering, price protection and no-match explanations. */
class InstanceSelectorTest {
    private static InstanceSelector selector;

    @BeforeAll
    static void load() {
        selector = InstanceSelector.load();
    }

    /** The seed scenario's requirements (shared/scenarios/seed-scale-up.md). */
    static InstanceRequirements.Builder seed() {
        return InstanceRequirements.builder(ValueRange.of(2, 4), ValueRange.of(2048, 16384))
                .cpuManufacturers(Set.of(CpuManufacturer.AMAZON_WEB_SERVICES))
                .instanceGenerations(Set.of(InstanceGeneration.CURRENT, InstanceGeneration.PREVIOUS))
                .burstablePerformance(Inclusion.INCLUDED)
                .bareMetal(Inclusion.EXCLUDED);
    }

    private static Selection select(InstanceRequirements r, Architecture arch, PurchaseOption option) {
        return selector.select(new SelectionQuery(r, Optional.ofNullable(arch), "us-east-1", option));
    }

    private static List<String> names(Selection s) {
        return s.offerings().stream().map(o -> o.type().name()).toList();
    }

    @Test
    void select_seedRequirementsArm64_containsTheTypesTheRealServiceLaunched() {
        Selection s = select(seed().build(), Architecture.ARM64, PurchaseOption.ON_DEMAND);
        assertThat(names(s)).contains("t4g.small", "t4g.medium", "im4gn.large", "is4gen.large", "r6g.large");
        assertThat(s.offerings()).allSatisfy(o -> {
            assertThat(o.type().supports(Architecture.ARM64)).isTrue();
            assertThat(o.type().architectures()).doesNotContain(Architecture.X86_64);
            assertThat(o.type().bareMetal()).isFalse();
            assertThat(o.type().name()).doesNotEndWith(".metal");
        });
        assertThat(s.noMatchReason()).isEmpty();
    }

    @Test
    void select_seedWithoutBurstable_noT4g() {
        InstanceRequirements r = InstanceRequirements.builder(ValueRange.of(2, 4), ValueRange.of(2048, 16384))
                .cpuManufacturers(Set.of(CpuManufacturer.AMAZON_WEB_SERVICES)).build();
        Selection s = select(r, Architecture.ARM64, PurchaseOption.ON_DEMAND);
        assertThat(names(s)).isNotEmpty().noneMatch(n -> n.startsWith("t4g.")).contains("r6g.large", "im4gn.large");
    }

    @Test
    void select_sortedByEffectivePriceThenName_feeIncluded() {
        Selection s = select(seed().build(), Architecture.ARM64, PurchaseOption.ON_DEMAND);
        assertThat(s.offerings()).isSortedAccordingTo(PriceBook.CHEAPEST_FIRST);
        Offering first = s.offerings().get(0);
        assertThat(first.type().name()).isEqualTo("t4g.small");
        assertThat(first.effectivePerHour()).isEqualTo(first.pricePerHour() + first.feePerHour());
        assertThat(first.feePerHour()).isPositive();
    }

    @Test
    void select_priceProtectionOmitted_notAppliedButReportedAsEc2Default() {
        Selection s = select(seed().build(), Architecture.ARM64, PurchaseOption.ON_DEMAND);
        PriceProtection p = s.priceProtection().orElseThrow();
        assertThat(p.applied()).isFalse();
        assertThat(p.percent()).isEqualTo(20);
        assertThat(p.referenceType()).isEqualTo("c6g.large");
        assertThat(p.threshold()).isCloseTo(0.068 * 1.2, org.assertj.core.data.Offset.offset(1e-9));
        // the real service launched r6g.large/im4gn.large/is4gen.large, all above EC2's 20% threshold
        assertThat(names(s)).contains("r6g.large", "is4gen.large");
    }

    @Test
    void select_onDemandPriceProtectionSet_removesTypesAboveThreshold() {
        Selection s = select(seed().onDemandMaxPricePercentageOverLowestPrice(OptionalInt.of(20)).build(),
                Architecture.ARM64, PurchaseOption.ON_DEMAND);
        assertThat(s.priceProtection().orElseThrow().applied()).isTrue();
        assertThat(names(s)).contains("t4g.small", "c6g.large", "t4g.large")
                .doesNotContain("r6g.large", "im4gn.large", "is4gen.large");
        assertThat(s.offerings()).allMatch(o -> o.pricePerHour() <= 0.068 * 1.2 + 1e-9);
    }

    @Test
    void select_onDemandPriceProtectionZero_keepsOnlyTypesAtOrBelowReference() {
        Selection s = select(seed().onDemandMaxPricePercentageOverLowestPrice(OptionalInt.of(0)).build(),
                Architecture.ARM64, PurchaseOption.ON_DEMAND);
        assertThat(names(s)).containsExactly("t4g.small", "t4g.medium", "t4g.large", "c6g.large");
    }

    @Test
    void select_spotPriceProtectionOverLowestSpot_appliedToSpotEstimates() {
        Selection s = select(seed().spotMaxPricePercentageOverLowestPrice(OptionalInt.of(10)).build(),
                Architecture.ARM64, PurchaseOption.SPOT);
        PriceProtection p = s.priceProtection().orElseThrow();
        assertThat(p.field()).isEqualTo("spotMaxPricePercentageOverLowestPrice");
        assertThat(p.applied()).isTrue();
        assertThat(s.offerings()).isNotEmpty().allMatch(o -> o.pricePerHour() <= p.threshold() + 1e-9)
                .allMatch(o -> o.purchaseOption() == PurchaseOption.SPOT);
        assertThat(p.referencePrice()).isEqualTo(selector.prices().spotEstimate("us-east-1", p.referenceType()).orElseThrow());
    }

    @Test
    void select_maxSpotAsPercentOfOnDemand_thresholdFromOnDemandReference() {
        Selection s = select(seed().maxSpotPriceAsPercentageOfOptimalOnDemandPrice(OptionalInt.of(50)).build(),
                Architecture.ARM64, PurchaseOption.SPOT);
        PriceProtection p = s.priceProtection().orElseThrow();
        assertThat(p.referenceType()).isEqualTo("c6g.large");
        assertThat(p.threshold()).isCloseTo(0.034, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s.offerings()).allMatch(o -> o.pricePerHour() <= 0.034 + 1e-9);
        assertThat(names(s)).contains("t4g.small").doesNotContain("is4gen.large");
    }

    @Test
    void select_acceleratorNamesNoneLeft_explainsWhichRequirementRemovedTheLastCandidates() {
        Selection s = select(seed().acceleratorNames(Set.of("a100")).build(), Architecture.ARM64, PurchaseOption.ON_DEMAND);
        assertThat(s.isEmpty()).isTrue();
        assertThat(s.noMatchReason().orElseThrow()).startsWith("acceleratorNames [a100] excludes every one of the")
                .contains("vCpuCount {min: 2, max: 4}", "memoryMiB {min: 2048, max: 16384}", "cpuArchitecture ARM64");
        assertThat(s.noMatchMessage().orElseThrow()).startsWith(Selection.NO_MATCH_MESSAGE + ": acceleratorNames");
    }

    @Test
    void select_firstCriterionAlreadyEmpty_saysSoWithoutAfterList() {
        InstanceRequirements r = InstanceRequirements.builder(ValueRange.atLeast(100000), ValueRange.atLeast(0)).build();
        Selection s = select(r, null, PurchaseOption.ON_DEMAND);
        assertThat(s.noMatchReason().orElseThrow()).startsWith("vCpuCount {min: 100000} excludes every one of the")
                .contains("managedInstancesFamilies");
    }

    @Test
    void select_allowedOnlyUnsupportedFamily_hardFilterIsTheReason() {
        InstanceRequirements r = InstanceRequirements.builder(ValueRange.atLeast(0), ValueRange.atLeast(0))
                .allowedInstanceTypes(List.of("a1.*")).build();
        Selection s = select(r, null, PurchaseOption.ON_DEMAND);
        assertThat(s.noMatchReason().orElseThrow()).startsWith("allowedInstanceTypes [a1.*] excludes every one");
        assertThat(selector.rejection(selector.catalog().find("a1.large").orElseThrow(), s.query()))
                .contains("managedInstancesFamilies (supported families)");
    }

    @Test
    void rejection_matchingType_isEmpty() {
        SelectionQuery q = SelectionQuery.onDemand(seed().build(), Architecture.ARM64, "us-east-1");
        assertThat(selector.rejection(selector.catalog().find("t4g.small").orElseThrow(), q)).isEmpty();
        assertThat(selector.rejection(selector.catalog().find("c6i.large").orElseThrow(), q)).contains("cpuArchitecture ARM64");
    }

    @Test
    void select_typesWithoutPriceInRegion_reportedAsUnpricedNeverZero() {
        InstanceRequirements r = InstanceRequirements.builder(ValueRange.atLeast(0), ValueRange.atLeast(0))
                .allowedInstanceTypes(List.of("hpc7a.*", "c6g.large")).build();
        Selection s = select(r, null, PurchaseOption.ON_DEMAND);
        assertThat(s.unpriced()).extracting(InstanceType::name).contains("hpc7a.12xlarge");
        assertThat(names(s)).containsExactly("c6g.large");
        assertThat(s.offerings()).allMatch(o -> o.pricePerHour() > 0);
    }

    @Test
    void select_onlyUnpricedTypes_reasonNamesRegion() {
        InstanceRequirements r = InstanceRequirements.builder(ValueRange.atLeast(0), ValueRange.atLeast(0))
                .allowedInstanceTypes(List.of("hpc7a.*")).build();
        Selection s = select(r, null, PurchaseOption.ON_DEMAND);
        assertThat(s.isEmpty()).isTrue();
        assertThat(s.noMatchReason().orElseThrow()).isEqualTo("none of the 4 matching instance types (hpc7a.12xlarge, hpc7a.24xlarge, hpc7a.48xlarge,"
                        + " hpc7a.96xlarge) has an On-Demand price in us-east-1");
    }

    @Test
    void select_sameQueryTwice_identicalResult() {
        SelectionQuery q = SelectionQuery.onDemand(seed().build(), Architecture.ARM64, "us-east-1");
        assertThat(selector.select(q)).isEqualTo(selector.select(q));
    }

    @Test
    void reference_noCmrType_fallsBackToCheapestCurrentGeneration() {
        InstanceRequirements r = seed().allowedInstanceTypes(List.of("t4g.*", "im4gn.*")).build();
        Selection s = select(r, Architecture.ARM64, PurchaseOption.ON_DEMAND);
        assertThat(s.priceProtection().orElseThrow().referenceType()).isEqualTo("t4g.small");
    }
}
