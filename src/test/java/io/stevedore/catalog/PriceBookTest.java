package io.stevedore.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The price book over a small fixture (method rules) and over the embedded data (coverage against the source). */
class PriceBookTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PriceBook fixture;
    private static PriceBook embedded;
    private static InstanceCatalog catalog;

    @BeforeAll
    static void load() throws IOException {
        fixture = PriceBook.of(
                JSON.readTree("{\"regions\":{\"us-east-1\":{\"c5.large\":0.085,\"c6a.2xlarge\":0.306,"
                        + "\"g5.xlarge\":1.006,\"m6g.large\":0.077,\"zz9.large\":0.1},\"eu-west-1\":{\"c5.large\":0.096}}}"),
                JSON.readTree("{\"defaultDiscount\":0.5,\"familyDiscounts\":{\"m6g\":0.6},\"categoryDiscounts\":{\"c\":0.7},"
                        + "\"perType\":{\"us-east-1\":{\"c5.large\":[80,1]}}}"),
                JSON.readTree("{\"default\":{\"percentOfOnDemand\":12.0},\"overrides\":{\"families\":{\"g5\":["
                        + "{\"percentOfOnDemand\":12.0,\"until\":\"2026-07-01\"},"
                        + "{\"percentOfOnDemand\":7.8,\"effective\":\"2026-07-01\"}]}},"
                        + "\"knownPoints\":[{\"instanceType\":\"c6a.2xlarge\",\"region\":\"us-east-1\",\"usdPerHour\":0.037}]}"),
                JSON.readTree("{\"ephemeralStorage\":{\"includedGiB\":20},\"fargateSpot\":{\"estimateDiscount\":{\"value\":0.7}},"
                        + "\"regions\":{\"us-east-1\":{\"linuxX86\":{\"vcpuHour\":{\"value\":0.04048},\"gbHour\":{\"value\":0.004445}},"
                        + "\"linuxArm\":{\"vcpuHour\":{\"value\":0.03238},\"gbHour\":{\"value\":null}}}}}"));
        embedded = PriceBook.load();
        catalog = InstanceCatalog.load();
    }

    @Test
    void onDemand_typeWithoutPriceInRegion_isEmptyNeverZero() {
        assertThat(fixture.onDemand("us-east-1", "c5.large")).hasValue(0.085);
        assertThat(fixture.onDemand("eu-west-1", "m6g.large")).isEmpty();
        assertThat(fixture.onDemand("xx-nowhere-1", "c5.large")).isEmpty();
        assertThat(fixture.spotEstimate("eu-west-1", "m6g.large")).isEmpty();
        assertThat(fixture.managementFee("eu-west-1", "m6g.large")).isEmpty();
    }

    @ParameterizedTest(name = "{0} in {1}: discount from {3}")
    @CsvSource({
            "c5.large,  us-east-1, 0.017,   per-type savings (80%)",
            "c5.large,  eu-west-1, 0.0288,  category c (70%) when the region has no per-type entry",
            "m6g.large, us-east-1, 0.0308,  family m6g (60%)",
            "zz9.large, us-east-1, 0.05,    default (50%)"})
    void spotEstimate_discountOrder_typeThenFamilyThenCategoryThenDefault(String type, String region, double expected,
                                                                          String rule) {
        assertThat(fixture.spotEstimate(region, type).orElseThrow()).isCloseTo(expected, within(1e-9));
    }

    @Test
    void managementFee_knownPointWins_elseDatedFamilyPercent_elseDefault() {
        assertThat(fixture.managementFee("us-east-1", "c6a.2xlarge")).hasValue(0.037);
        assertThat(fixture.managementFee("us-east-1", "c5.large").orElseThrow()).isCloseTo(0.085 * 0.12, within(1e-12));
        assertThat(fixture.managementFee("us-east-1", "g5.xlarge").orElseThrow()).isCloseTo(1.006 * 0.078, within(1e-12));
        assertThat(fixture.withFeeDate(LocalDate.of(2026, 6, 30)).managementFee("us-east-1", "g5.xlarge").orElseThrow())
                .isCloseTo(1.006 * 0.12, within(1e-12));
        assertThat(fixture.withFeeDate(LocalDate.of(2026, 7, 1)).managementFee("us-east-1", "g5.xlarge").orElseThrow())
                .isCloseTo(1.006 * 0.078, within(1e-12));
    }

    @Test
    void offering_spotForTypeNotSoldAsSpot_none() {
        InstanceType c5 = catalog.find("c5.large").orElseThrow();
        InstanceType onDemandOnly = new InstanceType(c5.name(), c5.vcpus(), c5.memoryMiB(), c5.architectures(),
                c5.cpuManufacturer(), c5.currentGeneration(), c5.burstable(), c5.bareMetal(), c5.nitro(),
                c5.maxNetworkInterfaces(), c5.ipv4PerInterface(), c5.baselineNetworkGbps(), c5.peakNetworkGbps(),
                c5.baselineEbsMbps(), c5.localStorageGB(), c5.localStorageTypes(), c5.accelerators(), c5.hibernation(),
                java.util.Set.of("on-demand"), c5.trunking());
        assertThat(fixture.offering(onDemandOnly, "us-east-1", PurchaseOption.SPOT)).isEmpty();
        assertThat(fixture.offering(onDemandOnly, "us-east-1", PurchaseOption.ON_DEMAND)).isPresent();
        Offering spot = fixture.offering(c5, "us-east-1", PurchaseOption.SPOT).orElseThrow();
        assertThat(spot.pricePerHour()).isCloseTo(0.017, within(1e-9));
        assertThat(spot.feePerHour()).as("the fee stays based on On-Demand").isCloseTo(0.0102, within(1e-9));
    }

    @Test
    void offerings_cheapestEffectiveFirstTiesByName() {
        List<Offering> all = fixture.offerings(catalog, "us-east-1", PurchaseOption.ON_DEMAND);
        assertThat(all).extracting(o -> o.type().name()).containsExactly("m6g.large", "c5.large", "c6a.2xlarge", "g5.xlarge");
    }

    @Test
    void fargate_ratesPerRegion_missingValueIsEmpty() {
        FargateRates r = fixture.fargate("us-east-1").orElseThrow();
        assertThat(r.x86VcpuHour()).hasValue(0.04048);
        assertThat(r.armGbHour()).isEmpty();
        assertThat(r.taskHour(Architecture.X86_64, 1, 2).orElseThrow()).isCloseTo(0.04048 + 2 * 0.004445, within(1e-12));
        assertThat(r.taskHour(Architecture.ARM64, 1, 2)).isEmpty();
        assertThat(r.spotDiscountEstimate()).isEqualTo(0.7);
        assertThat(fixture.fargate("eu-west-1")).isEmpty();
    }

    // ---- the embedded data ------------------------------------------------------------------------------------

    @Test
    void embedded_everyUsEast1PriceOfTheSharedSourceIsInThePriceBook() throws IOException {
        Map<String, Double> source = sharedUsEast1Prices();
        assertThat(source).hasSizeGreaterThan(1000);
        List<String> wrong = new ArrayList<>();
        source.forEach((type, price) -> {
            if (embedded.onDemand("us-east-1", type).orElse(-1) != price) {
                wrong.add(type + " expected " + price + " got " + embedded.onDemand("us-east-1", type));
            }
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void embedded_currentGenerationTypesPricedInUsEast1_above95Percent() {
        List<InstanceType> current = catalog.all().stream().filter(InstanceType::currentGeneration).toList();
        long priced = current.stream().filter(t -> embedded.onDemand("us-east-1", t.name()).isPresent()).count();
        double percent = 100.0 * priced / current.size();
        System.out.printf("priced current-generation types in us-east-1: %d of %d (%.1f%%)%n", priced, current.size(), percent);
        assertThat(percent).isGreaterThan(95.0);
    }

    @Test
    void embedded_threeRequiredRegions_feeAndSpotAndFargate() {
        for (String region : List.of("us-east-1", "us-west-2", "eu-west-1")) {
            assertThat(embedded.onDemand(region, "c6g.large")).as(region).isPresent();
            assertThat(embedded.spotEstimate(region, "c6g.large").orElseThrow())
                    .isLessThan(embedded.onDemand(region, "c6g.large").orElseThrow());
            assertThat(embedded.managementFee(region, "c6g.large").orElseThrow()).isPositive();
        }
        assertThat(embedded.managementFee("us-east-1", "c6a.2xlarge")).hasValue(0.037);
        assertThat(embedded.fargate("us-east-1").orElseThrow().x86VcpuHour()).hasValue(0.04048);
        assertThat(embedded.regions()).contains("us-east-1", "us-west-2", "eu-west-1");
    }

    /** shared/data/prices-us-east-1.json: CI sees shared/ at ../shared; this machine also has /work/shared. */
    private static Map<String, Double> sharedUsEast1Prices() throws IOException {
        Path file = Stream.of(Path.of("../shared/data/prices-us-east-1.json"), Path.of("/work/shared/data/prices-us-east-1.json"))
                .filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new AssertionError("shared/data/prices-us-east-1.json not found (../shared or /work/shared)"));
        JsonNode doc = JSON.readTree(file.toFile());
        Map<String, Double> out = new java.util.TreeMap<>();
        doc.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
        return out;
    }
}
