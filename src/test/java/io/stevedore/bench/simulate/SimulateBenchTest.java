package io.stevedore.bench.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.bench.BenchSection;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How {@code bench/simulate} reads {@link WarmRun}'s output into the cold-and-warm table's rows, and the JVM options
 * of its runs off the {@code stevedore} launcher.
 */
class SimulateBenchTest {
    private static final SimulateBench.Case FLEET = new SimulateBench.Case("fleet-10k-services", 30, 30, 40);

    @Test
    void readsEachRunLineAndSkipsWhatTheSimulationPrintedBesideThem() {
        String out = "a line a simulation printed\n"
                + "run 1 wall 52.10 mainCpu 45.20 gcCount 21 gcSeconds 5.20 jitSeconds 26.90 sha 09b991a32d493445\n"
                + "running: not a run line\n"
                + "run 2 wall 41.30 mainCpu 36.90 gcCount 16 gcSeconds 4.10 jitSeconds 5.20 sha 09b991a32d493445\n";
        List<SimulateBench.Warm> warm = SimulateBench.parseWarm(FLEET, "JDK", out);
        assertThat(warm).containsExactly(
                new SimulateBench.Warm(FLEET, "JDK", 1, 52.10, 45.20, 21, 5.20, 26.90, "09b991a32d493445", Map.of()),
                new SimulateBench.Warm(FLEET, "JDK", 2, 41.30, 36.90, 16, 4.10, 5.20, "09b991a32d493445", Map.of()));
    }

    @Test
    void aRunLineWithoutEveryFigureFails() {
        assertThatThrownBy(() -> SimulateBench.parseWarm(FLEET, "JDK", "run 1 wall 52.10 mainCpu 45.20\n"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("run 1 wall 52.10");
    }

    @Test
    void stageLinesBelongToTheRunBeforeThemInTheTicksOrder() {
        String out = "run 1 wall 50.00 mainCpu 45.00 gcCount 21 gcSeconds 5.00 jitSeconds 26.00 sha 09b991a32d493445\n"
                + "stage 1 10.50 service scheduler\n"
                + "stage 1 4.25 fleet lifecycle\n"
                + "run 2 wall 40.00 mainCpu 36.00 gcCount 16 gcSeconds 4.00 jitSeconds 5.00 sha 09b991a32d493445\n"
                + "stage 2 8.00 service scheduler\n"
                + "stage 2 3.00 fleet lifecycle\n";
        List<SimulateBench.Warm> warm = SimulateBench.parseWarm(FLEET, "OpenJDK (build 17.0.15+6-Debian)", out);
        assertThat(warm).hasSize(2);
        assertThat(warm.get(0).stages()).containsExactly(Map.entry("service scheduler", 10.50),
                Map.entry("fleet lifecycle", 4.25));
        assertThat(warm.get(1).stages()).containsExactly(Map.entry("service scheduler", 8.00),
                Map.entry("fleet lifecycle", 3.00));

        BenchSection s = new BenchSection("## Simulation");
        SimulateBench.renderStages(s, warm);
        assertThat(s.text()).contains("| stage | JDK 17.0.15, run 1 | JDK 17.0.15, run 2 |",
                "| service scheduler | 10.5 s (21%) | 8.0 s (20%) |",
                "| fleet lifecycle | 4.3 s (9%) | 3.0 s (8%) |",
                "| outside the stages | 35.3 s (71%) | 29.0 s (73%) |",
                "| the run's wall time | 50.0 s | 40.0 s |");
    }

    @Test
    void aStageLineOfAnotherRunOrBeforeAnyRunFails() {
        assertThatThrownBy(() -> SimulateBench.parseWarm(FLEET, "JDK", "stage 1 1.00 service scheduler\n"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("stage 1 1.00 service scheduler");
        String out = "run 1 wall 50.00 mainCpu 45.00 gcCount 21 gcSeconds 5.00 jitSeconds 26.00 sha 09b991a32d493445\n"
                + "stage 2 1.00 service scheduler\n";
        assertThatThrownBy(() -> SimulateBench.parseWarm(FLEET, "JDK", out))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("stage 2 1.00");
    }

    @Test
    void runsWithoutStageTimesAddNoTable() {
        Map<String, Double> none = new LinkedHashMap<>();
        BenchSection s = new BenchSection("## Simulation");
        SimulateBench.renderStages(s, List.of(new SimulateBench.Warm(FLEET, "JDK", 1, 50, 45, 21, 5, 26, "x", none)));
        assertThat(s.text()).doesNotContain("| stage |");
    }

    @Test
    void runsSimulationsWithTheLaunchersOptionsUnderAFourGibHeap() {
        String launcher = "case \"${1:-}\" in\n"
                + "  instance-types|help) default_opts=\"-XX:TieredStopAtLevel=1 -XX:+UseSerialGC\" ;;\n"
                + "  simulate) default_opts=\"-XX:+UseParallelGC  -XX:FreqInlineSize=100\" ;;\n"
                + "  *) default_opts=\"\" ;;\nesac\n";
        assertThat(SimulateBench.jvmOptions(launcher))
                .containsExactly("-Xmx4g", "-XX:+UseParallelGC", "-XX:FreqInlineSize=100");
        // the project's own launcher: the benchmark runs what `./stevedore simulate` runs
        List<String> real = SimulateBench.jvmOptions(Path.of("stevedore"));
        assertThat(real.get(0)).isEqualTo("-Xmx4g");
        assertThat(real).contains("-XX:+UseParallelGC").hasSizeGreaterThan(1).isEqualTo(SimulateBench.JVM_OPTIONS);
    }

    @Test
    void aLauncherWithoutSimulateOptionsFails() {
        assertThatThrownBy(() -> SimulateBench.jvmOptions("case x in\n  *) default_opts=\"\" ;;\nesac\n"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no JVM options for simulate");
        assertThatThrownBy(() -> SimulateBench.jvmOptions("  simulate) default_opts=\" \" ;;\n"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SimulateBench.jvmOptions(Path.of("no-such-launcher")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no-such-launcher");
    }
}
