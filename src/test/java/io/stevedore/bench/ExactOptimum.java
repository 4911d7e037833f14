package io.stevedore.bench;

import com.google.ortools.Loader;
import com.google.ortools.linearsolver.MPConstraint;
import com.google.ortools.linearsolver.MPObjective;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPVariable;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.CpSolverStatus;
import com.google.ortools.sat.IntVar;
import com.google.ortools.sat.LinearExpr;
import io.stevedore.catalog.Offering;
import io.stevedore.placement.InstanceReservation;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Benchmark-only reference solver, independent of the provisioner's code: the configuration (pattern) model of
 * variable-size multi-resource bin packing, min Σ cost_p·x_p s.t. Σ a_sp·x_p ≥ d_s, solved by column generation
 * (GLOP for the master LP, CP-SAT for the exact knapsack pricing per offering), then CP-SAT over the generated
 * columns for an integer fleet. The LP optimum, divided by Farley's factor from the last exact pricing round, is a
 * PROVEN LOWER BOUND on the cost of any fleet; the integer fleet is an upper bound; when they meet the optimum is
 * proven.
 */
public final class ExactOptimum {
    private static final double SCALE = 1e6;

    static {
        Loader.loadNativeLibraries();
    }

    /** @param lowerBound proven; @param upperBound best integer fleet found; @param proven gap closed */
    public record Result(double lowerBound, double upperBound, boolean proven, int columns, int iterations) {
    }

    private final List<TaskDemand> shapes;
    private final int[] demand;
    private final List<Offering> offerings = new ArrayList<>();
    private final List<Resources> caps = new ArrayList<>();
    private final List<int[]> patterns = new ArrayList<>();
    private final List<Integer> patternOffering = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();

    public ExactOptimum(List<TaskDemand> shapes, int[] demand, List<Offering> all) {
        this.shapes = shapes;
        this.demand = demand;
        List<Offering> sorted = new ArrayList<>(all);
        sorted.sort(java.util.Comparator.comparingDouble(Offering::effectivePerHour)
                .thenComparing(o -> o.type().name()));
        for (Offering o : sorted) {
            Resources cap = InstanceReservation.registered(o.type());
            boolean dominated = false;
            for (int i = 0; i < offerings.size() && !dominated; i++) {
                Offering k = offerings.get(i);
                dominated = k.effectivePerHour() <= o.effectivePerHour() && caps.get(i).fits(cap)
                        && k.type().architectures().containsAll(o.type().architectures());
            }
            if (!dominated && cap.memoryMiB() > 0 && runsAny(o)) {
                offerings.add(o);
                caps.add(cap);
            }
        }
    }

    private boolean runsAny(Offering o) {
        for (TaskDemand d : shapes) {
            if (o.type().supports(d.architecture())) {
                return true;
            }
        }
        return false;
    }

    /** Adds a known fleet's patterns as columns (offering index by type name, counts per shape). */
    public void addColumn(String typeName, int[] counts) {
        for (int o = 0; o < offerings.size(); o++) {
            if (offerings.get(o).type().name().equals(typeName) && fits(o, counts)) {
                add(o, counts);
                return;
            }
        }
        int best = -1;
        for (int o = 0; o < offerings.size(); o++) {
            if (fits(o, counts) && (best < 0 || cost(o) < cost(best))) {
                best = o;
            }
        }
        if (best >= 0) {
            add(best, counts);
        }
    }

    public Result solve(double timeLimitSeconds) {
        for (int s = 0; s < shapes.size(); s++) {
            int bestO = -1;
            int bestN = 0;
            for (int o = 0; o < offerings.size(); o++) {
                int n = Math.min(copies(o, s), demand[s]);
                if (n > 0 && (bestO < 0 || cost(o) / n < cost(bestO) / bestN)) {
                    bestO = o;
                    bestN = n;
                }
            }
            int[] p = new int[shapes.size()];
            p[s] = bestN;
            add(bestO, p);
        }
        double lb = 0;
        int it = 0;
        while (true) {
            it++;
            double[] lp = new double[1];
            double[] duals = masterLp(lp);
            int added = 0;
            double maxRatio = 1;
            for (int o = 0; o < offerings.size(); o++) {
                double bound = relaxedBound(o, duals);
                if (bound <= cost(o) * (1 + 1e-9)) {
                    maxRatio = Math.max(maxRatio, bound / cost(o));
                    continue;
                }
                int[] p = price(o, duals);
                double v = 0;
                for (int s = 0; s < p.length; s++) {
                    v += duals[s] * p[s];
                }
                maxRatio = Math.max(maxRatio, v / cost(o));
                if (v > cost(o) * (1 + 1e-9) && add(o, p)) {
                    added++;
                }
            }
            lb = Math.max(lb, lp[0] / maxRatio);
            if (added == 0 || it > 400) {
                break;
            }
        }
        double ub = integerMaster(timeLimitSeconds);
        return new Result(lb, ub, ub <= lb * (1 + 1e-7), patterns.size(), it);
    }

