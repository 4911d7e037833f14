package io.stevedore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.placement.NetworkMode;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.Zone;
import io.stevedore.sim.workload.WorkloadDoc;
import io.stevedore.sim.workload.WorkloadError;
import io.stevedore.wire.AwsException;
import io.stevedore.wire.AwsJsonCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.ecs.model.PlacementConstraint;
import software.amazon.awssdk.services.ecs.model.PlacementStrategy;

/**
 * Reads a workload file (YAML, or JSON which is YAML too) into a {@link Workload}, with the simulator's
 * {@link WorkloadDoc}: every error is a {@link WorkloadError} naming the field with its line and column, and the
 * values take the same forms as in a simulation workload. Unknown fields are errors, so a typo never silently
 * changes a plan.
 */
public final class WorkloadReader {
    static final int MAX_CPU = 196_608;
    private static final Set<String> TOP = Set.of("region", "capacityProviders", "taskGroups", "daemons");
    /** {@code image} is the simulator's (the plan needs only what the daemon reserves). */
    private static final Set<String> DAEMON = Set.of("name", "cpu", "memory", "image", "capacityProviders");
    private static final Set<String> PROVIDER = Set.of("name", "capacityOptionType", "instanceRequirements",
            "subnets");
    private static final Set<String> GROUP = Set.of("name", "count", "cpu", "memory", "gpu", "networkMode",
            "architecture", "hostPorts", "capacityProvider", "placementConstraints", "placementStrategy");
    private final AwsJsonCodec codec = new AwsJsonCodec();
    private WorkloadDoc doc;

    /** Parses {@code text}; {@code defaultRegion} applies when the file names none. */
    public Workload read(String text, String defaultRegion) {
        doc = WorkloadDoc.parse(text);
        if (doc.root() == null || !doc.root().isObject()) {
            throw new WorkloadError("", 1, 1, "a workload is a mapping with capacityProviders and taskGroups");
        }
        doc.known("", TOP);
        String region = doc.text("/region", defaultRegion);
        Map<String, Workload.Provider> providers = providers();
        List<Workload.Group> groups = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        JsonNode list = doc.list("/taskGroups", true);
        for (int i = 0; i < list.size(); i++) {
            Workload.Group g = group("/taskGroups/" + i, providers);
            if (!names.add(g.name())) {
                throw error("/taskGroups/" + i + "/name", "duplicate task group name " + g.name());
            }
            groups.add(g);
        }
        return new Workload(region, providers, groups, daemons(providers));
    }

    /** The optional daemons: each on the named providers (all of them when none are named). */
    private List<Workload.Daemon> daemons(Map<String, Workload.Provider> providers) {
        List<Workload.Daemon> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        JsonNode list = doc.list("/daemons", false);
        for (int i = 0; i < list.size(); i++) {
            String at = "/daemons/" + i;
            doc.known(at, DAEMON);
            String name = doc.text(at + "/name");
            if (!names.add(name)) {
                throw error(at + "/name", "duplicate daemon name " + name);
            }
            int cpu = (int) doc.integer(at + "/cpu", 0, MAX_CPU, null);
            int memory = (int) doc.integer(at + "/memory", 1, Integer.MAX_VALUE, null);
            List<String> on = new ArrayList<>();
            JsonNode cps = doc.list(at + "/capacityProviders", false);
            for (int j = 0; j < cps.size(); j++) {
                String p = doc.text(at + "/capacityProviders/" + j);
                if (!providers.containsKey(p)) {
                    throw error(at + "/capacityProviders/" + j, "no capacity provider named " + p + "; declared: "
                            + providers.keySet());
                }
                on.add(p);
            }
            out.add(new Workload.Daemon(name, cpu, memory, on.isEmpty() ? new ArrayList<>(providers.keySet()) : on,
                    doc.line(at)));
        }
        return out;
    }

    /** An error about the field at {@code pointer} of the file read last, with its line and column. */
    WorkloadError error(String pointer, String message) {
        return doc.error(pointer, message);
    }

