package io.stevedore.ecs;

import io.stevedore.catalog.Architecture;
import io.stevedore.placement.NetworkMode;
import io.stevedore.placement.TaskDemand;
import io.stevedore.placement.providers.FargateTask;
import io.stevedore.wire.AwsException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.ecs.model.CPUArchitecture;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.OSFamily;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.ResourceRequirement;
import software.amazon.awssdk.services.ecs.model.ResourceType;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskOverride;

/**
 * Turns an ECS task definition (and a RunTask/StartTask {@code overrides}) into the {@link TaskDemand} placement
 * works with. The reservation is the task-level {@code cpu}/{@code memory} when set, otherwise the sum over the
 * containers, where a container reserves its {@code memoryReservation} (soft limit) if set, else its
 * {@code memory} (hard limit), as ECS does. Invalid combinations raise ECS's {@code ClientException} /
 * {@code InvalidParameterException}.
 */
public final class TaskDemandMapper {
    private TaskDemandMapper() {
    }

    public static TaskDemand toDemand(TaskDefinition td) {
        return toDemand(td, null);
    }

    public static TaskDemand toDemand(TaskDefinition td, TaskOverride override) {
        List<ContainerSpec> containers = ContainerSpec.of(td, override);
        Integer taskCpu = TaskSizes.cpuUnits(override != null && override.cpu() != null ? override.cpu() : td.cpu());
        Integer taskMemory = TaskSizes.memoryMiB(override != null && override.memory() != null ? override.memory()
                : td.memory());
        int cpu = cpu(containers, taskCpu);
        long memory = memory(containers, taskMemory);
        int gpus = 0;
        for (ContainerSpec c : containers) {
            gpus += c.gpus;
        }
        NetworkMode mode = networkMode(td);
        Set<Integer> ports = mode == NetworkMode.HOST ? hostPorts(containers, td) : Set.of();
        if (mode == NetworkMode.AWSVPC) {
            checkAwsvpcPorts(containers, td);
        }
        return new TaskDemand(cpu, memory, gpus, mode, ports, architecture(td));
    }

    /** The facts the Fargate providers validate. */
    public static FargateTask toFargateTask(TaskDefinition td, TaskOverride override) {
        List<ContainerSpec> containers = ContainerSpec.of(td, override);
        Integer cpu = TaskSizes.cpuUnits(override != null && override.cpu() != null ? override.cpu() : td.cpu());
        Integer memory = TaskSizes.memoryMiB(override != null && override.memory() != null ? override.memory()
                : td.memory());
        int gpus = 0;
        boolean privileged = false;
        Set<String> caps = new TreeSet<>();
        for (ContainerSpec c : containers) {
            gpus += c.gpus;
            privileged |= Boolean.TRUE.equals(c.definition.privileged());
            if (c.definition.linuxParameters() != null && c.definition.linuxParameters().capabilities() != null) {
                caps.addAll(c.definition.linuxParameters().capabilities().add());
            }
        }
        return new FargateTask(cpu, memory, gpus, privileged, caps, td.networkModeAsString());
    }

    private static int cpu(List<ContainerSpec> containers, Integer taskCpu) {
        long sum = 0;
        for (ContainerSpec c : containers) {
            if (c.cpu != null && c.cpu < 0) {
                throw AwsException.client("Invalid 'cpu' setting for container '" + c.name + "': " + c.cpu + ".");
            }
            sum += c.cpu == null ? 0 : c.cpu;
        }
        if (taskCpu == null) {
            return (int) sum;
        }
        if (sum > taskCpu) {
            throw AwsException.client("The sum of the 'cpu' settings of the containers (" + sum
                    + ") is greater than the task 'cpu' (" + taskCpu + ").");
        }
        return taskCpu;
    }

    private static long memory(List<ContainerSpec> containers, Integer taskMemory) {
        long sum = 0;
        for (ContainerSpec c : containers) {
            if (c.memory != null && c.memoryReservation != null && c.memoryReservation > c.memory) {
                throw AwsException.client("Invalid setting for container '" + c.name + "'. 'memoryReservation' ("
                        + c.memoryReservation + ") must be less than or equal to 'memory' (" + c.memory + ").");
            }
            if (c.memory == null && c.memoryReservation == null && taskMemory == null) {
                throw AwsException.client("Invalid setting for container '" + c.name
                        + "'. At least one of 'memory' or 'memoryReservation' must be specified.");
            }
            if (taskMemory != null && c.memory != null && c.memory > taskMemory) {
                throw AwsException.client("The 'memory' setting for container '" + c.name
                        + "' is greater than for the task.");
            }
            sum += c.memoryReservation != null ? c.memoryReservation : c.memory == null ? 0 : c.memory;
        }
        if (taskMemory == null) {
            if (sum <= 0) {
                throw AwsException.client("The task reserves no memory: set the task 'memory' or a container"
                        + " 'memory' or 'memoryReservation' greater than 0.");
            }
            return sum;
        }
        if (sum > taskMemory) {
            throw AwsException.client("The sum of the containers' memory reservations (" + sum
                    + " MiB) is greater than the task 'memory' (" + taskMemory + " MiB).");
        }
        return taskMemory;
    }

    private static NetworkMode networkMode(TaskDefinition td) {
        String mode = td.networkModeAsString();
        if (mode == null || mode.equals("awsvpc")) {
            return NetworkMode.AWSVPC;
        }
        if (mode.equals("host")) {
            return NetworkMode.HOST;
        }
        throw AwsException.invalidParameter("The task definition uses network mode '" + mode
                + "'. Managed Instances supports only the 'awsvpc' and 'host' network modes.");
    }