    private double cost(int o) {
        return offerings.get(o).effectivePerHour();
    }

    private boolean add(int o, int[] p) {
        String key = o + ":" + Arrays.toString(p);
        if (!seen.add(key)) {
            return false;
        }
        patterns.add(p.clone());
        patternOffering.add(o);
        return true;
    }

    private int copies(int o, int s) {
        TaskDemand d = shapes.get(s);
        if (!offerings.get(o).type().supports(d.architecture())) {
            return 0;
        }
        Resources cap = caps.get(o);
        Resources r = d.resources();
        long n = Integer.MAX_VALUE;
        n = Math.min(n, r.cpu() == 0 ? n : cap.cpu() / r.cpu());
        n = Math.min(n, cap.memoryMiB() / r.memoryMiB());
        n = Math.min(n, r.gpus() == 0 ? n : cap.gpus() / r.gpus());
        n = Math.min(n, r.enis() == 0 ? n : cap.enis() / r.enis());
        if (!d.hostPorts().isEmpty()) {
            n = Math.min(n, 1);
        }
        return (int) n;
    }

    private boolean fits(int o, int[] counts) {
        Resources sum = Resources.ZERO;
        for (int s = 0; s < counts.length; s++) {
            if (counts[s] > 0 && !offerings.get(o).type().supports(shapes.get(s).architecture())) {
                return false;
            }
            Resources r = shapes.get(s).resources();
            sum = sum.plus(new Resources(r.cpu() * counts[s], r.memoryMiB() * counts[s], r.gpus() * counts[s],
                    r.enis() * counts[s]));
        }
        return caps.get(o).fits(sum);
    }

    private double[] masterLp(double[] value) {
        MPSolver lp = MPSolver.createSolver("GLOP");
        MPObjective obj = lp.objective();
        MPConstraint[] rows = new MPConstraint[shapes.size()];
        for (int s = 0; s < rows.length; s++) {
            rows[s] = lp.makeConstraint(demand[s], MPSolver.infinity());
        }
        for (int p = 0; p < patterns.size(); p++) {
            MPVariable x = lp.makeNumVar(0, MPSolver.infinity(), "x" + p);
            obj.setCoefficient(x, cost(patternOffering.get(p)));
            for (int s = 0; s < rows.length; s++) {
                if (patterns.get(p)[s] != 0) {
                    rows[s].setCoefficient(x, patterns.get(p)[s]);
                }
            }
        }
        obj.setMinimization();
        if (lp.solve() != MPSolver.ResultStatus.OPTIMAL) {
            throw new IllegalStateException("master LP not optimal");
        }
        value[0] = obj.value();
        double[] duals = new double[rows.length];
        for (int s = 0; s < rows.length; s++) {
            duals[s] = Math.max(0, rows[s].dualValue());
        }
        lp.delete();
        return duals;
    }

    /** A valid upper bound on the pricing knapsack: the fractional knapsack of each single resource, the least. */
    private double relaxedBound(int o, double[] duals) {
        Resources cap = caps.get(o);
        double best = Double.POSITIVE_INFINITY;
        for (int k = 0; k < 4; k++) {
            final int dim = k;
            long capacity = dim == 0 ? cap.cpu() : dim == 1 ? cap.memoryMiB() : dim == 2 ? cap.gpus() : cap.enis();
            List<Integer> order = new ArrayList<>();
            for (int s = 0; s < shapes.size(); s++) {
                if (copies(o, s) > 0 && duals[s] > 0) {
                    order.add(s);
                }
            }
            order.sort(java.util.Comparator.comparingDouble(s -> -duals[s] / Math.max(1e-12, need(s, dim))));
            double v = 0;
            double left = capacity;
            for (int s : order) {
                double take = Math.min(Math.min(copies(o, s), demand[s]),
                        need(s, dim) == 0 ? Double.POSITIVE_INFINITY : left / need(s, dim));
                v += take * duals[s];
                left -= take * need(s, dim);
            }
            best = Math.min(best, v);
        }
        return best;
    }

