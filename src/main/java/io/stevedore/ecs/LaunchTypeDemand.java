package io.stevedore.ecs;

import io.stevedore.placement.Resources;
import java.util.LinkedHashSet;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskOverride;

/**
 * What a task reserves on a container instance an agent registered (EXTERNAL or an attached instance), in any
 * network mode ECS runs there ({@code bridge}, {@code host}, {@code none}; {@link TaskDemandMapper} models only
 * Managed Instances' modes): the task-level {@code cpu} and {@code memory} (overrides first), else the sums of the
 * containers' {@code cpu} and {@code memory} (or {@code memoryReservation}); the host ports it binds ({@code host}:
 * every container port; {@code bridge}: the explicit non-zero {@code hostPort}s, dynamic ones take none).
 */
public record LaunchTypeDemand(int cpu, long memoryMiB, Set<Integer> hostPorts) {
    public LaunchTypeDemand {
        hostPorts = Set.copyOf(hostPorts);
    }

    /** The countable resources. */
    public Resources resources() {
        return new Resources(cpu, memoryMiB, 0, 0);
    }

    public static LaunchTypeDemand of(TaskDefinition td, TaskOverride o) {
        int cpu = parse(o != null && o.cpu() != null ? o.cpu() : td.cpu(), -1);
        long memory = parse(o != null && o.memory() != null ? o.memory() : td.memory(), -1);
        int cpuSum = 0;
        long memSum = 0;
        Set<Integer> ports = new LinkedHashSet<>();
        String mode = td.networkModeAsString() == null ? "bridge" : td.networkModeAsString();
        for (ContainerDefinition c : td.containerDefinitions()) {
            ContainerOverride co = o == null ? null : o.containerOverrides().stream()
                    .filter(x -> c.name().equals(x.name())).findFirst().orElse(null);
            Integer ccpu = co != null && co.cpu() != null ? co.cpu() : c.cpu();
            Integer cmem = co != null && co.memory() != null ? co.memory() : c.memory();
            Integer cres = co != null && co.memoryReservation() != null ? co.memoryReservation()
                    : c.memoryReservation();
            cpuSum += ccpu == null ? 0 : ccpu;
            memSum += cmem != null ? cmem : cres != null ? cres : 0;
            for (PortMapping p : c.portMappings()) {
                if ("host".equals(mode) && p.containerPort() != null) {
                    ports.add(p.hostPort() != null && p.hostPort() > 0 ? p.hostPort() : p.containerPort());
                } else if ("bridge".equals(mode) && p.hostPort() != null && p.hostPort() > 0) {
                    ports.add(p.hostPort());
                }
            }
        }
        int taskCpu = cpu >= 0 ? cpu : cpuSum;
        long taskMemory = memory > 0 ? memory : Math.max(memSum, 1);
        return new LaunchTypeDemand(taskCpu, taskMemory, "awsvpc".equals(mode) ? Set.of() : ports);
    }

    private static int parse(String s, int otherwise) {
        if (s == null) {
            return otherwise;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return otherwise; // "1 vCPU" forms are Fargate's; task definitions here are validated as numbers
        }
    }
}
