package io.stevedore.sim.workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** When batch jobs arrive: a Poisson process with a rate, or explicit times. */
public sealed interface Arrivals {

    /** Every arrival time up to {@code end}, ascending, drawn from {@code random}. */
    List<Duration> times(Duration end, SplittableRandom random);

    /** A Poisson process of {@code perHour} arrivals per hour between {@code from} and {@code until}. */
    record Poisson(double perHour, Duration from, Duration until) implements Arrivals {
        public Poisson {
            if (!(perHour > 0)) {
                throw new IllegalArgumentException("perHour must be positive");
            }
        }

        @Override
        public List<Duration> times(Duration end, SplittableRandom random) {
            List<Duration> out = new ArrayList<>();
            long stop = Math.min(end.toMillis(), until == null ? Long.MAX_VALUE : until.toMillis());
            double meanMillis = 3_600_000.0 / perHour;
            double t = from == null ? 0 : from.toMillis();
            while (true) {
                t += -Math.log(1 - random.nextDouble()) * meanMillis;
                if (t >= stop) {
                    return out;
                }
                out.add(Duration.ofMillis((long) t));
            }
        }
    }

    /** Explicit arrival times. */
    record Times(List<Duration> at) implements Arrivals {
        public Times {
            at = at.stream().sorted().toList();
        }

        @Override
        public List<Duration> times(Duration end, SplittableRandom random) {
            return at.stream().filter(t -> t.compareTo(end) < 0).toList();
        }
    }
}
