package io.stevedore.placement;

/** Container instance status as ECS reports it; only {@link #ACTIVE} instances receive new tasks. */
public enum InstanceStatus {
    REGISTERING, REGISTRATION_FAILED, ACTIVE, DRAINING, DEREGISTERING, INACTIVE
}
