package io.stevedore.placement.providers;

import io.stevedore.placement.PlacementValidationException;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The Fargate providers' rules (ECS API model, below): one task per Fargate task (no packing), the published cpu →
 * memory combinations up to 16 vCPU / 120 GiB, {@code awsvpc} only, no GPUs, no privileged containers, and only
 * {@code SYS_PTRACE} may be added to the capabilities. Violations are {@code ClientException}s with ECS's texts
 * where they are known (docs/decisions.md lists which are ECS's own and which follow their pattern). API model:
 * github.com/boto/botocore, file botocore/data/ecs/2014-11-13/service-2.json (RegisterTaskDefinitionRequest.memory
 * and the Fargate notes of its members).
 */
public final class FargateRules {
    /** cpu units → {min MiB, max MiB, step MiB}, or the explicit list for 256. */
    private static final Map<Integer, int[]> RANGES = Map.of(
            512, new int[] {1024, 4096, 1024},
            1024, new int[] {2048, 8192, 1024},
            2048, new int[] {4096, 16384, 1024},
            4096, new int[] {8192, 30720, 1024},
            8192, new int[] {16384, 61440, 4096},
            16384, new int[] {32768, 122880, 8192});
    private static final List<Integer> CPU_256 = List.of(512, 1024, 2048);

    private FargateRules() {
    }

    /** Whether {@code cpu}/{@code memoryMiB} is a valid Fargate task size. */
    public static boolean validSize(int cpu, int memoryMiB) {
        if (cpu == 256) {
            return CPU_256.contains(memoryMiB);
        }
        int[] r = RANGES.get(cpu);
        return r != null && memoryMiB >= r[0] && memoryMiB <= r[1] && (memoryMiB - r[0]) % r[2] == 0;
    }

    /** Throws a {@code ClientException}-typed {@link PlacementValidationException} for the first violation. */
    public static void validate(FargateTask t) {
        if (t.networkMode() != null && !"awsvpc".equals(t.networkMode())) {
            throw PlacementValidationException.client("Fargate only supports network mode 'awsvpc'.");
        }
        if (t.cpu() == null) {
            throw PlacementValidationException.client("Fargate requires that 'cpu' be defined at the task level.");
        }
        if (t.memoryMiB() == null) {
            throw PlacementValidationException.client(
                    "Fargate requires that 'memory' be defined at the task level.");
        }
        if (!validSize(t.cpu(), t.memoryMiB())) {
            throw PlacementValidationException.client("No Fargate configuration exists for given values: "
                    + t.cpu() + " CPU, " + t.memoryMiB() + " memory. See the Amazon ECS documentation for the"
                    + " valid values.");
        }
        if (t.gpus() > 0) {
            throw PlacementValidationException.client(
                    "Tasks using the Fargate launch type do not support GPU resource requirements.");
        }
        if (t.privileged()) {
            throw PlacementValidationException.client(
                    "Tasks using the Fargate launch type do not support privileged containers.");
        }
        TreeSet<String> extra = new TreeSet<>(t.capabilitiesAdded());
        extra.remove("SYS_PTRACE");
        if (!extra.isEmpty()) {
            throw PlacementValidationException.client("Tasks using the Fargate launch type only support adding the"
                    + " 'SYS_PTRACE' kernel capability; remove " + extra + ".");
        }
    }
}
