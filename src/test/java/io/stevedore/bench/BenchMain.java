package io.stevedore.bench;

import io.stevedore.catalog.Offering;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.api.CapacityOfferings;
import io.stevedore.provisioning.LaunchPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every provisioning benchmark in one run, printed as Markdown: seed scale-up experiments, quality against the
 * reference solver, 100k-task speed and heap, and time against the size of the change. Usage:
 * {@code bench/run [--seeds N] [--solver-seconds S] [--write docs/benchmarks.md]}.
 */
public final class BenchMain {
    private final StringBuilder out = new StringBuilder();

    public static void main(String[] args) throws Exception {
        int seeds = 20;
        double solverSeconds = 10;
        Path write = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> seeds = Integer.parseInt(args[++i]);
                case "--solver-seconds" -> solverSeconds = Double.parseDouble(args[++i]);
                case "--write" -> write = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        BenchMain b = new BenchMain();
        CapacityOfferings source = CapacityOfferings.load();
        List<Offering> all = source.offerings(null, "us-east-1", PurchaseOption.ON_DEMAND);
        b.machine();
        b.seeds(source);
        b.quality(all, seeds, solverSeconds);
        b.speed(all);
        System.out.print(b.out);
        if (write != null) {
            Files.writeString(write, b.out.toString());
            System.err.println("wrote " + write);
        }
    }

    private void line(String fmt, Object... args) {
        out.append(String.format(Locale.ROOT, fmt, args)).append('\n');
    }

    private void machine() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        String mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .findFirst().map(l -> l.replaceAll("\\s+", " ").substring(10)).orElse("unknown");
        line("## Machine");
        line("");
        line("- date: %s", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        line("- processors (nproc): %d; CPU: %s", Runtime.getRuntime().availableProcessors(), cpu);
        line("- RAM: %s; max heap: %d MiB", mem, Runtime.getRuntime().maxMemory() >> 20);
        line("- JDK: %s %s (%s)", System.getProperty("java.vm.name"), System.getProperty("java.version"),
                System.getProperty("java.vendor"));
        line("");
    }

    private void seeds(CapacityOfferings source) throws Exception {
        List<Offering> offerings = Seeds.offerings(source);
        line("## Seed scale-up experiments (shared/scenarios/seed-scale-up.md)");
        line("");
        line("Graviton, vCPU 2–4, 2048–16384 MiB, amazon-web-services, current+previous, burstable included, bare "
                + "metal excluded, awsvpc; %d candidate offerings; 3 subnets (us-east-1a/b/c); us-east-1 On-Demand.",
                offerings.size());
        line("");
        line("| run | tasks × (cpu, MiB) | planned fleet | EC2 $/h | fee $/h | total $/h | ceiling (EC2) | real service"
                + " | cpu / mem used |");
        line("|---|---|---|---|---|---|---|---|---|");
        for (Seeds.Seed s : Seeds.SEEDS) {
            LaunchPlan p = Seeds.plan(s, offerings);
            line("| %s | %d × (%d, %d) | %s | %.4f | %.4f | %.4f | ≤ %.2f %s | %.2f | %.0f%% / %.0f%% |", s.name(),
                    s.tasks(), s.cpu(), s.memory(), fleet(p.fleet()), p.ec2PerHour(), p.feePerHour(),
                    p.totalPerHour(), s.target(), p.ec2PerHour() <= s.target() ? "✔" : "✘", s.real(),
                    100 * p.cpuUtilization(), 100 * p.memoryUtilization());
        }
        line("");
    }

    static String fleet(Map<String, Integer> fleet) {
        List<String> parts = new ArrayList<>();
        fleet.forEach((t, n) -> parts.add(n + " " + t));
        return String.join(" + ", parts);
    }

    private void quality(List<Offering> all, int seeds, double solverSeconds) {
        line("## Quality against the reference solver (OR-Tools %s)", "9.15.6755");
        line("");
        line("Seeded random workloads (`Workloads.random(seed)`: 3–8 shapes, 50–2,000 tasks, x86/ARM/mixed, some "
                + "host-port shapes), one zone, every priced us-east-1 type MI may launch (InstanceSelector, no requirements: %d offerings). `LB` is the "
                + "proven lower bound (column-generation LP, exact CP-SAT pricing, Farley bound); `best` is the "
                + "cheapest integer fleet CP-SAT found over the generated columns (plus ours) in %.0f s; `proven` "
                + "marks LB = best (optimum proven). ours/LB bounds our distance to the true optimum from above.",
                all.size(), solverSeconds);
        line("");
        line("| seed | shapes | tasks | arch | ours $/h | LB $/h | solver best $/h | ours/LB | ours/best | proven |"
                + " FFD $/h | FFD/ours | plan ms |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        double sumLb = 0;
        double worstLb = 0;
        double sumBest = 0;
        double worstBest = 0;
        int proven = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            QualityBench.Row r = QualityBench.run(seed, all, solverSeconds);
            line("| %d | %d | %d | %s | %.4f | %.4f | %.4f | %.4f | %.4f | %s | %.4f | %.3f | %.0f |", r.seed(),
                    r.shapes(), r.tasks(), r.arch(), r.ours(), r.lowerBound(), r.solverBest(), r.ratioToBound(),
                    r.ratioToBest(), r.proven() ? "yes" : "no", r.ffd(), r.ffd() / r.ours(), r.ms());
            sumLb += r.ratioToBound();
            worstLb = Math.max(worstLb, r.ratioToBound());
            sumBest += r.ratioToBest();
            worstBest = Math.max(worstBest, r.ratioToBest());
            proven += r.proven() ? 1 : 0;
        }
        line("");
        line("**ours / proven lower bound: mean %.4f, worst %.4f** (so ours is within %.2f%% of the optimum on every "
                + "workload). ours / solver's best fleet: mean %.4f, worst %.4f. Optimum proven on %d of %d.",
                sumLb / seeds, worstLb, 100 * (worstLb - 1), sumBest / seeds, worstBest, proven, seeds);
        line("");
    }

    private void speed(List<Offering> all) {
        SpeedBench.Result r = SpeedBench.run(all, 7);
        line("## Speed and heap");
        line("");
        line("100,000 pending tasks in 10,000 services (%d distinct shapes, x86 and ARM, awsvpc), 3 zones, %d "
                + "offerings (every priced us-east-1 type MI may launch). 3 warm-up plans, then 7 timed; one thread.",
                r.shapes(), r.offerings());
        line("");
        line("| measure | value |");
        line("|---|---|");
        line("| plan time, median of 7 | %.0f ms |", r.medianMs());
        line("| plan time, fastest | %.0f ms |", r.minMs());
        line("| heap allocated by one plan | %d MiB |", r.allocatedMiB());
        line("| heap in use after GC (catalog, offerings, last plan) | %d MiB |", r.retainedMiB());
        line("| planned instances | %d |", r.instances());
        line("| fleet cost (EC2 + fee) | $%.2f/h |", r.costPerHour());
        line("| cpu / memory allocated vs registered | %.1f%% / %.1f%% |", 100 * r.cpuUtil(), 100 * r.memUtil());
        line("");
        line("Time against the size of the change (the provisioner only sees pending tasks; the existing fleet is "
                + "placement's input, never this one's):");
        line("");
        line("| pending tasks | services | median time |");
        line("|---|---|---|");
        for (SpeedBench.Scale s : SpeedBench.scaling(all)) {
            line("| %d | %d | %.2f ms |", s.tasks(), s.services(), s.medianMs());
        }
        line("");
    }
}
