package io.stevedore.placement;

import io.stevedore.catalog.InstanceType;

/**
 * The resources a managed instance registers with ECS: the type's resources minus what the OS (Bottlerocket)
 * and the ECS agent keep for themselves. The real service "estimates agent consumption per instance type from
 * real data" without publishing it (AWS Containers blog,
 * https://aws.amazon.com/blogs/containers/deep-dive-amazon-ecs-managed-instances-provisioning-and-optimization/);
 * Stevedore's documented model (docs/decisions.md):
 * all CPU is registered; memory loses {@value #MEMORY_PERCENT}% plus {@value #MEMORY_FIXED_MIB} MiB; awsvpc
 * tasks are bounded by the type's ENI-trunking task limit; every GPU is registered.
 */
public final class InstanceReservation {
    public static final int MEMORY_PERCENT = 5;
    public static final int MEMORY_FIXED_MIB = 128;

    private InstanceReservation() {
    }

    /** Memory kept back for the OS and the agent. */
    public static long reservedMemoryMiB(long memoryMiB) {
        return (memoryMiB * MEMORY_PERCENT + 99) / 100 + MEMORY_FIXED_MIB;
    }

    /** What a container instance of this type registers. */
    public static Resources registered(InstanceType type) {
        return new Resources(type.vcpus() * 1024, type.memoryMiB() - reservedMemoryMiB(type.memoryMiB()),
                type.gpus(), type.trunking().awsvpcTaskLimit());
    }
}
