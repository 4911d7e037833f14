package io.stevedore.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.catalog.Offering;
import io.stevedore.control.ControlKit;
import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.placement.NetworkMode;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.PendingGroup;
import io.stevedore.provisioning.Provisioner;
import io.stevedore.provisioning.ProvisioningRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A fleet built online: services created one by one through the ECS API ({@code EcsApi}, JSON as the HTTP edge sends
 * it) on the real control plane on the virtual clock ({@link ControlKit}), one Managed Instances provider that may
 * launch every priced type in one subnet; then run until the fleet settles. For the consolidation tests and
 * {@code bench/online}. After each commit that changed a task, every service's RUNNING share of its desired count is
 * recorded (from the moment the service first ran all its tasks), so a move that dips below a service's
 * {@code minimumHealthyPercent} is seen.
 */
public final class OnlineFleet implements AutoCloseable {
    /** The provider's name. */
    public static final String PROVIDER = "online-mi";

    private final ControlKit kit = ControlKit.start();
    private final String clusterArn;
    private final List<PendingGroup> created = new ArrayList<>();
    private final Map<String, Integer> desired = new LinkedHashMap<>();
    /** Services whose tasks all ran once: from then on their RUNNING share is watched. */
    private final Set<String> steady = new TreeSet<>();
    /** The lowest RUNNING share of the desired count seen per steady service, in percent. */
    private final Map<String, Double> lowest = new LinkedHashMap<>();
    /**
     * Every drain seen, instance id and start time → cause: read from the lifecycle's rows after each commit (the
     * event ring keeps only the last 10,000 events, fewer than a large fleet's task changes).
     */
    private final Map<String, String> drains = new TreeMap<>();

    /**
     * A cluster with the provider as its default strategy.
     *
     * @param tags the provider's tags (e.g. {@code stevedore:consolidation=enabled})
     */
    public OnlineFleet(Map<String, String> tags) {
        String subnet = kit.plane().cloud().network().subnets().get(0).id();
        String sg = kit.plane().cloud().network().securityGroups().get(0).id();
        kit.callJson("CreateCluster", "{\"clusterName\":\"online\"}");
        StringBuilder tagJson = new StringBuilder();
        tags.forEach((k, v) -> tagJson.append(tagJson.isEmpty() ? "" : ",").append("{\"key\":\"").append(k)
                .append("\",\"value\":\"").append(v).append("\"}"));
        check(kit.callJson("CreateCapacityProvider", """
                {"name":"%s","cluster":"online","tags":[%s],"managedInstancesProvider":{
                  "infrastructureRoleArn":"arn:aws:iam::000000000000:role/ecsInfrastructureRole",
                  "instanceLaunchTemplate":{
                    "ec2InstanceProfileArn":"arn:aws:iam::000000000000:instance-profile/ecsInstanceRole",
                    "networkConfiguration":{"subnets":["%s"],"securityGroups":["%s"]},
                    "instanceRequirements":{"vCpuCount":{"min":0},"memoryMiB":{"min":0},
                      "burstablePerformance":"included","bareMetal":"included"}}}}"""
                .formatted(PROVIDER, tagJson, subnet, sg)));
        check(kit.callJson("PutClusterCapacityProviders", "{\"cluster\":\"online\",\"capacityProviders\":[],"
                + "\"defaultCapacityProviderStrategy\":[{\"capacityProvider\":\"" + PROVIDER + "\",\"weight\":1}]}"));
        clusterArn = kit.plane().config().arnPrefix() + "cluster/online";
        kit.invariant("RUNNING share of steady services", s -> watch(s));
        kit.invariant("drains", s -> s.instanceLifecycle.values().forEach(l -> {
            if (l.drainStartedMillis() >= 0 && l.drainCause() != null) {
                drains.putIfAbsent(l.instanceId() + "@" + l.drainStartedMillis(), l.drainCause());
            }
        }));
    }

    private static JsonNode check(JsonNode r) {
        if (r.has("__type")) {
            throw new IllegalStateException(r.toString());
        }
        return r;
    }

    private void watch(EcsState s) {
        for (String name : steady) {
            long running = s.tasksByGroup.values(EcsState.groupKey(clusterArn, "service:" + name)).stream()
                    .filter(t -> "RUNNING".equals(t.lastStatus())).count();
            lowest.merge(name, 100.0 * running / desired.get(name), Math::min);
        }
    }

    public ControlKit kit() {
        return kit;
    }

    /**
     * Registers a task definition for {@code g}'s demand and creates its service (minimumHealthyPercent 100,
     * maximumPercent 200, the defaults), then runs the control plane until all its tasks are RUNNING.
     */
    public void createService(PendingGroup g) {
        TaskDemand d = g.demand();
        boolean host = d.networkMode() == NetworkMode.HOST;
        String ports = d.hostPorts().stream().map(p -> "{\"containerPort\":" + p + ",\"hostPort\":" + p + "}")
                .reduce((a, b) -> a + "," + b).orElse("");
        check(kit.callJson("RegisterTaskDefinition", """
                {"family":"%s","cpu":"%d","memory":"%d","networkMode":"%s",
                 "requiresCompatibilities":["MANAGED_INSTANCES"],
                 "runtimePlatform":{"cpuArchitecture":"%s","operatingSystemFamily":"LINUX"},
                 "containerDefinitions":[{"name":"app","image":"public.ecr.aws/example/app:1","essential":true,
                   "portMappings":[%s]}]}""".formatted(g.key(), d.cpu(), d.memoryMiB(), host ? "host" : "awsvpc",
                d.architecture() == io.stevedore.catalog.Architecture.ARM64 ? "ARM64" : "X86_64", ports)));
        String subnet = kit.plane().cloud().network().subnets().get(0).id();
        check(kit.callJson("CreateService", """
                {"cluster":"online","serviceName":"%s","taskDefinition":"%s","desiredCount":%d%s}"""
                .formatted(g.key(), g.key(), g.count(), host ? "" : ",\"networkConfiguration\":{\"awsvpcConfiguration\":"
                        + "{\"subnets\":[\"" + subnet + "\"]}}")));
        created.add(g);
        desired.put(g.key(), g.count());
        kit.runUntil(g.key() + ": " + g.count() + " tasks RUNNING", () -> running(g.key()) == g.count(),
                Duration.ofHours(2));
        steady.add(g.key());
    }

