package io.stevedore.placement;

/** {@code distinctInstance}: no two tasks of the same task group on one instance. */
public final class DistinctInstanceFilter implements PlacementFilter {
    @Override
    public String stage() {
        return "distinctInstance";
    }

    @Override
    public ReasonCode check(PlanState s, int i, PlacementRequest r) {
        return r.hasDistinctInstance() && s.groupCount(i, r.group()) > 0 ? ReasonCode.DISTINCT_INSTANCE : null;
    }

    @Override
    public Rejection explain(PlanState s, int i, PlacementRequest r) {
        return new Rejection(stage(), ReasonCode.DISTINCT_INSTANCE, "task:group " + r.group(), "0 tasks",
                s.groupCount(i, r.group()) + " tasks");
    }
}
