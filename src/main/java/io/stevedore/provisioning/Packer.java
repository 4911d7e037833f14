package io.stevedore.provisioning;

import io.stevedore.placement.Resources;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Variable-size multi-resource bin packing with instance-type choice, minimizing hourly cost.
 *
 * <p>Each shape gets a value: what one task of it costs when packed alone on its most cost-efficient type. A
 * step picks, over every candidate type, the fill pattern (greedy knapsack in three item orders) whose value per
 * dollar is highest, and launches as many copies as the remaining demand allows — so complementary shapes
 * (CPU-heavy with memory-heavy) share instances and the tail gets smaller types. {@link Improver} then dissolves,
 * merges and downsizes the least efficient instances. Every choice breaks ties by candidate order, then shape
 * index: the same input always gives the same bins.
 */
final class Packer {
    private static final double EPS = 1e-9;
    private final ShapeSet shapes;
    private final List<Candidate> cands;
    private final double[] value;
    private final int[][][] orders;

    Packer(ShapeSet shapes, List<Candidate> cands) {
        this.shapes = shapes;
        this.cands = cands;
        this.value = values();
        this.orders = new int[cands.size()][][];
        for (int c = 0; c < cands.size(); c++) {
            orders[c] = orders(cands.get(c));
        }
    }

    ShapeSet shapes() {
        return shapes;
    }

    List<Candidate> candidates() {
        return cands;
    }

    double value(int s) {
        return value[s];
    }

    /** Packs {@code demand} (tasks per shape; every shape must fit some candidate) into bins. */
    List<Bin> pack(int[] demand) {
        int[] rem = demand.clone();
        List<Bin> bins = new ArrayList<>();
        long left = Arrays.stream(rem).asLongStream().sum();
        while (left > 0) {
            Bin best = bestPattern(rem);
            if (best == null) {
                throw new IllegalStateException("a remaining shape fits no candidate");
            }
            int k = Integer.MAX_VALUE;
            for (int s = 0; s < rem.length; s++) {
                if (best.counts[s] > 0) {
                    k = Math.min(k, rem[s] / best.counts[s]);
                }
            }
            for (int s = 0; s < rem.length; s++) {
                rem[s] -= k * best.counts[s];
                left -= (long) k * best.counts[s];
            }
            for (int i = 0; i < k; i++) {
                bins.add(best.copy());
            }
        }
        return new Improver(this).improve(bins);
    }

    private Bin bestPattern(int[] rem) {
        Bin best = null;
        double bestRatio = -1;
        for (int c = 0; c < cands.size(); c++) {
            for (int[] order : orders[c]) {
                Bin b = fill(c, order, rem);
                if (b.total() == 0) {
                    continue;
                }
                double ratio = worth(b) / cands.get(c).cost();
                if (ratio > bestRatio + EPS) {
                    best = b;
                    bestRatio = ratio;
                }
            }
        }
        return best;
    }

    /** Sum of shape values in the bin. */
    double worth(Bin b) {
        double w = 0;
        for (int s = 0; s < b.counts.length; s++) {
            w += value[s] * b.counts[s];
        }
        return w;
    }

    /** Greedy knapsack: take shapes in {@code order}, each as many times as fits and remains. */
    Bin fill(int c, int[] order, int[] rem) {
        Bin b = new Bin(c, shapes.size());
        for (int s : order) {
            if (rem[s] > 0) {
                int n = Math.min(rem[s], room(b, s));
                if (n > 0) {
                    b.add(shapes, s, n);
                }
            }
        }
        return b;
    }

    /** How many more tasks of shape {@code s} fit in bin {@code b} as it is. */
    int room(Bin b, int s) {
        Candidate c = cands.get(b.cand);
        if ((c.archMask() & shapes.archBit[s]) == 0) {
            return 0;
        }
        Resources cap = c.capacity();
        long n = Integer.MAX_VALUE;
        n = room(n, cap.cpu() - b.cpu, shapes.cpu[s]);
        n = room(n, cap.memoryMiB() - b.mem, shapes.mem[s]);
        n = room(n, cap.gpus() - b.gpu, shapes.gpu[s]);
        n = room(n, cap.enis() - b.eni, shapes.eni[s]);
        if (n > 0 && shapes.ports[s].length > 0) {
            for (int o = 0; o < b.counts.length; o++) {
                if (b.counts[o] > 0 && shapes.ports[o].length > 0 && shapes.sharePort(s, o)) {
                    return 0;
                }
            }
            n = Math.min(n, 1);
        }
        return (int) Math.max(0, n);
    }

    private static long room(long n, long free, long need) {
        return need == 0 ? n : Math.min(n, free / need);
    }

    /** Whether the tasks of {@code b} fit an instance of candidate {@code c}. */
    boolean fits(int c, Bin b) {
        Candidate k = cands.get(c);
        for (int s = 0; s < b.counts.length; s++) {
            if (b.counts[s] > 0 && (k.archMask() & shapes.archBit[s]) == 0) {
                return false;
            }
        }
        Resources cap = k.capacity();
        return b.cpu <= cap.cpu() && b.mem <= cap.memoryMiB() && b.gpu <= cap.gpus() && b.eni <= cap.enis();
    }

    /** The cheapest candidate the bin's tasks fit (candidates are in cost order), or -1. */
    int cheapestFit(Bin b) {
        for (int c = 0; c < cands.size(); c++) {
            if (fits(c, b)) {
                return c;
            }
        }
        return -1;
    }

    private double[] values() {
        double[] v = new double[shapes.size()];
        for (int s = 0; s < v.length; s++) {
            double best = Double.POSITIVE_INFINITY;
            for (Candidate c : cands) {
                int n = shapes.copies(c, s);
                if (n > 0) {
                    best = Math.min(best, c.cost() / n);
                }
            }
            v[s] = best;
        }
        return v;
    }

    /** Three item orders per candidate: by value per bottleneck share, per summed share, and by value alone. */
    private int[][] orders(Candidate c) {
        Resources cap = c.capacity();
        double[] bottleneck = new double[shapes.size()];
        double[] summed = new double[shapes.size()];
        List<Integer> fit = new ArrayList<>();
        for (int s = 0; s < shapes.size(); s++) {
            if (shapes.copies(c, s) == 0) {
                continue;
            }
            fit.add(s);
            double[] share = {share(shapes.cpu[s], cap.cpu()), share(shapes.mem[s], cap.memoryMiB()),
                share(shapes.gpu[s], cap.gpus()), share(shapes.eni[s], cap.enis())};
            double max = 0;
            double sum = 0;
            for (double x : share) {
                max = Math.max(max, x);
                sum += x;
            }
            bottleneck[s] = value[s] / Math.max(max, EPS);
            summed[s] = value[s] / Math.max(sum, EPS);
        }
        return new int[][] {sorted(fit, bottleneck), sorted(fit, summed), sorted(fit, value)};
    }

    private static double share(long need, long capacity) {
        return need == 0 ? 0 : (double) need / capacity;
    }

    private static int[] sorted(List<Integer> shapes, double[] key) {
        return shapes.stream().sorted(Comparator.<Integer>comparingDouble(s -> -key[s]).thenComparing(s -> s))
                .mapToInt(Integer::intValue).toArray();
    }
}
