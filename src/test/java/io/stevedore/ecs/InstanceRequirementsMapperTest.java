package io.stevedore.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.catalog.AcceleratorType;
import io.stevedore.catalog.CpuManufacturer;
import io.stevedore.catalog.Inclusion;
import io.stevedore.catalog.InstanceGeneration;
import io.stevedore.catalog.InstanceRequirements;
import io.stevedore.catalog.ValueRange;
import io.stevedore.wire.AwsException;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InstanceRequirementsMapperTest {
    private static final String REQUIRED = "\"vCpuCount\":{\"min\":2,\"max\":4},\"memoryMiB\":{\"min\":2048}";
    private final InstanceRequirementsMapper mapper = new InstanceRequirementsMapper();

    private InstanceRequirements parse(String extra) {
        return mapper.parse("{" + REQUIRED + (extra.isEmpty() ? "" : "," + extra) + "}");
    }

    static Stream<Arguments> fields() {
        return Stream.of(
                field("\"cpuManufacturers\":[\"intel\",\"amazon-web-services\"]", InstanceRequirements::cpuManufacturers,
                        java.util.Set.of(CpuManufacturer.INTEL, CpuManufacturer.AMAZON_WEB_SERVICES)),
                field("\"memoryGiBPerVCpu\":{\"min\":2.5,\"max\":8}", InstanceRequirements::memoryGiBPerVCpu, ValueRange.of(2.5, 8)),
                field("\"excludedInstanceTypes\":[\"c5*.*\",\"m6i.large\"]", InstanceRequirements::excludedInstanceTypes,
                        List.of("c5*.*", "m6i.large")),
                field("\"allowedInstanceTypes\":[\"m6*.*\",\"g5\"]", InstanceRequirements::allowedInstanceTypes, List.of("m6*.*", "g5")),
                field("\"instanceGenerations\":[\"current\"]", InstanceRequirements::instanceGenerations,
                        java.util.Set.of(InstanceGeneration.CURRENT)),
                field("\"spotMaxPricePercentageOverLowestPrice\":30", InstanceRequirements::spotMaxPricePercentageOverLowestPrice,
                        OptionalInt.of(30)),
                field("\"onDemandMaxPricePercentageOverLowestPrice\":20",
                        InstanceRequirements::onDemandMaxPricePercentageOverLowestPrice, OptionalInt.of(20)),
                field("\"maxSpotPriceAsPercentageOfOptimalOnDemandPrice\":60",
                        InstanceRequirements::maxSpotPriceAsPercentageOfOptimalOnDemandPrice, OptionalInt.of(60)),
                field("\"bareMetal\":\"required\"", InstanceRequirements::bareMetal, Inclusion.REQUIRED),
                field("\"burstablePerformance\":\"included\"", InstanceRequirements::burstablePerformance, Inclusion.INCLUDED),
                field("\"requireHibernateSupport\":true", InstanceRequirements::requireHibernateSupport, true),
                field("\"networkInterfaceCount\":{\"min\":2,\"max\":8}", InstanceRequirements::networkInterfaceCount,
                        ValueRange.of(2, 8)),
                field("\"localStorage\":\"excluded\"", InstanceRequirements::localStorage, Inclusion.EXCLUDED),
                field("\"localStorageTypes\":[\"ssd\"]", InstanceRequirements::localStorageTypes, java.util.Set.of("ssd")),
                field("\"totalLocalStorageGB\":{\"min\":100.5}", InstanceRequirements::totalLocalStorageGB,
                        ValueRange.atLeast(100.5)),
                field("\"baselineEbsBandwidthMbps\":{\"max\":5000}", InstanceRequirements::baselineEbsBandwidthMbps,
                        ValueRange.atMost(5000)),
                field("\"acceleratorTypes\":[\"gpu\",\"inference\"]", InstanceRequirements::acceleratorTypes,
                        java.util.Set.of(AcceleratorType.GPU, AcceleratorType.INFERENCE)),
                field("\"acceleratorCount\":{\"max\":0}", InstanceRequirements::acceleratorCount, ValueRange.atMost(0)),
                field("\"acceleratorManufacturers\":[\"nvidia\"]", InstanceRequirements::acceleratorManufacturers,
                        java.util.Set.of("nvidia")),
                field("\"acceleratorNames\":[\"a10g\",\"t4\"]", InstanceRequirements::acceleratorNames, java.util.Set.of("a10g", "t4")),
                field("\"acceleratorTotalMemoryMiB\":{\"min\":16384}", InstanceRequirements::acceleratorTotalMemoryMiB,
                        ValueRange.atLeast(16384)),
                field("\"networkBandwidthGbps\":{\"min\":0.5,\"max\":25}", InstanceRequirements::networkBandwidthGbps,
                        ValueRange.of(0.5, 25)));
    }

    private static Arguments field(String json, Function<InstanceRequirements, Object> getter, Object expected) {
        return Arguments.of(json, getter, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fields")
    void parse_everyField_mapsToDomain(String json, Function<InstanceRequirements, Object> getter, Object expected) {
        assertThat(getter.apply(parse(json))).isEqualTo(expected);
        assertThat(getter.apply(parse(""))).as("differs from the default").isNotEqualTo(expected);
    }

    @Test
    void parse_requiredOnly_ec2DefaultsResolved() {
        InstanceRequirements r = parse("");
        assertThat(r.vCpuCount()).isEqualTo(ValueRange.of(2, 4));
        assertThat(r.memoryMiB()).isEqualTo(ValueRange.atLeast(2048));
        assertThat(r.bareMetal()).isEqualTo(Inclusion.EXCLUDED);
        assertThat(r.burstablePerformance()).isEqualTo(Inclusion.EXCLUDED);
        assertThat(r.localStorage()).isEqualTo(Inclusion.INCLUDED);
        assertThat(r.instanceGenerations()).containsExactlyInAnyOrder(InstanceGeneration.values());
        assertThat(r.localStorageTypes()).containsExactlyInAnyOrder("hdd", "ssd");
        assertThat(r.cpuManufacturers()).isEmpty();
        assertThat(r.acceleratorCount().isAny()).isTrue();
        assertThat(r.requireHibernateSupport()).isFalse();
        assertThat(r.onDemandMaxPricePercentageOverLowestPrice()).isEmpty();
    }

    static Stream<Arguments> invalid() {
        String many = String.join(",", Collections.nCopies(401, "\"c5.large\""));
        return Stream.of(
                bad("{\"vCpuCount\":{\"min\":8,\"max\":4},\"memoryMiB\":{\"min\":1}}", "InvalidParameterException",
                        "instanceRequirements.vCpuCount: min (8) must not be greater than max (4)"),
                bad("{\"vCpuCount\":{\"min\":1},\"memoryMiB\":{\"min\":4096,\"max\":2048}}", "InvalidParameterException",
                        "instanceRequirements.memoryMiB: min (4096) must not be greater than max (2048)"),
                bad("{\"memoryMiB\":{\"min\":1}}", "InvalidParameterException", "instanceRequirements.vCpuCount: is required"),
                bad("{\"vCpuCount\":{\"max\":4},\"memoryMiB\":{\"min\":1}}", "InvalidParameterException",
                        "instanceRequirements.vCpuCount.min: is required"),
                bad("{\"vCpuCount\":{\"min\":1}}", "InvalidParameterException", "instanceRequirements.memoryMiB: is required"),
                bad("{\"vCpuCount\":{\"min\":-1},\"memoryMiB\":{\"min\":1}}", "InvalidParameterException",
                        "instanceRequirements.vCpuCount: min (-1) must not be negative"),
                bad(req("\"networkBandwidthGbps\":{\"max\":-0.5}"), "InvalidParameterException",
                        "instanceRequirements.networkBandwidthGbps: max (-0.5) must not be negative"),
                bad(req("\"acceleratorCount\":{\"min\":2,\"max\":1}"), "InvalidParameterException",
                        "instanceRequirements.acceleratorCount: min (2) must not be greater than max (1)"),
                bad(req("\"onDemandMaxPricePercentageOverLowestPrice\":-5"), "InvalidParameterException",
                        "instanceRequirements.onDemandMaxPricePercentageOverLowestPrice: must not be negative"),
                bad(req("\"allowedInstanceTypes\":[\"m5.large\"],\"excludedInstanceTypes\":[\"c5.large\"]"),
                        "InvalidParameterException", "instanceRequirements.allowedInstanceTypes: cannot be specified together"
                                + " with excludedInstanceTypes"),
                bad(req("\"spotMaxPricePercentageOverLowestPrice\":10,\"maxSpotPriceAsPercentageOfOptimalOnDemandPrice\":50"),
                        "InvalidParameterException", "instanceRequirements.spotMaxPricePercentageOverLowestPrice: cannot be"
                                + " specified together with maxSpotPriceAsPercentageOfOptimalOnDemandPrice"),
                bad(req("\"allowedInstanceTypes\":[\"m5.large\",\"m5 large\"]"), "InvalidParameterException",
                        "instanceRequirements.allowedInstanceTypes.2.member: 'm5 large' is not an instance type or pattern"),
                bad(req("\"excludedInstanceTypes\":[\"\"]"), "InvalidParameterException",
                        "instanceRequirements.excludedInstanceTypes.1.member: '' is not"),
                bad(req("\"excludedInstanceTypes\":[\"abcdefghijklmnopqrstuvwxyz.12345\"]"), "InvalidParameterException",
                        "instanceRequirements.excludedInstanceTypes.1.member"),
                bad(req("\"allowedInstanceTypes\":[" + many + "]"), "InvalidParameterException",
                        "instanceRequirements.allowedInstanceTypes: has 401 entries; at most 400 are allowed"),
                bad(req("\"cpuManufacturers\":[\"ibm\"]"), "InvalidParameterException",
                        "Value 'ibm' at 'instanceRequirements.cpuManufacturers.1.member' failed to satisfy constraint"),
                bad(req("\"bareMetal\":\"sometimes\""), "InvalidParameterException",
                        "Value 'sometimes' at 'instanceRequirements.bareMetal'"),
                bad(req("\"acceleratorNames\":[\"b9000\"]"), "InvalidParameterException",
                        "at 'instanceRequirements.acceleratorNames.1.member'"),
                bad("{\"vCpuCount\":{\"min\":\"two\"},\"memoryMiB\":{\"min\":2048}}", "SerializationException",
                        "instanceRequirements.vCpuCount.min"),
                bad("{\"vCpuCount\":", "SerializationException", "not valid JSON"));
    }

    private static String req(String extra) {
        return "{" + REQUIRED + "," + extra + "}";
    }

    private static Arguments bad(String json, String type, String message) {
        return Arguments.of(json, type, message);
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("invalid")
    void parse_invalid_awsErrorNamingTheField(String json, String type, String message) {
        assertThatThrownBy(() -> mapper.parse(json)).isInstanceOfSatisfying(AwsException.class, e -> {
            assertThat(e.errorType()).isEqualTo(type);
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void parse_limitsAccepted_400EntriesOf30Chars() {
        String entry = "\"abcdefghijklmnopqrstuvwxyz.*-1\"";
        String json = req("\"excludedInstanceTypes\":[" + String.join(",", Collections.nCopies(400, entry)) + "]");
        assertThat(mapper.parse(json).excludedInstanceTypes()).hasSize(400);
    }

    @Test
    void toDomain_sdkObject_sameAsJson() {
        var sdk = software.amazon.awssdk.services.ecs.model.InstanceRequirementsRequest.builder()
                .vCpuCount(v -> v.min(2).max(4)).memoryMiB(m -> m.min(2048)).burstablePerformance("included").build();
        assertThat(mapper.toDomain(sdk)).isEqualTo(parse("\"burstablePerformance\":\"included\""));
    }
}
