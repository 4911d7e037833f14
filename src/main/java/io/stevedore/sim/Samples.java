package io.stevedore.sim;

import java.util.Map;
import java.util.TreeMap;

/** The sampled time series: fleet by type, capacity, pending and running tasks, availability. */
final class Samples {
    final int size;
    final long step;
    final Map<String, int[]> fleetByType = new TreeMap<>();
    final long[] cpuAllocated;
    final long[] cpuProvisioned;
    final long[] memoryAllocated;
    final long[] memoryProvisioned;
    final int[] pending;
    final int[] running;
    final long[] desired;
    final long[] up;
    final long[] servicesBelow;
    int count;

    Samples(int size, long step) {
        this.size = size;
        this.step = step;
        cpuAllocated = new long[size];
        cpuProvisioned = new long[size];
        memoryAllocated = new long[size];
        memoryProvisioned = new long[size];
        pending = new int[size];
        running = new int[size];
        desired = new long[size];
        up = new long[size];
        servicesBelow = new long[size];
    }

    void record(Recorder r, long[] availability) {
        if (count >= size) {
            return;
        }
        int i = count++;
        r.liveByType().forEach((type, n) -> fleetByType.computeIfAbsent(type, k -> new int[size])[i] = n);
        cpuAllocated[i] = r.allocatedCpu;
        cpuProvisioned[i] = r.provisionedCpu;
        memoryAllocated[i] = r.allocatedMemory;
        memoryProvisioned[i] = r.provisionedMemory;
        pending[i] = r.pendingCount();
        running[i] = r.running;
        desired[i] = availability[0];
        up[i] = availability[1];
        servicesBelow[i] = availability[2];
    }
}
