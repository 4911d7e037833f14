package io.stevedore.agent;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.NetworkBinding;
import software.amazon.awssdk.services.ecs.model.TransportProtocol;

/**
 * One task on the Docker Engine, driven by its own thread through ECS's task states: PENDING (images pulled, the
 * network namespace and the containers created), RUNNING (every essential container started, containers started
 * in {@code dependsOn} order: START, COMPLETE, SUCCESS, HEALTHY), STOPPED (asked to stop, or an essential
 * container exited, or a dependency can never be met; every container stopped with SIGTERM then SIGKILL after its
 * stopTimeout). Each change is handed to the {@link Host}, which reports it to the control plane and saves it.
 *
 * <p>A task the agent finds already running after a restart is <em>adopted</em>: its containers are known by
 * their labels and the state file; the thread resumes at the watching step instead of creating anything.
 */
final class TaskRun implements Runnable {
    private static final Logger LOG = Logger.getLogger(TaskRun.class.getName());
    /** ECS's name for the container that holds an awsvpc task's network namespace. */
    static final String PAUSE_NAME = "~internal~ecs~pause";
    static final String ESSENTIAL_EXITED = "Essential container in task exited";
    static final String OOM_REASON = "OutOfMemoryError: Container killed due to memory usage";
    private static final Duration TICK = Duration.ofMillis(500);
    private static final Duration PULL_TIMEOUT = Duration.ofMinutes(5);

    /** What a task needs from its agent. */
    interface Host {
        DockerEngine docker();

        String containerInstanceArn();

        /** The metadata endpoint's base URL as a container on {@code gateway} (null: this machine) reaches it. */
        String metadataBase(String gateway);

        /** The task's state changed (reported to the control plane, saved in the state file). */
        void taskChanged(TaskRun run);

        /** One container stopped while its task runs on (a non-essential container exited). */
        void containerChanged(TaskRun run, ContainerRun container);

        /** A container started: ship its logs if it asks for awslogs. */
        void containerStarted(TaskRun run, ContainerRun container);

        /** Whether the awslogs shipping of a container has drained (bounded wait before removal). */
        void awaitLogs(ContainerRun container, Duration atMost);
    }

    final TaskSpec spec;
    final Map<String, ContainerRun> containers = new LinkedHashMap<>();
    private final Host host;
    private final CountDownLatch finished = new CountDownLatch(1);
    volatile String knownStatus = "NONE";
    volatile String desiredStatus;
    volatile String stoppedReason;
    volatile String stopCode;
    volatile Instant pullStartedAt;
    volatile Instant pullStoppedAt;
    volatile Instant startedAt;
    volatile Instant executionStoppedAt;
    volatile String pauseId;
    volatile String networkName;
    /** The metadata endpoint's host as the containers reach it. */
    volatile String metadataGateway;
    private volatile String requestedStopReason;
    /** Set when the agent closes: the thread ends and leaves the containers as they are. */
    private volatile boolean detached;

    TaskRun(TaskSpec spec, Host host, Map<String, String> metadataIds) {
        this.spec = spec;
        this.host = host;
        this.desiredStatus = spec.desiredStatus();
        for (ContainerDefinition c : spec.containers()) {
            String id = metadataIds.getOrDefault(c.name(), UUID.randomUUID().toString().replace("-", ""));
            containers.put(c.name(), new ContainerRun(c, id));
        }
    }

    String taskArn() {
        return spec.taskArn();
    }

    /** Asks the task to stop (the control plane's desiredStatus STOPPED, or the agent's own reason). */
    void requestStop(String reason) {
        if (requestedStopReason == null) {
            requestedStopReason = reason == null ? "" : reason;
        }
        desiredStatus = "STOPPED";
    }

    /** Lets the task's thread end without touching the containers (the agent closes; a new one adopts them). */
    void detach() {
        detached = true;
    }

