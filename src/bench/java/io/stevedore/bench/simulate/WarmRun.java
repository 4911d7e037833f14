package io.stevedore.bench.simulate;

import io.stevedore.control.Reconciler;
import io.stevedore.sim.Progress;
import io.stevedore.sim.SimOptions;
import io.stevedore.sim.Simulator;
import io.stevedore.sim.report.JsonReport;
import io.stevedore.sim.workload.SimWorkload;
import io.stevedore.sim.workload.SimWorkloadReader;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The same simulation run several times in one JVM, for {@code bench/simulate}'s "cold and warm" table: the first
 * run is what {@code stevedore simulate} costs in a fresh process (the JIT compiling the control plane while it
 * runs), a later one what the control plane costs once compiled. Prints one line per run:
 * {@code run N wall S mainCpu S gcCount N gcSeconds S jitSeconds S sha HEX} (GC and JIT figures are those of the
 * run alone; the JIT's is the compiler threads' time, HotSpot's {@link CompilationMXBean} total), then one line per
 * stage of the reconciler's tick, {@code stage N S NAME}: the wall time the run spent in it, collector pauses included
 * ({@link Reconciler#wrapStages}); exits 1 if two runs' reports differ.
 *
 * <p>{@code WarmRun WORKLOAD.yaml DAYS RUNS} (seed 1, Fargate compared, as {@code stevedore simulate --seed 1}).
 */
public final class WarmRun {
    private WarmRun() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: WarmRun WORKLOAD.yaml DAYS RUNS");
        }
        Path file = Path.of(args[0]);
        long days = Long.parseLong(args[1]);
        int runs = Integer.parseInt(args[2]);
        String name = SimWorkloadReader.nameOf(file);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        String first = null;
        boolean same = true;
        for (int run = 1; run <= runs; run++) {
            long gcCount0 = gc(GarbageCollectorMXBean::getCollectionCount);
            long gcMillis0 = gc(GarbageCollectorMXBean::getCollectionTime);
            long jit0 = jit.getTotalCompilationTime();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            SimWorkload workload = new SimWorkloadReader().read(name, text);
            Simulator simulator = new Simulator(workload, SimOptions.of(Duration.ofDays(days), 1));
            Map<String, long[]> stages = timeStages(simulator.plane().reconciler());
            String report = JsonReport.write(simulator.run(Progress.NONE));
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            String sha = SimulateBench.sha256(report.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
            first = first == null ? sha : first;
            same &= first.equals(sha);
            long gcCount = gc(GarbageCollectorMXBean::getCollectionCount) - gcCount0;
            double gcSeconds = (gc(GarbageCollectorMXBean::getCollectionTime) - gcMillis0) / 1e3;
            double jitSeconds = (jit.getTotalCompilationTime() - jit0) / 1e3;
            System.out.printf(Locale.ROOT, "run %d wall %.2f mainCpu %.2f gcCount %d gcSeconds %.2f jitSeconds %.2f"
                    + " sha %s%n", run, wall, cpu, gcCount, gcSeconds, jitSeconds, sha);
            for (Map.Entry<String, long[]> e : stages.entrySet()) {
                System.out.printf(Locale.ROOT, "stage %d %.2f %s%n", run, e.getValue()[0] / 1e9, e.getKey());
            }
            System.out.flush();
        }
        if (!same) {
            System.err.println("WarmRun: the runs' reports differ");
            System.exit(1);
        }
    }

    /**
     * Times each stage of the reconciler's ticks from now on: the wall time spent in it (the collector's pauses
     * included), by stage name in the tick's order.
     */
    private static Map<String, long[]> timeStages(Reconciler reconciler) {
        Map<String, long[]> spent = new LinkedHashMap<>();
        reconciler.wrapStages((stage, step) -> {
            long[] nanos = spent.computeIfAbsent(stage, k -> new long[1]);
            return () -> {
                long t0 = System.nanoTime();
                try {
                    step.run();
                } finally {
                    nanos[0] += System.nanoTime() - t0;
                }
            };
        });
        return spent;
    }

    /** A figure summed over the JVM's collectors (a collector that cannot tell counts 0). */
    private static long gc(ToLongFunction<GarbageCollectorMXBean> figure) {
        long n = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, figure.applyAsLong(b));
        }
        return n;
    }
}
