package io.stevedore.bench.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.bench.BenchSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The simulation benchmark ({@code bench/simulate}): runs {@code stevedore simulate} as its own process, under
 * {@code /usr/bin/time} (wall, user and system CPU, maximum resident set), on the issue #16 acceptance cases —
 * 30 days of {@code examples/fleet-10k-services.yaml} with a 4 GiB heap, and 7 days of
 * {@code examples/short-batch-jobs.yaml} — and prints the "## Simulation" section of docs/benchmarks.md, which
 * {@code --write FILE} puts in place of the file's one.
 *
 * <p>{@code bench/simulate [--days N] [--batch-days N] [--java PATH]... [--write docs/benchmarks.md]} (a bare
 * number is {@code --days}; {@code --batch-days 0} skips the batch case). {@code --java} names the {@code java}
 * launcher of a JDK to run the simulator on (default: {@code java} on the PATH); given more than once, every case runs
 * on each JDK in turn, one row per JDK, so the same jar's figures on two JDKs sit side by side.
 */
public final class SimulateBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One case: a workload, its simulated days, and the acceptance run (days) with the time it must stay under. */
    record Case(String workload, int days, int targetDays, int targetSeconds) {
        /** The acceptance verdict, or why there is none (a run of other length). */
        String verdict(double wall) {
            if (days != targetDays) {
                return "none: the target (" + targetSeconds + " s wall) is for " + targetDays + " days";
            }
            return targetSeconds + " s wall: " + (wall <= targetSeconds ? "met" : "not met");
        }
    }

    /** One measured run, on the JDK {@code jdk} ({@code java -version}'s runtime line, shortened). */
    record Run(Case c, String jdk, double wall, double user, double sys, long maxRssKiB, JsonNode report,
               String sha) {
    }

    private SimulateBench() {
    }

    public static void main(String[] args) throws Exception {
        int days = 30;
        int batchDays = 7;
        Path write = null;
        List<String> javas = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--days" -> days = Integer.parseInt(args[++i]);
                case "--batch-days" -> batchDays = Integer.parseInt(args[++i]);
                case "--write" -> write = Path.of(args[++i]);
                case "--java" -> javas.add(args[++i]);
                default -> {
                    if (args[i].matches("\\d+")) {
                        days = Integer.parseInt(args[i]);
                    } else {
                        throw new IllegalArgumentException("unknown option " + args[i]
                                + " (bench/simulate [--days N] [--batch-days N] [--java PATH]... [--write FILE])");
                    }
                }
            }
        }
        if (javas.isEmpty()) {
            javas.add("java");
        }
        StringBuilder command = new StringBuilder("bench/simulate --days " + days + " --batch-days " + batchDays);
        for (String j : javas) {
            command.append(" --java ").append(j);
        }
        if (write != null) {
            command.append(" --write ").append(write);
        }
        BenchSection section = new BenchSection("## Simulation");
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("fleet-10k-services", days, 30, 40));
        if (batchDays > 0) {
            cases.add(new Case("short-batch-jobs", batchDays, 7, 60));
        }
        List<Run> runs = new ArrayList<>();
        for (Case c : cases) {
            for (String j : javas) {
                runs.add(run(c, j));
            }
        }
        render(section, command.toString(), runs);
        System.out.print(section.text());
        if (write != null) {
            section.write(write);
            System.err.println("wrote " + write);
        }
    }

    private static Run run(Case c, String java) throws IOException, InterruptedException {
        String jdk = jdk(java);
        Path dir = Path.of("target");
        Path json = dir.resolve("bench-simulate-" + c.workload() + ".json");
        Path time = dir.resolve("bench-simulate-" + c.workload() + ".time");
        Files.deleteIfExists(json);
        Files.deleteIfExists(time);
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", time.toString(),
                java, "-Xmx4g", "-XX:+UseParallelGC", "-jar", "target/stevedore.jar", "simulate",
                "examples/" + c.workload() + ".yaml", "--days", String.valueOf(c.days()), "--seed", "1",
                "--no-progress", "--json", json.toString()));
        System.err.println("bench/simulate: " + String.join(" ", cmd.subList(5, cmd.size())));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("stevedore simulate " + c.workload() + " failed: exit " + p.exitValue());
        }
        String[] t = Files.readString(time).trim().split("\\s+");
        byte[] report = Files.readAllBytes(json);
        return new Run(c, jdk, Double.parseDouble(t[0]), Double.parseDouble(t[1]), Double.parseDouble(t[2]),
                Long.parseLong(t[3]), JSON.readTree(report), sha256(report).substring(0, 16));
    }

    /**
     * The runtime line of {@code java -version} without its middle words (e.g. "OpenJDK (build 17.0.15+6-Debian-1deb12u1)",
     * "OpenJDK Temurin-25.0.3+9 (build 25.0.3+9-LTS)").
     */
    static String jdk(String java) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(java + " -version failed: " + out.strip());
        }
        return out.lines().filter(l -> l.contains(" Runtime Environment")).findFirst()
                .orElse(out.lines().findFirst().orElse(java)).replace(" Runtime Environment", "").strip();
    }

    static void render(BenchSection s, String command, List<Run> runs) {
        s.line("Generated by `bench/simulate` (`src/bench/java/io/stevedore/bench/simulate/SimulateBench.java`): "
                + "`stevedore simulate` as its own process (`java -Xmx4g -XX:+UseParallelGC -jar target/stevedore.jar "
                + "simulate WORKLOAD --days N --seed 1`, `java` being each `--java` given, else the PATH's) under "
                + "`/usr/bin/time`; the JDK column names the runtime that ran it. `examples/fleet-10k-services.yaml`: "
                + "10,000 services, 9,900 with a daily ±30% desired count and 5% deploying daily, 100 scaled by "
                + "Service Auto Scaling with their Fargate twins; `examples/short-batch-jobs.yaml`: 3,000 jobs of "
                + "5–40 s an hour. Targets (issue #16): 30 days of the fleet in 40 s, 7 days of the batch jobs in "
                + "60 s, heap within 4 GiB. The report's SHA-256 shows byte-identical reports across runs and "
                + "machines (same workload and seed, same JSON).");
        s.line("");
        s.provenance(command);
        s.line("");
        s.line("| workload | simulated | JDK | reconciler ticks | tasks started | wall | user CPU | sys CPU | max RSS "
                + "| target | result | report SHA-256 |");
        s.line("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Run r : runs) {
            JsonNode sum = r.report().path("summary");
            double mi = sum.path("managedInstances").path("cost").path("total").asDouble();
            double fg = sum.path("fargate").path("cost").path("total").asDouble();
            s.line("| `%s` | %d days | %s | %,d | %,d | %.1f s | %.1f s | %.1f s | %.2f GiB | %s | MI $%,.2f vs "
                            + "Fargate $%,.2f | `%s` |", r.c().workload(), r.c().days(), r.jdk(),
                    r.report().path("engine").path("reconcilerTicks").asLong(),
                    sum.path("managedInstances").path("tasksStarted").asLong(), r.wall(), r.user(), r.sys(),
                    r.maxRssKiB() / 1024.0 / 1024.0, r.c().verdict(r.wall()), mi, fg, r.sha());
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