    private double need(int s, int dim) {
        Resources r = shapes.get(s).resources();
        return dim == 0 ? r.cpu() : dim == 1 ? r.memoryMiB() : dim == 2 ? r.gpus() : r.enis();
    }

    /** Exact knapsack with CP-SAT: the pattern of offering {@code o} of highest dual value. */
    private int[] price(int o, double[] duals) {
        CpModel m = new CpModel();
        int n = shapes.size();
        IntVar[] x = new IntVar[n];
        long[] w = new long[n];
        long[] cpu = new long[n];
        long[] mem = new long[n];
        long[] gpu = new long[n];
        long[] eni = new long[n];
        for (int s = 0; s < n; s++) {
            x[s] = m.newIntVar(0, Math.min(copies(o, s), demand[s]), "n" + s);
            w[s] = Math.round(duals[s] * SCALE);
            Resources r = shapes.get(s).resources();
            cpu[s] = r.cpu();
            mem[s] = r.memoryMiB();
            gpu[s] = r.gpus();
            eni[s] = r.enis();
        }
        Resources cap = caps.get(o);
        m.addLessOrEqual(LinearExpr.weightedSum(x, cpu), cap.cpu());
        m.addLessOrEqual(LinearExpr.weightedSum(x, mem), cap.memoryMiB());
        m.addLessOrEqual(LinearExpr.weightedSum(x, gpu), cap.gpus());
        m.addLessOrEqual(LinearExpr.weightedSum(x, eni), cap.enis());
        Set<Integer> ports = new HashSet<>();
        shapes.forEach(d -> ports.addAll(d.hostPorts()));
        for (int port : ports) {
            List<IntVar> users = new ArrayList<>();
            for (int s = 0; s < n; s++) {
                if (shapes.get(s).hostPorts().contains(port)) {
                    users.add(x[s]);
                }
            }
            m.addLessOrEqual(LinearExpr.sum(users.toArray(new IntVar[0])), 1);
        }
        m.maximize(LinearExpr.weightedSum(x, w));
        CpSolver solver = new CpSolver();
        solver.getParameters().setNumWorkers(1);
        CpSolverStatus st = solver.solve(m);
        if (st != CpSolverStatus.OPTIMAL) {
            throw new IllegalStateException("pricing not optimal: " + st);
        }
        int[] p = new int[n];
        for (int s = 0; s < n; s++) {
            p[s] = (int) solver.value(x[s]);
        }
        return p;
    }

    private double integerMaster(double seconds) {
        CpModel m = new CpModel();
        int np = patterns.size();
        IntVar[] x = new IntVar[np];
        long[] c = new long[np];
        for (int p = 0; p < np; p++) {
            int ub = 0;
            for (int s = 0; s < shapes.size(); s++) {
                if (patterns.get(p)[s] > 0) {
                    ub = Math.max(ub, (demand[s] + patterns.get(p)[s] - 1) / patterns.get(p)[s]);
                }
            }
            x[p] = m.newIntVar(0, ub, "x" + p);
            c[p] = Math.round(cost(patternOffering.get(p)) * SCALE);
        }
        for (int s = 0; s < shapes.size(); s++) {
            long[] a = new long[np];
            for (int p = 0; p < np; p++) {
                a[p] = patterns.get(p)[s];
            }
            m.addGreaterOrEqual(LinearExpr.weightedSum(x, a), demand[s]);
        }
        m.minimize(LinearExpr.weightedSum(x, c));
        CpSolver solver = new CpSolver();
        solver.getParameters().setMaxTimeInSeconds(seconds);
        solver.getParameters().setNumWorkers(2);
        CpSolverStatus st = solver.solve(m);
        if (st != CpSolverStatus.OPTIMAL && st != CpSolverStatus.FEASIBLE) {
            return Double.NaN;
        }
        double total = 0;
        for (int p = 0; p < np; p++) {
            total += solver.value(x[p]) * cost(patternOffering.get(p));
        }
        return total;
    }
}
