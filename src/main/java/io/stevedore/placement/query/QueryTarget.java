package io.stevedore.placement.query;

import java.time.Instant;

/** What an expression can ask about one container instance (the subjects of the cluster query language). */
public interface QueryTarget {
    /** The value of a container instance attribute, or null when the instance lacks it. */
    String attribute(String name);

    String ec2InstanceId();

    Instant registeredAt();

    int runningTasksCount();

    /** Whether at least one task of {@code group} runs (or is planned) on the instance. */
    boolean hasTaskGroup(String group);

    /** The task groups with at least one task (running or planned) on the instance. */
    java.util.Set<String> taskGroups();

    boolean agentConnected();

    /** The ECS agent version, e.g. {@code 1.86.0}. */
    String agentVersion();
}