    private long running(String service) {
        return kit.state().tasksByGroup.values(EcsState.groupKey(clusterArn, "service:" + service)).stream()
                .filter(t -> "RUNNING".equals(t.lastStatus())).count();
    }

    /**
     * Runs until nothing in the fleet changed (no instance launched, retired, drained or made ACTIVE, no task started
     * or stopped) for {@code quiet}, at most {@code limit} of virtual time; returns the time of the last change.
     */
    public Instant settle(Duration quiet, Duration limit) {
        Instant lastChange = runQuiet(quiet, limit);
        if (lastChange == null) {
            throw new AssertionError("the fleet did not settle within " + limit + " of virtual time");
        }
        return lastChange;
    }

    /** {@link #settle}, answering null when the fleet still changed after {@code limit}. */
    public Instant runQuiet(Duration quiet, Duration limit) {
        Instant end = kit.clock().now().plus(limit);
        String shape = fleetShape();
        Instant lastChange = kit.clock().now();
        while (Duration.between(lastChange, kit.clock().now()).compareTo(quiet) < 0) {
            if (!kit.clock().now().isBefore(end)) {
                return null;
            }
            kit.runFor(Duration.ofSeconds(30));
            String now = fleetShape();
            if (!now.equals(shape)) {
                shape = now;
                lastChange = kit.clock().now();
            }
        }
        return lastChange;
    }

    /** The instances with their container instance status, and every task's place and status: a change detector. */
    public String fleetShape() {
        return kit.inTx(() -> {
            StringBuilder b = new StringBuilder();
            for (ManagedInstance m : kit.state().instances.values()) {
                b.append(m.instanceId()).append(m.containerInstanceArn() == null ? "-" : kit.state().containerInstances
                        .get(m.containerInstanceArn()).map(c -> c.status()).orElse("?")).append(';');
            }
            b.append(kit.state().tasks.values(t -> !"STOPPED".equals(t.lastStatus())).stream()
                    .map(t -> t.taskArn() + t.lastStatus() + t.containerInstanceArn()).sorted().toList());
            return b.toString();
        });
    }

    /** The provider's offerings, as the lifecycle sees them (price and fee per type). */
    private List<Offering> offerings() {
        return kit.inTx(() -> kit.plane().reconciler().lifecycle().snapshot()).providers().get(PROVIDER).offerings();
    }

    /** USD per hour of every instance launched and not yet terminated: EC2 price plus the management fee. */
    public double cost() {
        Map<String, Double> price = new HashMap<>();
        for (Offering o : offerings()) {
            price.putIfAbsent(o.type().name(), o.pricePerHour() + o.feePerHour());
        }
        return kit.inTx(() -> kit.state().instances.values()).stream()
                .mapToDouble(m -> price.getOrDefault(m.instanceType(), 0.0)).sum();
    }

    /** Instances launched and not yet terminated. */
    public int instances() {
        return kit.inTx(() -> kit.state().instances.values()).size();
    }

    /** The cost (EC2 + fee, USD/h) of one plan of every created service's tasks, by the provisioner. */
    public double singlePlan() {
        var snapshot = kit.inTx(() -> kit.plane().reconciler().lifecycle().snapshot());
        var p = snapshot.providers().get(PROVIDER);
        var plan = new Provisioner().plan(new ProvisioningRequest(created, p.offerings(), p.zones()));
        if (!plan.unplaceable().isEmpty()) {
            throw new IllegalStateException("unplaceable: " + plan.unplaceable());
        }
        return plan.totalPerHour();
    }

    /** The consolidation moves made since the start: sets of instances drained together, by time. */
    public Map<Long, Integer> moves() {
        Map<Long, Integer> out = new TreeMap<>();
        drains.forEach((key, cause) -> {
            if (cause.equals(DrainCause.REPLACEMENT.name())) {
                out.merge(Long.parseLong(key.substring(key.indexOf('@') + 1)), 1, Integer::sum);
            }
        });
        return out;
    }

    /** How many instances compaction (one at a time) drained since the start. */
    public int compactions() {
        return (int) drains.values().stream().filter(c -> c.equals(DrainCause.UNDERUTILIZED.name())).count();
    }

    /** The lowest RUNNING share of its desired count each service showed once it had first run all its tasks. */
    public Map<String, Double> lowestRunningPercent() {
        return Map.copyOf(lowest);
    }

    /** How often the RUNNING shares were checked (a test asserts they were checked while tasks moved). */
    public int checks() {
        return kit.checks("RUNNING share of steady services");
    }

    @Override
    public void close() {
        kit.close();
    }
}
