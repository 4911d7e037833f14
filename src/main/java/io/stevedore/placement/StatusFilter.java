package io.stevedore.placement;

/** Only ACTIVE instances with a connected agent receive tasks (DRAINING, REGISTERING, … never do). */
public final class StatusFilter implements PlacementFilter {
    @Override
    public boolean impliedByPartition() {
        return true;
    }

    @Override
    public String stage() {
        return "status";
    }

    @Override
    public ReasonCode check(PlanState s, int i, PlacementRequest r) {
        InstanceView v = s.snapshot.views[i];
        return v.status() == InstanceStatus.ACTIVE && v.agentConnected() ? null : ReasonCode.AGENT;
    }

    @Override
    public Rejection explain(PlanState s, int i, PlacementRequest r) {
        InstanceView v = s.snapshot.views[i];
        return v.agentConnected()
                ? new Rejection(stage(), ReasonCode.AGENT, "status", InstanceStatus.ACTIVE.name(), v.status().name())
                : new Rejection(stage(), ReasonCode.AGENT, "agentConnected", "true", "false");
    }
}
