package io.stevedore.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.api.cloudwatch.CloudWatchApi;
import io.stevedore.api.scaling.AutoScalingApi;
import io.stevedore.assembly.ControlPlane;
import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.RowKind;
import io.stevedore.control.state.ScalingActivity;
import io.stevedore.ecs.SimulatedRun;
import io.stevedore.sim.workload.DesiredCount;
import io.stevedore.sim.workload.SimWorkload;
import io.stevedore.sim.workload.WorkloadError;
import io.stevedore.wire.AwsException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Service Auto Scaling in a simulation, driven as a user drives it: the workload's scalable targets, policies,
 * alarms and scheduled actions are created through the Application Auto Scaling and CloudWatch operations, the
 * service's declared load is set as its {@code stevedore:cpu-load} tag when it changes, and a queue's depth is
 * published with PutMetricData each minute. The control plane does the scaling (its "service auto scaling"
 * stage); this class never decides a desired count. For the Fargate side, each scaled service has a twin on the
 * FARGATE launch type in the cluster {@value #TWIN_CLUSTER} of the same plane, scaled by the same policies on its
 * own metrics; its tasks are not part of the Managed Instances figures (docs/decisions.md "Service Auto Scaling").
 */
final class Scaling {
    static final String TWIN_CLUSTER = "sim-fargate";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int RECENT = 40;

    /** One side (Managed Instances or its Fargate twin) of a scaled service group. */
    static final class Side {
        final String cluster;
        final List<String> names;
        final int[] desired;
        final int[] running;
        int scaleOut;
        int scaleIn;
        final List<ObjectNode> recent = new ArrayList<>();

        Side(String cluster, List<String> names, int samples) {
            this.cluster = cluster;
            this.names = names;
            this.desired = new int[samples];
            this.running = new int[samples];
        }
    }

    /** A scaled service spec with its sides. */
    static final class Group {
        final SimWorkload.ServiceSpec spec;
        final Side mi;
        Side fargate;
        String fargateUnavailable;

        Group(SimWorkload.ServiceSpec spec, Side mi) {
            this.spec = spec;
            this.mi = mi;
        }
    }

    private final ControlPlane plane;
    private final Setup setup;
    private final SimOptions options;
    private final int samples;
    private final List<Group> groups = new ArrayList<>();
    /** Resource id → side and the desired count last set by an activity. */
    private final Map<String, Side> sideOf = new HashMap<>();
    private final Map<String, Integer> lastDesired = new HashMap<>();
    private boolean twinCluster;
    private int sampled;

    Scaling(ControlPlane plane, Setup setup, SimOptions options, int samples) {
        this.plane = plane;
        this.setup = setup;
        this.options = options;
        this.samples = samples;
        plane.state().feed.committed().on(RowKind.SCALING_ACTIVITY, (id, before, after) -> {
            if (before == null && after != null) {
                activity(after);
            }
        });
    }

    boolean any() {
        return !groups.isEmpty();
    }

    /** Sets up scaling for the replicas {@code names} of {@code s} (created already) and plans its drivers. */
    void plan(int index, SimWorkload.ServiceSpec s, List<String> names, Map<String, SimWorkload.Provider> providers,
              Faults.Scheduler at, long start, long end) {
        if (s.scaling() == null && s.cpuLoad() == null && s.queue() == null) {
            return;
        }
        Side mi = new Side(Setup.CLUSTER, names, samples);
        Group g = new Group(s, mi);
        if (s.scaling() != null) {
            groups.add(g);
        }
        List<Side> sides = new ArrayList<>(List.of(mi));
        if (s.scaling() != null && options.fargate()) {
            String reason = twin(g, providers, index);
            if (reason == null) {
                sides.add(g.fargate);
            } else {
                g.fargateUnavailable = reason;
            }
        }
        for (Side side : sides) {
            for (int i = 0; i < side.names.size(); i++) {
                String name = side.names.get(i);
                lastDesired.put(resource(side, name), s.desired().at(Duration.ZERO, 0));
                sideOf.put(resource(side, name), side);
                if (s.scaling() != null) {
                    register(s, side, i, name);
                }
            }
        }
        if (s.cpuLoad() != null) {
            planLoad(s.cpuLoad(), sides, at, start, end);
        }
        if (s.queue() != null) {
            planQueue(index, s, sides, at, start, end);
        }
    }

    private static String resource(Side side, String name) {
        return "service/" + side.cluster + "/" + name;
    }

    /** The ARN of one side's service {@code name}. */
    private String arn(Side side, String name) {
        return plane.config().arnPrefix() + resource(side, name);
    }

    /** The twin services on Fargate; the reason when the task definition cannot run there. */
    private String twin(Group g, Map<String, SimWorkload.Provider> providers, int index) {
        SimWorkload.ServiceSpec s = g.spec;
        String family = s.taskDefinition() + "-fargate";
        ObjectNode td = null;
        for (SimWorkload.TaskDefinitionSpec spec : setup.taskDefinitions()) {
            if (spec.family().equals(s.taskDefinition())) {
                td = spec.request().deepCopy();
            }
        }
        td.put("family", family).put("networkMode", "awsvpc");
        td.set("requiresCompatibilities", JSON.arrayNode().add("FARGATE"));
        try {
            setup.call("RegisterTaskDefinition", td);
        } catch (AwsException e) {
            return "the task definition cannot run on Fargate: " + e.getMessage();
        }
        if (!twinCluster) {
            setup.call("CreateCluster", JSON.objectNode().put("clusterName", TWIN_CLUSTER));
            twinCluster = true;
        }
        List<String> names = g.mi.names;
        for (String name : names) {
            ObjectNode b = JSON.objectNode().put("cluster", TWIN_CLUSTER).put("serviceName", name)
                    .put("taskDefinition", family).put("desiredCount", s.desired().at(Duration.ZERO, 0))
                    .put("launchType", "FARGATE");
            ObjectNode a = JSON.objectNode();
            a.set("subnets", setup.subnets(providers.get(s.capacityProvider()).zones()));
            a.set("securityGroups", JSON.arrayNode().add(setup.securityGroup()));
            b.putObject("networkConfiguration").set("awsvpcConfiguration", a);
            setup.call("CreateService", b);
        }
        g.fargate = new Side(TWIN_CLUSTER, names, samples);
        return null;
    }

    /** The scalable target, policies, alarms and scheduled actions of one service, through the APIs. */
    private void register(SimWorkload.ServiceSpec s, Side side, int replica, String name) {
        SimWorkload.ScalingSpec sc = s.scaling();
        String resource = resource(side, name);
        ObjectNode target = JSON.objectNode().put("ServiceNamespace", "ecs").put("ResourceId", resource)
                .put("ScalableDimension", "ecs:service:DesiredCount");
        aas("RegisterScalableTarget", target.deepCopy().put("MinCapacity", sc.minCapacity())
                .put("MaxCapacity", sc.maxCapacity()), sc.line());
        Map<String, String> policyArns = new LinkedHashMap<>();
        for (ObjectNode p : sc.policies()) {
            ObjectNode body = queueDimensions(p.deepCopy(), s, side, replica);
            body.setAll(target.deepCopy());
            policyArns.put(p.path("PolicyName").asText(), aas("PutScalingPolicy", body, sc.line())
                    .path("PolicyARN").asText());
        }
        for (ObjectNode a : sc.alarms()) {
            ObjectNode body = queueDimensions(a.deepCopy(), s, side, replica);
            body.put("AlarmName", a.path("AlarmName").asText() + "-" + side.cluster + "-" + name);
            ArrayNode actions = JSON.arrayNode();
            for (JsonNode action : a.path("AlarmActions")) {
                String arn = policyArns.get(action.asText());
                if (arn == null) {
                    throw new WorkloadError("services.autoScaling.alarms", sc.line(), 0, "AlarmActions names "
                            + action.asText() + ", which is not one of the policies " + policyArns.keySet());
                }
                actions.add(arn);
            }
            body.set("AlarmActions", actions);
            cloudWatch("PutMetricAlarm", body, sc.line());
        }
        for (ObjectNode a : sc.scheduledActions()) {
            ObjectNode body = a.deepCopy();
            body.setAll(target.deepCopy());
            aas("PutScheduledAction", body, sc.line());
        }
    }

    /** The queue's name for one replica on one side. */
    private static String queueName(SimWorkload.ServiceSpec s, Side side, int replica) {
        String base = s.queue().name() + (s.replicas() > 1 ? String.format("-%05d", replica + 1) : "");
        return TWIN_CLUSTER.equals(side.cluster) ? base + "-fargate" : base;
    }

    /** Points the workload's QueueName dimensions at this replica's (and side's) own queue. */
    private static ObjectNode queueDimensions(ObjectNode node, SimWorkload.ServiceSpec s, Side side, int replica) {
        if (s.queue() == null) {
            return node;
        }
        String own = queueName(s, side, replica);
        node.findParents("Name").forEach(p -> {
            if (SimWorkload.QueueSpec.DIMENSION.equals(p.path("Name").asText())
                    && s.queue().name().equals(p.path("Value").asText()) && p instanceof ObjectNode o) {
                o.put("Value", own);
            }
        });
        return node;
    }

    private void planLoad(DesiredCount load, List<Side> sides, Faults.Scheduler at, long start, long end) {
        Map<String, String> last = new HashMap<>();
        List<String> arns = new ArrayList<>(); // the services' ARNs in side order, spelled once
        for (Side side : sides) {
            for (String name : side.names) {
                arns.add(arn(side, name));
            }
        }
        Runnable apply = () -> {
            long now = plane.clock().now().toEpochMilli();
            DesiredCount.Level l = load.level(Duration.ofMillis(now - start));
            String value = String.format(Locale.ROOT, "%.1f", l.base() * l.factor());
            for (String arn : arns) {
                if (!value.equals(last.put(arn, value))) {
                    setup.tag(arn, SimulatedRun.CPU_LOAD_TAG, value);
                }
            }
        };
        at.at(start, apply);
        java.util.TreeSet<Long> times = new java.util.TreeSet<>();
        for (long t = start + load.resolution().toMillis(); load.varies() && t <= end;
             t += load.resolution().toMillis()) {
            times.add(t);
        }
        load.steps().forEach(st -> times.add(start + st.at().toMillis()));
        for (long t : times.headSet(end, true)) {
            at.at(t, apply);
        }
    }

    private void planQueue(int index, SimWorkload.ServiceSpec s, List<Side> sides, Faults.Scheduler at, long start,
                           long end) {
        SimWorkload.QueueSpec q = s.queue();
        Map<String, double[]> depth = new HashMap<>();
        Map<String, SplittableRandom> random = new HashMap<>();
        for (Side side : sides) {
            for (int i = 0; i < side.names.size(); i++) {
                String key = side.cluster + "/" + side.names.get(i);
                depth.put(key, new double[1]);
                // both sides see the same arrivals: one seed per replica
                random.put(key, new SplittableRandom(options.seed() * 7_919L + index * 104_729L + i));
            }
        }
        EcsState st = plane.state();
        for (long t = start + 60_000; t <= end; t += 60_000) {
            at.at(t, () -> {
                for (Side side : sides) {
                    for (int i = 0; i < side.names.size(); i++) {
                        String name = side.names.get(i);
                        String key = side.cluster + "/" + name;
                        int running = st.services.get(plane.config().arnPrefix() + "service/" + key)
                                .map(Service::runningCount).orElse(0);
                        double[] d = depth.get(key);
                        DesiredCount.Level rate = q.perHour().level(Duration.ofMillis(
                                plane.clock().now().toEpochMilli() - start));
                        d[0] = Math.max(0, d[0] + poisson(random.get(key), rate.base() * rate.factor() / 60.0)
                                - running * q.drainPerTaskPerMinute());
                        ObjectNode b = JSON.objectNode().put("Namespace", SimWorkload.QueueSpec.NAMESPACE);
                        ObjectNode datum = b.putArray("MetricData").addObject()
                                .put("MetricName", SimWorkload.QueueSpec.METRIC).put("Value", d[0])
                                .put("Unit", "Count")
                                .put("Timestamp", plane.clock().now().toEpochMilli() / 1000.0);
                        datum.putArray("Dimensions").addObject().put("Name", SimWorkload.QueueSpec.DIMENSION)
                                .put("Value", queueName(s, side, i));
                        cloudWatch("PutMetricData", b, q.line());
                    }
                }
            });
        }
    }

    /** A Poisson draw (Knuth for small means, a rounded normal beyond). */
    private static int poisson(SplittableRandom r, double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 50) {
            double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
            return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * g));
        }
        double l = Math.exp(-mean);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= r.nextDouble();
        } while (p > l);
        return k - 1;
    }

    private void activity(ScalingActivity a) {
        Side side = sideOf.get(a.resourceId());
        if (side == null) {
            return;
        }
        String d = a.description();
        int n;
        try {
            n = Integer.parseInt(d.replaceAll("[^0-9]", ""));
        } catch (NumberFormatException e) {
            return;
        }
        Integer before = lastDesired.put(a.resourceId(), n);
        if (before == null || n > before) {
            side.scaleOut++;
        } else if (n < before) {
            side.scaleIn++;
        }
        if (side.recent.size() < RECENT) {
            side.recent.add(JSON.objectNode().put("at", Instant.ofEpochMilli(a.startMillis()).toString())
                    .put("resourceId", a.resourceId()).put("description", d).put("cause", a.cause()));
        }
    }

    /** Samples every group's desired and running counts (both sides). */
    void sample() {
        if (sampled >= samples) {
            return;
        }
        EcsState st = plane.state();
        for (Group g : groups) {
            for (Side side : g.fargate == null ? List.of(g.mi) : List.of(g.mi, g.fargate)) {
                int d = 0;
                int r = 0;
                for (String name : side.names) {
                    Service s = st.services.get(arn(side, name)).orElse(null);
                    if (s != null) {
                        d += s.desiredCount();
                        r += s.runningCount();
                    }
                }
                side.desired[sampled] = d;
                side.running[sampled] = r;
            }
        }
        sampled++;
    }

    /** The report's {@code autoScaling} section. */
    ArrayNode report() {
        ArrayNode out = JSON.arrayNode();
        for (Group g : groups) {
            ObjectNode o = out.addObject().put("service", g.spec.name()).put("replicas", g.spec.replicas())
                    .put("minCapacity", g.spec.scaling().minCapacity())
                    .put("maxCapacity", g.spec.scaling().maxCapacity());
            o.set("managedInstances", side(g.mi));
            if (g.fargate != null) {
                o.set("fargate", side(g.fargate));
            } else if (g.fargateUnavailable != null) {
                o.put("fargateUnavailable", g.fargateUnavailable);
            }
        }
        return out;
    }

    private ObjectNode side(Side s) {
        ObjectNode o = JSON.objectNode().put("cluster", s.cluster);
        ArrayNode d = o.putArray("desired");
        ArrayNode r = o.putArray("running");
        for (int i = 0; i < sampled; i++) {
            d.add(s.desired[i]);
            r.add(s.running[i]);
        }
        o.putObject("activities").put("scaleOut", s.scaleOut).put("scaleIn", s.scaleIn);
        ArrayNode recent = o.putArray("firstActivities");
        s.recent.forEach(recent::add);
        return o;
    }

    private JsonNode aas(String op, ObjectNode body, int line) {
        try {
            return MAPPER.readTree(plane.autoScaling().handle(AutoScalingApi.TARGET_PREFIX + op, body.toString()));
        } catch (AwsException e) {
            throw new WorkloadError("services.autoScaling", line, 0, op + " failed: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void cloudWatch(String op, ObjectNode body, int line) {
        try {
            plane.cloudWatch().handleJson(CloudWatchApi.TARGET_PREFIX + op, body.toString());
        } catch (AwsException e) {
            throw new WorkloadError("services", line, 0, op + " failed: " + e.getMessage());
        }
    }
}
