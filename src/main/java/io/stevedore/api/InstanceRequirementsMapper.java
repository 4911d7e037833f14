package io.stevedore.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.api.wire.AwsException;
import io.stevedore.api.wire.AwsJsonCodec;
import io.stevedore.catalog.AcceleratorType;
import io.stevedore.catalog.CpuManufacturer;
import io.stevedore.catalog.Inclusion;
import io.stevedore.catalog.InstanceGeneration;
import io.stevedore.catalog.InstanceRequirements;
import io.stevedore.catalog.ValueRange;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.model.InstanceRequirementsRequest;

/**
 * Turns the ECS model's {@link InstanceRequirementsRequest} into the domain {@link InstanceRequirements}, validating
 * it the way ECS/EC2 do: every error is an {@code InvalidParameterException} whose message names the field
 * ({@code instanceRequirements.vCpuCount: min (8) must not be greater than max (4)}). Enum values are validated by
 * {@link AwsJsonCodec} against the SDK model.
 */
public final class InstanceRequirementsMapper {
    /** The member name of the requirements inside {@code instanceLaunchTemplate}; prefixes every error path. */
    public static final String DEFAULT_PATH = "instanceRequirements";
    static final int MAX_TYPE_ENTRIES = 400;
    private static final Pattern TYPE_PATTERN = Pattern.compile("[a-zA-Z0-9.*\\-]{1,30}");

    private final AwsJsonCodec codec;

