package io.stevedore.control.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler's event messages render exactly as ECS words them, whatever the tasks' ids look like. */
class ServiceMessageTest {
    private static final String A = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    private static final String B = "00000000000000000000000000000001"; // leading zeros kept
    private static final String C = "ffffffffffffffffffffffffffffffff"; // the largest unsigned values

    @Test
    void tasksMessages_renderAsTheServiceSchedulerWordsThem() {
        assertThat(ServiceMessage.started("web", List.of(A)).toString())
                .isEqualTo("(service web) has started 1 tasks: (task " + A + ").");
        assertThat(ServiceMessage.stopped("web", List.of(A, B, C)).toString())
                .isEqualTo("(service web) has stopped 3 running tasks: (task " + A + ") (task " + B + ") (task " + C
                        + ").");
        assertThat(ServiceMessage.stoppedDraining("api", List.of(B)).toString()).isEqualTo(
                "(service api) has stopped 1 running tasks on draining container instances: (task " + B + ").");
        assertThat(ServiceMessage.steady("api").toString()).isEqualTo("(service api) has reached a steady state.");
    }

    @Test
    void idsThatAreNotLowerHex_areKeptAsGiven() {
        String upper = A.toUpperCase(java.util.Locale.ROOT);
        assertThat(ServiceMessage.started("web", List.of(A, upper, "short")).toString())
                .isEqualTo("(service web) has started 3 tasks: (task " + A + ") (task " + upper + ") (task short).");
    }

    @Test
    void readsAsTheCharactersOfItsText() {
        ServiceMessage m = ServiceMessage.steady("web");
        String text = "(service web) has reached a steady state.";
        assertThat(m.length()).isEqualTo(text.length());
        assertThat(m.charAt(9)).isEqualTo('w');
        assertThat(m.subSequence(1, 8).toString()).isEqualTo("service");
    }
}
