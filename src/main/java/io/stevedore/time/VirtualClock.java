package io.stevedore.time;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.Objects;

/** A clock that only moves when told to: for the simulator and for deterministic tests. Not thread-safe. */
public final class VirtualClock implements Clock {
    private Instant now;

    public VirtualClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    @Override
    public Instant now() {
        return now;
    }

    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("time does not go backwards: " + d);
        }
        now = now.plus(d);
    }

    public void set(Instant t) {
        if (t.isBefore(now)) {
            throw new IllegalArgumentException("time does not go backwards: " + t + " < " + now);
        }
        now = t;
    }

    /** Jumps forward to the next given weekday and UTC hour (maintenance-window tests). */
    public void jumpTo(DayOfWeek day, int hourUtc) {
        ZonedDateTime z = now.atZone(ZoneOffset.UTC);
        ZonedDateTime target = z.with(TemporalAdjusters.nextOrSame(day)).withHour(hourUtc).withMinute(0)
                .withSecond(0).withNano(0);
        if (!target.toInstant().isAfter(now)) {
            target = target.plusWeeks(1);
        }
        now = target.toInstant();
    }
}
