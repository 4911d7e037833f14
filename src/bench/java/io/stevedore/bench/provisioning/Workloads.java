package io.stevedore.bench.provisioning;

import io.stevedore.catalog.Architecture;
import io.stevedore.placement.NetworkMode;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.PendingGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Seeded random mixed workloads for the quality benchmark: 3–8 shapes, 50–2,000 tasks, x86 and ARM. */
final class Workloads {
    private static final int[] CPUS = {256, 512, 1024, 1536, 2048, 3072, 4096};

    private Workloads() {
    }

    static List<PendingGroup> random(long seed) {
        Random r = new Random(seed);
        int shapes = 3 + r.nextInt(6);
        int tasks = 50 + r.nextInt(1951);
        int mode = r.nextInt(3);
        List<PendingGroup> groups = new ArrayList<>();
        int[] weights = new int[shapes];
        int sum = 0;
        for (int i = 0; i < shapes; i++) {
            weights[i] = 1 + r.nextInt(10);
            sum += weights[i];
        }
        int left = tasks;
        for (int i = 0; i < shapes; i++) {
            int n = i == shapes - 1 ? left : Math.max(1, tasks * weights[i] / sum);
            n = Math.min(n, left - (shapes - 1 - i));
            left -= n;
            int cpu = CPUS[r.nextInt(CPUS.length)];
            double gibPerVcpu = 0.5 + r.nextDouble() * 7.5;
            long mem = Math.max(256, Math.round(cpu / 1024.0 * gibPerVcpu * 1024 / 64) * 64);
            Architecture arch = mode == 0 ? Architecture.X86_64 : mode == 1 ? Architecture.ARM64
                    : (r.nextBoolean() ? Architecture.X86_64 : Architecture.ARM64);
            boolean host = r.nextInt(8) == 0;
            TaskDemand d = host ? new TaskDemand(cpu, mem, 0, NetworkMode.HOST, Set.of(8000 + i), arch)
                    : TaskDemand.awsvpc(cpu, mem, arch);
            groups.add(new PendingGroup("svc-" + i, d, n));
        }
        return groups;
    }
}
