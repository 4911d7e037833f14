package io.stevedore.bench.crash;

import io.stevedore.bench.BenchSection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** The Markdown summary of a crash run, printed and (with {@code --write}) written as a docs/benchmarks.md section. */
final class Report {
    /** The section {@code --write} replaces (the prose of "## Crash safety" stays as it is). */
    static final String HEADING = "## Crash safety: latest `bench/crash` run";

    private Report() {
    }

    static void print(CrashHarness.Options o, List<TrialResult> results, Path work) {
        System.out.println("Crash harness: " + CrashHarness.machine());
        System.out.println("Options: trials " + o.trials() + ", store " + o.store() + ", replicas (PostgreSQL) "
                + o.replicas() + ", seed " + o.seed() + ", speed " + o.speed() + ", leader lease " + o.lease()
                + " s, region " + o.region() + "; logs in " + work.resolve("logs"));
        System.out.println();
        System.out.print(table(o, results));
    }

    /**
     * Fills the section for docs/benchmarks.md ({@code s}, created with {@link #HEADING} before the trials so that
     * its load average is the one they started with): provenance, options, the table and each violation.
     */
    static BenchSection section(BenchSection s, CrashHarness.Options o, List<TrialResult> results) {
        s.provenance(o.command());
        s.line("- trials %d, store %s, replicas (PostgreSQL) %d, seed %d, speed %s, leader lease %s s, region %s",
                o.trials(), o.store(), o.replicas(), o.seed(), o.speed(), o.lease(), o.region());
        s.line("");
        s.line(table(o, results).stripTrailing());
        return s;
    }

    private static String table(CrashHarness.Options o, List<TrialResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("| store | trials | kill moment (ms after load start) | acknowledged writes | resource "
                + "checks | violations | 5xx answers | convergence after restart (max) | leader failover "
                + "(min / median / max) |\n");
        out.append("|---|---:|---|---:|---:|---:|---:|---:|---|\n");
        for (String store : List.of("sqlite", "postgres")) {
            List<TrialResult> rs = results.stream().filter(r -> r.store().equals(store)).toList();
            if (rs.isEmpty()) {
                continue;
            }
            long minKill = rs.stream().mapToLong(TrialResult::killAfterMillis).min().orElse(0);
            long maxKill = rs.stream().mapToLong(TrialResult::killAfterMillis).max().orElse(0);
            List<Long> failovers = new ArrayList<>(rs.stream().map(TrialResult::failover).filter(Objects::nonNull)
                    .map(Duration::toMillis).sorted().toList());
            String failover = failovers.isEmpty() ? "n/a" : failovers.get(0) + " / "
                    + failovers.get(failovers.size() / 2) + " / " + failovers.get(failovers.size() - 1) + " ms";
            String convergence = rs.stream().map(TrialResult::convergence).filter(Objects::nonNull)
                    .max(Comparator.naturalOrder()).map(d -> d.toMillis() + " ms").orElse("n/a");
            out.append(String.format(java.util.Locale.ROOT, "| %s%s | %d | %d – %d | %d | %d | %d | %d | %s | %s |%n", store,
                    "postgres".equals(store) ? " (" + o.replicas() + " replica" + (o.replicas() > 1 ? "s, leader killed"
                            : "") + ")" : "", rs.size(), minKill, maxKill,
                    rs.stream().mapToInt(TrialResult::acknowledged).sum(),
                    rs.stream().mapToInt(TrialResult::checks).sum(),
                    rs.stream().mapToInt(r -> r.violations().size()).sum(),
                    rs.stream().mapToInt(TrialResult::serverErrors).sum(), convergence, failover));
        }
        for (TrialResult r : results) {
            r.violations().forEach(v -> out.append("- ").append(r.store()).append(" trial ").append(r.trial())
                    .append(": ").append(v).append('\n'));
        }
        return out.toString();
    }
}
