package io.stevedore.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.api.EcsApi;
import io.stevedore.assembly.ControlPlane;
import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.PlaneConfig;
import io.stevedore.control.state.RowKind;
import io.stevedore.time.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The control plane on a virtual clock, for tests of engine behaviour (rollouts, fleet, lifecycle) without HTTP or
 * wall-clock polling: the real {@link ControlPlane} in memory, driven tick by tick at the server's own period, with
 * operations invoked as SDK request objects through the same handlers the API uses.
 *
 * <p>Invariants are checked on every committed transaction, not on samples: the kit follows the state's committed
 * {@link io.stevedore.control.state.ChangeFeed} and runs every registered invariant after each transaction that
 * changed a task, a service or a container instance. A test also sees the {@link #journal()} of task status
 * transitions and container instance status changes, in commit order, so that "it happened" and "it never
 * happened" are both assertions over what really was committed.
 */
public final class ControlKit implements AutoCloseable {
    /** Monday 10:00 UTC, outside the default maintenance windows. */
    public static final Instant START = Instant.parse("2026-01-05T10:00:00Z");

    /** One committed change of a task's lastStatus or a container instance's status. */
    public record Transition(Instant at, String kind, String arn, String from, String to) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final VirtualClock clock = new VirtualClock(START);
    private final ControlPlane plane;
    private final Map<String, Consumer<EcsState>> invariants = new LinkedHashMap<>();
    private final Map<String, Integer> checks = new LinkedHashMap<>();
    private final List<Transition> journal = new ArrayList<>();
    private boolean changed;
    private long ticks;

    private ControlKit(PlaneConfig config) {
        this.plane = ControlPlane.inMemory(config, clock);
        plane.state().feed.committed()
                .on(RowKind.TASK, (id, before, after) -> {
                    changed = true;
                    String from = before == null ? null : before.lastStatus();
                    String to = after == null ? null : after.lastStatus();
                    if (!java.util.Objects.equals(from, to)) {
                        journal.add(new Transition(clock.now(), "task", id, from, to));
                    }
                })
                .on(RowKind.SERVICE, (id, before, after) -> changed = true)
                .on(RowKind.CONTAINER_INSTANCE, (id, before, after) -> {
                    changed = true;
                    String from = before == null ? null : before.status();
                    String to = after == null ? null : after.status();
                    if (!java.util.Objects.equals(from, to)) {
                        journal.add(new Transition(clock.now(), "containerInstance", id, from, to));
                    }
                });
    }

    /** A fresh control plane on the virtual clock at {@link #START}. */
    public static ControlKit start() {
        return new ControlKit(PlaneConfig.defaults());
    }

    /** The same in another region or account. */
    public static ControlKit start(PlaneConfig config) {
        return new ControlKit(config);
    }

    /**
     * Cluster {@code c} whose default strategy is the Managed Instances provider {@code mi} (ARM64, 2-4 vCPUs, every
     * subnet), and task definition family {@code web} registered twice, {@code web:1} running nginx:1 and
     * {@code web:2} nginx:2, each of {@code cpu} units and {@code memory} MiB.
     */
    public void webCluster(int cpu, int memory) {
        String subnets = String.join("\",\"", plane().cloud().network().subnets().stream()
                .map(s -> s.id()).toList());
        callJson("CreateCluster", "{\"clusterName\":\"c\"}");
        callJson("CreateCapacityProvider", "{\"name\":\"mi\",\"cluster\":\"c\",\"managedInstancesProvider\":{"
                + "\"infrastructureRoleArn\":\"arn:aws:iam::000000000000:role/r\",\"instanceLaunchTemplate\":{"
                + "\"ec2InstanceProfileArn\":\"arn:aws:iam::000000000000:instance-profile/p\","
                + "\"networkConfiguration\":{\"subnets\":[\"" + subnets + "\"]},"
                + "\"instanceRequirements\":{\"vCpuCount\":{\"min\":2,\"max\":4},\"memoryMiB\":{\"min\":4096,"
                + "\"max\":16384},\"cpuManufacturers\":[\"amazon-web-services\"]}}}}");
        callJson("PutClusterCapacityProviders", "{\"cluster\":\"c\",\"capacityProviders\":[],"
                + "\"defaultCapacityProviderStrategy\":[{\"capacityProvider\":\"mi\",\"base\":0,\"weight\":100}]}");
        for (String image : List.of("nginx:1", "nginx:2")) {
            callJson("RegisterTaskDefinition", "{\"family\":\"web\",\"cpu\":\"" + cpu + "\",\"memory\":\"" + memory
                    + "\",\"networkMode\":\"awsvpc\",\"requiresCompatibilities\":[\"MANAGED_INSTANCES\"],"
                    + "\"runtimePlatform\":{\"cpuArchitecture\":\"ARM64\"},\"containerDefinitions\":[{\"name\":\"web\","
                    + "\"image\":\"" + image + "\",\"essential\":true}]}");
        }
    }

    /**
     * CreateService of {@code name} in {@link #webCluster}'s cluster: task definition web:1, {@code desired} tasks, the
     * deployment's minimum healthy and maximum percent, awsvpc in the first subnet.
     */
    public void webService(String name, int desired, int minHealthy, int maxPercent) {
        callJson("CreateService", "{\"cluster\":\"c\",\"serviceName\":\"" + name + "\",\"taskDefinition\":"
                + "\"web:1\",\"desiredCount\":" + desired + ",\"deploymentConfiguration\":{\"minimumHealthyPercent\":"
                + minHealthy + ",\"maximumPercent\":" + maxPercent + "},\"networkConfiguration\":{"
                + "\"awsvpcConfiguration\":{\"subnets\":[\"" + plane().cloud().network().subnets().get(0).id()
                + "\"]}}}");
    }

    /**
     * One random change to service {@code name} of {@link #webCluster}'s cluster ({@code clusterArn}), by {@code kind}:
     * 0 or 1 a desired count below {@code desiredBelow}; 2 a forced deployment of web:1 or web:2; 3 StopTask of one of
     * its live tasks; 4 a drain of an ACTIVE container instance while fewer than {@code maxDrained} are drained (kept in
     * {@code drained}), else the end of the oldest drain. Any other kind changes nothing.
     */
    public void serviceChange(int kind, String clusterArn, String name, java.util.SplittableRandom random,
                              int desiredBelow, List<String> drained, int maxDrained) {
        switch (kind) {
            case 0, 1 -> callJson("UpdateService", "{\"cluster\":\"c\",\"service\":\"" + name
                    + "\",\"desiredCount\":" + random.nextInt(desiredBelow) + "}");
            case 2 -> callJson("UpdateService", "{\"cluster\":\"c\",\"service\":\"" + name
                    + "\",\"taskDefinition\":\"web:" + (1 + random.nextInt(2)) + "\",\"forceNewDeployment\":true}");
            case 3 -> {
                List<Task> tasks = liveTasks(clusterArn, name);
                if (!tasks.isEmpty()) {
                    callJson("StopTask", "{\"cluster\":\"c\",\"task\":\""
                            + tasks.get(random.nextInt(tasks.size())).taskArn() + "\"}");
                }
            }
            case 4 -> {
                List<ContainerInstance> active = containerInstances("ACTIVE");
                if (!active.isEmpty() && drained.size() < maxDrained) {
                    String ci = active.get(random.nextInt(active.size())).containerInstanceArn();
                    callJson("UpdateContainerInstancesState", "{\"cluster\":\"c\",\"containerInstances\":[\""
                            + ci + "\"],\"status\":\"DRAINING\"}");
                    drained.add(ci);
                } else if (!drained.isEmpty()) {
                    String ci = drained.remove(0);
                    if (inTx(() -> state().containerInstances.get(ci).map(c -> "DRAINING".equals(c.status()))
                            .orElse(false))) {
                        callJson("UpdateContainerInstancesState", "{\"cluster\":\"c\","
                                + "\"containerInstances\":[\"" + ci + "\"],\"status\":\"ACTIVE\"}");
                    }
                }
            }
            default -> {
            }
        }
    }

    public ControlPlane plane() {
        return plane;
    }

    public EcsState state() {
        return plane.state();
    }

    public VirtualClock clock() {
        return clock;
    }

    /** The reconciler ticks run so far. */
    public long ticks() {
        return ticks;
    }

    /**
     * Invokes an ECS operation (e.g. {@code "CreateService"}) with its SDK request, as the API does, and checks the
     * invariants after its commit.
     */
    public <R extends SdkPojo> R call(String operation, SdkPojo request, Class<R> response) {
        R r = response.cast(plane.api().invoke(operation, request));
        afterCommit();
        return r;
    }

    /** Invokes an ECS operation with its JSON body, as the HTTP edge does; answers the JSON response. */
    public JsonNode callJson(String operation, String json) {
        try {
            JsonNode r = JSON.readTree(plane.api().handle(EcsApi.TARGET_PREFIX + operation, json));
            afterCommit();
            return r;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An invariant checked after every committed transaction that changed a task, service or container instance
     * (and once now). {@code check} throws (an AssertJ assertion) when the state breaks it.
     */
    public void invariant(String name, Consumer<EcsState> check) {
        invariants.put(name, check);
        checks.put(name, 0);
        run(name, check);
    }

    /** How many times the invariant was checked: a test asserts it was checked while something happened. */
    public int checks(String name) {
        return checks.getOrDefault(name, 0);
    }

    /** Task and container instance status transitions, in commit order. */
    public List<Transition> journal() {
        return List.copyOf(journal);
    }

    /** One reconciler tick at the current time (one transaction). */
    public void tick() {
        plane.reconciler().tick();
        ticks++;
        afterCommit();
    }

    /** Ticks at the control loop's period for {@code d} of virtual time. */
    public void runFor(Duration d) {
        Instant end = clock.now().plus(d);
        while (clock.now().isBefore(end)) {
            step();
        }
    }

    /**
     * Ticks at the control loop's period until {@code done} holds, at most {@code limit} of virtual time; returns
     * the virtual time it took. Fails naming {@code what} when the limit passes first.
     */
    public Duration runUntil(String what, BooleanSupplier done, Duration limit) {
        Instant start = clock.now();
        Instant end = start.plus(limit);
        while (!inTransaction(done)) {
            if (!clock.now().isBefore(end)) {
                throw new AssertionError("not within " + limit + " of virtual time: " + what);
            }
            step();
        }
        return Duration.between(start, clock.now());
    }

    private boolean inTransaction(BooleanSupplier condition) {
        return plane.database().transaction(condition::getAsBoolean);
    }

    private void step() {
        clock.advance(plane.reconciler().timings().tick());
        tick();
    }

    private void afterCommit() {
        if (!changed) {
            return;
        }
        changed = false;
        invariants.forEach(this::run);
    }

    private void run(String name, Consumer<EcsState> check) {
        plane.database().transaction(() -> {
            check.accept(plane.state());
            return null;
        });
        checks.merge(name, 1, Integer::sum);
    }

    /** The tasks of a service's group that are not STOPPED. */
    public List<Task> liveTasks(String clusterArn, String serviceName) {
        return inTx(() -> state().tasksByGroup.values(EcsState.groupKey(clusterArn, "service:" + serviceName))
                .stream().filter(t -> !"STOPPED".equals(t.lastStatus())).toList());
    }

    /** The container instances in the given status. */
    public List<ContainerInstance> containerInstances(String status) {
        return inTx(() -> state().containerInstancesByStatus.values(status));
    }

    /** Reads state inside a transaction (the tables' lock). */
    public <T> T inTx(java.util.function.Supplier<T> read) {
        return plane.database().transaction(read);
    }

    @Override
    public void close() {
        plane.close();
    }
}
