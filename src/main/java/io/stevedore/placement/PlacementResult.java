package io.stevedore.placement;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of placing one request's tasks on existing instances.
 *
 * @param placements where each placed task goes, in task order
 * @param failure    why the remaining tasks could not be placed (empty when all were placed)
 */
public record PlacementResult(List<TaskPlacement> placements, Optional<PlacementFailure> failure) {
    public PlacementResult {
        placements = List.copyOf(placements);
    }

    public int unplaced() {
        return failure.map(PlacementFailure::tasks).orElse(0);
    }
}
