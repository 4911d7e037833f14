package io.stevedore.placement;

/** The instance runs the task's {@code runtimePlatform.cpuArchitecture}. */
public final class ArchitectureFilter implements PlacementFilter {
    @Override
    public boolean impliedByPartition() {
        return true;
    }

    @Override
    public String stage() {
        return "architecture";
    }

    @Override
    public ReasonCode check(PlanState s, int i, PlacementRequest r) {
        return s.snapshot.views[i].architecture() == r.demand().architecture() ? null : ReasonCode.ATTRIBUTE;
    }

    @Override
    public Rejection explain(PlanState s, int i, PlacementRequest r) {
        return new Rejection(stage(), ReasonCode.ATTRIBUTE, InstanceView.ATTR_ARCH,
                r.demand().architecture().ec2Name(), s.snapshot.views[i].architecture().ec2Name());
    }
}
