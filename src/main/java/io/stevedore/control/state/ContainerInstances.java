package io.stevedore.control.state;

import io.stevedore.catalog.InstanceType;
import io.stevedore.cloud.Instance;
import io.stevedore.ecs.LaunchTypeDemand;
import io.stevedore.ecs.Statuses;
import io.stevedore.ecs.TaskDemandMapper;
import io.stevedore.placement.TaskDemand;
import io.stevedore.wire.AwsException;
import io.stevedore.placement.InstanceReservation;
import io.stevedore.placement.Resources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceHealthStatus;
import software.amazon.awssdk.services.ecs.model.InstanceHealthCheckState;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.VersionInfo;

/** Builds the container-instance view of a managed instance (registration, resources, attributes). */
public final class ContainerInstances {
    public static final String AGENT_VERSION = "1.97.0";

    private ContainerInstances() {
    }

    public static ContainerInstance register(Context ctx, ManagedInstance mi, Instance ec2, String arn) {
        InstanceType type = ctx.catalog().find(mi.instanceType()).orElseThrow();
        String vpc = ctx.cloud().subnet(ec2.subnetId()).map(s -> s.vpcId()).orElse("");
        String arch = type.architectures().iterator().next().ec2Name();
        List<Attribute> attrs = new ArrayList<>();
        for (String[] kv : new String[][] {
                {"ecs.ami-id", "ami-0stevedore" + arch.replace("_", "")},
                {"ecs.availability-zone", ec2.availabilityZone()},
                {"ecs.capability.task-eni", null},
                {"ecs.capability.execution-role-awslogs", null},
                {"ecs.cpu-architecture", arch},
                {"ecs.instance-type", type.name()},
                {"ecs.os-family", "LINUX"},
                {"ecs.os-type", "linux"},
                {"ecs.subnet-id", ec2.subnetId()},
                {"ecs.vpc-id", vpc}}) {
            attrs.add(Attribute.builder().name(kv[0]).value(kv[1]).build());
        }
        return ContainerInstance.builder().containerInstanceArn(arn).ec2InstanceId(ec2.id())
                .capacityProviderName(mi.capacityProvider()).version(1L)
                .versionInfo(VersionInfo.builder().agentVersion(AGENT_VERSION).agentHash("stevedore")
                        .dockerVersion("DockerVersion: 25.0.8").build())
                .registeredResources(resources(InstanceReservation.registered(type), Set.of()))
                .status(Statuses.INSTANCE_ACTIVE).agentConnected(true).registeredAt(ctx.now()).attributes(attrs)
                .healthStatus(ContainerInstanceHealthStatus.builder().overallStatus(InstanceHealthCheckState.OK)
                        .build())
                .build();
    }

    /** The registered CPU, memory and GPUs of a container instance, read from its {@code registeredResources}. */
    public static Resources registered(ContainerInstance ci) {
        int cpu = 0;
        long memory = 0;
        int gpus = 0;
        for (Resource r : ci.registeredResources()) {
            if (r.integerValue() == null) {
                continue;
            }
            switch (r.name()) {
                case "CPU" -> cpu = r.integerValue();
                case "MEMORY" -> memory = r.integerValue();
                case "GPU" -> gpus = r.integerValue();
                default -> {
                    // ports are no countable resource
                }
            }
        }
        return new Resources(cpu, memory, gpus, 0);
    }

    /** ECS resource list: CPU, MEMORY, PORTS, PORTS_UDP (and GPU when present). */
    public static List<Resource> resources(Resources r, Set<Integer> usedPorts) {
        List<Resource> out = new ArrayList<>();
        out.add(Resource.builder().name("CPU").type("INTEGER").integerValue(r.cpu()).doubleValue(0.0)
                .longValue(0L).build());
        out.add(Resource.builder().name("MEMORY").type("INTEGER").integerValue((int) r.memoryMiB()).doubleValue(0.0)
                .longValue(0L).build());
        List<String> ports = new ArrayList<>(List.of("22", "2375", "2376", "51678", "51679"));
        usedPorts.stream().sorted().forEach(p -> ports.add(p.toString()));
        out.add(Resource.builder().name("PORTS").type("STRINGSET").stringSetValue(ports).doubleValue(0.0)
                .longValue(0L).integerValue(0).build());
        out.add(Resource.builder().name("PORTS_UDP").type("STRINGSET").stringSetValue(List.of()).doubleValue(0.0)
                .longValue(0L).integerValue(0).build());
        if (r.gpus() > 0) {
            out.add(Resource.builder().name("GPU").type("INTEGER").integerValue(r.gpus()).doubleValue(0.0)
                    .longValue(0L).build());
        }
        return out;
    }

    /**
     * What the tasks on a container instance that are not STOPPED hold, as DescribeContainerInstances reports it:
     * their reserved resources and host ports, and how many run and how many are starting. A definition placement
     * cannot model reserves nothing.
     */
    public record Reserved(Resources resources, Set<Integer> hostPorts, int running, int starting) {
    }

    public static Reserved reserved(EcsState state, String containerInstanceArn) {
        Resources used = Resources.ZERO;
        Set<Integer> ports = new HashSet<>();
        Map<String, TaskDefinition> tds = new HashMap<>();
        int running = 0;
        int starting = 0;
        for (Task t : state.tasksByContainerInstance.values(containerInstanceArn)) {
            if (Statuses.isStopped(t.lastStatus())) {
                continue;
            }
            running += Statuses.isRunning(t.lastStatus()) ? 1 : 0;
            starting += Statuses.isStarting(t.lastStatus()) ? 1 : 0;
            TaskDefinition td = tds.computeIfAbsent(t.taskDefinitionArn(),
                    a -> state.definitionOf(a).orElse(null));
            if (td != null) {
                try {
                    TaskDemand d = TaskDemandMapper.toDemand(td, t.overrides());
                    used = used.plus(d.resources());
                    ports.addAll(d.hostPorts());
                } catch (AwsException e) {
                    // a network mode Managed Instances do not run (bridge, none): an agent-registered instance's task
                    LaunchTypeDemand d = LaunchTypeDemand.of(td, t.overrides());
                    used = used.plus(d.resources());
                    ports.addAll(d.hostPorts());
                }
            }
        }
        return new Reserved(used, ports, running, starting);
    }
}
