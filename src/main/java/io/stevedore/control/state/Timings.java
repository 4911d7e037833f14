package io.stevedore.control.state;

import io.stevedore.catalog.InstanceType;
import io.stevedore.catalog.StartLatencyModel;
import java.time.Duration;

/**
 * Simulated delays (docs/decisions.md "Simulated delays" and "Start latency model"), divided by the server's speed.
 * Instance launch and image pull come from the {@link StartLatencyModel}, by instance type and image size: at speed
 * 1 a small awsvpc task on a new c6g.large runs after about 19 + 5 + 6.4 + 3 ≈ 33 s (the measured cold start: 19 s to
 * a registered instance, 15 s more to RUNNING, 41 s with the application's own 7 s,
 * https://github.com/neilkuan/ecs-managed-instance-issue), and on a running instance with the image cached after
 * 5 + 3 + 3 = 11 s (about 3× faster, as the re:Invent 2025 session summary says); a GPU task with a 7 GiB image on
 * fresh g4dn capacity after about 3.6 minutes (the podcast's 3–4 minutes).
 *
 * @param instanceBoot Fargate's and the launch types' own provisioning (no instance of ours)
 * @param startup      instance launch and image pull by type and image size (undivided; see {@link #boot}, {@link #pull})
 * @param speed        the divisor of every delay (1 = real time)
 */
public record Timings(Duration instanceBoot, Duration eniAttach, Duration containerStart, Duration deactivate,
                      Duration stop, Duration deprovision, Duration defaultScaleInAfter, Duration tick,
                      StartLatencyModel startup, double speed) {

    public static Timings realistic() {
        return new Timings(Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofSeconds(2),
                Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(300), Duration.ofMillis(500),
                StartLatencyModel.calibrated(), 1);
    }

    /** Every delay divided by {@code speed} (the tick too, but never below 10 ms). */
    public Timings scaled(double speed) {
        return new Timings(div(instanceBoot, speed), div(eniAttach, speed), div(containerStart, speed),
                div(deactivate, speed), div(stop, speed), div(deprovision, speed), div(defaultScaleInAfter, speed),
                Duration.ofMillis(Math.max(10, div(tick, speed).toMillis())), startup, this.speed * speed);
    }

    /** Launch → running of an instance of {@code type} (null = unknown type), at this speed. */
    public Duration boot(InstanceType type) {
        return div(startup.boot(type), speed);
    }

    /** The image pull of a task on {@code type}, cached there or not, at this speed. */
    public Duration pull(InstanceType type, long imageBytes, boolean cached) {
        return div(startup.pull(type, imageBytes, cached), speed);
    }

    public static Duration div(Duration d, double speed) {
        return Duration.ofNanos((long) (d.toNanos() / speed));
    }
}
