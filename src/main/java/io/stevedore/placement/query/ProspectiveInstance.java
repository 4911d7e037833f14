package io.stevedore.placement.query;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * An instance that does not exist yet — new capacity being planned — as the query language sees it: its
 * attributes are known (type, zone, subnet, architecture), nothing runs on it and its agent is connected.
 *
 * @param attributes   the attributes it will register
 * @param registeredAt what {@code registeredAt} reads as
 * @param agentVersion what {@code agentVersion} reads as
 */
public record ProspectiveInstance(Map<String, String> attributes, Instant registeredAt, String agentVersion)
        implements QueryTarget {
    public ProspectiveInstance {
        attributes = Map.copyOf(attributes);
    }

    @Override
    public String attribute(String name) {
        return attributes.get(name);
    }

    @Override
    public String ec2InstanceId() {
        return "";
    }

    @Override
    public int runningTasksCount() {
        return 0;
    }

    @Override
    public boolean hasTaskGroup(String group) {
        return false;
    }

    @Override
    public Set<String> taskGroups() {
        return Set.of();
    }

    @Override
    public boolean agentConnected() {
        return true;
    }
}
