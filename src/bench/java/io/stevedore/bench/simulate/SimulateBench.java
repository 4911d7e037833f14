package io.stevedore.bench.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.bench.BenchSection;
import io.stevedore.bench.LauncherOptions;
import io.stevedore.bench.TimedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulation benchmark ({@code bench/simulate}): runs {@code stevedore simulate} as its own process, under
 * {@code /usr/bin/time} (wall, user and system CPU, maximum resident set), on the issue #16 acceptance cases —
 * 30 days of {@code examples/fleet-10k-services.yaml} with a 4 GiB heap, and 7 days of
 * {@code examples/short-batch-jobs.yaml} — then the fleet case {@code --warm-runs} times in one JVM
 * ({@link WarmRun}: the first run cold, the next ones with the control plane compiled, each with the wall time it spent
 * in each stage of the reconciler's tick), and prints the "## Simulation" section of docs/benchmarks.md, which
 * {@code --write FILE} puts in place of the file's one.
 *
 * <p>{@code bench/simulate [--days N] [--batch-days N] [--warm-runs N] [--java PATH]... [--write docs/benchmarks.md]}
 * (a bare number is {@code --days}; {@code --batch-days 0} skips the batch case, {@code --warm-runs 0} the one-JVM
 * runs). {@code --java} names the {@code java}
 * launcher of a JDK to run the simulator on (default: {@code java} on the PATH); given more than once, every case runs
 * on each JDK in turn, one row per JDK, so the same jar's figures on two JDKs sit side by side.
 */
public final class SimulateBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VERSION = Pattern.compile("build ([0-9][0-9.]*)");
    /**
     * The JVM options of every simulation this benchmark runs, as its own process and in one JVM alike (the cold and
     * warm table compares them), and as the section says they ran: the 4 GiB heap, then the options the
     * {@code stevedore} launcher starts {@code simulate} with, read off the launcher so the benchmark times what a user
     * runs.
     */
    static final List<String> JVM_OPTIONS = jvmOptions(Path.of("stevedore"));
    private static final String JVM = String.join(" ", JVM_OPTIONS);

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

    /**
     * One run of {@link WarmRun}: the {@code run}-th simulation of {@code c} in one JVM on {@code jdk}; {@code stages}:
     * the wall seconds it spent in each stage of the reconciler's tick, in the tick's order.
     */
    record Warm(Case c, String jdk, int run, double wall, double mainCpu, long gcCount, double gcSeconds,
                double jitSeconds, String sha, Map<String, Double> stages) {
    }

    private SimulateBench() {
    }

    /** {@code -Xmx4g} and the options of the launcher {@code script}'s {@code simulate) default_opts="…"} line. */
    static List<String> jvmOptions(Path script) {
        return withHeap(LauncherOptions.of(script, "simulate"));
    }

    /** {@code -Xmx4g} and the options a launcher's text names for {@code simulate}; fails when it names none. */
    static List<String> jvmOptions(String launcher) {
        return withHeap(LauncherOptions.of(launcher, "simulate"));
    }

    private static List<String> withHeap(List<String> launcherOptions) {
        List<String> options = new ArrayList<>(List.of("-Xmx4g"));
        options.addAll(launcherOptions);
        return List.copyOf(options);
    }

    public static void main(String[] args) throws Exception {
        int days = 30;
        int batchDays = 7;
        int warmRuns = 2;
        Path write = null;
        List<String> javas = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--days" -> days = Integer.parseInt(args[++i]);
                case "--batch-days" -> batchDays = Integer.parseInt(args[++i]);
                case "--write" -> write = Path.of(args[++i]);
                case "--java" -> javas.add(args[++i]);
                case "--warm-runs" -> warmRuns = Integer.parseInt(args[++i]);
                default -> {
                    if (args[i].matches("\\d+")) {
                        days = Integer.parseInt(args[i]);
                    } else {
                        throw new IllegalArgumentException("unknown option " + args[i]
                                + " (bench/simulate [--days N] [--batch-days N] [--warm-runs N] [--java PATH]..."
                                + " [--write FILE])");
                    }
                }
            }
        }
        if (javas.isEmpty()) {
            javas.add("java");
        }
        StringBuilder command = new StringBuilder("bench/simulate --days " + days + " --batch-days " + batchDays
                + " --warm-runs " + warmRuns);
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
        List<Warm> warm = new ArrayList<>();
        if (warmRuns > 0) {
            for (String j : javas) {
                warm.addAll(warm(cases.get(0), j, warmRuns));
            }
        }
        render(section, command.toString(), runs, warm);
        System.out.print(section.text());
        if (write != null) {
            section.write(write);
            System.err.println("wrote " + write);
        }
    }

    private static Run run(Case c, String java) throws IOException, InterruptedException {
        String jdk = jdk(java);
        Path json = Path.of("target").resolve("bench-simulate-" + c.workload() + ".json");
        Files.deleteIfExists(json);
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(JVM_OPTIONS);
        cmd.addAll(List.of("-jar", "target/stevedore.jar", "simulate", "examples/" + c.workload() + ".yaml", "--days",
                String.valueOf(c.days()), "--seed", "1", "--no-progress", "--json", json.toString()));
        System.err.println("bench/simulate: " + String.join(" ", cmd));
        TimedProcess t = TimedProcess.run(cmd, ProcessBuilder.Redirect.INHERIT, "stevedore simulate " + c.workload());
        byte[] report = Files.readAllBytes(json);
        return new Run(c, jdk, t.wall(), t.user(), t.sys(), t.maxRssKiB(), JSON.readTree(report),
                sha256(report).substring(0, 16));
    }

    /**
     * Runs {@link WarmRun}: case {@code c} {@code runs} times in one JVM ({@code java} with {@link #JVM_OPTIONS}, this
     * benchmark's class path).
     */
    private static List<Warm> warm(Case c, String java, int runs) throws IOException, InterruptedException {
        String jdk = jdk(java);
        List<String> main = List.of(WarmRun.class.getName(), "examples/" + c.workload() + ".yaml",
                String.valueOf(c.days()), String.valueOf(runs));
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(JVM_OPTIONS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
        cmd.addAll(main);
        System.err.println("bench/simulate: " + java + " " + JVM + " -cp … " + String.join(" ", main));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("WarmRun " + c.workload() + " failed: exit " + p.exitValue() + "\n" + out);
        }
        List<Warm> warm = parseWarm(c, jdk, out);
        if (warm.size() != runs) {
            throw new IllegalStateException("WarmRun printed " + warm.size() + " runs of " + runs + ":\n" + out);
        }
        return warm;
    }

    /**
     * {@link WarmRun}'s "run N …" lines, one {@link Warm} each, with the "stage N S NAME" lines of run N that follow
     * its run line as its stages (anything else the simulation printed is skipped).
     */
    static List<Warm> parseWarm(Case c, String jdk, String out) {
        List<Warm> warm = new ArrayList<>();
        for (String line : out.lines().toList()) {
            if (line.startsWith("stage ")) {
                String[] f = line.trim().split("\\s+", 4);
                Warm w = warm.isEmpty() ? null : warm.get(warm.size() - 1);
                if (f.length != 4 || w == null || w.run() != Integer.parseInt(f[1])) {
                    throw new IllegalStateException("WarmRun printed a stage line outside its run: " + line);
                }
                w.stages().put(f[3], Double.parseDouble(f[2]));
                continue;
            }
            if (!line.startsWith("run ")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length != 14) {
                throw new IllegalStateException("WarmRun printed an unexpected line: " + line);
            }
            warm.add(new Warm(c, jdk, Integer.parseInt(f[1]), Double.parseDouble(f[3]), Double.parseDouble(f[5]),
                    Long.parseLong(f[7]), Double.parseDouble(f[9]), Double.parseDouble(f[11]), f[13],
                    new LinkedHashMap<>()));
        }
        return warm;
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

    static void render(BenchSection s, String command, List<Run> runs, List<Warm> warm) {
        s.line("Generated by `bench/simulate` (`src/bench/java/io/stevedore/bench/simulate/SimulateBench.java`): "
                + "`stevedore simulate` as its own process (`java " + JVM + " -jar target/stevedore.jar "
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
        if (warm.isEmpty()) {
            return;
        }
        s.line("");
        s.line("Cold and warm: the same simulation run %d times in one JVM (`java " + JVM + "` "
                + "`io.stevedore.bench.simulate.WarmRun WORKLOAD DAYS RUNS`, seed 1). Run 1 is what a fresh process "
                + "costs, its JIT compiling the control plane on the second core while the simulation runs on the "
                + "first; a later run is what the control plane costs once compiled. Main-thread CPU is the "
                + "simulation's own thread; GC is the collector's pauses; JIT is the compiler threads' time during "
                + "the run (HotSpot's total compilation time). Every run's report must have the same SHA-256.",
                warm.stream().mapToInt(Warm::run).max().orElse(0));
        s.line("");
        s.line("| workload | simulated | JDK | run | wall | main-thread CPU | GC pauses | GC pause time | JIT time "
                + "| report SHA-256 |");
        s.line("|---|---|---|---|---|---|---|---|---|---|");
        for (Warm w : warm) {
            s.line("| `%s` | %d days | %s | %d | %.1f s | %.1f s | %d | %.1f s | %.1f s | `%s` |", w.c().workload(),
                    w.c().days(), w.jdk(), w.run(), w.wall(), w.mainCpu(), w.gcCount(), w.gcSeconds(),
                    w.jitSeconds(), w.sha());
        }
        renderStages(s, warm);
    }

    /**
     * Where each one-JVM run's wall time went: a row per stage of the reconciler's tick, one for the time outside the
     * stages (the workload's own API calls, each tick's commit and what listens to it, the simulator's loop, the
     * report), a column per run. Nothing when the runs carry no stage times.
     */
    static void renderStages(BenchSection s, List<Warm> warm) {
        if (warm.stream().allMatch(w -> w.stages().isEmpty())) {
            return;
        }
        s.line("");
        s.line("Where each run's wall time went: the wall time spent in each stage of the reconciler's ticks "
                + "(`Reconciler.wrapStages`, the collector's pauses included where they fell), and outside the stages "
                + "(the workload's API calls, each tick's commit and what listens to it, the simulator's loop, the "
                + "report).");
        s.line("");
        StringBuilder head = new StringBuilder("| stage |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Warm w : warm) {
            head.append(" JDK ").append(version(w.jdk())).append(", run ").append(w.run()).append(" |");
            rule.append("---|");
        }
        s.line(head.toString());
        s.line(rule.toString());
        List<String> names = new ArrayList<>();
        warm.forEach(w -> w.stages().keySet().stream().filter(n -> !names.contains(n)).forEach(names::add));
        for (String name : names) {
            StringBuilder row = new StringBuilder("| ").append(name).append(" |");
            for (Warm w : warm) {
                Double t = w.stages().get(name);
                row.append(t == null ? " – |" : String.format(Locale.ROOT, " %.1f s (%.0f%%) |", t,
                        100 * t / w.wall()));
            }
            s.line(row.toString());
        }
        StringBuilder rest = new StringBuilder("| outside the stages |");
        StringBuilder total = new StringBuilder("| the run's wall time |");
        for (Warm w : warm) {
            double outside = w.wall() - w.stages().values().stream().mapToDouble(Double::doubleValue).sum();
            rest.append(String.format(Locale.ROOT, " %.1f s (%.0f%%) |", outside, 100 * outside / w.wall()));
            total.append(String.format(Locale.ROOT, " %.1f s |", w.wall()));
        }
        s.line(rest.toString());
        s.line(total.toString());
    }

    /** The version in a {@link #jdk} line ("17.0.15" of "OpenJDK (build 17.0.15+6-Debian-1deb12u1)"), else the line. */
    static String version(String jdk) {
        Matcher m = VERSION.matcher(jdk);
        return m.find() ? m.group(1) : jdk;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
