package io.stevedore.placement.query;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The left side of a comparison: a field of the container instance ({@code ec2InstanceId}, {@code registeredAt},
 * {@code runningTasksCount}, {@code agentConnected}, {@code agentVersion}, {@code task:group}) or an attribute
 * ({@code attribute:name}). {@code instanceType} is accepted as a shorthand for
 * {@code attribute:ecs.instance-type}, as in the ECS examples.
 *
 * @param kind what is evaluated
 * @param name the attribute name for {@link Kind#ATTRIBUTE}, otherwise the field name as written
 */
public record Subject(Kind kind, String name) {
    public enum Kind { ATTRIBUTE, EC2_INSTANCE_ID, REGISTERED_AT, RUNNING_TASKS_COUNT, TASK_GROUP, AGENT_CONNECTED,
        AGENT_VERSION }

    private static final Set<Operator> IDENTITY_OPS = Set.of(Operator.EQUALS, Operator.NOT_EQUALS, Operator.IN,
            Operator.NOT_IN, Operator.MATCHES, Operator.NOT_MATCHES);
    private static final Set<Operator> ORDERED_OPS = Set.of(Operator.EQUALS, Operator.NOT_EQUALS,
            Operator.GREATER_THAN, Operator.GREATER_THAN_EQUAL, Operator.LESS_THAN, Operator.LESS_THAN_EQUAL);

    public Subject {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    /** Parses a subject token, or returns null when it names no known subject. */
    static Subject parse(String token) {
        if (token.regionMatches(true, 0, "attribute:", 0, 10) && token.length() > 10) {
            return new Subject(Kind.ATTRIBUTE, token.substring(10));
        }
        switch (token.toLowerCase(Locale.ROOT)) {
            case "instancetype": return new Subject(Kind.ATTRIBUTE, "ecs.instance-type");
            case "ec2instanceid": return new Subject(Kind.EC2_INSTANCE_ID, token);
            case "registeredat": return new Subject(Kind.REGISTERED_AT, token);
            case "runningtaskscount": return new Subject(Kind.RUNNING_TASKS_COUNT, token);
            case "task:group": return new Subject(Kind.TASK_GROUP, token);
            case "agentconnected": return new Subject(Kind.AGENT_CONNECTED, token);
            case "agentversion": return new Subject(Kind.AGENT_VERSION, token);
            default: return null;
        }
    }

    /** Whether the ECS documentation lists {@code op} as valid for this subject. */
    boolean accepts(Operator op) {
        switch (kind) {
            case ATTRIBUTE: return true;
            case EC2_INSTANCE_ID: case AGENT_CONNECTED: case TASK_GROUP: return IDENTITY_OPS.contains(op);
            default: return ORDERED_OPS.contains(op);
        }
    }

    @Override
    public String toString() {
        return kind == Kind.ATTRIBUTE ? "attribute:" + name : name;
    }
}
