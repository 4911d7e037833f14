package io.stevedore.provisioning;

import io.stevedore.placement.Resources;
import java.util.stream.IntStream;

/**
 * Best fill of one instance type for given shape values: depth-first branch and bound over shape counts (largest
 * count first), bounded by the best value density per resource. Stops after {@value #NODE_LIMIT} nodes, keeping
 * the best fill found, so the work per call is bounded and deterministic.
 */
final class Knapsack {
    static final int NODE_LIMIT = 400;
    private final Packer packer;
    private final int cand;
    private final double[] value;
    private final int[] bound;
    private int[] items;
    private double[][] suffixDensity;
    private double[] suffixValue;
    private long capCpu;
    private long capMem;
    private long capGpu;
    private long capEni;
    private Bin best;
    private double bestValue;
    private int nodes;

    private Knapsack(Packer packer, int cand, double[] value, int[] bound) {
        this.packer = packer;
        this.cand = cand;
        this.value = value;
        this.bound = bound;
    }

    /** The best fill found of candidate {@code cand}, starting from {@code incumbent}, counts within bound. */
    static Bin solve(Packer packer, int cand, double[] value, int[] bound, Bin incumbent) {
        Knapsack k = new Knapsack(packer, cand, value, bound);
        k.best = incumbent;
        k.bestValue = k.value(incumbent);
        k.run();
        return k.best;
    }

    /** An upper bound on the value any fill of {@code cand} can reach. */
    static double upperBound(Packer packer, int cand, double[] value, int[] bound) {
        Knapsack k = new Knapsack(packer, cand, value, bound);
        k.prepare();
        return k.upper(0, new Bin(cand, packer.shapes().size()));
    }

    private double value(Bin b) {
        double v = 0;
        for (int s = 0; s < value.length; s++) {
            v += value[s] * b.counts[s];
        }
        return v;
    }

    private void run() {
        prepare();
        dfs(0, new Bin(cand, packer.shapes().size()), 0);
    }

    private void prepare() {
        ShapeSet shapes = packer.shapes();
        Candidate c = packer.candidates().get(cand);
        Resources cap = c.capacity();
        capCpu = cap.cpu();
        capMem = cap.memoryMiB();
        capGpu = cap.gpus();
        capEni = cap.enis();
        int[] fit = IntStream.range(0, shapes.size())
                .filter(s -> value[s] > 0 && bound[s] > 0 && shapes.copies(c, s) > 0).toArray();
        double[] key = new double[shapes.size()];
        for (int s : fit) {
            key[s] = value[s] / load(shapes, cap, s);
        }
        items = sortByKeyDesc(fit, key);
        suffixDensity = new double[items.length + 1][4];
        suffixValue = new double[items.length + 1];
        for (int i = items.length - 1; i >= 0; i--) {
            int s = items[i];
            suffixValue[i] = suffixValue[i + 1] + value[s] * Math.min(bound[s], shapes.copies(c, s));
            long[] need = {shapes.cpu[s], shapes.mem[s], shapes.gpu[s], shapes.eni[s]};
            for (int d = 0; d < 4; d++) {
                double dens = need[d] == 0 ? Double.POSITIVE_INFINITY : value[s] / need[d];
                suffixDensity[i][d] = Math.max(suffixDensity[i + 1][d], dens);
            }
        }
    }

    /** Sorts indexes by key descending, then index (insertion sort for the usual few items). */
    static int[] sortByKeyDesc(int[] idx, double[] key) {
        if (idx.length > 64) {
            Integer[] boxed = java.util.Arrays.stream(idx).boxed().toArray(Integer[]::new);
            java.util.Arrays.sort(boxed, (a, b) -> key[a] != key[b] ? Double.compare(key[b], key[a])
                    : Integer.compare(a, b));
            for (int i = 0; i < idx.length; i++) {
                idx[i] = boxed[i];
            }
            return idx;
        }
        for (int i = 1; i < idx.length; i++) {
            int v = idx[i];
            int j = i - 1;
            while (j >= 0 && (key[idx[j]] < key[v] || key[idx[j]] == key[v] && idx[j] > v)) {
                idx[j + 1] = idx[j];
                j--;
            }
            idx[j + 1] = v;
        }
        return idx;
    }

    private static double load(ShapeSet shapes, Resources cap, int s) {
        double l = Math.max((double) shapes.cpu[s] / Math.max(1, cap.cpu()),
                (double) shapes.mem[s] / Math.max(1, cap.memoryMiB()));
        l = Math.max(l, shapes.gpu[s] == 0 ? 0 : (double) shapes.gpu[s] / Math.max(1, cap.gpus()));
        return Math.max(l, shapes.eni[s] == 0 ? 0 : (double) shapes.eni[s] / Math.max(1, cap.enis()));
    }

    private void dfs(int i, Bin b, double v) {
        if (v > bestValue + 1e-12) {
            bestValue = v;
            best = b.copy();
        }
        if (i == items.length || ++nodes > NODE_LIMIT || v + upper(i, b) <= bestValue + 1e-12) {
            return;
        }
        int s = items[i];
        int max = Math.min(bound[s], packer.room(b, s));
        ShapeSet shapes = packer.shapes();
        for (int n = max; n >= 0 && nodes <= NODE_LIMIT; n--) {
            if (n > 0) {
                b.add(shapes, s, n);
            }
            dfs(i + 1, b, v + n * value[s]);
            if (n > 0) {
                b.add(shapes, s, -n);
            }
        }
    }

    /** Bound on what items i.. can still add: free room of each resource times its best remaining density. */
    private double upper(int i, Bin b) {
        double[] dens = suffixDensity[i];
        double u = suffixValue[i];
        u = Math.min(u, (capCpu - b.cpu) * dens[0]);
        u = Math.min(u, (capMem - b.mem) * dens[1]);
        u = Math.min(u, (capGpu - b.gpu) * dens[2]);
        return Math.min(u, (capEni - b.eni) * dens[3]);
    }
}
