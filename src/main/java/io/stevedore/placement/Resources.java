package io.stevedore.placement;

/**
 * A bundle of the resources ECS tracks per container instance and per task.
 *
 * @param cpu       CPU units (1 vCPU = 1024)
 * @param memoryMiB memory in MiB
 * @param gpus      whole GPUs (exclusive to one task each)
 * @param enis      awsvpc task network interfaces (branch ENIs on a trunked instance)
 */
public record Resources(int cpu, long memoryMiB, int gpus, int enis) {
    public static final Resources ZERO = new Resources(0, 0, 0, 0);

    public Resources plus(Resources o) {
        return new Resources(cpu + o.cpu, memoryMiB + o.memoryMiB, gpus + o.gpus, enis + o.enis);
    }

    public Resources minus(Resources o) {
        return new Resources(cpu - o.cpu, memoryMiB - o.memoryMiB, gpus - o.gpus, enis - o.enis);
    }

    /** The smaller of each resource of these and {@code o}. */
    public Resources min(Resources o) {
        return new Resources(Math.min(cpu, o.cpu), Math.min(memoryMiB, o.memoryMiB), Math.min(gpus, o.gpus),
                Math.min(enis, o.enis));
    }

    /** Whether {@code demand} fits in these (remaining) resources. */
    public boolean fits(Resources demand) {
        return demand.cpu <= cpu && demand.memoryMiB <= memoryMiB && demand.gpus <= gpus && demand.enis <= enis;
    }

    public boolean isNonNegative() {
        return cpu >= 0 && memoryMiB >= 0 && gpus >= 0 && enis >= 0;
    }
}