    private static Set<Integer> hostPorts(List<ContainerSpec> containers, TaskDefinition td) {
        Set<Integer> ports = new LinkedHashSet<>();
        for (ContainerSpec c : containers) {
            for (PortMapping pm : c.definition.portMappings()) {
                if (pm.hostPort() != null && pm.hostPort() != 0 && pm.containerPort() != null
                        && !pm.hostPort().equals(pm.containerPort())) {
                    throw AwsException.client("When networkMode=host, the host ports and container ports in port"
                            + " mappings must match (container '" + c.name + "').");
                }
                Integer port = pm.hostPort() != null && pm.hostPort() != 0 ? pm.hostPort() : pm.containerPort();
                if (port != null) {
                    ports.add(port);
                } else if (pm.containerPortRange() != null) {
                    addRange(ports, pm.containerPortRange(), c.name);
                }
            }
        }
        return ports;
    }

    private static void addRange(Set<Integer> ports, String range, String container) {
        String[] ends = range.split("-");
        try {
            int from = Integer.parseInt(ends[0].trim());
            int to = Integer.parseInt(ends[ends.length - 1].trim());
            if (from < 1 || to > 65535 || from > to) {
                throw new NumberFormatException();
            }
            for (int p = from; p <= to; p++) {
                ports.add(p);
            }
        } catch (NumberFormatException e) {
            throw AwsException.client("Invalid containerPortRange '" + range + "' for container '" + container
                    + "'.");
        }
    }

    private static void checkAwsvpcPorts(List<ContainerSpec> containers, TaskDefinition td) {
        for (ContainerSpec c : containers) {
            for (PortMapping pm : c.definition.portMappings()) {
                if (pm.hostPort() != null && pm.hostPort() != 0 && pm.containerPort() != null
                        && !pm.hostPort().equals(pm.containerPort())) {
                    throw AwsException.client("When networkMode=awsvpc, the host ports and container ports in port"
                            + " mappings must match (container '" + c.name + "').");
                }
            }
        }
    }

    private static Architecture architecture(TaskDefinition td) {
        if (td.runtimePlatform() == null) {
            return Architecture.X86_64;
        }
        OSFamily os = td.runtimePlatform().operatingSystemFamily();
        if (os != null && os != OSFamily.LINUX) {
            throw AwsException.invalidParameter("runtimePlatform.operatingSystemFamily '"
                    + td.runtimePlatform().operatingSystemFamilyAsString()
                    + "' is not supported: Managed Instances runs LINUX tasks only.");
        }
        CPUArchitecture a = td.runtimePlatform().cpuArchitecture();
        if (a == null) {
            return Architecture.X86_64;
        }
        if (a == CPUArchitecture.UNKNOWN_TO_SDK_VERSION) {
            throw AwsException.invalidParameter("Invalid runtimePlatform.cpuArchitecture '"
                    + td.runtimePlatform().cpuArchitectureAsString() + "'. Valid values: X86_64, ARM64.");
        }
        return a == CPUArchitecture.ARM64 ? Architecture.ARM64 : Architecture.X86_64;
    }

    /** One container's effective settings after overrides. */
    private static final class ContainerSpec {
        final ContainerDefinition definition;
        final String name;
        final Integer cpu;
        final Integer memory;
        final Integer memoryReservation;
        final int gpus;

        private ContainerSpec(ContainerDefinition d, ContainerOverride o) {
            definition = d;
            name = d.name();
            cpu = o != null && o.cpu() != null ? o.cpu() : d.cpu();
            memory = o != null && o.memory() != null ? o.memory() : d.memory();
            memoryReservation = o != null && o.memoryReservation() != null ? o.memoryReservation()
                    : d.memoryReservation();
            gpus = gpus(o != null && o.hasResourceRequirements() ? o.resourceRequirements()
                    : d.resourceRequirements(), name);
        }

        static List<ContainerSpec> of(TaskDefinition td, TaskOverride override) {
            if (!td.hasContainerDefinitions() || td.containerDefinitions().isEmpty()) {
                throw AwsException.client("The task definition must contain at least one container definition.");
            }
            Map<String, ContainerOverride> overrides = new HashMap<>();
            if (override != null) {
                for (ContainerOverride o : override.containerOverrides()) {
                    overrides.put(o.name(), o);
                }
            }
            List<ContainerSpec> out = new java.util.ArrayList<>();
            for (ContainerDefinition d : td.containerDefinitions()) {
                out.add(new ContainerSpec(d, overrides.remove(d.name())));
            }
            if (!overrides.isEmpty()) {
                throw AwsException.invalidParameter("The container override names "
                        + new TreeSet<>(overrides.keySet()) + " do not match any container of the task definition.");
            }
            return out;
        }

        private static int gpus(List<ResourceRequirement> reqs, String container) {
            int n = 0;
            for (ResourceRequirement r : reqs) {
                if (r.type() == ResourceType.GPU) {
                    try {
                        int v = Integer.parseInt(r.value().trim());
                        if (v < 1) {
                            throw new NumberFormatException();
                        }
                        n += v;
                    } catch (NumberFormatException | NullPointerException e) {
                        throw AwsException.client("Invalid GPU value '" + r.value() + "' in resourceRequirements of"
                                + " container '" + container + "': specify a whole number of GPUs.");
                    }
                } else if (r.type() == ResourceType.INFERENCE_ACCELERATOR) {
                    throw AwsException.invalidParameter("Container '" + container + "' requests an"
                            + " InferenceAccelerator, which Managed Instances does not support.");
                }
            }
            return n;
        }
    }
}
