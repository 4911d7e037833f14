package io.stevedore.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The job run time a simulated task carries is written as the formatter wrote it, for every length. */
class ScheduleSecondsTest {
    private static String formatted(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }

    @Test
    void seconds_matchesTheFormatter_forShortAndLongRuns() {
        for (long m = 0; m < 200_000; m++) {
            assertEquals(formatted(m), Schedule.seconds(m), "millis " + m);
        }
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long m = r.nextLong(1L << 40); // up to about 35 years
            assertEquals(formatted(m), Schedule.seconds(m), "millis " + m);
        }
    }
}
