package io.stevedore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.sim.Progress;
import io.stevedore.sim.SimOptions;
import io.stevedore.sim.Simulator;
import io.stevedore.sim.report.HtmlReport;
import io.stevedore.sim.report.JsonReport;
import io.stevedore.sim.report.TextSummary;
import io.stevedore.sim.workload.SimWorkload;
import io.stevedore.sim.workload.SimWorkloadReader;
import io.stevedore.sim.workload.WorkloadError;
import io.stevedore.wire.AwsException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code stevedore simulate}: replays a workload on the real control plane on a virtual clock, vs Fargate. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Runs a workload (docs/workload-format.md) on the Managed Instances control plane on a virtual"
                + " clock and prices the same tasks on Fargate: cost, fleet, start latency, disruptions and"
                + " availability. Same workload and seed, same JSON, byte for byte.",
                "Exit codes: 0 = done, 2 = invalid workload."})
public final class SimulateCommand implements Callable<Integer> {
    static final int INVALID_INPUT = 2;

    /** What to compare with. */
    enum Compare { fargate, none }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WORKLOAD.yaml", description = "Workload file, YAML or JSON.")
    Path workload;

    @Option(names = "--days", paramLabel = "N", description = "Simulated days (default: the file's duration, else 1).")
    Double days;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Random seed (default: 1).")
    long seed;

    @Option(names = "--report", paramLabel = "out.html", description = "Write the HTML report (self-contained).")
    Path report;

    @Option(names = "--json", paramLabel = "out.json", description = "Write the JSON report.")
    Path json;

    @Option(names = "--compare", defaultValue = "fargate", paramLabel = "fargate|none",
            description = "Compare with Fargate (default) or not.")
    Compare compare;

    @Option(names = "--no-progress", description = "Do not draw the progress bar on stderr.")
    boolean noProgress;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SimWorkload w;
        try {
            w = new SimWorkloadReader().read(SimWorkloadReader.nameOf(workload),
                    Files.readString(workload, StandardCharsets.UTF_8));
        } catch (IOException e) {
            err.println("stevedore simulate: cannot read " + workload + ": " + e.getMessage());
            return INVALID_INPUT;
        } catch (WorkloadError e) {
            err.println(workload + ": " + e.getMessage());
            return INVALID_INPUT;
        }
        if (days != null && !(days > 0)) {
            err.println("stevedore simulate: --days must be positive");
            return INVALID_INPUT;
        }
        Duration d = days == null ? w.duration() : Duration.ofSeconds(Math.round(days * 86_400));
        SimOptions options = new SimOptions(d, seed, compare == Compare.fargate,
                SimOptions.of(d, seed).heartbeat());
        JsonNode result;
        try {
            result = new Simulator(w, options).run(noProgress ? Progress.NONE : new ProgressBar(err));
        } catch (WorkloadError e) {
            err.println();
            err.println(workload + ": " + e.getMessage());
            return INVALID_INPUT;
        } catch (AwsException e) {
            err.println();
            err.println(workload + ": " + e.getMessage());
            return INVALID_INPUT;
        }
        if (json != null) {
            Files.writeString(json, JsonReport.write(result), StandardCharsets.UTF_8);
        }
        if (report != null) {
            Files.writeString(report, HtmlReport.render(result), StandardCharsets.UTF_8);
        }
        TextSummary.print(out, result);
        if (json != null) {
            out.println("JSON report:  " + json);
        }
        if (report != null) {
            out.println("HTML report:  " + report);
        }
        out.flush();
        return 0;
    }

    /** A one-line bar on stderr, redrawn when the percentage changes. */
    static final class ProgressBar implements Progress {
        private final PrintWriter err;
        private int shown = -1;

        ProgressBar(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void at(long done, long total) {
            int pct = (int) (100 * done / Math.max(1, total));
            if (pct == shown) {
                return;
            }
            shown = pct;
            int filled = pct * 40 / 100;
            err.print("\rsimulating [" + "#".repeat(filled) + " ".repeat(40 - filled) + "] " + pct + "% of "
                    + String.format(java.util.Locale.ROOT, "%.1f", total / 86_400_000.0) + " d");
            if (pct == 100) {
                err.println();
            }
            err.flush();
        }
    }
}
