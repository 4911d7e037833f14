package io.stevedore.placement;

/** Instances of the capacity provider(s) the task was assigned to by the capacity provider strategy. */
public final class CapacityProviderFilter implements PlacementFilter {
    @Override
    public boolean impliedByPartition() {
        return true;
    }

    @Override
    public String stage() {
        return "capacityProvider";
    }

    @Override
    public ReasonCode check(PlanState s, int i, PlacementRequest r) {
        return r.capacityProviders().isEmpty()
                || r.capacityProviders().contains(s.snapshot.views[i].capacityProvider()) ? null
                : ReasonCode.ATTRIBUTE;
    }

    @Override
    public Rejection explain(PlanState s, int i, PlacementRequest r) {
        return new Rejection(stage(), ReasonCode.ATTRIBUTE, "capacityProvider",
                String.join(",", new java.util.TreeSet<>(r.capacityProviders())),
                s.snapshot.views[i].capacityProvider());
    }
}
