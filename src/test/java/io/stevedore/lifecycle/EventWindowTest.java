package io.stevedore.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventWindowTest {

    @ParameterizedTest
    @CsvSource({
            // window, instant, inside
            "sat:02-sat:06, 2026-01-10T02:00:00Z, true",
            "sat:02-sat:06, 2026-01-10T05:59:00Z, true",
            "sat:02-sat:06, 2026-01-10T06:00:00Z, false",
            "sat:02-sat:06, 2026-01-10T01:59:00Z, false",
            "sat:22-sun:02, 2026-01-11T01:00:00Z, true",
            "sat:22-sun:02, 2026-01-11T02:00:00Z, false",
            "'* 2-5 * * 6', 2026-01-10T05:30:00Z, true",
            "'* 2-5 * * 6', 2026-01-10T06:00:00Z, false",
            "'cron(0 21-23 * * 1,3)', 2026-01-07T23:59:00Z, true",
            "'cron(0 21-23 * * 1,3)', 2026-01-06T22:00:00Z, false"})
    void contains_rangesAndCron_matchesUtcWeek(String window, String at, boolean inside) {
        assertThat(EventWindow.parse(window).contains(Instant.parse(at))).isEqualTo(inside);
    }

    @Test
    void nextOpening_outside_returnsNextRangeStart() {
        EventWindow w = EventWindow.parse("sat:02-sat:06");
        assertThat(w.nextOpening(Instant.parse("2026-01-05T00:00:00Z"))).isEqualTo("2026-01-10T02:00:00Z");
        assertThat(w.nextOpening(Instant.parse("2026-01-10T03:00:00Z"))).isEqualTo("2026-01-10T03:00:00Z");
        assertThat(w.nextOpening(Instant.parse("2026-01-10T06:00:00Z"))).isEqualTo("2026-01-17T02:00:00Z");
        assertThat(w.lastOpening(Instant.parse("2026-01-12T00:00:00Z"))).isEqualTo("2026-01-10T02:00:00Z");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "sat:02-sat:03; at least 2 hours",
            "sat:02-sat:04; at least 4 hours per week",
            "'* 2 * * 6'; at least 2 hours",
            "'5 2-6 * * 6'; minute must be * or 0",
            "'* 2-6 1 * 6'; day of month and month must be *",
            "xyz:02-sat:06; not a day of the week"})
    void parse_breaksEc2Rules_explains(String window, String message) {
        assertThatThrownBy(() -> EventWindow.parse(window)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource({"10%, 30, 3", "10%, 5, 1", "0%, 30, 0", "2, 30, 2", "50%, 7, 3"})
    void disruptionBudget_allowed_countOrShareAtLeastOne(String budget, int fleet, int allowed) {
        assertThat(DisruptionBudget.parse(budget).allowed(fleet)).isEqualTo(allowed);
    }
}
