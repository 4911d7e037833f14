package io.stevedore.control.state;

import java.time.Duration;

/**
 * Simulated delays (docs/decisions.md "Simulated delays"), divided by the server's speed. At speed 1 a task
 * that needs a new instance takes about 20 + 5 + 15 + 3 = 43 s to RUNNING (a measured cold start was about
 * 41 s, https://github.com/neilkuan/ecs-managed-instance-issue); on a running instance with the image cached about
 * 5 + 4 + 3 = 12 s (about 3.5× faster).
 */
public record Timings(Duration instanceBoot, Duration eniAttach, Duration coldPull, Duration warmPull,
                      Duration containerStart, Duration deactivate, Duration stop, Duration deprovision,
                      Duration defaultScaleInAfter, Duration tick) {

    public static Timings realistic() {
        return new Timings(Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(15),
                Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofSeconds(3), Duration.ofSeconds(300), Duration.ofMillis(500));
    }

    /** Every delay divided by {@code speed} (the tick too, but never below 10 ms). */
    public Timings scaled(double speed) {
        return new Timings(div(instanceBoot, speed), div(eniAttach, speed), div(coldPull, speed),
                div(warmPull, speed), div(containerStart, speed), div(deactivate, speed), div(stop, speed),
                div(deprovision, speed), div(defaultScaleInAfter, speed),
                Duration.ofMillis(Math.max(10, div(tick, speed).toMillis())));
    }

    public static Duration div(Duration d, double speed) {
        return Duration.ofNanos((long) (d.toNanos() / speed));
    }
}
