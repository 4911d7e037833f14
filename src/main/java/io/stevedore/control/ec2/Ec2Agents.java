package io.stevedore.control.ec2;

import io.stevedore.catalog.InstanceType;
import io.stevedore.cloud.Instance;
import io.stevedore.cloud.UserLaunch;
import io.stevedore.control.state.ContainerInstances;
import io.stevedore.control.state.Context;
import io.stevedore.control.fleet.InstanceQuota;
import io.stevedore.control.state.Ec2Registration;
import io.stevedore.control.tasks.TaskLifecycle;
import io.stevedore.ecs.Statuses;
import io.stevedore.placement.InstanceReservation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceHealthStatus;
import software.amazon.awssdk.services.ecs.model.InstanceHealthCheckState;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;
import software.amazon.awssdk.services.ecs.model.VersionInfo;

/**
 * The ECS agent of every instance a user launched, emulated (a tick stage): once the instance runs and its user data
 * names a cluster ({@code ECS_CLUSTER}, {@link EcsUserData}) that is ACTIVE, it registers as an EC2 container instance
 * there with its type's resources and the attributes the agent reports; while the instance is stopped the agent is
 * disconnected and the tasks on it stop; when the instance terminates the container instance goes INACTIVE and its
 * tasks stop. A container instance deregistered with DeregisterContainerInstance is not registered again (the agent
 * of a real instance stops registering once its instance was deregistered). Costs one look per user instance.
 */
public final class Ec2Agents {
    /** Capabilities the ECS agent on an ECS-optimized Amazon Linux AMI reports (a representative set). */
    static final List<String> CAPABILITIES = List.of(
            "com.amazonaws.ecs.capability.docker-remote-api.1.17",
            "com.amazonaws.ecs.capability.docker-remote-api.1.18",
            "com.amazonaws.ecs.capability.docker-remote-api.1.19",
            "com.amazonaws.ecs.capability.docker-remote-api.1.21",
            "com.amazonaws.ecs.capability.docker-remote-api.1.22",
            "com.amazonaws.ecs.capability.docker-remote-api.1.24",
            "com.amazonaws.ecs.capability.docker-remote-api.1.25",
            "com.amazonaws.ecs.capability.docker-remote-api.1.29",
            "com.amazonaws.ecs.capability.docker-remote-api.1.32",
            "com.amazonaws.ecs.capability.docker-remote-api.1.44",
            "com.amazonaws.ecs.capability.ecr-auth",
            "com.amazonaws.ecs.capability.logging-driver.awslogs",
            "com.amazonaws.ecs.capability.logging-driver.json-file",
            "com.amazonaws.ecs.capability.logging-driver.none",
            "com.amazonaws.ecs.capability.logging-driver.syslog",
            "com.amazonaws.ecs.capability.privileged-container",
            "com.amazonaws.ecs.capability.task-iam-role",
            "com.amazonaws.ecs.capability.task-iam-role-network-host",
            "ecs.capability.container-health-check",
            "ecs.capability.container-ordering",
            "ecs.capability.docker-plugin.local",
            "ecs.capability.efs",
            "ecs.capability.efsAuth",
            "ecs.capability.env-files.s3",
            "ecs.capability.execution-role-awslogs",
            "ecs.capability.execution-role-ecr-pull",
            "ecs.capability.firelens.fluentbit",
            "ecs.capability.full-sync",
            "ecs.capability.increased-task-cpu-limit",
            "ecs.capability.private-registry-authentication.secretsmanager",
            "ecs.capability.secrets.asm.environment-variables",
            "ecs.capability.secrets.ssm.environment-variables",
            "ecs.capability.task-cpu-mem-limit",
            "ecs.capability.task-eni");

    private final Context ctx;
    private final TaskLifecycle tasks;

    public Ec2Agents(Context ctx, TaskLifecycle tasks) {
        this.ctx = ctx;
        this.tasks = tasks;
    }

    public void run() {
        for (UserLaunch u : ctx.cloud().userLaunches()) {
            Ec2Registration reg = ctx.state().ec2Registrations.get(u.instanceId()).orElse(null);
            if (reg != null && reg.deregistered()) {
                continue;
            }
            Optional<String> cluster = EcsUserData.cluster(u.userData());
            if (reg == null && cluster.isEmpty()) {
                continue; // no agent configuration: the instance never joins a cluster
            }
            Instance ec2 = ctx.cloud().describe(u.instanceId()).orElse(null);
            String state = ec2 == null ? "terminated" : ec2.state();
            if (reg == null) {
                if ("running".equals(state)) {
                    // a cluster at its container instance quota refuses the agent, which tries again later
                    ctx.findCluster(cluster.get()).filter(c -> Statuses.CLUSTER_ACTIVE.equals(c.status()))
                            .filter(c -> InstanceQuota.room(ctx, c.clusterArn()) > 0)
                            .ifPresent(c -> register(c, ec2, u));
                }
                continue;
            }
            switch (state) {
                case "terminated", "shutting-down" -> deregister(reg, "Host EC2 (instance " + u.instanceId()
                        + ") terminated.");
                case "stopped", "stopping" -> connected(reg, false);
                case "running" -> connected(reg, true);
                default -> {
                    // pending after a start: the agent connects once the instance runs
                }
            }
        }
    }

