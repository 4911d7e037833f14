package io.stevedore.provisioning;

import java.util.ArrayList;
import java.util.List;

/**
 * The LP relaxation of the pattern model — min Σ cost_p·x_p subject to Σ a_sp·x_p ≥ d_s, x ≥ 0 — by column
 * generation on a dense revised simplex (one row per shape with demand), with the packer's greedy knapsack as
 * pricing. Rounding every pattern down gives most of the fleet in LP-optimal proportions; the packer covers the
 * rest. Pivots are capped, ties go to the lowest row, so the result is deterministic.
 */
final class PatternLp {
    private static final double EPS = 1e-9;
    private final Packer packer;
    /** Columns generated so far (also for other zones of the same request): priced first, cheaply. */
    private final List<Column> pool = new ArrayList<>();

    PatternLp(Packer packer) {
        this.packer = packer;
    }

    private record Column(int cand, int[] counts, double cost) {
    }

    /** Whole copies of the LP's patterns, never exceeding {@code demand}. */
    List<Bin> roundDown(int[] demand) {
        int[] rows = activeShapes(demand);
        int m = rows.length;
        List<Bin> out = new ArrayList<>();
        if (m == 0) {
            return out;
        }
        Column[] basis = new Column[m];
        double[][] inv = new double[m][m];
        double[] x = new double[m];
        for (int i = 0; i < m; i++) {
            basis[i] = homogeneous(rows[i], demand[rows[i]]);
            int n = basis[i].counts[rows[i]];
            inv[i][i] = 1.0 / n;
            x[i] = (double) demand[rows[i]] / n;
        }
        int maxPivots = 50 + 20 * m;
        for (int pivot = 0; pivot < maxPivots; pivot++) {
            double[] pi = duals(basis, inv);
            double[] col = new double[m];
            Column entering = null;
            int surplus = -1;
            for (int j = 0; j < m && surplus < 0; j++) {
                if (pi[j] < -EPS) {
                    surplus = j;
                }
            }
            if (surplus >= 0) {
                col[surplus] = -1;
            } else {
                entering = fromPool(rows, pi, demand);
                if (entering == null) {
                    entering = price(rows, pi, demand);
                    if (entering == null) {
                        break;
                    }
                    pool.add(entering);
                }
                for (int i = 0; i < m; i++) {
                    col[i] = entering.counts[rows[i]];
                }
            }
            double[] u = new double[m];
            for (int i = 0; i < m; i++) {
                double v = 0;
                for (int j = 0; j < m; j++) {
                    v += inv[i][j] * col[j];
                }
                u[i] = v;
            }
            int r = -1;
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < m; i++) {
                if (u[i] > EPS && x[i] / u[i] < best - EPS) {
                    best = x[i] / u[i];
                    r = i;
                }
            }
            if (r < 0) {
                break;
            }
            pivot(inv, x, u, r);
            basis[r] = entering;
        }
        for (int i = 0; i < m; i++) {
            if (basis[i] == null) {
                continue;
            }
            int copies = (int) Math.floor(x[i] + 1e-7);
            Column c = basis[i];
            for (int k = 0; k < copies; k++) {
                Bin b = new Bin(c.cand, demand.length);
                for (int s = 0; s < demand.length; s++) {
                    if (c.counts[s] > 0) {
                        b.add(packer.shapes(), s, c.counts[s]);
                    }
                }
                out.add(b);
            }
        }
        trimExcess(out, demand);
        out.removeIf(Bin::isEmpty);
        return out;
    }

    private static int[] activeShapes(int[] demand) {
        int m = 0;
        for (int d : demand) {
            m += d > 0 ? 1 : 0;
        }
        int[] rows = new int[m];
        int i = 0;
        for (int s = 0; s < demand.length; s++) {
            if (demand[s] > 0) {
                rows[i++] = s;
            }
        }
        return rows;
    }

    /** The single-shape pattern of lowest cost per task. */
    private Column homogeneous(int s, int demand) {
        List<Candidate> cands = packer.candidates();
        int bestC = -1;
        int bestN = 0;
        for (int c = 0; c < cands.size(); c++) {
            int n = Math.min(packer.shapes().copies(cands.get(c), s), demand);
            if (n > 0 && (bestC < 0 || cands.get(c).cost() / n < cands.get(bestC).cost() / bestN - EPS)) {
                bestC = c;
                bestN = n;
            }
        }
        int[] counts = new int[packer.shapes().size()];
        counts[s] = bestN;
        return new Column(bestC, counts, cands.get(bestC).cost());
    }

    private static double[] duals(Column[] basis, double[][] inv) {
        int m = basis.length;
        double[] pi = new double[m];
        for (int i = 0; i < m; i++) {
            double c = basis[i] == null ? 0 : basis[i].cost;
            if (c != 0) {
                for (int j = 0; j < m; j++) {
                    pi[j] += c * inv[i][j];
                }
            }
        }
        return pi;
    }

    /** The pooled column of best dual value per dollar, if it beats its cost and fits this demand. */
    private Column fromPool(int[] rows, double[] pi, int[] demand) {
        Column best = null;
        double bestRatio = 1 + 1e-7;
        for (Column c : pool) {
            double v = 0;
            boolean ok = true;
            for (int s = 0; s < c.counts.length && ok; s++) {
                ok = c.counts[s] <= demand[s];
            }
            if (!ok) {
                continue;
            }
            for (int i = 0; i < rows.length; i++) {
                v += Math.max(0, pi[i]) * c.counts[rows[i]];
            }
            if (v / c.cost > bestRatio) {
                bestRatio = v / c.cost;
                best = c;
            }
        }
        return best;
    }

    /** The pattern with the highest dual value per dollar, if it beats its cost. */
    private Column price(int[] rows, double[] pi, int[] demand) {
        double[] value = new double[packer.shapes().size()];
        for (int i = 0; i < rows.length; i++) {
            value[rows[i]] = Math.max(0, pi[i]);
        }
        List<Candidate> cands = packer.candidates();
        Column best = null;
        double bestRatio = 1 + 1e-7;
        double[] bound = new double[cands.size()];
        int[] order = new int[cands.size()];
        for (int c = 0; c < cands.size(); c++) {
            bound[c] = Knapsack.upperBound(packer, c, value, demand) / cands.get(c).cost();
            order[c] = c;
        }
        // most promising first: once no candidate's bound beats the best ratio found, stop
        Knapsack.sortByKeyDesc(order, bound);
        for (int c : order) {
            if (bound[c] <= bestRatio) {
                break;
            }
            Bin incumbent = null;
            double incumbentValue = -1;
            for (int[] items : packer.orders(cands.get(c), value)) {
                Bin b = packer.fill(c, items, demand);
                double v = worth(b, value);
                if (v > incumbentValue) {
                    incumbent = b;
                    incumbentValue = v;
                }
            }
            if (incumbent == null) {
                continue;
            }
            Bin b = Knapsack.solve(packer, c, value, demand, incumbent);
            double ratio = worth(b, value) / cands.get(c).cost();
            if (ratio > bestRatio) {
                bestRatio = ratio;
                best = new Column(c, b.counts.clone(), cands.get(c).cost());
            }
        }
        return best;
    }

    private static double worth(Bin b, double[] value) {
        double v = 0;
        for (int s = 0; s < value.length; s++) {
            v += value[s] * b.counts[s];
        }
        return v;
    }

    private static void pivot(double[][] inv, double[] x, double[] u, int r) {
        int m = x.length;
        double ur = u[r];
        double[] rowR = inv[r];
        for (int j = 0; j < m; j++) {
            rowR[j] /= ur;
        }
        x[r] /= ur;
        for (int i = 0; i < m; i++) {
            if (i != r && u[i] != 0) {
                double f = u[i];
                double[] row = inv[i];
                for (int j = 0; j < m; j++) {
                    row[j] -= f * rowR[j];
                }
                x[i] -= f * x[r];
            }
        }
    }

    /** Removes tasks beyond demand (the LP may over-cover), from the last bins first. */
    private void trimExcess(List<Bin> bins, int[] demand) {
        int[] excess = new int[demand.length];
        for (Bin b : bins) {
            for (int s = 0; s < demand.length; s++) {
                excess[s] += b.counts[s];
            }
        }
        for (int s = 0; s < demand.length; s++) {
            excess[s] -= demand[s];
            for (int i = bins.size() - 1; i >= 0 && excess[s] > 0; i--) {
                int n = Math.min(excess[s], bins.get(i).counts[s]);
                if (n > 0) {
                    bins.get(i).add(packer.shapes(), s, -n);
                    excess[s] -= n;
                }
            }
        }
    }
}
