package io.stevedore.agent;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Ulimit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.ResourceType;

/**
 * How one container definition of a task becomes a Docker container, as the ECS agent maps it: command and
 * entryPoint, environment (overrides merged by name), workingDirectory, user, ulimits, linuxParameters
 * (capabilities, initProcessEnabled, sharedMemorySize), privileged, readonlyRootFilesystem, the health check, the
 * CPU and memory limits, GPUs, port mappings and ECS's labels.
 *
 * <p>CPU and memory: a container's {@code cpu} is its relative weight (CpuShares, at least 2 as the ECS agent sets
 * it); its {@code memory} is a hard limit (Memory) and {@code memoryReservation} a soft one (MemoryReservation).
 * The task-level {@code cpu} and {@code memory} are ceilings of the whole task in ECS (a task cgroup); here each
 * container is held to them individually (NanoCpus, and Memory where the container sets none), which bounds every
 * container by the task's size without a cgroup hierarchy of the agent's own (docs/decisions.md).
 */
final class ContainerConfig {
    static final String TASK_ARN = "com.amazonaws.ecs.task-arn";
    static final String CONTAINER_NAME = "com.amazonaws.ecs.container-name";
    static final String CLUSTER = "com.amazonaws.ecs.cluster";
    static final String FAMILY = "com.amazonaws.ecs.task-definition-family";
    static final String VERSION = "com.amazonaws.ecs.task-definition-version";
    /** Which container instance's agent runs the container (two agents may share one engine). */
    static final String INSTANCE = "io.stevedore.container-instance";
    private static final long MIB = 1024L * 1024L;

    private ContainerConfig() {
    }

    /** Where a container's network comes from: a Docker network mode and, for a user network, its address. */
    record NetworkPlacement(String mode, String ipv4Address) {
    }

    /** The Docker name of a task's container: ECS-like, unique by the task id. */
    static String dockerName(TaskSpec task, String container) {
        return "ecs-" + task.taskDefinition().family() + "-" + task.taskDefinition().revision() + "-" + container + "-"
                + task.taskId();
    }

    /** ECS's labels plus the agent's own, the container definition's dockerLabels first. */
    static Map<String, String> labels(TaskSpec task, String container, String containerInstanceArn) {
        Map<String, String> labels = new LinkedHashMap<>();
        task.containers().stream().filter(c -> c.name().equals(container)).findFirst()
                .filter(ContainerDefinition::hasDockerLabels).ifPresent(c -> labels.putAll(c.dockerLabels()));
        labels.put(TASK_ARN, task.taskArn());
        labels.put(CONTAINER_NAME, container);
        labels.put(CLUSTER, task.clusterName());
        labels.put(FAMILY, task.taskDefinition().family());
        labels.put(VERSION, String.valueOf(task.taskDefinition().revision()));
        labels.put(INSTANCE, containerInstanceArn);
        labels.put(DockerEngine.MANAGED_LABEL, "true");
        return labels;
    }

    /** Fills {@code cmd} for container {@code c} of {@code task}. */
    static void apply(CreateContainerCmd cmd, TaskSpec task, ContainerDefinition c, NetworkPlacement network,
                      Map<String, String> extraEnv, Map<String, String> labels) {
        Optional<ContainerOverride> override = task.overrideOf(c.name());
        cmd.withName(dockerName(task, c.name())).withLabels(labels);
        List<String> command = override.filter(ContainerOverride::hasCommand).map(ContainerOverride::command)
                .orElse(c.hasCommand() ? c.command() : null);
        if (command != null && !command.isEmpty()) {
            cmd.withCmd(command);
        }
        if (c.hasEntryPoint() && !c.entryPoint().isEmpty()) {
            cmd.withEntrypoint(c.entryPoint());
        }
        cmd.withEnv(environment(c, override, extraEnv));
        if (c.workingDirectory() != null) {
            cmd.withWorkingDir(c.workingDirectory());
        }
        if (c.user() != null) {
            cmd.withUser(c.user());
        }
        if (c.healthCheck() != null && c.healthCheck().hasCommand()) {
            var h = c.healthCheck();
            cmd.withHealthcheck(new HealthCheck().withTest(h.command())
                    .withInterval(seconds(h.interval(), 30)).withTimeout(seconds(h.timeout(), 5))
                    .withRetries(h.retries() == null ? 3 : h.retries()).withStartPeriod(seconds(h.startPeriod(), 0)));
        }
        if (c.stopTimeout() != null) {
            cmd.withStopTimeout(c.stopTimeout());
        }
        HostConfig host = HostConfig.newHostConfig().withNetworkMode(network.mode());
        if (network.ipv4Address() != null) {
            cmd.withIpv4Address(network.ipv4Address());
        }
        resources(host, task, c, override);
        if (c.hasUlimits()) {
            host.withUlimits(c.ulimits().stream().map(u -> new Ulimit(u.nameAsString(), (long) u.softLimit(),
                    (long) u.hardLimit())).toList());
        }
        if (c.linuxParameters() != null) {
            var lp = c.linuxParameters();
            if (lp.capabilities() != null) {
                if (lp.capabilities().hasAdd()) {
                    host.withCapAdd(lp.capabilities().add().stream().map(ContainerConfig::capability)
                            .toArray(Capability[]::new));
                }
                if (lp.capabilities().hasDrop()) {
                    host.withCapDrop(lp.capabilities().drop().stream().map(ContainerConfig::capability)
                            .toArray(Capability[]::new));
                }
            }
            if (Boolean.TRUE.equals(lp.initProcessEnabled())) {
                host.withInit(true);
            }
            if (lp.sharedMemorySize() != null) {
                host.withShmSize(lp.sharedMemorySize() * MIB);
            }
        }
        if (Boolean.TRUE.equals(c.privileged())) {
            host.withPrivileged(true);
        }
        if (Boolean.TRUE.equals(c.readonlyRootFilesystem())) {
            host.withReadonlyRootfs(true);
        }
        ports(cmd, host, task, c);
        cmd.withHostConfig(host);
    }

