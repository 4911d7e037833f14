package io.stevedore.placement;

/** Why an instance cannot take a task, in the reason strings ECS puts in {@code failures[].reason}. */
public enum ReasonCode {
    AGENT("AGENT"),
    ATTRIBUTE("ATTRIBUTE"),
    RESOURCE_CPU("RESOURCE:CPU"),
    RESOURCE_MEMORY("RESOURCE:MEMORY"),
    RESOURCE_GPU("RESOURCE:GPU"),
    RESOURCE_ENI("RESOURCE:ENI"),
    RESOURCE_PORTS("RESOURCE:PORTS"),
    DISTINCT_INSTANCE("DistinctInstance placement constraint unsatisfied"),
    MEMBER_OF("MemberOf placement constraint unsatisfied"),
    /** No container instance of the right provider and architecture exists at all (capacity must be launched). */
    MISSING("MISSING");

    private final String ecsReason;

    ReasonCode(String ecsReason) {
        this.ecsReason = ecsReason;
    }

    /** The text ECS uses for this reason. */
    public String ecsReason() {
        return ecsReason;
    }
}
