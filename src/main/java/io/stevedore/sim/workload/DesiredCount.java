package io.stevedore.sim.workload;

import java.time.Duration;
import java.util.List;

/**
 * A service's desired count over time: {@code base}, replaced by each step from its time on, times a daily
 * pattern {@code 1 + amplitude·cos(2π(hour − peakHour)/24)}. A fractional target is rounded by seeded dithering
 * per service ({@code floor(target + u)}, {@code u} uniform in [0, 1) fixed per service), so a fleet of
 * single-task services follows the pattern in aggregate.
 *
 * @param base       desired count at time 0
 * @param steps      {@code at → count}, ascending
 * @param amplitude  daily swing as a fraction (0.3 = ±30%); 0 = none
 * @param peakHour   hour of the day (UTC, simulated) of the peak
 * @param resolution how often the pattern is re-evaluated
 */
public record DesiredCount(int base, List<Step> steps, double amplitude, double peakHour, Duration resolution) {
    /** From {@code at} on, the base count is {@code count}. */
    public record Step(Duration at, int count) {
    }

    public DesiredCount {
        steps = List.copyOf(steps);
        if (base < 0 || amplitude < 0 || amplitude > 1) {
            throw new IllegalArgumentException("bad desired count");
        }
    }

    public static DesiredCount constant(int n) {
        return new DesiredCount(n, List.of(), 0, 0, Duration.ofMinutes(15));
    }

    public boolean varies() {
        return amplitude > 0;
    }

    /** The base count at {@code t} (steps applied). */
    public int baseAt(Duration t) {
        int b = base;
        for (Step s : steps) {
            if (s.at().compareTo(t) <= 0) {
                b = s.count();
            }
        }
        return b;
    }

    /** The desired count at {@code t} for a service with dither offset {@code u} in [0, 1). */
    public int at(Duration t, double u) {
        return level(t).count(u);
    }

    /** The pattern at {@code t}, shared by every service that follows it (each adds its own dither). */
    public Level level(Duration t) {
        int b = baseAt(t);
        if (amplitude == 0) {
            return new Level(b, 1, false);
        }
        double hour = (t.toSeconds() % 86_400) / 3600.0;
        return new Level(b, 1 + amplitude * Math.cos(2 * Math.PI * (hour - peakHour) / 24.0), true);
    }

    /** The base count and daily factor at one time; {@code dithered} false = the base count as it is. */
    public record Level(int base, double factor, boolean dithered) {
        /** The count for a service with dither offset {@code u} in [0, 1). */
        public int count(double u) {
            return dithered ? Math.max(0, (int) Math.floor(base * factor + u)) : base;
        }
    }
}
