package io.stevedore.control.ec2;

import io.stevedore.catalog.Architecture;
import io.stevedore.ecs.LaunchTypeDemand;
import io.stevedore.placement.NetworkMode;
import io.stevedore.placement.TaskDemand;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.CPUArchitecture;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ResourceRequirement;
import software.amazon.awssdk.services.ecs.model.ResourceType;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskOverride;

/**
 * What an EC2 launch-type task needs from a container instance, as placement models it: the reservation of
 * {@link LaunchTypeDemand} (every network mode EC2 runs: {@code bridge}, {@code host}, {@code awsvpc}, {@code none});
 * a {@code bridge} or {@code host} task binds its fixed host ports exclusively (placement's host mode), an
 * {@code awsvpc} task takes one of the instance's network interfaces; GPUs from {@code resourceRequirements}.
 */
public final class Ec2Demand {
    private Ec2Demand() {
    }

    public static TaskDemand of(TaskDefinition td, TaskOverride o) {
        LaunchTypeDemand d = LaunchTypeDemand.of(td, o);
        boolean awsvpc = "awsvpc".equals(td.networkModeAsString());
        int gpus = 0;
        for (ContainerDefinition c : td.containerDefinitions()) {
            for (ResourceRequirement r : c.resourceRequirements()) {
                if (r.type() == ResourceType.GPU && r.value() != null) {
                    try {
                        gpus += Math.max(0, Integer.parseInt(r.value().trim()));
                    } catch (NumberFormatException e) {
                        // refused at registration; nothing to reserve
                    }
                }
            }
        }
        return new TaskDemand(Math.max(0, d.cpu()), Math.max(1, d.memoryMiB()), gpus,
                awsvpc ? NetworkMode.AWSVPC : NetworkMode.HOST, awsvpc ? Set.of() : d.hostPorts(),
                architecture(td).orElse(Architecture.X86_64));
    }

    /** The architecture the definition asks for ({@code runtimePlatform.cpuArchitecture}), or empty: any. */
    public static java.util.Optional<Architecture> architecture(TaskDefinition td) {
        if (td.runtimePlatform() == null || td.runtimePlatform().cpuArchitecture() == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(td.runtimePlatform().cpuArchitecture() == CPUArchitecture.ARM64
                ? Architecture.ARM64 : Architecture.X86_64);
    }
}