    private Map<String, Workload.Provider> providers() {
        JsonNode list = doc.list("/capacityProviders", true);
        if (list.isEmpty()) {
            throw error("/capacityProviders", "at least one capacity provider is required");
        }
        Map<String, Workload.Provider> out = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "/capacityProviders/" + i;
            doc.known(at, PROVIDER);
            String name = doc.text(at + "/name");
            String option = doc.text(at + "/capacityOptionType", "ON_DEMAND");
            PurchaseOption po = switch (option) {
                case "ON_DEMAND" -> PurchaseOption.ON_DEMAND;
                case "SPOT" -> PurchaseOption.SPOT;
                default -> throw error(at + "/capacityOptionType", "must be ON_DEMAND or SPOT, was " + option);
            };
            JsonNode req = doc.has(at + "/instanceRequirements") ? doc.at(at + "/instanceRequirements") : null;
            if (req != null && !req.isObject()) {
                throw error(at + "/instanceRequirements", "must be an object in the ECS instanceRequirements shape");
            }
            if (out.put(name, new Workload.Provider(name, po, req, zones(at), doc.line(at))) != null) {
                throw error(at + "/name", "duplicate capacity provider name " + name);
            }
        }
        return out;
    }

    private List<Zone> zones(String at) {
        JsonNode subnets = doc.list(at + "/subnets", true);
        if (subnets.isEmpty()) {
            throw error(at + "/subnets", "a Managed Instances capacity provider needs non-empty subnets");
        }
        List<Zone> zones = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < subnets.size(); i++) {
            String s = at + "/subnets/" + i;
            Zone z;
            if (subnets.get(i).isObject()) {
                doc.known(s, Set.of("subnetId", "availabilityZone"));
                z = new Zone(doc.text(s + "/subnetId"), doc.text(s + "/availabilityZone"));
            } else {
                String zone = doc.text(s);
                z = new Zone("subnet-" + zone, zone);
            }
            if (!ids.add(z.subnetId())) {
                throw error(s, "duplicate subnet " + z.subnetId());
            }
            zones.add(z);
        }
        return zones;
    }

    private Workload.Group group(String at, Map<String, Workload.Provider> providers) {
        doc.known(at, GROUP);
        String name = doc.text(at + "/name");
        int count = (int) doc.integer(at + "/count", 0, 1_000_000, null);
        int cpu = (int) doc.integer(at + "/cpu", 0, MAX_CPU, null);
        int memory = (int) doc.integer(at + "/memory", 1, Integer.MAX_VALUE, null);
        int gpu = (int) doc.integer(at + "/gpu", 0, 64, 0L);
        String nm = doc.text(at + "/networkMode", "awsvpc");
        NetworkMode mode = switch (nm) {
            case "awsvpc" -> NetworkMode.AWSVPC;
            case "host" -> NetworkMode.HOST;
            default -> throw error(at + "/networkMode", "Managed Instances supports the awsvpc and host network"
                    + " modes only, was " + nm);
        };
        Architecture arch = Architecture.X86_64;
        if (doc.has(at + "/architecture")) {
            String a = doc.text(at + "/architecture");
            arch = Architecture.parse(a).orElseThrow(() -> error(at + "/architecture",
                    "must be X86_64 or ARM64, was " + a));
        }
        Set<Integer> ports = new LinkedHashSet<>();
        JsonNode hp = doc.list(at + "/hostPorts", false);
        if (mode != NetworkMode.HOST && !hp.isEmpty()) {
            throw error(at + "/hostPorts", "host ports need networkMode host (awsvpc tasks get their own ENI)");
        }
        for (int i = 0; i < hp.size(); i++) {
            ports.add((int) doc.integer(at + "/hostPorts/" + i, 1, 65_535, null));
        }
        TaskDemand demand = new TaskDemand(cpu, memory, gpu, mode, ports, arch);
        return new Workload.Group(name, count, demand, provider(at, providers),
                sdkList(at + "/placementConstraints", PlacementConstraint::builder, PlacementConstraint.class),
                sdkList(at + "/placementStrategy", PlacementStrategy::builder, PlacementStrategy.class),
                doc.line(at));
    }

    private String provider(String at, Map<String, Workload.Provider> providers) {
        if (doc.has(at + "/capacityProvider")) {
            String p = doc.text(at + "/capacityProvider");
            if (!providers.containsKey(p)) {
                throw error(at + "/capacityProvider", "no capacity provider named " + p + "; declared: "
                        + providers.keySet());
            }
            return p;
        }
        if (providers.size() == 1) {
            return providers.keySet().iterator().next();
        }
        throw error(at, "name its capacityProvider: the workload declares " + providers.keySet());
    }

    /** An optional list of SDK model objects (validated against the ECS model by the codec). */
    private <T> List<T> sdkList(String at, Supplier<? extends SdkPojo> builder, Class<T> type) {
        String field = at.substring(at.lastIndexOf('/') + 1);
        JsonNode list = doc.list(at, false);
        List<T> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            try {
                out.add(codec.read(list.get(i), builder, type, field + "[" + i + "]"));
            } catch (AwsException e) {
                throw error(at + "/" + i, e.getMessage());
            }
        }
        return out;
    }
}
