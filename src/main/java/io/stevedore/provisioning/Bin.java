package io.stevedore.provisioning;

/** One instance during packing: a candidate index, task counts per shape, and the load they add up to. */
final class Bin {
    int cand;
    final int[] counts;
    long cpu;
    long mem;
    long gpu;
    long eni;
    int tasks;

    Bin(int cand, int shapes) {
        this.cand = cand;
        this.counts = new int[shapes];
    }

    Bin copy() {
        Bin b = new Bin(cand, counts.length);
        System.arraycopy(counts, 0, b.counts, 0, counts.length);
        b.cpu = cpu;
        b.mem = mem;
        b.gpu = gpu;
        b.eni = eni;
        b.tasks = tasks;
        return b;
    }

    void add(ShapeSet shapes, int s, int n) {
        counts[s] += n;
        cpu += (long) shapes.cpu[s] * n;
        mem += shapes.mem[s] * n;
        gpu += (long) shapes.gpu[s] * n;
        eni += (long) shapes.eni[s] * n;
        tasks += n;
    }

    boolean isEmpty() {
        return tasks == 0;
    }

    int total() {
        return tasks;
    }
}
