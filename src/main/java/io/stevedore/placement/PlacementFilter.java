package io.stevedore.placement;

/**
 * One feasibility check of the placement chain. {@link #check} is the hot path: it allocates nothing and
 * returns null when instance {@code i} can take the task; {@link #explain} builds the data for a person only
 * when a task cannot be placed anywhere.
 */
public interface PlacementFilter {
    /** Short stage name used in explanations ({@code status}, {@code resources}, …). */
    String stage();

    /**
     * True when the snapshot's partitions (ACTIVE instances by capacity provider, architecture and AZ) already
     * guarantee this check for every instance the fast paths visit, so they may skip it.
     */
    default boolean impliedByPartition() {
        return false;
    }

    /** Null when instance {@code i} passes, otherwise the reason it refuses. */
    ReasonCode check(PlanState state, int i, PlacementRequest request);

    /** The detailed rejection; only called when {@link #check} refused. */
    Rejection explain(PlanState state, int i, PlacementRequest request);
}