    public InstanceRequirementsMapper(AwsJsonCodec codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    public InstanceRequirementsMapper() {
        this(new AwsJsonCodec());
    }

    /** Parses an {@code instanceRequirements} JSON object (camelCase, exactly as sent to ECS) and validates it. */
    public InstanceRequirements parse(String json) {
        JsonNode node;
        try {
            node = codec.mapper().readTree(json == null ? "" : json);
        } catch (Exception e) {
            throw AwsException.serialization("The instance requirements are not valid JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || node.isMissingNode()) {
            throw AwsException.invalidParameter(DEFAULT_PATH + ": the instance requirements are empty");
        }
        return toDomain(codec.read(node, InstanceRequirementsRequest::builder, InstanceRequirementsRequest.class,
                DEFAULT_PATH), DEFAULT_PATH);
    }

    public InstanceRequirements toDomain(InstanceRequirementsRequest r) {
        return toDomain(r, DEFAULT_PATH);
    }

    /** Validates and converts; {@code path} prefixes field names in error messages. */
    public InstanceRequirements toDomain(InstanceRequirementsRequest r, String path) {
        Fields f = new Fields(path);
        if (r == null) {
            throw f.error("", "the instance requirements are required");
        }
        ValueRange vcpu = f.requiredRange("vCpuCount", r.vCpuCount() == null ? null : r.vCpuCount().min(),
                r.vCpuCount() == null ? null : r.vCpuCount().max(), r.vCpuCount() != null);
        ValueRange memory = f.requiredRange("memoryMiB", r.memoryMiB() == null ? null : r.memoryMiB().min(),
                r.memoryMiB() == null ? null : r.memoryMiB().max(), r.memoryMiB() != null);
        List<String> allowed = f.typeList("allowedInstanceTypes", r.hasAllowedInstanceTypes() ? r.allowedInstanceTypes() : List.of());
        List<String> excluded = f.typeList("excludedInstanceTypes", r.hasExcludedInstanceTypes() ? r.excludedInstanceTypes() : List.of());
        if (!allowed.isEmpty() && !excluded.isEmpty()) {
            throw f.error("allowedInstanceTypes", "cannot be specified together with excludedInstanceTypes;"
                    + " specify one of the two lists");
        }
        OptionalInt spotOverLowest = f.percent("spotMaxPricePercentageOverLowestPrice", r.spotMaxPricePercentageOverLowestPrice());
        OptionalInt spotOfOnDemand = f.percent("maxSpotPriceAsPercentageOfOptimalOnDemandPrice",
                r.maxSpotPriceAsPercentageOfOptimalOnDemandPrice());
        if (spotOverLowest.isPresent() && spotOfOnDemand.isPresent()) {
            throw f.error("spotMaxPricePercentageOverLowestPrice", "cannot be specified together with"
                    + " maxSpotPriceAsPercentageOfOptimalOnDemandPrice; specify one Spot price protection");
        }
        InstanceRequirements.Builder b = InstanceRequirements.builder(vcpu, memory)
                .cpuManufacturers(enums(r.hasCpuManufacturers() ? r.cpuManufacturersAsStrings() : List.of(),
                        v -> CpuManufacturer.fromWire(v).orElseThrow()))
                .memoryGiBPerVCpu(f.range("memoryGiBPerVCpu", r.memoryGiBPerVCpu() == null ? null : r.memoryGiBPerVCpu().min(),
                        r.memoryGiBPerVCpu() == null ? null : r.memoryGiBPerVCpu().max()))
                .allowedInstanceTypes(allowed)
                .excludedInstanceTypes(excluded)
                .instanceGenerations(enums(r.hasInstanceGenerations() ? r.instanceGenerationsAsStrings() : List.of(),
                        v -> InstanceGeneration.valueOf(v.toUpperCase(Locale.ROOT))))
                .spotMaxPricePercentageOverLowestPrice(spotOverLowest)
                .onDemandMaxPricePercentageOverLowestPrice(f.percent("onDemandMaxPricePercentageOverLowestPrice",
                        r.onDemandMaxPricePercentageOverLowestPrice()))
                .maxSpotPriceAsPercentageOfOptimalOnDemandPrice(spotOfOnDemand)
                .requireHibernateSupport(Boolean.TRUE.equals(r.requireHibernateSupport()));
        inclusion(r.bareMetalAsString()).ifPresent(b::bareMetal);
        inclusion(r.burstablePerformanceAsString()).ifPresent(b::burstablePerformance);
        inclusion(r.localStorageAsString()).ifPresent(b::localStorage);
        b.networkInterfaceCount(f.range("networkInterfaceCount", r.networkInterfaceCount() == null ? null
                        : r.networkInterfaceCount().min(), r.networkInterfaceCount() == null ? null : r.networkInterfaceCount().max()))
                .localStorageTypes(enums(r.hasLocalStorageTypes() ? r.localStorageTypesAsStrings() : List.of(), v -> v))
                .totalLocalStorageGB(f.range("totalLocalStorageGB", r.totalLocalStorageGB() == null ? null
                        : r.totalLocalStorageGB().min(), r.totalLocalStorageGB() == null ? null : r.totalLocalStorageGB().max()))
                .baselineEbsBandwidthMbps(f.range("baselineEbsBandwidthMbps", r.baselineEbsBandwidthMbps() == null ? null
                        : r.baselineEbsBandwidthMbps().min(), r.baselineEbsBandwidthMbps() == null ? null
                        : r.baselineEbsBandwidthMbps().max()))
                .acceleratorTypes(enums(r.hasAcceleratorTypes() ? r.acceleratorTypesAsStrings() : List.of(),
                        v -> AcceleratorType.fromWire(v).orElseThrow()))
                .acceleratorCount(f.range("acceleratorCount", r.acceleratorCount() == null ? null : r.acceleratorCount().min(),
                        r.acceleratorCount() == null ? null : r.acceleratorCount().max()))
                .acceleratorManufacturers(enums(r.hasAcceleratorManufacturers() ? r.acceleratorManufacturersAsStrings()
                        : List.of(), v -> v))
                .acceleratorNames(enums(r.hasAcceleratorNames() ? r.acceleratorNamesAsStrings() : List.of(), v -> v))
                .acceleratorTotalMemoryMiB(f.range("acceleratorTotalMemoryMiB", r.acceleratorTotalMemoryMiB() == null ? null
                        : r.acceleratorTotalMemoryMiB().min(), r.acceleratorTotalMemoryMiB() == null ? null
                        : r.acceleratorTotalMemoryMiB().max()))
                .networkBandwidthGbps(f.range("networkBandwidthGbps", r.networkBandwidthGbps() == null ? null
                        : r.networkBandwidthGbps().min(), r.networkBandwidthGbps() == null ? null : r.networkBandwidthGbps().max()));
        return b.build();
    }

    private static java.util.Optional<Inclusion> inclusion(String wire) {
        return wire == null ? java.util.Optional.empty()
                : java.util.Optional.of(Inclusion.valueOf(wire.toUpperCase(Locale.ROOT)));
    }

    /** Converts enum wire strings (already validated by the codec) to domain values, dropping duplicates. */
    private static <T> Set<T> enums(List<String> wire, java.util.function.Function<String, T> convert) {
        Set<T> out = new LinkedHashSet<>();
        for (String v : wire) {
            if (v != null) {
                out.add(convert.apply(v));
            }
        }
        return out;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Field-level validation with error messages that name {@code path.field}. */
    private record Fields(String path) {
        AwsException error(String field, String problem) {
            String name = field.isEmpty() ? path : path + "." + field;
            return AwsException.invalidParameter(name + ": " + problem);
        }

        ValueRange requiredRange(String field, Number min, Number max, boolean present) {
            if (!present) {
                throw error(field, "is required (give at least {\"min\": …})");
            }
            if (min == null) {
                throw error(field + ".min", "is required");
            }
            return range(field, min, max);
        }

        ValueRange range(String field, Number min, Number max) {
            if (min != null && min.doubleValue() < 0) {
                throw error(field, "min (" + min + ") must not be negative");
            }
            if (max != null && max.doubleValue() < 0) {
                throw error(field, "max (" + max + ") must not be negative");
            }
            if (min != null && max != null && min.doubleValue() > max.doubleValue()) {
                throw error(field, "min (" + min + ") must not be greater than max (" + max + ")");
            }
            return new ValueRange(min == null ? 0 : min.doubleValue(),
                    max == null ? Double.POSITIVE_INFINITY : max.doubleValue());
        }

        OptionalInt percent(String field, Integer value) {
            if (value == null) {
                return OptionalInt.empty();
            }
            if (value < 0) {
                throw error(field, "must not be negative (was " + value + ")");
            }
            return OptionalInt.of(value);
        }

        List<String> typeList(String field, List<String> values) {
            if (values.size() > MAX_TYPE_ENTRIES) {
                throw error(field, "has " + values.size() + " entries; at most " + MAX_TYPE_ENTRIES + " are allowed");
            }
            List<String> out = new ArrayList<>(values.size());
            int i = 1;
            for (String v : values) {
                if (v == null || !TYPE_PATTERN.matcher(v).matches()) {
                    throw error(field + "." + i + ".member", "'" + v + "' is not an instance type or pattern:"
                            + " use 1 to 30 characters of letters, digits, '.', '-' and the wildcard '*'"
                            + " (e.g. m6i.xlarge, c6i.*, m6*.*)");
                }
                out.add(v);
                i++;
            }
            return out;
        }
    }
}
