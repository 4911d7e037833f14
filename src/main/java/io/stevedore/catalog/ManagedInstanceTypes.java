package io.stevedore.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The hard filters Amazon ECS Managed Instances applies to every selection (AWS page "Amazon ECS Managed Instances
 * instance types", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-instance-types.html):
 * a minimum vCPU count, no nano/micro sizes, and only the supported families. All three come from the data resource
 * {@code stevedore/catalog/managed-instances-families.json}, which names its source. Immutable.
 */
public final class ManagedInstanceTypes {
    public static final String RESOURCE = "stevedore/catalog/managed-instances-families.json";

    private final int minimumVcpus;
    private final Set<String> excludedSizes;
    private final List<String> familyPatterns;

    public ManagedInstanceTypes(int minimumVcpus, Set<String> excludedSizes, List<String> familyPatterns) {
        if (minimumVcpus < 1 || familyPatterns.isEmpty()) {
            throw new IllegalArgumentException("minimumVcpus must be positive and the family list non-empty");
        }
        this.minimumVcpus = minimumVcpus;
        this.excludedSizes = new TreeSet<>(excludedSizes);
        this.familyPatterns = List.copyOf(familyPatterns);
    }

    public static ManagedInstanceTypes load() {
        JsonNode doc = JsonTrees.resource(RESOURCE);
        Set<String> sizes = new TreeSet<>();
        doc.get("excludedSizes").forEach(s -> sizes.add(s.asText()));
        List<String> families = new ArrayList<>();
        doc.get("familyPatterns").forEach(f -> families.add(f.asText()));
        return new ManagedInstanceTypes(doc.get("minimumVcpus").asInt(), sizes, families);
    }

    public int minimumVcpus() {
        return minimumVcpus;
    }

    public Set<String> excludedSizes() {
        return excludedSizes;
    }

    public List<String> familyPatterns() {
        return familyPatterns;
    }

    public boolean supportedFamily(InstanceType type) {
        String family = type.family();
        for (String p : familyPatterns) {
            if (InstanceTypePattern.glob(p, family)) {
                return true;
            }
        }
        return false;
    }

    public boolean allowedSize(InstanceType type) {
        return type.vcpus() >= minimumVcpus && !excludedSizes.contains(type.size());
    }

    /** Why Managed Instances never launches this type, or empty when it may. */
    public Optional<String> rejection(InstanceType type) {
        if (!supportedFamily(type)) {
            return Optional.of("family " + type.family() + " is not supported by Managed Instances");
        }
        if (!allowedSize(type)) {
            return Optional.of("Managed Instances needs at least " + minimumVcpus + " vCPUs and no "
                    + String.join("/", excludedSizes) + " size");
        }
        return Optional.empty();
    }
}
