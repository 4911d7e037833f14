package io.stevedore.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per requirement field (and per default): the field set as shown keeps {@code kept} and removes
 * {@code removed}, where {@code removed} matches the same requirements without that setting (so every row proves
 * that the field itself did the removing).
 */
class InstanceSelectorFieldsTest {
    private static InstanceSelector selector;

    @BeforeAll
    static void load() {
        selector = InstanceSelector.load();
    }

    private static InstanceRequirements.Builder base() {
        return InstanceRequirements.builder(ValueRange.atLeast(0), ValueRange.atLeast(0));
    }

    static Stream<Arguments> fields() {
        return Stream.of(
                row("vCpuCount range is inclusive at max", b -> b.vCpuCount(ValueRange.of(2, 4)), "c6g.xlarge", "c6g.2xlarge"),
                row("vCpuCount range is inclusive at min", b -> b.vCpuCount(ValueRange.of(4, 8)), "c6g.xlarge", "c6g.large"),
                row("memoryMiB exact", b -> b.memoryMiB(ValueRange.of(4096, 4096)), "c6g.large", "m6g.large"),
                row("cpuManufacturers one value", b -> b.cpuManufacturers(Set.of(CpuManufacturer.AMD)), "c6a.large", "c6i.large"),
                row("cpuManufacturers values OR", b -> b.cpuManufacturers(Set.of(CpuManufacturer.AMD, CpuManufacturer.INTEL)),
                        "c6i.large", "c6g.large"),
                row("memoryGiBPerVCpu min inclusive", b -> b.memoryGiBPerVCpu(ValueRange.atLeast(8)), "r6g.large", "m6g.large"),
                row("excludedInstanceTypes wildcard", b -> b.excludedInstanceTypes(List.of("c6*.*")), "c7g.large", "c6g.large"),
                row("excludedInstanceTypes family without dot", b -> b.excludedInstanceTypes(List.of("r6g")), "r6gd.large", "r6g.large"),
                row("allowedInstanceTypes exact and family wildcard",
                        b -> b.allowedInstanceTypes(List.of("m6i.xlarge", "c6i.*")), "c6i.large", "m6i.large"),
                row("allowedInstanceTypes leading wildcard", b -> b.allowedInstanceTypes(List.of("*g.large")), "c6g.large", "c6i.large"),
                row("instanceGenerations current", b -> b.instanceGenerations(Set.of(InstanceGeneration.CURRENT)), "c6g.large", "c5.large"),
                row("instanceGenerations previous", b -> b.instanceGenerations(Set.of(InstanceGeneration.PREVIOUS)), "c5.large", "c6g.large"),
                row("bareMetal required", b -> b.bareMetal(Inclusion.INCLUDED), b -> b.bareMetal(Inclusion.REQUIRED),
                        "c6g.metal", "c6g.large"),
                row("bareMetal excluded (explicit)", b -> b.bareMetal(Inclusion.INCLUDED),
                        b -> b.bareMetal(Inclusion.EXCLUDED), "c6g.large", "c6g.metal"),
                row("burstablePerformance required", b -> b.burstablePerformance(Inclusion.INCLUDED),
                        b -> b.burstablePerformance(Inclusion.REQUIRED), "t3.large", "c6g.large"),
                row("burstablePerformance excluded (explicit)", b -> b.burstablePerformance(Inclusion.INCLUDED),
                        b -> b.burstablePerformance(Inclusion.EXCLUDED), "c6g.large", "t3.large"),
                row("requireHibernateSupport", b -> b.requireHibernateSupport(true), "c6g.large", "g5.xlarge"),
                row("networkInterfaceCount min", b -> b.networkInterfaceCount(ValueRange.atLeast(8)), "c6g.4xlarge", "c6g.large"),
                row("localStorage excluded", b -> b.localStorage(Inclusion.EXCLUDED), "c6g.large", "c6gd.large"),
                row("localStorage required", b -> b.localStorage(Inclusion.REQUIRED), "c6gd.large", "c6g.large"),
                row("localStorageTypes hdd keeps types without storage", b -> b.localStorageTypes(Set.of("hdd")),
                        "c6g.large", "c6gd.large"),
                row("localStorageTypes hdd keeps hdd types", b -> b.localStorageTypes(Set.of("hdd")), "d3.xlarge", "i3.2xlarge"),
                row("totalLocalStorageGB min", b -> b.totalLocalStorageGB(ValueRange.atLeast(1000)), "i3.2xlarge", "c6gd.large"),
                row("baselineEbsBandwidthMbps min", b -> b.baselineEbsBandwidthMbps(ValueRange.atLeast(1000)), "c6in.large", "c6g.large"),
                row("acceleratorTypes gpu", b -> b.acceleratorTypes(Set.of(AcceleratorType.GPU)), "g5.xlarge", "inf1.xlarge"),
                row("acceleratorTypes inference", b -> b.acceleratorTypes(Set.of(AcceleratorType.INFERENCE)), "inf1.xlarge", "c6g.large"),
                row("acceleratorCount max 0 excludes accelerated types", b -> b.acceleratorCount(ValueRange.atMost(0)),
                        "c6g.large", "g5.xlarge"),
                row("acceleratorCount min", b -> b.acceleratorCount(ValueRange.atLeast(4)), "g5.12xlarge", "g5.xlarge"),
                row("acceleratorManufacturers", b -> b.acceleratorManufacturers(Set.of("amd")), "g4ad.xlarge", "g5.xlarge"),
                row("acceleratorNames", b -> b.acceleratorNames(Set.of("a10g")), "g5.xlarge", "g4dn.xlarge"),
                row("acceleratorTotalMemoryMiB min", b -> b.acceleratorTotalMemoryMiB(ValueRange.atLeast(20000)),
                        "g5.xlarge", "g4dn.xlarge"),
                row("networkBandwidthGbps min (baseline)", b -> b.networkBandwidthGbps(ValueRange.atLeast(3)), "c6in.large", "c6g.large"));
    }

