package io.stevedore.bench.provisioning;

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
 * PROVEN LOWER BOUND on the cost of any fleet; the integer fleet is an upper bound. To close the gap, reduced-cost
 * fixing enumerates every maximal pattern whose reduced cost is within the gap and CP-SAT solves that integer model;
 * an OPTIMAL status there proves the optimum (costs are scaled to micro-dollars for CP-SAT; tolerance 1e-6).
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
        double lpValue = 0;
        double[] finalDuals = null;
        boolean exactDuals = false;
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
            lpValue = lp[0];
            finalDuals = duals;
            exactDuals = added == 0;
            if (added == 0 || it > 400) {
                break;
            }
        }
        double ub = integerMaster(timeLimitSeconds);
        if (ub <= lb * (1 + 1e-7)) {
            return new Result(lb, ub, true, patterns.size(), it);
        }
        if (exactDuals && enumerateReducedCost(finalDuals, ub - lpValue)) {
            double opt = integerMasterExact(timeLimitSeconds * 3);
            if (!Double.isNaN(opt)) {
                return new Result(Math.max(lb, opt), Math.min(ub, opt), true, patterns.size(), it);
            }
        }
        return new Result(lb, ub, false, patterns.size(), it);
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

    private static final int ENUMERATION_CAP = 150_000;
    private int enumerated;

    /**
     * Reduced-cost fixing: with LP-optimal duals π (no column prices out), any fleet cheaper than {@code ub} costs at
     * least z_LP + Σ rc_p·x_p, so it only uses patterns whose reduced cost is at most {@code gap} = ub − z_LP.
     * Enumerates every maximal such pattern (supersets never cost more in the covering model); false when there are
     * more than {@value #ENUMERATION_CAP}.
     */
    private boolean enumerateReducedCost(double[] duals, double gap) {
        enumerated = 0;
        for (int o = 0; o < offerings.size(); o++) {
            double threshold = cost(o) - gap - 1e-6 * Math.max(1, cost(o));
            if (relaxedBound(o, duals) < threshold) {
                continue;
            }
            int[] counts = new int[shapes.size()];
            if (!enumerate(o, 0, counts, Resources.ZERO, 0, duals, threshold)) {
                return false;
            }
        }
        return true;
    }

    private boolean enumerate(int o, int s, int[] counts, Resources used, double value, double[] duals,
                              double threshold) {
        if (s == shapes.size()) {
            if (value >= threshold && maximal(o, counts, used)) {
                add(o, counts);
                return ++enumerated <= ENUMERATION_CAP;
            }
            return true;
        }
        if (value + remainingBound(o, s, used, duals) < threshold) {
            return true;
        }
        int max = Math.min(demand[s], room(o, s, counts, used));
        Resources r = shapes.get(s).resources();
        for (int n = max; n >= 0; n--) {
            counts[s] = n;
            Resources u = used.plus(new Resources(r.cpu() * n, r.memoryMiB() * n, r.gpus() * n, r.enis() * n));
            if (!enumerate(o, s + 1, counts, u, value + n * duals[s], duals, threshold)) {
                counts[s] = 0;
                return false;
            }
        }
        counts[s] = 0;
        return true;
    }

    /** How many more tasks of shape s fit offering o given what is used (host ports included). */
    private int room(int o, int s, int[] counts, Resources used) {
        TaskDemand d = shapes.get(s);
        if (!offerings.get(o).type().supports(d.architecture())) {
            return 0;
        }
        Resources free = caps.get(o).minus(used);
        Resources r = d.resources();
        long n = Integer.MAX_VALUE;
        n = Math.min(n, r.cpu() == 0 ? n : free.cpu() / r.cpu());
        n = Math.min(n, free.memoryMiB() / r.memoryMiB());
        n = Math.min(n, r.gpus() == 0 ? n : free.gpus() / r.gpus());
        n = Math.min(n, r.enis() == 0 ? n : free.enis() / r.enis());
        if (!d.hostPorts().isEmpty()) {
            for (int k = 0; k < counts.length; k++) {
                if (k != s && counts[k] > 0 && shapes.get(k).hostPorts().stream().anyMatch(d.hostPorts()::contains)) {
                    return 0;
                }
            }
            n = Math.min(n, 1);
        }
        return (int) Math.max(0, n);
    }

    private boolean maximal(int o, int[] counts, Resources used) {
        for (int s = 0; s < counts.length; s++) {
            if (counts[s] < demand[s] && room(o, s, counts, used) > 0) {
                return false;
            }
        }
        return true;
    }

    /** Fractional bound on what shapes s.. can add to the dual value in the free room of offering o. */
    private double remainingBound(int o, int from, Resources used, double[] duals) {
        Resources free = caps.get(o).minus(used);
        double best = Double.POSITIVE_INFINITY;
        for (int dim = 0; dim < 4; dim++) {
            long capacity = dim == 0 ? free.cpu() : dim == 1 ? free.memoryMiB() : dim == 2 ? free.gpus() : free.enis();
            double v = 0;
            boolean unbounded = false;
            double density = 0;
            for (int s = from; s < shapes.size(); s++) {
                if (duals[s] <= 0 || copies(o, s) == 0) {
                    continue;
                }
                if (need(s, dim) == 0) {
                    unbounded = true;
                    break;
                }
                density = Math.max(density, duals[s] / need(s, dim));
            }
            if (!unbounded) {
                best = Math.min(best, density * capacity);
            }
        }
        double all = 0;
        for (int s = from; s < shapes.size(); s++) {
            all += Math.max(0, duals[s]) * demand[s];
        }
        return Math.min(best, all) + 1e-9;
    }

    /** The integer master over every column, solved to proven optimality (NaN when the solver cannot). */
    private double integerMasterExact(double seconds) {
        double v = integerMaster(seconds);
        return lastStatus == CpSolverStatus.OPTIMAL ? v : Double.NaN;
    }

    private CpSolverStatus lastStatus;

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
        lastStatus = st;
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
