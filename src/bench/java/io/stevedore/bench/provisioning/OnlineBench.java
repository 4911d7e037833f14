package io.stevedore.bench.provisioning;

import io.stevedore.bench.BenchSection;
import io.stevedore.catalog.Offering;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.control.scheduling.CapacityOfferings;
import io.stevedore.lifecycle.OnlineFleet;
import io.stevedore.provisioning.PendingGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seeded quality workloads built online: each workload's services created one by one through the ECS API on the
 * real control plane (virtual clock), each waiting until its tasks run; then the fleet runs until nothing changed for
 * 15 simulated minutes. Per workload: the fleet's cost once every service ran, the settled fleet's cost, one plan of
 * the same tasks, the proven lower bound (OR-Tools, as in "Quality against the reference solver"), the number of
 * consolidation moves and the lowest RUNNING share any service showed. With {@code --baseline}, also once without
 * consolidation (compaction only), so the gap it closes shows. Usage: {@code bench/online [--seeds N] [--solver-seconds S]
 * [--budget B] [--only SEED] [--baseline] [--write docs/benchmarks.md]}.
 */
public final class OnlineBench {
    static final String HEADING = "## Online fleets: services created one by one";
    static final Duration QUIET = Duration.ofMinutes(15);
    static final Duration LIMIT = Duration.ofHours(24);
    /** Compaction alone may never settle (a drained instance's tasks land elsewhere than it predicted): cut off. */
    static final Duration BASELINE_LIMIT = Duration.ofHours(4);

    private OnlineBench() {
    }

    /** One workload, built once. */
    record Run(double built, double settled, boolean quiet, int instances, int moves, int drained,
               int compactions, double lowestRunning, double settleHours, double wallSeconds) {
    }

    public static void main(String[] args) throws Exception {
        int seeds = 20;
        int only = 0;
        double solverSeconds = 4;
        String budget = "1000";
        Path write = null;
        boolean baseline = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> seeds = Integer.parseInt(args[++i]);
                case "--solver-seconds" -> solverSeconds = Double.parseDouble(args[++i]);
                case "--budget" -> budget = args[++i];
                case "--only" -> only = Integer.parseInt(args[++i]);
                case "--baseline" -> baseline = true;
                case "--write" -> write = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: bench/online [--seeds N] [--solver-seconds S] [--budget B] [--only SEED] [--baseline] [--write FILE]");
                    System.exit(2);
                }
            }
        }
        BenchSection s = new BenchSection(HEADING);
        s.provenance("bench/online " + String.join(" ", args));
        s.line("Each seeded quality workload (`Workloads.random(seed)`, the same as the quality table above) built "
                + "online: one Managed Instances provider that may launch every priced us-east-1 type in one subnet, "
                + "each shape a service (minimumHealthyPercent 100, maximumPercent 200) created through the ECS API "
                + "(`EcsApi`, JSON) on the real control plane on the virtual clock, the next one once all its tasks "
                + "run; then the plane runs until nothing changed for 15 simulated minutes (`settled`). `built`: the "
                + "fleet when the last service ran; `plan`: one provisioner plan of all the tasks; `LB`: the proven "
                + "lower bound of the quality table (OR-Tools, %.0f s + %.0f s). Costs are EC2 + management fee, USD/h."
                + " `replace`: provider tags `stevedore:consolidation=enabled` and `stevedore:disruption-budget=%s`; "
                + "`compaction only` (with `--baseline`): neither tag (today's default), cut off after 4 simulated hours. `moves`: consolidation moves (instances drained "
                + "in them); `lowest RUNNING`: the lowest share of its desired count any service had RUNNING after it"
                + " first ran all its tasks (checked after every commit); `h`: simulated hours from the last service"
                + " to the last change.", solverSeconds, 3 * solverSeconds, budget);
        s.line("");
        s.line("| seed | tasks | services | built $/h | compaction only $/h | replace $/h | plan $/h | LB $/h | "
                + "replace/plan | replace/LB | moves (instances) | compactions | lowest RUNNING | h | wall s |");
        s.line("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        List<Offering> all = CapacityOfferings.load().everyType("us-east-1", PurchaseOption.ON_DEMAND);
        double worst = 0;
        double sum = 0;
        double lowest = 100;
        int runs = 0;
        for (long seed = only > 0 ? only : 1; seed <= (only > 0 ? only : seeds); seed++) {
            runs++;
            List<PendingGroup> groups = Workloads.random(seed);
            Run off = baseline ? build(groups, Map.of(), new double[1], BASELINE_LIMIT) : null;
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("stevedore:consolidation", "enabled");
            tags.put("stevedore:disruption-budget", budget);
            double[] plan = new double[1];
            Run on = build(groups, tags, plan, LIMIT);
            QualityBench.Row q = QualityBench.run(seed, all, solverSeconds);
            int tasks = groups.stream().mapToInt(PendingGroup::count).sum();
            double ratio = on.settled() / plan[0];
            worst = Math.max(worst, ratio);
            sum += ratio;
            lowest = Math.min(lowest, on.lowestRunning());
            String offCost = off == null ? "–" : String.format(java.util.Locale.ROOT, "%.4f%s", off.settled(),
                    off.quiet() ? "" : " (still moving)");
            String onCost = String.format(java.util.Locale.ROOT, "%.4f%s", on.settled(), on.quiet() ? ""
                    : " (still moving)");
            s.line("| %d | %d | %d | %.4f | %s | %s | %.4f | %.4f | %.4f | %.4f | %d (%d) | %d | %.0f%% | %.1f | %.0f |",
                    seed, tasks, groups.size(), on.built(), offCost, onCost, plan[0], q.lowerBound(), ratio,
                    on.settled() / q.lowerBound(), on.moves(), on.drained(), on.compactions(), on.lowestRunning(),
                    on.settleHours(), on.wallSeconds());
            System.err.printf("seed %d done%n", seed);
        }
        s.line("");
        s.line("**settled / one plan with consolidation by replacement: mean %.4f, worst %.4f; lowest RUNNING share "
                + "of any service during the moves: %.0f%%** (minimumHealthyPercent 100).", sum / runs, worst, lowest);
        s.line("");
        System.out.print(s.text());
        if (write != null) {
            s.write(write);
            System.err.println("wrote " + write);
        }
    }

    private static Run build(List<PendingGroup> groups, Map<String, String> tags, double[] plan, Duration limit) {
        long t0 = System.nanoTime();
        try (OnlineFleet f = new OnlineFleet(tags)) {
            for (PendingGroup g : groups) {
                f.createService(g);
            }
            double built = f.cost();
            Instant last = f.kit().clock().now();
            Instant change = f.runQuiet(QUIET, limit);
            boolean quiet = change != null;
            if (!quiet) {
                change = f.kit().clock().now();
            }
            plan[0] = f.singlePlan();
            Map<Long, Integer> moves = f.moves();
            double lowest = f.lowestRunningPercent().values().stream().mapToDouble(x -> x).min().orElse(100);
            return new Run(built, f.cost(), quiet, f.instances(), moves.size(), moves.values().stream()
                    .mapToInt(Integer::intValue).sum(), f.compactions(), lowest,
                    Duration.between(last, change).toSeconds() / 3600.0, (System.nanoTime() - t0) / 1e9);
        }
    }
}