    /**
     * Registers a running instance of a user in {@code c} at once (RegisterContainerInstance with its identity
     * document), or answers the container instance it already has there; empty when the instance is stopped or gone.
     */
    public Optional<ContainerInstance> registerNow(Cluster c, String instanceId) {
        Ec2Registration reg = ctx.state().ec2Registrations.get(instanceId).orElse(null);
        if (reg != null && !reg.deregistered() && reg.clusterArn().equals(c.clusterArn())) {
            return ctx.state().containerInstances.get(reg.containerInstanceArn());
        }
        // ECS trusts the signed identity document, not EC2's state: an agent that calls is on a booted instance,
        // even when EC2 still shows it pending (a test calling right after RunInstances does that)
        Instance ec2 = ctx.cloud().describe(instanceId).filter(i -> "running".equals(i.state())
                || "pending".equals(i.state())).orElse(null);
        UserLaunch u = ctx.cloud().userLaunch(instanceId).orElse(null);
        if (ec2 == null || u == null) {
            return Optional.empty();
        }
        if (reg != null && !reg.deregistered()) {
            deregister(reg, "Container instance re-registered in cluster " + c.clusterName() + ".");
        }
        InstanceQuota.check(ctx, c.clusterArn(), 1);
        return Optional.of(register(c, ec2, u));
    }

    private ContainerInstance register(Cluster c, Instance ec2, UserLaunch u) {
        String arn = ctx.arn("container-instance/" + c.clusterName() + "/" + ctx.state().newId("container-instance"));
        ContainerInstance ci = containerInstance(ec2, u, arn);
        ctx.state().containerInstances.put(arn, ci);
        ctx.state().ec2Registrations.put(ec2.id(), new Ec2Registration(ec2.id(), c.clusterArn(), arn, false));
        return ci;
    }

    /** The container instance the agent registers: the type's CPU and memory, the standard ports, its attributes. */
    ContainerInstance containerInstance(Instance ec2, UserLaunch u, String arn) {
        InstanceType type = ctx.catalog().find(ec2.instanceType()).orElseThrow();
        String arch = type.architectures().iterator().next().ec2Name();
        String vpc = ctx.cloud().subnet(ec2.subnetId()).map(s -> s.vpcId()).orElse("");
        List<Attribute> attrs = new ArrayList<>();
        for (String cap : CAPABILITIES) {
            attrs.add(Attribute.builder().name(cap).build());
        }
        for (String[] kv : new String[][] {
                {"ecs.ami-id", u.imageId()},
                {"ecs.availability-zone", ec2.availabilityZone()},
                {"ecs.cpu-architecture", arch},
                {"ecs.instance-type", type.name()},
                {"ecs.os-family", "LINUX"},
                {"ecs.os-type", "linux"},
                {"ecs.subnet-id", ec2.subnetId()},
                {"ecs.vpc-id", vpc}}) {
            attrs.add(Attribute.builder().name(kv[0]).value(kv[1]).build());
        }
        return ContainerInstance.builder().containerInstanceArn(arn).ec2InstanceId(ec2.id()).version(1L)
                .versionInfo(VersionInfo.builder().agentVersion(ContainerInstances.AGENT_VERSION)
                        .agentHash("stevedore").dockerVersion("DockerVersion: 25.0.8").build())
                .registeredResources(ContainerInstances.resources(InstanceReservation.registered(type), Set.of()))
                .status(Statuses.INSTANCE_ACTIVE).agentConnected(true).registeredAt(ctx.now()).attributes(attrs)
                .healthStatus(ContainerInstanceHealthStatus.builder().overallStatus(InstanceHealthCheckState.OK)
                        .build())
                .build();
    }

    /** The container instance goes INACTIVE and the tasks on it stop; the agent does not register it again. */
    public void deregister(Ec2Registration reg, String reason) {
        stopTasks(reg, reason);
        ctx.state().containerInstances.get(reg.containerInstanceArn()).ifPresent(ci -> ctx.state().containerInstances
                .put(ci.containerInstanceArn(), ci.toBuilder().status(Statuses.INSTANCE_INACTIVE)
                        .agentConnected(false).version(ci.version() + 1).build()));
        ctx.state().ec2Registrations.put(reg.instanceId(), reg.asDeregistered());
    }

    /** The agent connects (the instance runs) or disconnects (it was stopped: its tasks stop with it). */
    private void connected(Ec2Registration reg, boolean up) {
        ContainerInstance ci = ctx.state().containerInstances.get(reg.containerInstanceArn()).orElse(null);
        if (ci == null || Boolean.valueOf(up).equals(ci.agentConnected())) {
            return;
        }
        if (!up) {
            stopTasks(reg, "Host EC2 (instance " + reg.instanceId() + ") stopped.");
        }
        ctx.state().containerInstances.put(ci.containerInstanceArn(), ci.toBuilder().agentConnected(up)
                .version(ci.version() + 1).build());
    }

    /** The tasks on the instance stop at once: the host is gone, nothing deactivates them gracefully. */
    private void stopTasks(Ec2Registration reg, String reason) {
        for (Task t : ctx.state().tasksByContainerInstance.values(reg.containerInstanceArn())) {
            if (Statuses.isStopped(t.lastStatus())) {
                continue;
            }
            tasks.hostGone(t, TaskStopCode.TERMINATION_NOTICE, reason);
        }
    }
}
