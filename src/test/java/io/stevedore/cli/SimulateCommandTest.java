package io.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void simulate_seedWorkload_summaryJsonAndHtml(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("a.json");
        Path html = dir.resolve("a.html");
        Run r = run("simulate", "examples/seed-scale-up-a.yaml", "--days", "0.05", "--json", json.toString(),
                "--report", html.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Managed Instances: $").contains("Fargate:").contains("Start latency");
        assertThat(r.err()).contains("simulating [").contains("100%");
        assertThat(Files.readString(json)).contains("\"workload\" : \"seed-scale-up-a\"");
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").contains("chart-cost");
    }

    @Test
    void simulate_compareNone_noFargateSection() {
        Run r = run("simulate", "examples/seed-scale-up-b.yaml", "--days", "0.02", "--compare", "none",
                "--no-progress");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Managed Instances: $").doesNotContain("Fargate:");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void simulate_invalidWorkload_exit2WithLine(@TempDir Path dir) throws Exception {
        Path w = dir.resolve("w.yaml");
        Files.writeString(w, "capacityProviders:\n  - name: cp\n    colour: blue\n");
        Run r = run("simulate", w.toString(), "--no-progress");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("line 3, column 5: capacityProviders.0.colour: unknown field");
    }
}
