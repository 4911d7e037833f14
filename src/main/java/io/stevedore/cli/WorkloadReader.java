package io.stevedore.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stevedore.api.wire.AwsException;
import io.stevedore.api.wire.AwsJsonCodec;
import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.placement.NetworkMode;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.Zone;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.PlacementConstraint;
import software.amazon.awssdk.services.ecs.model.PlacementStrategy;

/**
 * Reads a workload file (YAML, or JSON which is YAML too) into a {@link Workload}; every error names the field and
 * the line. Unknown fields are errors, so a typo never silently changes a plan.
 */
public final class WorkloadReader {
    static final int MAX_CPU = 196_608;
    private static final Set<String> TOP = Set.of("region", "capacityProviders", "taskGroups");
    private static final Set<String> PROVIDER = Set.of("name", "capacityOptionType", "instanceRequirements",
            "subnets");
    private static final Set<String> GROUP = Set.of("name", "count", "cpu", "memory", "gpu", "networkMode",
            "architecture", "hostPorts", "capacityProvider", "placementConstraints", "placementStrategy");
    private final AwsJsonCodec codec = new AwsJsonCodec();
    private Map<String, Integer> lines = Map.of();

    /** Parses {@code text}; {@code defaultRegion} applies when the file names none. */
    public Workload read(String text, String defaultRegion) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(text);
            lines = lines(text);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new WorkloadException("", line, "not valid YAML/JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new WorkloadException("", 1, "a workload is a mapping with capacityProviders and taskGroups");
        }
        known(root, "", TOP);
        String region = root.has("region") ? text(root, "/region") : defaultRegion;
        Map<String, Workload.Provider> providers = providers(array(root, "/capacityProviders", true));
        List<Workload.Group> groups = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        JsonNode list = array(root, "/taskGroups", true);
        for (int i = 0; i < list.size(); i++) {
            Workload.Group g = group(list.get(i), "/taskGroups/" + i, providers);
            if (!names.add(g.name())) {
                throw error("/taskGroups/" + i + "/name", "duplicate task group name " + g.name());
            }
            groups.add(g);
        }
        return new Workload(region, providers, groups);
    }

    private Map<String, Workload.Provider> providers(JsonNode list) {
        if (list.isEmpty()) {
            throw error("/capacityProviders", "at least one capacity provider is required");
        }
        Map<String, Workload.Provider> out = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "/capacityProviders/" + i;
            JsonNode p = object(list.get(i), at);
            known(p, at, PROVIDER);
            String name = text(p, at + "/name");
            String option = p.has("capacityOptionType") ? text(p, at + "/capacityOptionType") : "ON_DEMAND";
            PurchaseOption po = switch (option) {
                case "ON_DEMAND" -> PurchaseOption.ON_DEMAND;
                case "SPOT" -> PurchaseOption.SPOT;
                default -> throw error(at + "/capacityOptionType", "must be ON_DEMAND or SPOT, was " + option);
            };
            JsonNode req = p.get("instanceRequirements");
            if (req != null && !req.isObject()) {
                throw error(at + "/instanceRequirements", "must be an object in the ECS instanceRequirements shape");
            }
            if (out.put(name, new Workload.Provider(name, po, req, zones(array(p, at + "/subnets", true), at),
                    line(at))) != null) {
                throw error(at + "/name", "duplicate capacity provider name " + name);
            }
        }
        return out;
    }

    private List<Zone> zones(JsonNode subnets, String at) {
        if (subnets.isEmpty()) {
            throw error(at + "/subnets", "a Managed Instances capacity provider needs non-empty subnets");
        }
        List<Zone> zones = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < subnets.size(); i++) {
            String s = at + "/subnets/" + i;
            JsonNode n = subnets.get(i);
            Zone z;
            if (n.isTextual()) {
                z = new Zone("subnet-" + n.asText(), n.asText());
            } else {
                JsonNode o = object(n, s);
                known(o, s, Set.of("subnetId", "availabilityZone"));
                z = new Zone(text(o, s + "/subnetId"), text(o, s + "/availabilityZone"));
            }
            if (!ids.add(z.subnetId())) {
                throw error(s, "duplicate subnet " + z.subnetId());
            }
            zones.add(z);
        }
        return zones;
    }

    private Workload.Group group(JsonNode node, String at, Map<String, Workload.Provider> providers) {
        JsonNode g = object(node, at);
        known(g, at, GROUP);
        String name = text(g, at + "/name");
        int count = integer(g, at + "/count", 0, 1_000_000, null);
        int cpu = integer(g, at + "/cpu", 0, MAX_CPU, null);
        int memory = integer(g, at + "/memory", 1, Integer.MAX_VALUE, null);
        int gpu = integer(g, at + "/gpu", 0, 64, 0);
        String nm = g.has("networkMode") ? text(g, at + "/networkMode") : "awsvpc";
        NetworkMode mode = switch (nm) {
            case "awsvpc" -> NetworkMode.AWSVPC;
            case "host" -> NetworkMode.HOST;
            default -> throw error(at + "/networkMode", "Managed Instances supports the awsvpc and host network"
                    + " modes only, was " + nm);
        };
        Architecture arch = Architecture.X86_64;
        if (g.has("architecture")) {
            String a = text(g, at + "/architecture");
            arch = Architecture.parse(a).orElseThrow(() -> error(at + "/architecture",
                    "must be X86_64 or ARM64, was " + a));
        }
        Set<Integer> ports = new LinkedHashSet<>();
        if (g.has("hostPorts")) {
            JsonNode hp = array(g, at + "/hostPorts", true);
            if (mode != NetworkMode.HOST && !hp.isEmpty()) {
                throw error(at + "/hostPorts", "host ports need networkMode host (awsvpc tasks get their own ENI)");
            }
            for (int i = 0; i < hp.size(); i++) {
                ports.add(integer(hp, at + "/hostPorts/" + i, 1, 65_535, null));
            }
        }
        String provider;
        if (g.has("capacityProvider")) {
            provider = text(g, at + "/capacityProvider");
            if (!providers.containsKey(provider)) {
                throw error(at + "/capacityProvider", "no capacity provider named " + provider + "; declared: "
                        + providers.keySet());
            }
        } else if (providers.size() == 1) {
            provider = providers.keySet().iterator().next();
        } else {
            throw error(at, "name its capacityProvider: the workload declares " + providers.keySet());
        }
        TaskDemand demand = new TaskDemand(cpu, memory, gpu, mode, ports, arch);
        return new Workload.Group(name, count, demand, provider, sdkList(g, at + "/placementConstraints",
                PlacementConstraint::builder, PlacementConstraint.class),
                sdkList(g, at + "/placementStrategy", PlacementStrategy::builder, PlacementStrategy.class), line(at));
    }

    private <T> List<T> sdkList(JsonNode g, String at, java.util.function.Supplier<?> builder, Class<T> type) {
        String field = at.substring(at.lastIndexOf('/') + 1);
        if (!g.has(field)) {
            return List.of();
        }
        JsonNode list = array(g, at, true);
        List<T> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            try {
                @SuppressWarnings("unchecked")
                java.util.function.Supplier<software.amazon.awssdk.core.SdkPojo> b =
                        (java.util.function.Supplier<software.amazon.awssdk.core.SdkPojo>) builder;
                out.add(codec.read(list.get(i), b, type, field + "[" + i + "]"));
            } catch (AwsException e) {
                throw error(at + "/" + i, e.getMessage());
            }
        }
        return out;
    }

    // ---- small typed accessors that fail with the field and line ----

    WorkloadException error(String pointer, String message) {
        return new WorkloadException(pointer.isEmpty() ? "" : pointer.substring(1).replace('/', '.'), line(pointer),
                message);
    }

    int line(String pointer) {
        String p = pointer;
        while (true) {
            Integer l = lines.get(p);
            if (l != null) {
                return l;
            }
            if (p.isEmpty()) {
                return 0;
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }

    private void known(JsonNode o, String at, Set<String> allowed) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw error(at + "/" + f, "unknown field; expected one of " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private JsonNode object(JsonNode n, String at) {
        if (n == null || !n.isObject()) {
            throw error(at, "must be a mapping");
        }
        return n;
    }

    private JsonNode array(JsonNode parent, String at, boolean required) {
        JsonNode n = parent.get(at.substring(at.lastIndexOf('/') + 1));
        if (n == null || n.isNull()) {
            if (required) {
                throw error(at, "is required");
            }
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        }
        if (!n.isArray()) {
            throw error(at, "must be a list");
        }
        return n;
    }

    private String text(JsonNode parent, String at) {
        JsonNode n = parent.get(at.substring(at.lastIndexOf('/') + 1));
        if (n == null || n.isNull()) {
            throw error(at, "is required");
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw error(at, "must be a non-empty string");
        }
        return n.asText().trim();
    }

    private int integer(JsonNode parent, String at, int min, int max, Integer dflt) {
        String f = at.substring(at.lastIndexOf('/') + 1);
        JsonNode n = parent.isArray() ? parent.get(Integer.parseInt(f)) : parent.get(f);
        if (n == null || n.isNull()) {
            if (dflt == null) {
                throw error(at, "is required");
            }
            return dflt;
        }
        long v;
        if (n.isIntegralNumber()) {
            v = n.asLong();
        } else if (n.isTextual() && n.asText().trim().matches("\\d+")) {
            v = Long.parseLong(n.asText().trim());
        } else {
            throw error(at, "must be a whole number, was " + n);
        }
        if (v < min || v > max) {
            throw error(at, "must be between " + min + " and " + max + ", was " + v);
        }
        return (int) v;
    }

    /** JSON pointer of every value → the line it starts on. */
    private static Map<String, Integer> lines(String text) throws JsonProcessingException {
        Map<String, Integer> out = new HashMap<>();
        JsonFactory f = new YAMLFactory();
        try (JsonParser p = f.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                String ptr = p.getParsingContext().pathAsPointer().toString();
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    continue;
                }
                out.putIfAbsent(ptr, p.currentTokenLocation().getLineNr());
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