    private static Arguments row(String name, UnaryOperator<InstanceRequirements.Builder> field, String kept, String removed) {
        return row(name, UnaryOperator.identity(), field, kept, removed);
    }

    /** A row whose baseline first applies {@code baseline} (e.g. to include metal types before requiring them). */
    private static Arguments row(String name, UnaryOperator<InstanceRequirements.Builder> baseline,
                                 UnaryOperator<InstanceRequirements.Builder> field, String kept, String removed) {
        return Arguments.of(name, baseline, field, kept, removed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fields")
    void matching_oneFieldSet_keepsAndRemovesAsEc2(String name, UnaryOperator<InstanceRequirements.Builder> baseline,
                                                   UnaryOperator<InstanceRequirements.Builder> field,
                                                   String kept, String removed) {
        List<String> without = names(baseline.apply(base()).build(), Optional.empty());
        List<String> with = names(field.apply(baseline.apply(base())).build(), Optional.empty());
        assertThat(without).as("precondition: both types match without the field").contains(kept, removed);
        assertThat(with).contains(kept).doesNotContain(removed);
    }

    static Stream<Arguments> defaults() {
        return Stream.of(
                Arguments.of("bareMetal defaults to excluded", (UnaryOperator<InstanceRequirements.Builder>)
                        b -> b.bareMetal(Inclusion.INCLUDED), "c6g.metal"),
                Arguments.of("burstablePerformance defaults to excluded", (UnaryOperator<InstanceRequirements.Builder>)
                        b -> b.burstablePerformance(Inclusion.INCLUDED), "t3.large"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defaults")
    void matching_default_excludesUntilIncluded(String name, UnaryOperator<InstanceRequirements.Builder> include,
                                                String type) {
        assertThat(names(base().build(), Optional.empty())).doesNotContain(type);
        assertThat(names(include.apply(base()).build(), Optional.empty())).contains(type);
    }

    @Test
    void matching_defaults_includeLocalStorageBothGenerationsAndAccelerators() {
        InstanceRequirements r = base().build();
        assertThat(r.localStorage()).isEqualTo(Inclusion.INCLUDED);
        assertThat(r.instanceGenerations()).containsExactlyInAnyOrder(InstanceGeneration.values());
        assertThat(r.localStorageTypes()).containsExactlyInAnyOrder("hdd", "ssd");
        assertThat(r.onDemandMaxPricePercentageOverLowestPrice()).isEmpty();
        assertThat(names(r, Optional.empty())).contains("c6gd.large", "c5.large", "c6g.large", "g5.xlarge", "d3.xlarge");
    }

    @Test
    void matching_architecture_arm64KeepsGravitonOnly() {
        List<String> arm = names(base().build(), Optional.of(Architecture.ARM64));
        assertThat(arm).contains("c6g.large").doesNotContain("c6i.large", "c6a.large");
        assertThat(names(base().build(), Optional.of(Architecture.X86_64))).contains("c6i.large").doesNotContain("c6g.large");
    }

    @Test
    void matching_hardFilters_noSingleVcpuNanoMicroOrUnsupportedFamily() {
        InstanceRequirements anything = base().burstablePerformance(Inclusion.INCLUDED).bareMetal(Inclusion.INCLUDED).build();
        List<InstanceType> types = selector.matching(anything, Optional.empty());
        assertThat(types).allMatch(t -> t.vcpus() > 1)
                .noneMatch(t -> t.size().equals("nano") || t.size().equals("micro"));
        assertThat(types).extracting(InstanceType::name)
                .doesNotContain("c6g.medium", "t3.micro", "t3.nano", "a1.large", "mac2.metal", "m4.large", "t2.large")
                .contains("t3.small", "t4g.small", "u-6tb1.112xlarge", "z1d.large", "p5.48xlarge", "hpc7g.4xlarge");
    }

    private static List<String> names(InstanceRequirements r, Optional<Architecture> arch) {
        return selector.matching(r, arch).stream().map(InstanceType::name).toList();
    }

    @Test
    void priceProtectionFields_unsetByDefault() {
        InstanceRequirements r = base().build();
        assertThat(r.spotMaxPricePercentageOverLowestPrice()).isEqualTo(OptionalInt.empty());
        assertThat(r.maxSpotPriceAsPercentageOfOptimalOnDemandPrice()).isEqualTo(OptionalInt.empty());
    }
}
