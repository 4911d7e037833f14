package io.stevedore.provisioning;

import io.stevedore.placement.TaskDemand;
import java.util.List;

/** Distinct task shapes in flat arrays, the packer's view of demand. Shapes with host ports are listed too. */
final class ShapeSet {
    final TaskDemand[] demands;
    final int[] cpu;
    final long[] mem;
    final int[] gpu;
    final int[] eni;
    final int[][] ports;
    final int[] archBit;

    ShapeSet(List<TaskDemand> shapes) {
        int n = shapes.size();
        demands = shapes.toArray(new TaskDemand[0]);
        cpu = new int[n];
        mem = new long[n];
        gpu = new int[n];
        eni = new int[n];
        ports = new int[n][];
        archBit = new int[n];
        for (int s = 0; s < n; s++) {
            TaskDemand d = demands[s];
            cpu[s] = d.cpu();
            mem[s] = d.memoryMiB();
            gpu[s] = d.gpus();
            eni[s] = d.resources().enis();
            ports[s] = d.hostPorts().stream().mapToInt(Integer::intValue).sorted().toArray();
            archBit[s] = Candidate.archBit(d.architecture());
        }
    }

    int size() {
        return demands.length;
    }

    /** How many tasks of shape {@code s} one empty instance of {@code c} holds (0 when it cannot run it). */
    int copies(Candidate c, int s) {
        if ((c.archMask() & archBit[s]) == 0) {
            return 0;
        }
        long n = Long.MAX_VALUE;
        n = cap(n, c.capacity().cpu(), cpu[s]);
        n = cap(n, c.capacity().memoryMiB(), mem[s]);
        n = cap(n, c.capacity().gpus(), gpu[s]);
        n = cap(n, c.capacity().enis(), eni[s]);
        if (ports[s].length > 0) {
            n = Math.min(n, 1);
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    private static long cap(long n, long capacity, long need) {
        return need == 0 ? n : Math.min(n, capacity / need);
    }

    boolean sharePort(int a, int b) {
        for (int p : ports[a]) {
            for (int q : ports[b]) {
                if (p == q) {
                    return true;
                }
            }
        }
        return false;
    }
}
