package io.stevedore.bench.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@code bench/simulate} reads {@link WarmRun}'s output into the cold-and-warm table's rows. */
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
                new SimulateBench.Warm(FLEET, "JDK", 1, 52.10, 45.20, 21, 5.20, 26.90, "09b991a32d493445"),
                new SimulateBench.Warm(FLEET, "JDK", 2, 41.30, 36.90, 16, 4.10, 5.20, "09b991a32d493445"));
    }

    @Test
    void aRunLineWithoutEveryFigureFails() {
        assertThatThrownBy(() -> SimulateBench.parseWarm(FLEET, "JDK", "run 1 wall 52.10 mainCpu 45.20\n"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("run 1 wall 52.10");
    }
}
