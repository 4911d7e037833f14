package io.stevedore.lifecycle;

/** Why an instance is drained. Voluntary causes count against the disruption budget. */
public enum DrainCause {
    /** UpdateContainerInstancesState DRAINING by the user. */
    USER(false),
    /** Infrastructure optimization: its tasks fit better elsewhere. */
    UNDERUTILIZED(true),
    /** Consolidation by replacement: a cheaper set of instances takes the tasks of several ({@link Consolidation}). */
    REPLACEMENT(true),
    /** Maximum lifetime (patching) replacement. */
    MAX_LIFETIME(true),
    /** Auto repair of an IMPAIRED instance. */
    REPAIR(false),
    /** A Spot interruption notice. */
    SPOT_INTERRUPTION(false),
    /**
     * A daemon deployment (CreateDaemon on existing instances, UpdateDaemon, DeleteDaemon) replacing instances in
     * batches of its drain percentage; paced by the deployment, not the disruption budget.
     */
    DAEMON_DEPLOYMENT(false);

    private final boolean voluntary;

    DrainCause(boolean voluntary) {
        this.voluntary = voluntary;
    }

    public boolean voluntary() {
        return voluntary;
    }
}
