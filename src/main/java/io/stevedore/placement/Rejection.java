package io.stevedore.placement;

import java.util.Objects;

/**
 * Why one instance refused one task, as data.
 *
 * @param stage     the filter that refused ({@code status}, {@code resources}, …)
 * @param reason    the ECS reason code
 * @param dimension what was short or wrong ({@code memoryMiB}, {@code hostPort}, {@code ecs.cpu-architecture}, …)
 * @param asked     what the task asked for
 * @param available what the instance had
 */
public record Rejection(String stage, ReasonCode reason, String dimension, String asked, String available) {
    public Rejection {
        Objects.requireNonNull(stage);
        Objects.requireNonNull(reason);
        Objects.requireNonNull(dimension);
    }

    @Override
    public String toString() {
        return reason.ecsReason() + " (" + stage + ": " + dimension + " asked " + asked + ", available " + available
                + ")";
    }
}
