package io.stevedore.sim.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.cloud.simulated.SimulatedEc2;
import io.stevedore.ecs.ImageSizes;
import io.stevedore.ecs.Quotas;
import io.stevedore.ecs.ServiceQuota;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.CapacityOptionType;
import software.amazon.awssdk.services.ecs.model.Compatibility;

/**
 * Reads a simulation workload (YAML or JSON). {@code stevedore plan} files are valid too: their
 * {@code taskGroups} become task definitions and services with a constant desired count. Unknown fields are
 * errors; every error names the field with its line and column.
 */
public final class SimWorkloadReader {
    static final Set<String> TOP = Set.of("region", "duration", "capacityProviders", "taskDefinitions",
            "services", "jobs", "faults", "fargate", "taskGroups", "daemons", "quotas");
    private static final Set<String> DAEMON = Set.of("name", "cpu", "memory", "image", "capacityProviders");
    /** The image of a daemon whose file names none (a log router, the typical daemon). */
    static final String DAEMON_IMAGE = "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable";
    private static final Set<String> PROVIDER = Set.of("name", "capacityOptionType", "instanceRequirements",
            "subnets", "infrastructureOptimization");
    static final Set<String> SERVICE = Set.of("name", "taskDefinition", "replicas", "desiredCount",
            "capacityProvider", "deploymentConfiguration", "placementConstraints", "deployments", "autoScaling",
            "cpuLoad", "queue");
    static final Set<String> JOB = Set.of("name", "taskDefinition", "arrivals", "duration",
            "capacityProvider");
    private static final Set<String> FAULT = Set.of("at", "type", "count", "fraction", "instanceTypes",
            "availabilityZone", "duration");
    private static final Set<String> GROUP = Set.of("name", "count", "cpu", "memory", "gpu", "networkMode",
            "architecture", "hostPorts", "capacityProvider", "placementConstraints", "placementStrategy");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private WorkloadDoc doc;
    private String region;

    /**
     * The name a workload file gives its reports: the file's name without its {@code .yaml}, {@code .yml} or
     * {@code .json} ending (the report names it, so two readers of one file must agree for their reports to match).
     */
    public static String nameOf(Path file) {
        return file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
    }