    private static List<String> environment(ContainerDefinition c, Optional<ContainerOverride> override,
                                            Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>();
        if (c.hasEnvironment()) {
            c.environment().forEach(kv -> env.put(kv.name(), kv.value()));
        }
        override.filter(ContainerOverride::hasEnvironment).map(ContainerOverride::environment)
                .ifPresent(list -> list.forEach((KeyValuePair kv) -> env.put(kv.name(), kv.value())));
        env.putAll(extra);
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + (v == null ? "" : v)));
        return out;
    }

    private static void resources(HostConfig host, TaskSpec task, ContainerDefinition c,
                                  Optional<ContainerOverride> override) {
        Integer cpu = override.map(ContainerOverride::cpu).orElse(c.cpu());
        host.withCpuShares(cpu == null || cpu < 2 ? 2 : cpu);
        Integer memory = override.map(ContainerOverride::memory).orElse(c.memory());
        Integer reservation = override.map(ContainerOverride::memoryReservation).orElse(c.memoryReservation());
        Integer taskMemory = parseInt(task.memory());
        if (memory != null) {
            host.withMemory(memory * MIB);
        } else if (taskMemory != null) {
            host.withMemory(taskMemory * MIB);
        }
        if (reservation != null) {
            host.withMemoryReservation(reservation * MIB);
        }
        if (host.getMemory() != null) {
            host.withMemorySwap(host.getMemory()); // no swap beyond the limit: the limit is what the task asked
        }
        Integer taskCpu = parseInt(task.cpu());
        if (taskCpu != null && taskCpu > 0) {
            host.withNanoCPUs(taskCpu * 1_000_000_000L / 1024);
        }
        int gpus = c.hasResourceRequirements() ? c.resourceRequirements().stream()
                .filter(r -> r.type() == ResourceType.GPU).mapToInt(r -> Integer.parseInt(r.value())).sum() : 0;
        if (gpus > 0 && Files.exists(Path.of("/dev/nvidia0"))) {
            host.withDeviceRequests(List.of(new DeviceRequest().withDriver("nvidia").withCount(gpus)
                    .withCapabilities(List.of(List.of("gpu")))));
        }
    }

    private static void ports(CreateContainerCmd cmd, HostConfig host, TaskSpec task, ContainerDefinition c) {
        if (!"bridge".equals(task.networkMode()) || !c.hasPortMappings() || c.portMappings().isEmpty()) {
            return; // host and awsvpc: the container's ports are the namespace's own, nothing to publish
        }
        List<ExposedPort> exposed = new ArrayList<>();
        Ports bindings = new Ports();
        for (PortMapping p : c.portMappings()) {
            if (p.containerPort() == null) {
                continue;
            }
            ExposedPort port = new ExposedPort(p.containerPort(),
                    "udp".equals(p.protocolAsString()) ? InternetProtocol.UDP : InternetProtocol.TCP);
            exposed.add(port);
            Integer hostPort = p.hostPort();
            bindings.bind(port, hostPort == null || hostPort == 0 ? Ports.Binding.empty()
                    : Ports.Binding.bindPort(hostPort));
        }
        cmd.withExposedPorts(exposed);
        host.withPortBindings(bindings);
    }

    private static Capability capability(String name) {
        try {
            return Capability.valueOf(name.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("linuxParameters.capabilities: unknown capability " + name);
        }
    }

    private static Long seconds(Integer value, int defaultSeconds) {
        return (value == null ? defaultSeconds : value) * 1_000_000_000L;
    }

    static Integer parseInt(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

}
