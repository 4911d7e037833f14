package io.stevedore.bench.fuzz;

import io.stevedore.api.EcsServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code bench/fuzz [--seconds N] [--seed S]}: every generated case for every implemented operation against a real
 * in-process server (round-robin over operations), then random byte-flip variants of them until N seconds have
 * passed; prints the counts as Markdown.
 * Exit code 1 when any answer violated the rules.
 */
public final class FuzzMain {
    private FuzzMain() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = 600;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("usage: bench/fuzz [--seconds N] [--seed S]");
            }
        }
        Path dir = Files.createTempDirectory("stevedore-fuzz");
        ServiceModel model = ServiceModel.load();
        try (EcsServerFixture f = new EcsServerFixture(dir, false)) {
            FuzzPlan.seed(f);
            List<String> ops = List.copyOf(f.plane.api().operations());
            List<FuzzCase> cases = FuzzPlan.interleaved(ops, new CaseGenerator(model), seed, Integer.MAX_VALUE);
            FuzzRunner.Report r = new FuzzRunner.Report();
            long start = System.nanoTime();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(seconds));
            FuzzRunner runner = new FuzzRunner(f);
            int ran = runner.run(cases, deadline, r);
            java.util.Random random = new java.util.Random(seed);
            while (Instant.now().isBefore(deadline) && r.server5xx == 0 && r.violations.isEmpty()) {
                List<FuzzCase> batch = new java.util.ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    batch.add(FuzzPlan.byteFlips(cases, random));
                }
                ran += runner.run(batch, deadline, r);
            }
            double took = (System.nanoTime() - start) / 1e9;
            print(r, ops.size(), cases.size(), ran, took, model);
            System.exit(r.violations.isEmpty() ? 0 : 1);
        }
    }

    private static void print(FuzzRunner.Report r, int operations, int generated, int ran, double seconds,
                              ServiceModel model) {
        System.out.printf("Fuzzing: %d operations, %d cases generated, %d sent in %.0f s (required members from %s)%n%n",
                operations, generated, ran, seconds, model.source());
        System.out.println("| Operations | Cases | 4xx (of which 413) | 2xx accepted | 5xx | Violations |");
        System.out.println("|---|---|---|---|---|---|");
        System.out.printf("| %d | %d | %d (%d) | %d | %d | %d |%n%n", r.casesByOperation.size(), r.cases,
                r.rejected4xx, r.status413, r.accepted2xx, r.server5xx, r.violations.size());
        System.out.println("| Kind | Cases |");
        System.out.println("|---|---|");
        for (Map.Entry<FuzzCase.Kind, Integer> e : r.casesByKind.entrySet()) {
            System.out.printf("| %s | %d |%n", e.getKey(), e.getValue());
        }
        if (System.getenv("FUZZ_TIMINGS") != null && !System.getenv("FUZZ_TIMINGS").isEmpty()) {
            r.nanosByOperation.forEach((op, ns) -> System.out.printf("%s %.1f ms/case%n", op,
                    ns / 1e6 / r.casesByOperation.get(op)));
        }
        if (!r.violations.isEmpty()) {
            System.out.println("\nViolations (first " + r.violations.size() + "):");
            r.violations.forEach(v -> System.out.println("- " + v));
        }
    }
}