    boolean awaitFinished(Duration atMost) throws InterruptedException {
        return finished.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isFinished() {
        return finished.getCount() == 0;
    }

    @Override
    public void run() {
        try {
            boolean nothingCreated = containers.values().stream().allMatch(c -> c.dockerId == null) && pauseId == null;
            if (requestedStopReason != null && nothingCreated) {
                stoppedReason = requestedStopReason.isEmpty() ? null : requestedStopReason;
            } else if (prepare()) {
                watch();
            }
            if (detached) {
                return;
            }
            stopAll();
        } catch (RuntimeException e) {
            if (detached) {
                return;
            }
            LOG.log(Level.WARNING, "task " + spec.taskArn() + " failed", e);
            if (stoppedReason == null) {
                stoppedReason = "TaskFailedToStart: " + DockerEngine.firstLine(e.getMessage());
            }
            try {
                stopAll();
            } catch (RuntimeException again) {
                LOG.log(Level.WARNING, "task " + spec.taskArn() + ": stop failed", again);
            }
        } finally {
            finished.countDown();
        }
    }

    /** Pulls, sets up the network and creates what is not there yet; false when the task cannot start. */
    private boolean prepare() {
        DockerEngine docker = host.docker();
        boolean allCreated = containers.values().stream().allMatch(c -> c.dockerId != null);
        if (allCreated && !"NONE".equals(knownStatus)) {
            refreshAll(); // adopted
            return true;
        }
        knownStatus = "PENDING";
        pullStartedAt = Instant.now();
        try {
            for (String image : new LinkedHashSet<>(containers.values().stream().map(c -> c.definition.image())
                    .toList())) {
                docker.pull(image, PULL_TIMEOUT);
            }
        } catch (DockerEngine.CannotPullException e) {
            pullStoppedAt = Instant.now();
            stoppedReason = e.getMessage();
            containers.values().forEach(c -> {
                c.status = "STOPPED";
                c.reason = e.getMessage();
            });
            return false;
        }
        pullStoppedAt = Instant.now();
        for (ContainerRun c : containers.values()) {
            String[] idAndDigest = docker.imageIdAndDigest(c.definition.image());
            c.imageId = idAndDigest[0];
            c.imageDigest = idAndDigest[1];
        }
        ContainerConfig.NetworkPlacement placement = network();
        host.taskChanged(this);
        for (ContainerRun c : containers.values()) {
            if (c.dockerId != null) {
                continue;
            }
            Map<String, String> env = new LinkedHashMap<>();
            String base = host.metadataBase(metadataGateway) + "/v4/" + c.metadataId;
            env.put("ECS_CONTAINER_METADATA_URI_V4", base);
            env.put("ECS_CONTAINER_METADATA_URI", base.replace("/v4/", "/v3/"));
            env.put("AWS_EXECUTION_ENV", "AWS_ECS_EC2");
            CreateContainerCmd cmd = docker.client().createContainerCmd(c.definition.image());
            ContainerConfig.apply(cmd, spec, c.definition, placement, env,
                    ContainerConfig.labels(spec, c.name(), host.containerInstanceArn()));
            c.dockerId = cmd.exec().getId();
            c.createdAt = Instant.now().toString();
            host.taskChanged(this);
        }
        return true;
    }

    /** The task's network: awsvpc gets a pause container holding the ENI's address; the others Docker's modes. */
    private ContainerConfig.NetworkPlacement network() {
        DockerEngine docker = host.docker();
        switch (spec.networkMode()) {
            case "awsvpc" -> {
                TaskSpec.Eni eni = spec.eni();
                if (eni == null || eni.privateIPv4Address() == null || eni.subnetCidr() == null) {
                    throw new IllegalStateException("awsvpc task without an ENI address in the poll");
                }
                networkName = docker.subnetNetwork(eni.subnetCidr(), eni.gateway());
                metadataGateway = docker.gatewayOf(networkName);
                if (pauseId == null) {
                    String image = docker.pauseImage();
                    Map<String, String> labels = ContainerConfig.labels(spec, PAUSE_NAME, host.containerInstanceArn());
                    CreateContainerCmd cmd = docker.client().createContainerCmd(image).withCmd("/pause")
                            .withName("ecs-" + spec.taskDefinition().family() + "-" + spec.taskDefinition().revision()
                                    + "-internalecspause-" + spec.taskId())
                            .withLabels(labels).withIpv4Address(eni.privateIPv4Address())
                            .withHostConfig(com.github.dockerjava.api.model.HostConfig.newHostConfig()
                                    .withNetworkMode(networkName));
                    pauseId = cmd.exec().getId();
                    host.taskChanged(this);
                    docker.client().startContainerCmd(pauseId).exec();
                }
                return new ContainerConfig.NetworkPlacement("container:" + pauseId, null);
            }
            case "host" -> {
                metadataGateway = null;
                return new ContainerConfig.NetworkPlacement("host", null);
            }
            case "none" -> {
                metadataGateway = null;
                return new ContainerConfig.NetworkPlacement("none", null);
            }
            default -> {
                metadataGateway = docker.gatewayOf("bridge");
                return new ContainerConfig.NetworkPlacement("bridge", null);
            }
        }
    }

    /** Starts containers as their dependencies allow and watches them until the task must stop. */
    private void watch() {
        while (!detached) {
            if (requestedStopReason != null) {
                if (stoppedReason == null && !requestedStopReason.isEmpty()) {
                    stoppedReason = requestedStopReason;
                }
                return;
            }
            refreshAll();
            for (ContainerRun c : containers.values()) {
                if (c.exited() && c.essential()) {
                    stoppedReason = ESSENTIAL_EXITED;
                    stopCode = "EssentialContainerExited";
                    return;
                }
            }
            String blocked = startReady();
            if (blocked != null) {
                stoppedReason = blocked;
                return;
            }
            if (!"RUNNING".equals(knownStatus) && containers.values().stream().filter(ContainerRun::essential)
                    .allMatch(c -> "RUNNING".equals(c.status))) {
                knownStatus = "RUNNING";
                startedAt = Instant.now();
                host.taskChanged(this);
            }
            try {
                Thread.sleep(TICK.toMillis());
            } catch (InterruptedException e) {
                // the agent closes (detached: the loop ends) or a stop was asked: the loop looks at both
            }
        }
    }

    /** Starts every container whose dependsOn conditions hold; a condition that can never hold stops the task. */
    private String startReady() {
        for (ContainerRun c : containers.values()) {
            if (c.started || c.exited()) {
                continue;
            }
            boolean ready = true;
            if (c.definition.hasDependsOn()) {
                for (ContainerDependency d : c.definition.dependsOn()) {
                    ContainerRun dep = containers.get(d.containerName());
                    if (dep == null) {
                        return "dependsOn: no container " + d.containerName() + " in the task";
                    }
                    String condition = d.conditionAsString();
                    switch (condition) {
                        case "START" -> ready &= dep.started;
                        case "COMPLETE" -> ready &= dep.exited();
                        case "SUCCESS" -> {
                            if (dep.exited() && !Integer.valueOf(0).equals(dep.exitCode)) {
                                return "dependency " + d.containerName() + " of container " + c.name()
                                        + " exited with code " + dep.exitCode + " (condition SUCCESS)";
                            }
                            ready &= dep.exited();
                        }
                        case "HEALTHY" -> {
                            if (dep.exited() || "UNHEALTHY".equals(dep.health)) {
                                return "dependency " + d.containerName() + " of container " + c.name()
                                        + " is unhealthy (condition HEALTHY)";
                            }
                            ready &= "HEALTHY".equals(dep.health);
                        }
                        default -> throw new IllegalStateException("dependsOn condition " + condition);
                    }
                }
            }
            if (ready) {
                try {
                    host.docker().client().startContainerCmd(c.dockerId).exec();
                } catch (NotModifiedException already) {
                    // started by an earlier agent life
                }
                c.started = true;
                refresh(c);
                host.containerStarted(this, c);
            }
        }
        return null;
    }

    private void refreshAll() {
        for (ContainerRun c : containers.values()) {
            if (c.dockerId != null && !c.exited()) {
                String before = c.status;
                refresh(c);
                if ("RUNNING".equals(before) && c.exited() && "RUNNING".equals(knownStatus)) {
                    host.containerChanged(this, c);
                }
            }
        }
    }

    /** Reads one container's Docker state into its ECS view. */
    private void refresh(ContainerRun c) {
        InspectContainerResponse inspect;
        try {
            inspect = host.docker().client().inspectContainerCmd(c.dockerId).exec();
        } catch (NotFoundException gone) {
            c.status = "STOPPED";
            if (c.reason == null) {
                c.reason = "DockerStateError: the container was removed outside the agent";
            }
            return;
        }
        var state = inspect.getState();
        if (Boolean.TRUE.equals(state.getRunning())) {
            c.status = "RUNNING";
            c.started = true;
            c.startedAt = state.getStartedAt();
            c.networkBindings = bindings(inspect);
        } else if ("exited".equals(state.getStatus()) || "dead".equals(state.getStatus())) {
            c.started = c.started || !state.getStartedAt().startsWith("0001-");
            if (!c.started) {
                return; // created, never started: still waiting on its dependencies
            }
            c.status = "STOPPED";
            c.finishedAt = state.getFinishedAt();
            if (Boolean.TRUE.equals(state.getOOMKilled())) {
                c.exitCode = 137;
                c.reason = OOM_REASON;
            } else {
                c.exitCode = state.getExitCodeLong() == null ? null : state.getExitCodeLong().intValue();
            }
        }
        if (state.getHealth() != null && state.getHealth().getStatus() != null) {
            c.health = switch (state.getHealth().getStatus()) {
                case "healthy" -> "HEALTHY";
                case "unhealthy" -> "UNHEALTHY";
                default -> "UNKNOWN";
            };
        }
    }

    /** Host port bindings (host and bridge modes) as ECS's networkBindings. */
    private List<NetworkBinding> bindings(InspectContainerResponse inspect) {
        List<NetworkBinding> out = new ArrayList<>();
        String mode = spec.networkMode();
        ContainerRun c = containers.get(inspect.getConfig().getLabels().get(ContainerConfig.CONTAINER_NAME));
        if ("host".equals(mode) && c != null && c.definition.hasPortMappings()) {
            c.definition.portMappings().forEach(p -> out.add(NetworkBinding.builder().bindIP("0.0.0.0")
                    .containerPort(p.containerPort()).hostPort(p.hostPort() == null ? p.containerPort() : p.hostPort())
                    .protocol(p.protocol() == null ? TransportProtocol.TCP : p.protocol()).build()));
        } else if ("bridge".equals(mode) && inspect.getNetworkSettings() != null
                && inspect.getNetworkSettings().getPorts() != null) {
            for (Map.Entry<ExposedPort, Ports.Binding[]> e : inspect.getNetworkSettings().getPorts().getBindings()
                    .entrySet()) {
                if (e.getValue() == null) {
                    continue;
                }
                for (Ports.Binding b : e.getValue()) {
                    if (b.getHostIp() != null && b.getHostIp().contains(":")) {
                        continue; // the IPv6 twin of an IPv4 binding
                    }
                    out.add(NetworkBinding.builder().bindIP(b.getHostIp() == null || b.getHostIp().isEmpty()
                                    ? "0.0.0.0" : b.getHostIp())
                            .containerPort(e.getKey().getPort()).hostPort(Integer.parseInt(b.getHostPortSpec()))
                            .protocol(TransportProtocol.fromValue(e.getKey().getProtocol().toString())).build());
                }
            }
        }
        return List.copyOf(out);
    }

    /** Stops every container (in parallel, each SIGTERM then SIGKILL after its stopTimeout) and the pause. */
    private void stopAll() {
        DockerEngine docker = host.docker();
        List<Thread> stoppers = new ArrayList<>();
        for (ContainerRun c : containers.values()) {
            if (c.dockerId == null || c.exited()) {
                continue;
            }
            int timeout = c.definition.stopTimeout() == null ? 30 : c.definition.stopTimeout();
            Thread t = new Thread(() -> {
                try {
                    docker.client().stopContainerCmd(c.dockerId).withTimeout(timeout).exec();
                } catch (NotModifiedException | NotFoundException already) {
                    // exited meanwhile, or gone
                }
            }, "stop-" + c.name());
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ContainerRun c : containers.values()) {
            if (c.dockerId == null) {
                c.status = "STOPPED";
                continue;
            }
            boolean wasStarted = c.started;
            refresh(c);
            if (!wasStarted && !c.started) {
                c.status = "STOPPED"; // never started (dependencies unmet): no exit code, as ECS reports it
            }
        }
        if (pauseId != null) {
            try {
                docker.client().removeContainerCmd(pauseId).withForce(true).exec();
            } catch (NotFoundException gone) {
                // removed already
            }
        }
        executionStoppedAt = Instant.now();
        knownStatus = "STOPPED";
        host.taskChanged(this);
    }

    /** Removes the task's containers and its network when unused (after STOPPED was acknowledged). */
    void cleanUp() {
        DockerEngine docker = host.docker();
        for (ContainerRun c : containers.values()) {
            if (c.dockerId != null) {
                host.awaitLogs(c, Duration.ofSeconds(5));
                try {
                    docker.client().removeContainerCmd(c.dockerId).withForce(true).exec();
                } catch (NotFoundException gone) {
                    // removed already
                }
            }
        }
        if (networkName != null) {
            docker.removeNetworkIfUnused(networkName);
        }
    }

    /** The containers' names whose health the poll reports (they have a health check). */
    Set<String> healthChecked() {
        Set<String> out = new LinkedHashSet<>();
        containers.values().stream().filter(ContainerRun::hasHealthCheck).forEach(c -> out.add(c.name()));
        return out;
    }
}