    /** Parses {@code text}; {@code name} labels the reports. */
    public SimWorkload read(String name, String text) {
        doc = WorkloadDoc.parse(text);
        if (doc.root() == null || !doc.root().isObject()) {
            throw new WorkloadError("", 1, 1, "a workload is a mapping with capacityProviders and services,"
                    + " jobs or taskGroups");
        }
        doc.known("", TOP);
        region = doc.text("/region", "us-east-1");
        if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
            throw doc.error("/region", "not a region name: " + region);
        }
        Duration duration = doc.duration("/duration", Duration.ofDays(1));
        Map<String, SimWorkload.Provider> providers = providers();
        Map<String, SimWorkload.TaskDefinitionSpec> tds = taskDefinitions();
        List<SimWorkload.ServiceSpec> services = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        JsonNode list = doc.list("/services", false);
        for (int i = 0; i < list.size(); i++) {
            SimWorkload.ServiceSpec s = service("/services/" + i, providers, tds);
            if (!names.add(s.name())) {
                throw doc.error("/services/" + i + "/name", "duplicate service name " + s.name());
            }
            services.add(s);
        }
        list = doc.list("/taskGroups", false);
        for (int i = 0; i < list.size(); i++) {
            SimWorkload.ServiceSpec s = group("/taskGroups/" + i, providers, tds);
            if (!names.add(s.name())) {
                throw doc.error("/taskGroups/" + i + "/name", "duplicate service name " + s.name());
            }
            services.add(s);
        }
        List<SimWorkload.JobSpec> jobs = new ArrayList<>();
        list = doc.list("/jobs", false);
        for (int i = 0; i < list.size(); i++) {
            jobs.add(job("/jobs/" + i, providers, tds));
        }
        List<SimWorkload.FaultSpec> faults = new ArrayList<>();
        list = doc.list("/faults", false);
        for (int i = 0; i < list.size(); i++) {
            faults.add(fault("/faults/" + i));
        }
        if (services.isEmpty() && jobs.isEmpty()) {
            throw doc.error("", "nothing to run: declare services, jobs or taskGroups");
        }
        return new SimWorkload(name, region, duration, List.copyOf(providers.values()), List.copyOf(tds.values()),
                services, jobs, faults, fargate(), daemons(providers), quotas());
    }

    /** {@code quotas: {services-per-cluster: 10000}}: the account's ECS service quotas the workload assumes. */
    private Quotas quotas() {
        Quotas q = Quotas.defaults();
        if (!doc.has("/quotas")) {
            return q;
        }
        java.util.Iterator<String> names = doc.object("/quotas").fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            ServiceQuota quota;
            try {
                quota = ServiceQuota.ofKey(name);
            } catch (IllegalArgumentException e) {
                throw doc.error("/quotas/" + name, e.getMessage());
            }
            q = q.with(quota, (int) doc.integer("/quotas/" + name, 1, Integer.MAX_VALUE, null));
        }
        return q;
    }

    /** The optional daemons: name, cpu, memory, image; on the named providers (all of them when none are named). */
    private List<SimWorkload.DaemonSpec> daemons(Map<String, SimWorkload.Provider> providers) {
        List<SimWorkload.DaemonSpec> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        JsonNode list = doc.list("/daemons", false);
        for (int i = 0; i < list.size(); i++) {
            String at = "/daemons/" + i;
            doc.known(at, DAEMON);
            String name = doc.text(at + "/name");
            if (!names.add(name)) {
                throw doc.error(at + "/name", "duplicate daemon name " + name);
            }
            ObjectNode req = JSON.objectNode().put("family", name)
                    .put("cpu", Long.toString(doc.integer(at + "/cpu", 0, 196_608, null)))
                    .put("memory", Long.toString(doc.integer(at + "/memory", 1, Integer.MAX_VALUE, null)));
            req.set("containerDefinitions", JSON.arrayNode().add(JSON.objectNode().put("name", name)
                    .put("image", doc.text(at + "/image", DAEMON_IMAGE)).put("essential", true)));
            List<String> on = new ArrayList<>();
            JsonNode cps = doc.list(at + "/capacityProviders", false);
            for (int j = 0; j < cps.size(); j++) {
                String p = doc.text(at + "/capacityProviders/" + j);
                if (!providers.containsKey(p)) {
                    throw doc.error(at + "/capacityProviders/" + j, "no capacity provider named " + p
                            + "; declared: " + providers.keySet());
                }
                on.add(p);
            }
            out.add(new SimWorkload.DaemonSpec(name, req, on.isEmpty() ? new ArrayList<>(providers.keySet()) : on,
                    doc.line(at)));
        }
        return out;
    }

    private Map<String, SimWorkload.Provider> providers() {
        JsonNode list = doc.list("/capacityProviders", true);
        if (list.isEmpty()) {
            throw doc.error("/capacityProviders", "at least one capacity provider is required");
        }
        Map<String, SimWorkload.Provider> out = new LinkedHashMap<>();
        List<String> regionZones = SimulatedEc2.zones(region);
        for (int i = 0; i < list.size(); i++) {
            String at = "/capacityProviders/" + i;
            doc.known(at, PROVIDER);
            String name = doc.text(at + "/name");
            String option = doc.text(at + "/capacityOptionType", CapacityOptionType.ON_DEMAND.toString());
            if (!option.equals(CapacityOptionType.ON_DEMAND.toString())
                    && !option.equals(CapacityOptionType.SPOT.toString())) {
                throw doc.error(at + "/capacityOptionType", "must be ON_DEMAND or SPOT, was " + option);
            }
            ObjectNode req = doc.has(at + "/instanceRequirements") ? (ObjectNode) doc.object(at
                    + "/instanceRequirements").deepCopy() : JSON.objectNode();
            if (!req.has("vCpuCount")) {
                req.set("vCpuCount", JSON.objectNode().put("min", 2));
            }
            if (!req.has("memoryMiB")) {
                req.set("memoryMiB", JSON.objectNode().put("min", 0));
            }
            List<String> zones = new ArrayList<>();
            JsonNode subnets = doc.list(at + "/subnets", false);
            for (int j = 0; j < subnets.size(); j++) {
                String s = at + "/subnets/" + j;
                String zone = subnets.get(j).isObject() ? doc.text(s + "/availabilityZone") : doc.text(s);
                if (!regionZones.contains(zone)) {
                    throw doc.error(s, "the simulated " + region + " has the zones " + regionZones + "; was " + zone);
                }
                if (!zones.contains(zone)) {
                    zones.add(zone);
                }
            }
            if (zones.isEmpty()) {
                zones.addAll(regionZones.subList(0, Math.min(3, regionZones.size())));
            }
            Integer scaleInAfter = null;
            if (doc.has(at + "/infrastructureOptimization")) {
                doc.known(at + "/infrastructureOptimization", Set.of("scaleInAfter"));
                scaleInAfter = (int) doc.integer(at + "/infrastructureOptimization/scaleInAfter", -1, 3600, null);
            }
            if (out.put(name, new SimWorkload.Provider(name, option, req, zones, scaleInAfter, doc.line(at)))
                    != null) {
                throw doc.error(at + "/name", "duplicate capacity provider name " + name);
            }
        }
        return out;
    }

    private Map<String, SimWorkload.TaskDefinitionSpec> taskDefinitions() {
        Map<String, SimWorkload.TaskDefinitionSpec> out = new LinkedHashMap<>();
        JsonNode list = doc.list("/taskDefinitions", false);
        for (int i = 0; i < list.size(); i++) {
            String at = "/taskDefinitions/" + i;
            ObjectNode req = (ObjectNode) doc.object(at).deepCopy();
            String family = doc.text(at + "/family");
            for (String f : List.of("cpu", "memory")) {
                if (req.has(f) && req.get(f).isNumber()) {
                    req.put(f, req.get(f).asText()); // ECS takes them as strings; YAML users write numbers
                }
            }
            if (!req.has("requiresCompatibilities")) {
                req.set("requiresCompatibilities", JSON.arrayNode().add(Compatibility.MANAGED_INSTANCES.toString()));
            }
            if (!req.has("networkMode")) {
                req.put("networkMode", "awsvpc");
            }
            if (!doc.has(at + "/containerDefinitions")) {
                throw doc.error(at + "/containerDefinitions", "is required (ECS RegisterTaskDefinition shape)");
            }
            imageSizes(at, req);
            if (out.put(family, new SimWorkload.TaskDefinitionSpec(family, req, doc.line(at))) != null) {
                throw doc.error(at + "/family", "duplicate task definition family " + family);
            }
        }
        return out;
    }

    /**
     * A container's {@code imageSize} (compressed, e.g. {@code 7GiB}) becomes the {@value ImageSizes#LABEL} docker
     * label of the RegisterTaskDefinition request, the convention the control plane reads (ECS has no such field).
     */
    private void imageSizes(String at, ObjectNode req) {
        JsonNode containers = req.path("containerDefinitions");
        for (int i = 0; i < containers.size(); i++) {
            String field = at + "/containerDefinitions/" + i + "/imageSize";
            if (!(containers.get(i) instanceof ObjectNode c) || !c.has("imageSize")) {
                continue;
            }
            String size = c.get("imageSize").asText();
            try {
                ImageSizes.parse(size);
            } catch (IllegalArgumentException e) {
                throw doc.error(field, e.getMessage());
            }
            c.remove("imageSize");
            ObjectNode labels = c.has("dockerLabels") && c.get("dockerLabels").isObject()
                    ? (ObjectNode) c.get("dockerLabels") : c.putObject("dockerLabels");
            labels.put(ImageSizes.LABEL, size);
        }
    }

    private String provider(String at, Map<String, SimWorkload.Provider> providers) {
        if (doc.has(at + "/capacityProvider")) {
            String p = doc.text(at + "/capacityProvider");
            if (!providers.containsKey(p)) {
                throw doc.error(at + "/capacityProvider", "no capacity provider named " + p + "; declared: "
                        + providers.keySet());
            }
            return p;
        }
        if (providers.size() == 1) {
            return providers.keySet().iterator().next();
        }
        throw doc.error(at, "name its capacityProvider: the workload declares " + providers.keySet());
    }

    private String taskDefinition(String at, Map<String, SimWorkload.TaskDefinitionSpec> tds) {
        String td = doc.text(at + "/taskDefinition");
        if (!tds.containsKey(td)) {
            throw doc.error(at + "/taskDefinition", "no task definition with family " + td + "; declared: "
                    + tds.keySet());
        }
        return td;
    }

    private SimWorkload.ServiceSpec service(String at, Map<String, SimWorkload.Provider> providers,
                                            Map<String, SimWorkload.TaskDefinitionSpec> tds) {
        doc.known(at, SERVICE);
        String name = doc.text(at + "/name");
        String td = taskDefinition(at, tds);
        int replicas = (int) doc.integer(at + "/replicas", 1, 100_000, 1L);
        DesiredCount desired = desired(at + "/desiredCount");
        List<Duration> deployments = new ArrayList<>();
        double daily = 0;
        String dat = at + "/deployments";
        if (doc.has(dat)) {
            if (doc.at(dat).isArray()) {
                for (int i = 0; i < doc.at(dat).size(); i++) {
                    deployments.add(doc.duration(dat + "/" + i, null));
                }
            } else {
                doc.known(dat, Set.of("dailyFraction"));
                daily = doc.number(dat + "/dailyFraction", 0, 1, null);
            }
        }
        ObjectNode dc = doc.has(at + "/deploymentConfiguration")
                ? (ObjectNode) doc.object(at + "/deploymentConfiguration").deepCopy() : null;
        ArrayNode pc = doc.has(at + "/placementConstraints")
                ? (ArrayNode) doc.list(at + "/placementConstraints", true).deepCopy() : null;
        SimWorkload.ScalingSpec scaling = doc.has(at + "/autoScaling") ? scaling(at + "/autoScaling") : null;
        DesiredCount cpuLoad = doc.has(at + "/cpuLoad") ? desired(at + "/cpuLoad") : null;
        SimWorkload.QueueSpec queue = null;
        if (doc.has(at + "/queue")) {
            String q = at + "/queue";
            doc.known(q, Set.of("name", "perHour", "drainPerTaskPerMinute"));
            queue = new SimWorkload.QueueSpec(doc.text(q + "/name", name), desired(q + "/perHour"),
                    doc.number(q + "/drainPerTaskPerMinute", 0, 1e9, null), doc.line(q));
        }
        if (scaling != null && (dc != null || desired.varies() || !desired.steps().isEmpty())) {
            throw doc.error(at + "/autoScaling", "a scaled service takes a constant desiredCount (its start) and"
                    + " no deploymentConfiguration: Service Auto Scaling sets its desired count");
        }
        return new SimWorkload.ServiceSpec(name, td, replicas, desired, provider(at, providers), dc, pc,
                deployments, daily, scaling, cpuLoad, queue, doc.line(at));
    }

    private SimWorkload.ScalingSpec scaling(String at) {
        doc.known(at, Set.of("minCapacity", "maxCapacity", "policies", "alarms", "scheduledActions"));
        int min = (int) doc.integer(at + "/minCapacity", 0, 100_000, null);
        int max = (int) doc.integer(at + "/maxCapacity", 0, 100_000, null);
        if (min > max) {
            throw doc.error(at + "/minCapacity", "must not be greater than maxCapacity (" + max + ")");
        }
        return new SimWorkload.ScalingSpec(min, max, objects(at + "/policies"), objects(at + "/alarms"),
                objects(at + "/scheduledActions"), doc.line(at));
    }

    private List<ObjectNode> objects(String at) {
        List<ObjectNode> out = new ArrayList<>();
        JsonNode l = doc.list(at, false);
        for (int i = 0; i < l.size(); i++) {
            out.add((ObjectNode) doc.object(at + "/" + i).deepCopy());
        }
        return out;
    }

    private DesiredCount desired(String at) {
        JsonNode n = doc.at(at);
        if (n.isMissingNode() || n.isNull() || n.isNumber() || n.isTextual()) {
            return DesiredCount.constant((int) doc.integer(at, 0, 100_000, null));
        }
        doc.known(at, Set.of("base", "steps", "daily"));
        int base = (int) doc.integer(at + "/base", 0, 100_000, null);
        List<DesiredCount.Step> steps = new ArrayList<>();
        JsonNode list = doc.list(at + "/steps", false);
        for (int i = 0; i < list.size(); i++) {
            String s = at + "/steps/" + i;
            doc.known(s, Set.of("at", "count"));
            steps.add(new DesiredCount.Step(doc.duration(s + "/at", null), (int) doc.integer(s + "/count", 0,
                    100_000, null)));
        }
        steps.sort(java.util.Comparator.comparing(DesiredCount.Step::at));
        double amplitude = 0;
        double peak = 14;
        Duration resolution = Duration.ofMinutes(15);
        if (doc.has(at + "/daily")) {
            String d = at + "/daily";
            doc.known(d, Set.of("amplitude", "peakHour", "resolution"));
            amplitude = doc.number(d + "/amplitude", 0, 1, null);
            peak = doc.number(d + "/peakHour", 0, 24, 14.0);
            resolution = doc.duration(d + "/resolution", resolution);
            if (resolution.toSeconds() < 60) {
                throw doc.error(d + "/resolution", "must be at least one minute");
            }
        }
        return new DesiredCount(base, steps, amplitude, peak, resolution);
    }

    private SimWorkload.JobSpec job(String at, Map<String, SimWorkload.Provider> providers,
                                    Map<String, SimWorkload.TaskDefinitionSpec> tds) {
        doc.known(at, JOB);
        String name = doc.text(at + "/name");
        String td = taskDefinition(at, tds);
        String a = at + "/arrivals";
        doc.known(a, Set.of("perHour", "from", "until", "at"));
        Arrivals arrivals;
        if (doc.has(a + "/at")) {
            List<Duration> times = new ArrayList<>();
            JsonNode l = doc.list(a + "/at", true);
            for (int i = 0; i < l.size(); i++) {
                times.add(doc.duration(a + "/at/" + i, null));
            }
            arrivals = new Arrivals.Times(times);
        } else if (doc.has(a + "/perHour")) {
            arrivals = new Arrivals.Poisson(doc.number(a + "/perHour", 1e-6, 1e6, null),
                    doc.duration(a + "/from", Duration.ZERO), doc.has(a + "/until") ? doc.duration(a + "/until", null)
                    : null);
        } else {
            throw doc.error(a, "give perHour (Poisson arrivals) or at (explicit times)");
        }
        return new SimWorkload.JobSpec(name, td, arrivals, distribution(at + "/duration"), provider(at, providers),
                doc.line(at));
    }

    private DurationDistribution distribution(String at) {
        JsonNode n = doc.at(at);
        if (n.isValueNode()) {
            return new DurationDistribution.Fixed(doc.duration(at, null));
        }
        doc.known(at, Set.of("fixed", "uniform", "exponential", "lognormal"));
        if (doc.has(at + "/fixed")) {
            return new DurationDistribution.Fixed(doc.duration(at + "/fixed", null));
        }
        if (doc.has(at + "/uniform")) {
            doc.known(at + "/uniform", Set.of("min", "max"));
            Duration min = doc.duration(at + "/uniform/min", null);
            Duration max = doc.duration(at + "/uniform/max", null);
            if (max.compareTo(min) < 0) {
                throw doc.error(at + "/uniform/max", "must not be below min");
            }
            return new DurationDistribution.Uniform(min, max);
        }
        if (doc.has(at + "/exponential")) {
            doc.known(at + "/exponential", Set.of("mean"));
            return new DurationDistribution.Exponential(doc.duration(at + "/exponential/mean", null));
        }
        if (doc.has(at + "/lognormal")) {
            doc.known(at + "/lognormal", Set.of("median", "sigma"));
            return new DurationDistribution.LogNormal(doc.duration(at + "/lognormal/median", null),
                    doc.number(at + "/lognormal/sigma", 0, 5, null));
        }
        throw doc.error(at, "give fixed, uniform, exponential or lognormal");
    }

    private SimWorkload.FaultSpec fault(String at) {
        doc.known(at, FAULT);
        String type = doc.text(at + "/type");
        SimWorkload.FaultType ft = null;
        for (SimWorkload.FaultType t : SimWorkload.FaultType.values()) {
            if (t.wire().equals(type)) {
                ft = t;
            }
        }
        if (ft == null) {
            List<String> wires = new ArrayList<>();
            for (SimWorkload.FaultType t : SimWorkload.FaultType.values()) {
                wires.add(t.wire());
            }
            throw doc.error(at + "/type", "must be one of " + wires + ", was " + type);
        }
        List<String> types = new ArrayList<>();
        JsonNode l = doc.list(at + "/instanceTypes", false);
        for (int i = 0; i < l.size(); i++) {
            types.add(doc.text(at + "/instanceTypes/" + i));
        }
        String zone = doc.text(at + "/availabilityZone", null);
        if (ft == SimWorkload.FaultType.CAPACITY_SHORTAGE && types.isEmpty()) {
            throw doc.error(at + "/instanceTypes", "a capacity shortage names the instance types it hits");
        }
        return new SimWorkload.FaultSpec(doc.duration(at + "/at", null), ft, (int) doc.integer(at + "/count", 0,
                100_000, 0L), doc.number(at + "/fraction", 0, 1, 0.0), types, zone,
                doc.duration(at + "/duration", Duration.ofHours(1)), doc.line(at));
    }

    private SimWorkload.FargateAssumptions fargate() {
        SimWorkload.FargateAssumptions d = SimWorkload.FargateAssumptions.defaults();
        if (!doc.has("/fargate")) {
            return d;
        }
        doc.known("/fargate", Set.of("startLatencyMin", "startLatencyMax", "billedStartup"));
        Duration min = doc.duration("/fargate/startLatencyMin", d.startLatencyMin());
        Duration max = doc.duration("/fargate/startLatencyMax", d.startLatencyMax());
        if (max.compareTo(min) < 0) {
            throw doc.error("/fargate/startLatencyMax", "must not be below startLatencyMin");
        }
        return new SimWorkload.FargateAssumptions(min, max, doc.duration("/fargate/billedStartup",
                d.billedStartup()));
    }

    /** A {@code plan} task group: a synthesized task definition and a service with a constant desired count. */
    private SimWorkload.ServiceSpec group(String at, Map<String, SimWorkload.Provider> providers,
                                          Map<String, SimWorkload.TaskDefinitionSpec> tds) {
        doc.known(at, GROUP);
        String name = doc.text(at + "/name");
        int count = (int) doc.integer(at + "/count", 0, 1_000_000, null);
        ObjectNode td = JSON.objectNode();
        td.put("family", name);
        td.put("cpu", Long.toString(doc.integer(at + "/cpu", 0, 196_608, null)));
        td.put("memory", Long.toString(doc.integer(at + "/memory", 1, Integer.MAX_VALUE, null)));
        String mode = doc.text(at + "/networkMode", "awsvpc");
        if (!mode.equals("awsvpc") && !mode.equals("host")) {
            throw doc.error(at + "/networkMode", "Managed Instances supports the awsvpc and host network modes only,"
                    + " was " + mode);
        }
        td.put("networkMode", mode);
        td.set("requiresCompatibilities", JSON.arrayNode().add(Compatibility.MANAGED_INSTANCES.toString()));
        String arch = doc.text(at + "/architecture", "X86_64").toUpperCase(java.util.Locale.ROOT)
                .replace("AMD64", "X86_64");
        if (!arch.equals("X86_64") && !arch.equals("ARM64")) {
            throw doc.error(at + "/architecture", "must be X86_64 or ARM64, was " + arch);
        }
        td.set("runtimePlatform", JSON.objectNode().put("operatingSystemFamily", "LINUX")
                .put("cpuArchitecture", arch));
        ObjectNode c = JSON.objectNode().put("name", name).put("image", "public.ecr.aws/stevedore/" + name
                + ":latest").put("essential", true);
        long gpu = doc.integer(at + "/gpu", 0, 64, 0L);
        if (gpu > 0) {
            c.set("resourceRequirements", JSON.arrayNode().add(JSON.objectNode().put("type", "GPU")
                    .put("value", Long.toString(gpu))));
        }
        JsonNode ports = doc.list(at + "/hostPorts", false);
        if (!ports.isEmpty()) {
            ArrayNode pm = JSON.arrayNode();
            for (int i = 0; i < ports.size(); i++) {
                long p = doc.integer(at + "/hostPorts/" + i, 1, 65_535, null);
                pm.add(JSON.objectNode().put("containerPort", p).put("hostPort", p).put("protocol", "tcp"));
            }
            c.set("portMappings", pm);
        }
        td.set("containerDefinitions", JSON.arrayNode().add(c));
        if (tds.containsKey(name)) {
            throw doc.error(at + "/name", "a task definition family " + name + " is declared already");
        }
        tds.put(name, new SimWorkload.TaskDefinitionSpec(name, td, doc.line(at)));
        ArrayNode pc = doc.has(at + "/placementConstraints")
                ? (ArrayNode) doc.list(at + "/placementConstraints", true).deepCopy() : null;
        return new SimWorkload.ServiceSpec(name, name, 1, DesiredCount.constant(count), provider(at, providers),
                null, pc, List.of(), 0, null, null, null, doc.line(at));
    }
}
