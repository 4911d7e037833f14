package io.stevedore.ecs.fargate;

import io.stevedore.catalog.Architecture;
import io.stevedore.ecs.TaskDemandMapper;
import io.stevedore.placement.TaskDemand;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/** What Fargate needs to know about a registered task definition (the simulator's and the console's one source). */
public final class FargateProfiles {
    private FargateProfiles() {
    }

    public static FargateProfile of(TaskDefinition td) {
        TaskDemand d = TaskDemandMapper.toDemand(td);
        boolean privileged = false;
        Set<String> caps = new TreeSet<>();
        for (ContainerDefinition c : td.containerDefinitions()) {
            privileged |= Boolean.TRUE.equals(c.privileged());
            if (c.linuxParameters() != null && c.linuxParameters().capabilities() != null) {
                caps.addAll(c.linuxParameters().capabilities().add());
            }
        }
        Architecture arch = td.runtimePlatform() != null && "ARM64".equals(td.runtimePlatform()
                .cpuArchitectureAsString()) ? Architecture.ARM64 : Architecture.X86_64;
        return new FargateProfile(d.cpu(), d.memoryMiB(), d.gpus(), privileged, caps, arch);
    }
}
