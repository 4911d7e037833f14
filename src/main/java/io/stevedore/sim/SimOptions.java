package io.stevedore.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * How to run a simulation.
 *
 * @param duration  simulated time (the workload's own duration when the command line gives none)
 * @param seed      seed of every random draw (arrivals, durations, dithering, faults, Fargate latencies)
 * @param fargate   whether to price and time the same tasks on Fargate
 * @param heartbeat the longest simulated time between two reconciler ticks when nothing is due (lifecycle
 *                  controllers with timers the simulator does not know about still run at least this often)
 */
public record SimOptions(Duration duration, long seed, boolean fargate, Duration heartbeat) {
    public SimOptions {
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive");
        }
        if (heartbeat.toMillis() < 1000) {
            throw new IllegalArgumentException("heartbeat must be at least one second");
        }
    }

    public static SimOptions of(Duration duration, long seed) {
        return new SimOptions(duration, seed, true, Duration.ofMinutes(15));
    }
}
