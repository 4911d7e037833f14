package io.stevedore.ecs.fargate;

import io.stevedore.placement.providers.FargateRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A valid Fargate task size ({@link FargateRules#validSize}): cpu units and memory MiB. A task of
 * any other size is billed at the cheapest valid size at least as large in both dimensions.
 */
public record FargateSize(int cpu, int memoryMiB) {
    public static final int MAX_CPU = 16_384;
    public static final int MAX_MEMORY_MIB = 122_880;
    private static final int[] CPUS = {256, 512, 1024, 2048, 4096, 8192, 16_384};
    private static final List<FargateSize> ALL = all();

    public FargateSize {
        if (!FargateRules.validSize(cpu, memoryMiB)) {
            throw new IllegalArgumentException("not a Fargate size: " + cpu + " cpu, " + memoryMiB + " MiB");
        }
    }

    private static List<FargateSize> all() {
        List<FargateSize> out = new ArrayList<>();
        for (int c : CPUS) {
            for (int m = 512; m <= MAX_MEMORY_MIB; m += 512) {
                if (FargateRules.validSize(c, m)) {
                    out.add(new FargateSize(c, m));
                }
            }
        }
        return List.copyOf(out);
    }

    /** Every valid size, cpu then memory ascending. */
    public static List<FargateSize> valid() {
        return ALL;
    }

    public double vcpu() {
        return cpu / 1024.0;
    }

    public double memoryGiB() {
        return memoryMiB / 1024.0;
    }

    /**
     * The cheapest valid size with at least {@code cpu} units and {@code memoryMiB}, priced with the given rates
     * (ties: fewer cpu units); empty above 16 vCPU or 120 GiB.
     */
    public static Optional<FargateSize> roundUp(int cpu, long memoryMiB, double vcpuHour, double gbHour) {
        FargateSize best = null;
        double bestCost = Double.MAX_VALUE;
        for (FargateSize s : ALL) {
            if (s.cpu >= cpu && s.memoryMiB >= memoryMiB) {
                double c = s.vcpu() * vcpuHour + s.memoryGiB() * gbHour;
                if (c < bestCost - 1e-12) {
                    best = s;
                    bestCost = c;
                }
            }
        }
        return Optional.ofNullable(best);
    }
}
