package io.stevedore.sim.workload;

import java.time.Duration;
import java.util.SplittableRandom;

/** How long a batch job runs once RUNNING (at least one second). */
public sealed interface DurationDistribution {

    Duration sample(SplittableRandom random);

    /** Expected value, for reports. */
    Duration mean();

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.max(1000, Math.round(s * 1000)));
    }

    /** Always {@code value}. */
    record Fixed(Duration value) implements DurationDistribution {
        @Override
        public Duration sample(SplittableRandom random) {
            return value;
        }

        @Override
        public Duration mean() {
            return value;
        }
    }

    /** Uniform between {@code min} and {@code max}. */
    record Uniform(Duration min, Duration max) implements DurationDistribution {
        public Uniform {
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("max must not be below min");
            }
        }

        @Override
        public Duration sample(SplittableRandom random) {
            return seconds(min.toMillis() / 1000.0 + random.nextDouble() * (max.toMillis() - min.toMillis()) / 1000.0);
        }

        @Override
        public Duration mean() {
            return min.plus(max).dividedBy(2);
        }
    }

    /** Exponential with the given mean. */
    record Exponential(Duration meanValue) implements DurationDistribution {
        @Override
        public Duration sample(SplittableRandom random) {
            return seconds(-Math.log(1 - random.nextDouble()) * meanValue.toMillis() / 1000.0);
        }

        @Override
        public Duration mean() {
            return meanValue;
        }
    }

    /** Log-normal with the given median and shape {@code sigma}. */
    record LogNormal(Duration median, double sigma) implements DurationDistribution {
        @Override
        public Duration sample(SplittableRandom random) {
            double z = gaussian(random);
            return seconds(median.toMillis() / 1000.0 * Math.exp(sigma * z));
        }

        @Override
        public Duration mean() {
            return Duration.ofMillis((long) (median.toMillis() * Math.exp(sigma * sigma / 2)));
        }

        private static double gaussian(SplittableRandom r) {
            double u1 = 1 - r.nextDouble();
            double u2 = r.nextDouble();
            return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        }
    }
}
