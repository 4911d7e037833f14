package io.stevedore.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every EC2 instance type Stevedore knows, loaded from the generated resource
 * {@code stevedore/catalog/instance-types.json} (see {@code tools/gen_catalog.py}). Immutable and thread-safe.
 */
public final class InstanceCatalog {
    public static final String RESOURCE = "stevedore/catalog/instance-types.json";

    private final Map<String, InstanceType> byName;
    private final List<InstanceType> all;

    public InstanceCatalog(List<InstanceType> types) {
        Map<String, InstanceType> map = new LinkedHashMap<>();
        for (InstanceType t : types) {
            if (map.put(t.name(), t) != null) {
                throw new IllegalArgumentException("duplicate instance type " + t.name());
            }
        }
        this.byName = Collections.unmodifiableMap(map);
        this.all = List.copyOf(types);
    }

    /** Loads the embedded catalog. */
    public static InstanceCatalog load() {
        return parse(JsonTrees.resource(RESOURCE));
    }

    static InstanceCatalog parse(JsonNode doc) {
        List<InstanceType> types = new ArrayList<>();
        for (JsonNode n : doc.get("types")) {
            types.add(parseType(n));
        }
        return new InstanceCatalog(types);
    }

    private static InstanceType parseType(JsonNode n) {
        Set<Architecture> arches = new LinkedHashSet<>();
        n.get("architectures").forEach(a -> arches.add(Architecture.parse(a.asText()).orElseThrow()));
        List<Accelerator> accelerators = new ArrayList<>();
        for (JsonNode a : n.get("accelerators")) {
            accelerators.add(new Accelerator(AcceleratorType.fromWire(a.get("type").asText()).orElseThrow(),
                    a.get("count").asInt(), a.get("manufacturer").asText(), a.get("name").asText(),
                    a.get("memoryMiB").asLong()));
        }
        JsonNode t = n.get("trunking");
        EniTrunking trunking = new EniTrunking(t.get("supported").asBoolean(), t.get("withoutTrunking").asInt(),
                t.path("withTrunking").asInt(0), "published".equals(t.get("source").asText()));
        return new InstanceType(
                n.get("name").asText(),
                n.get("vcpus").asInt(),
                n.get("memoryMiB").asLong(),
                arches,
                CpuManufacturer.fromWire(n.get("cpuManufacturer").asText()).orElse(CpuManufacturer.UNKNOWN),
                n.get("currentGeneration").asBoolean(),
                n.get("burstable").asBoolean(),
                n.get("bareMetal").asBoolean(),
                "nitro".equals(n.get("hypervisor").asText()),
                n.get("maxNetworkInterfaces").asInt(),
                n.get("ipv4PerInterface").asInt(),
                n.get("baselineNetworkGbps").asDouble(),
                n.get("peakNetworkGbps").asDouble(),
                n.get("baselineEbsMbps").asInt(),
                n.get("localStorageGB").asLong(),
                strings(n.get("localStorageTypes")),
                accelerators,
                n.get("hibernation").asBoolean(),
                strings(n.get("usageClasses")),
                trunking);
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        array.forEach(s -> out.add(s.asText()));
        return out;
    }

    public Optional<InstanceType> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** All types in name order. */
    public List<InstanceType> all() {
        return all;
    }

    public int size() {
        return all.size();
    }
}
