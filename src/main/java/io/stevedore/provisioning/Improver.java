package io.stevedore.provisioning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Repairs a greedy packing, cheapest moves first: downsize every instance to the cheapest type its tasks fit;
 * dissolve the least efficient instances into the slack of others; merge pairs of them into one instance that
 * costs no more than both (fewer instances at equal cost). Only the
 * {@value #TAIL} least efficient instances are examined, so the cost stays bounded on large fleets.
 */
final class Improver {
    static final int TAIL = 32;
    private static final int ROUNDS = 4;
    private static final double EPS = 1e-9;
    private final Packer packer;

    Improver(Packer packer) {
        this.packer = packer;
    }

    List<Bin> improve(List<Bin> bins) {
        downsize(bins);
        for (int round = 0; round < ROUNDS; round++) {
            List<Integer> tail = tail(bins);
            boolean changed = dissolveTail(bins, tail);
            changed |= pairTail(bins, tail);
            bins.removeIf(Bin::isEmpty);
            if (!changed) {
                break;
            }
        }
        downsize(bins);
        return bins;
    }

    private double cost(Bin b) {
        return packer.candidates().get(b.cand).cost();
    }

    private void downsize(List<Bin> bins) {
        Bin last = null;
        int lastFrom = -1;
        int lastTo = -1;
        for (Bin b : bins) {
            if (last != null && b.cand == lastFrom && Arrays.equals(b.counts, last.counts)) {
                b.cand = lastTo;
                continue;
            }
            lastFrom = b.cand;
            int c = packer.cheapestFit(b);
            if (c >= 0 && cost(b) > packer.candidates().get(c).cost() + EPS) {
                b.cand = c;
            }
            last = b;
            lastTo = b.cand;
        }
    }

    /** Indexes of the least efficient bins (highest share of cost not covered by task value). */
    private List<Integer> tail(List<Bin> bins) {
        List<Integer> idx = new ArrayList<>();
        double[] waste = new double[bins.size()];
        for (int i = 0; i < bins.size(); i++) {
            Bin b = bins.get(i);
            if (!b.isEmpty()) {
                waste[i] = 1 - packer.worth(b) / cost(b);
                idx.add(i);
            }
        }
        idx.sort(Comparator.<Integer>comparingDouble(i -> -waste[i]).thenComparing(i -> i));
        return idx.subList(0, Math.min(TAIL, idx.size()));
    }

    private boolean dissolveTail(List<Bin> bins, List<Integer> tail) {
        boolean changed = false;
        for (int i : tail) {
            changed |= dissolve(bins, i);
        }
        return changed;
    }

    /** Moves every task of bin {@code i} into free room of other bins, or changes nothing. */
    private boolean dissolve(List<Bin> bins, int i) {
        Bin victim = bins.get(i);
        if (victim.isEmpty()) {
            return false;
        }
        ShapeSet shapes = packer.shapes();
        List<int[]> moves = new ArrayList<>();
        for (int s = 0; s < victim.counts.length; s++) {
            int left = victim.counts[s];
            for (int o = 0; o < bins.size() && left > 0; o++) {
                if (o == i || bins.get(o).isEmpty()) {
                    continue;
                }
                int n = Math.min(left, packer.room(bins.get(o), s));
                if (n > 0) {
                    bins.get(o).add(shapes, s, n);
                    moves.add(new int[] {o, s, n});
                    left -= n;
                }
            }
            if (left > 0) {
                for (int[] m : moves) {
                    bins.get(m[0]).add(shapes, m[1], -m[2]);
                }
                return false;
            }
        }
        for (int s = 0; s < victim.counts.length; s++) {
            victim.add(shapes, s, -victim.counts[s]);
        }
        return true;
    }

    /** For pairs of tail bins: one instance for both when it costs no more than the two. */
    private boolean pairTail(List<Bin> bins, List<Integer> tail) {
        boolean changed = false;
        for (int x = 0; x < tail.size(); x++) {
            for (int y = x + 1; y < tail.size(); y++) {
                Bin a = bins.get(tail.get(x));
                Bin b = bins.get(tail.get(y));
                if (!a.isEmpty() && !b.isEmpty() && improvePair(a, b)) {
                    changed = true;
                }
            }
        }
        return changed;
    }

    private boolean improvePair(Bin a, Bin b) {
        ShapeSet shapes = packer.shapes();
        double before = cost(a) + cost(b);
        Bin union = a.copy();
        for (int s = 0; s < b.counts.length; s++) {
            if (b.counts[s] > 0) {
                union.add(shapes, s, b.counts[s]);
            }
        }
        int c = packer.cheapestFit(union);
        // at equal cost one instance beats two: less to launch, patch and drain
        if (c >= 0 && portsOk(union) && packer.candidates().get(c).cost() <= before + EPS) {
            union.cand = c;
            replace(a, union);
            replace(b, new Bin(b.cand, shapes.size()));
            return true;
        }
        return false;
    }

    private boolean portsOk(Bin b) {
        ShapeSet shapes = packer.shapes();
        for (int s = 0; s < b.counts.length; s++) {
            if (b.counts[s] == 0 || shapes.ports[s].length == 0) {
                continue;
            }
            if (b.counts[s] > 1) {
                return false;
            }
            for (int o = s + 1; o < b.counts.length; o++) {
                if (b.counts[o] > 0 && shapes.sharePort(s, o)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void replace(Bin target, Bin source) {
        target.cand = source.cand;
        System.arraycopy(source.counts, 0, target.counts, 0, source.counts.length);
        target.cpu = source.cpu;
        target.mem = source.mem;
        target.gpu = source.gpu;
        target.eni = source.eni;
        target.tasks = source.tasks;
    }
}
