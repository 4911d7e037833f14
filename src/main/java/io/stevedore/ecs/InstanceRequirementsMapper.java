package io.stevedore.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.catalog.AcceleratorType;
import io.stevedore.catalog.CpuManufacturer;
import io.stevedore.catalog.Inclusion;
import io.stevedore.catalog.InstanceGeneration;
import io.stevedore.catalog.InstanceRequirements;
import io.stevedore.catalog.JsonTrees;
import io.stevedore.catalog.ValueRange;
import io.stevedore.wire.AwsException;
import io.stevedore.wire.AwsJsonCodec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.model.AcceleratorCountRequest;
import software.amazon.awssdk.services.ecs.model.AcceleratorTotalMemoryMiBRequest;
import software.amazon.awssdk.services.ecs.model.BaselineEbsBandwidthMbpsRequest;
import software.amazon.awssdk.services.ecs.model.InstanceRequirementsRequest;
import software.amazon.awssdk.services.ecs.model.MemoryGiBPerVCpuRequest;
import software.amazon.awssdk.services.ecs.model.MemoryMiBRequest;
import software.amazon.awssdk.services.ecs.model.NetworkBandwidthGbpsRequest;
import software.amazon.awssdk.services.ecs.model.NetworkInterfaceCountRequest;
import software.amazon.awssdk.services.ecs.model.TotalLocalStorageGBRequest;
import software.amazon.awssdk.services.ecs.model.VCpuCountRangeRequest;

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
        if (json == null || json.isBlank()) {
            throw AwsException.invalidParameter(DEFAULT_PATH + ": the instance requirements are empty");
        }
        JsonNode node;
        try {
            node = JsonTrees.read(json);
        } catch (Exception e) {
            throw AwsException.serialization("The instance requirements are not valid JSON: " + firstLine(e.getMessage()));
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
        InstanceRequirements.Builder b = InstanceRequirements.builder(
                f.requiredRange("vCpuCount", r.vCpuCount(), VCpuCountRangeRequest::min, VCpuCountRangeRequest::max),
                f.requiredRange("memoryMiB", r.memoryMiB(), MemoryMiBRequest::min, MemoryMiBRequest::max));
        instanceTypes(f, r, b);
        priceProtection(f, r, b);
        b.cpuManufacturers(enums(r.cpuManufacturersAsStrings(), v -> CpuManufacturer.fromWire(v).orElseThrow()))
                .memoryGiBPerVCpu(f.range("memoryGiBPerVCpu", r.memoryGiBPerVCpu(), MemoryGiBPerVCpuRequest::min,
                        MemoryGiBPerVCpuRequest::max))
                .instanceGenerations(enums(r.instanceGenerationsAsStrings(),
                        v -> InstanceGeneration.valueOf(v.toUpperCase(Locale.ROOT))))
                .requireHibernateSupport(Boolean.TRUE.equals(r.requireHibernateSupport()))
                .networkInterfaceCount(f.range("networkInterfaceCount", r.networkInterfaceCount(),
                        NetworkInterfaceCountRequest::min, NetworkInterfaceCountRequest::max))
                .localStorageTypes(enums(r.localStorageTypesAsStrings(), v -> v))
                .totalLocalStorageGB(f.range("totalLocalStorageGB", r.totalLocalStorageGB(),
                        TotalLocalStorageGBRequest::min, TotalLocalStorageGBRequest::max))
                .baselineEbsBandwidthMbps(f.range("baselineEbsBandwidthMbps", r.baselineEbsBandwidthMbps(),
                        BaselineEbsBandwidthMbpsRequest::min, BaselineEbsBandwidthMbpsRequest::max))
                .networkBandwidthGbps(f.range("networkBandwidthGbps", r.networkBandwidthGbps(),
                        NetworkBandwidthGbpsRequest::min, NetworkBandwidthGbpsRequest::max));
        inclusion(r.bareMetalAsString()).ifPresent(b::bareMetal);
        inclusion(r.burstablePerformanceAsString()).ifPresent(b::burstablePerformance);
        inclusion(r.localStorageAsString()).ifPresent(b::localStorage);
        accelerators(f, r, b);
        return b.build();
    }

    private static void instanceTypes(Fields f, InstanceRequirementsRequest r, InstanceRequirements.Builder b) {
        List<String> allowed = f.typeList("allowedInstanceTypes", r.allowedInstanceTypes());
        List<String> excluded = f.typeList("excludedInstanceTypes", r.excludedInstanceTypes());
        if (!allowed.isEmpty() && !excluded.isEmpty()) {
            throw f.error("allowedInstanceTypes", "cannot be specified together with excludedInstanceTypes;"
                    + " specify one of the two lists");
        }
        b.allowedInstanceTypes(allowed).excludedInstanceTypes(excluded);
    }

    private static void priceProtection(Fields f, InstanceRequirementsRequest r, InstanceRequirements.Builder b) {
        OptionalInt spotOverLowest = f.percent("spotMaxPricePercentageOverLowestPrice",
                r.spotMaxPricePercentageOverLowestPrice());
        OptionalInt spotOfOnDemand = f.percent("maxSpotPriceAsPercentageOfOptimalOnDemandPrice",
                r.maxSpotPriceAsPercentageOfOptimalOnDemandPrice());
        if (spotOverLowest.isPresent() && spotOfOnDemand.isPresent()) {
            throw f.error("spotMaxPricePercentageOverLowestPrice", "cannot be specified together with"
                    + " maxSpotPriceAsPercentageOfOptimalOnDemandPrice; specify one Spot price protection");
        }
        b.spotMaxPricePercentageOverLowestPrice(spotOverLowest)
                .maxSpotPriceAsPercentageOfOptimalOnDemandPrice(spotOfOnDemand)
                .onDemandMaxPricePercentageOverLowestPrice(f.percent("onDemandMaxPricePercentageOverLowestPrice",
                        r.onDemandMaxPricePercentageOverLowestPrice()));
    }

    private static void accelerators(Fields f, InstanceRequirementsRequest r, InstanceRequirements.Builder b) {
        b.acceleratorTypes(enums(r.acceleratorTypesAsStrings(), v -> AcceleratorType.fromWire(v).orElseThrow()))
                .acceleratorCount(f.range("acceleratorCount", r.acceleratorCount(), AcceleratorCountRequest::min,
                        AcceleratorCountRequest::max))
                .acceleratorManufacturers(enums(r.acceleratorManufacturersAsStrings(), v -> v))
                .acceleratorNames(enums(r.acceleratorNamesAsStrings(), v -> v))
                .acceleratorTotalMemoryMiB(f.range("acceleratorTotalMemoryMiB", r.acceleratorTotalMemoryMiB(),
                        AcceleratorTotalMemoryMiBRequest::min, AcceleratorTotalMemoryMiBRequest::max));
    }

    private static Optional<Inclusion> inclusion(String wire) {
        return wire == null ? Optional.empty()
                : Optional.of(Inclusion.valueOf(wire.toUpperCase(Locale.ROOT)));
    }

    /** Converts enum wire strings (already validated by the codec) to domain values, dropping duplicates. */
    private static <T> Set<T> enums(List<String> wire, Function<String, T> convert) {
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

        <T> ValueRange requiredRange(String field, T shape, Function<T, ? extends Number> min,
                                     Function<T, ? extends Number> max) {
            if (shape == null) {
                throw error(field, "is required (give at least {\"min\": …})");
            }
            if (min.apply(shape) == null) {
                throw error(field + ".min", "is required");
            }
            return range(field, shape, min, max);
        }

        /** The range of an optional SDK range shape ({@code {min, max}}); an absent shape or bound is open. */
        <T> ValueRange range(String field, T shape, Function<T, ? extends Number> minOf,
                             Function<T, ? extends Number> maxOf) {
            Number min = shape == null ? null : minOf.apply(shape);
            Number max = shape == null ? null : maxOf.apply(shape);
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
            if (values == null) {
                return List.of();
            }
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
