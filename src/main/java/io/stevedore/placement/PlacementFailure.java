package io.stevedore.placement;

import java.util.Map;
import java.util.Objects;

/**
 * Why {@code tasks} tasks of a request could not be placed on existing instances, as data: the dominant ECS
 * reason (the one that excluded the most instances), how many instances each reason excluded, and an example
 * rejection with the numbers (for resources: the instance that came closest). Maps to ECS {@code failures[]}
 * ({@link #ecsReason()}) and to service events ({@link #message()}).
 *
 * @param tasks              tasks not placed
 * @param reason             the dominant reason
 * @param rejectedInstances  instances excluded per reason, in chain order
 * @param example            a representative rejection for {@code reason} (null when no instance exists)
 */
public record PlacementFailure(int tasks, ReasonCode reason, Map<ReasonCode, Integer> rejectedInstances,
                               Rejection example) {
    public PlacementFailure {
        Objects.requireNonNull(reason);
        rejectedInstances = Map.copyOf(rejectedInstances);
    }

    public String ecsReason() {
        return reason.ecsReason();
    }

    /** A sentence a person can act on. */
    public String message() {
        if (example == null) {
            return "No container instance of the requested capacity provider and architecture is registered; "
                    + tasks + " task(s) wait for new capacity.";
        }
        StringBuilder b = new StringBuilder();
        b.append(tasks).append(" task(s) could not be placed: ").append(reason.ecsReason()).append(" on ")
                .append(rejectedInstances.get(reason)).append(" instance(s) (").append(example.dimension())
                .append(": asked ").append(example.asked()).append(", best available ").append(example.available())
                .append(')');
        rejectedInstances.entrySet().stream().filter(e -> e.getKey() != reason)
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> b.append("; ").append(e.getKey().ecsReason()).append(" on ").append(e.getValue()));
        return b.append('.').toString();
    }
}
