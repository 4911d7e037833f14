package io.stevedore.lifecycle;

/** What the lifecycle controller decided; the control plane executes it ("controllers decide, executors act"). */
public sealed interface Decision {
    String instanceId();

    /** A person-readable reason, used for events. */
    String reason();

    /**
     * Start draining: no new placements; service tasks replaced start-before-stop; standalone tasks run on until
     * {@code deadlineMillis}.
     */
    record StartDrain(String instanceId, DrainCause cause, long deadlineMillis, String reason) implements Decision {
    }

    /** Return a drained instance to ACTIVE (a compaction that could not finish). */
    record CancelDrain(String instanceId, String reason) implements Decision {
    }

    /**
     * Deregister and terminate now: idle, drained empty, or past its deadline ({@code force}: stop what still runs).
     */
    record Retire(String instanceId, boolean force, String reason) implements Decision {
    }

    /** Only report (an event), e.g. an IMPAIRED instance with auto repair DISABLED. */
    record Report(String instanceId, String reason) implements Decision {
    }
}
