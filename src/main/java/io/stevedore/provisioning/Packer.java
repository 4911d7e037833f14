package io.stevedore.provisioning;

import io.stevedore.placement.Resources;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Variable-size multi-resource bin packing with instance-type choice, minimizing hourly cost.
 *
 * <p>Two constructions, each repaired by {@link Improver}, the cheaper kept: (1) {@link PatternLp} solves the LP
 * relaxation of the pattern model and whole copies of its patterns are launched, the remainder covered greedily;
 * (2) (small zones only) the greedy alone. The greedy step values each shape at what one task of it costs packed
 * alone on its most cost-efficient type, picks over every candidate type the fill (greedy knapsack in three item
 * orders) with the highest value per dollar, and launches as many copies as the remaining demand allows — so
 * complementary shapes share instances and the tail gets smaller types. Ties break by candidate order, then shape
 * index: the same input always gives the same bins.
 */
final class Packer {
    private static final double EPS = 1e-9;
    /**
     * Up to this many tasks (per zone) the plain greedy cover is also tried and the cheaper plan kept; beyond it
     * the LP-rounded plan is the better one in every benchmark run and the greedy is skipped for speed.
     */
    static final int GREEDY_ALTERNATIVE_MAX_TASKS = 5_000;
    /** Above this many distinct shapes in a zone the dense LP basis (shapes²) is skipped; greedy only. */
    static final int MAX_LP_SHAPES = 400;
    private final PatternLp lp;
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
            orders[c] = orders(cands.get(c), value);
        }
        this.lp = new PatternLp(this);
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

    /**
     * Packs {@code demand} (tasks per shape; every shape must fit some candidate) into bins: the cheaper of a
     * greedy cover and a rounded pattern LP ({@link PatternLp}), each repaired by {@link Improver}.
     */
    List<Bin> pack(int[] demand) {
        Improver improver = new Improver(this);
        if (Arrays.stream(demand).filter(d -> d > 0).count() > MAX_LP_SHAPES) {
            return improver.improve(cover(demand, new ArrayList<>()));
        }
        List<Bin> rounded = improver.improve(cover(demand, lp.roundDown(demand)));
        if (Arrays.stream(demand).asLongStream().sum() > GREEDY_ALTERNATIVE_MAX_TASKS) {
            return rounded;
        }
        List<Bin> greedy = improver.improve(cover(demand, new ArrayList<>()));
        return cost(rounded) < cost(greedy) - EPS ? rounded : greedy;
    }

    double cost(List<Bin> bins) {
        double c = 0;
        for (Bin b : bins) {
            c += cands.get(b.cand).cost();
        }
        return c;
    }

    /** Completes {@code bins} (which must not exceed {@code demand}) greedily until every task is packed. */
    List<Bin> cover(int[] demand, List<Bin> bins) {
        int[] rem = demand.clone();
        for (Bin b : bins) {
            for (int s = 0; s < rem.length; s++) {
                rem[s] -= b.counts[s];
            }
        }
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
        return bins;
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
    int[][] orders(Candidate c, double[] value) {
        Resources cap = c.capacity();
        int n = shapes.size();
        double[] bottleneck = new double[n];
        double[] summed = new double[n];
        int[] fit = new int[n];
        int k = 0;
        for (int s = 0; s < n; s++) {
            if (value[s] <= 0 || shapes.copies(c, s) == 0) {
                continue;
            }
            fit[k++] = s;
            double a = share(shapes.cpu[s], cap.cpu());
            double b = share(shapes.mem[s], cap.memoryMiB());
            double g = share(shapes.gpu[s], cap.gpus());
            double e = share(shapes.eni[s], cap.enis());
            bottleneck[s] = value[s] / Math.max(Math.max(Math.max(a, b), Math.max(g, e)), EPS);
            summed[s] = value[s] / Math.max(a + b + g + e, EPS);
        }
        int[] base = Arrays.copyOf(fit, k);
        return new int[][] {Knapsack.sortByKeyDesc(base.clone(), bottleneck),
            Knapsack.sortByKeyDesc(base.clone(), summed), Knapsack.sortByKeyDesc(base.clone(), value)};
    }

    private static double share(long need, long capacity) {
        return need == 0 ? 0 : (double) need / capacity;
    }

}
