package io.stevedore.placement.query;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code subject operator [argument]}. Equality is string equality; {@code =~} is a Java regular expression
 * matched against the whole value (so {@code t2.*} selects every t2 size); ordering compares numbers for
 * {@code runningTasksCount}, instants for {@code registeredAt}, dotted versions for {@code agentVersion} and
 * numbers-else-strings for attributes. A missing attribute fails every positive test and passes every negated
 * one ({@code !=}, {@code not_in}, {@code !~}, {@code not_exists}).
 */
public record Comparison(Subject subject, Operator operator, List<String> arguments, Pattern pattern,
                         Instant instant) implements Expression {
    public Comparison {
        Objects.requireNonNull(subject);
        Objects.requireNonNull(operator);
        arguments = List.copyOf(arguments);
    }

    @Override
    public List<Subject> subjects() {
        return List.of(subject);
    }

    @Override
    public boolean matches(QueryTarget t) {
        if (subject.kind() == Subject.Kind.TASK_GROUP) {
            return matchesGroup(t);
        }
        String value = valueOf(t);
        switch (operator) {
            case EXISTS: return value != null;
            case NOT_EXISTS: return value == null;
            case EQUALS: return value != null && compare(value, arguments.get(0)) == 0;
            case NOT_EQUALS: return value == null || compare(value, arguments.get(0)) != 0;
            case IN: return value != null && arguments.contains(value);
            case NOT_IN: return value == null || !arguments.contains(value);
            case MATCHES: return value != null && pattern.matcher(value).matches();
            case NOT_MATCHES: return value == null || !pattern.matcher(value).matches();
            default: return value != null && ordered(compare(value, arguments.get(0)));
        }
    }

    private boolean ordered(int c) {
        switch (operator) {
            case GREATER_THAN: return c > 0;
            case GREATER_THAN_EQUAL: return c >= 0;
            case LESS_THAN: return c < 0;
            default: return c <= 0;
        }
    }

    private boolean matchesGroup(QueryTarget t) {
        switch (operator) {
            case EQUALS: return t.hasTaskGroup(arguments.get(0));
            case NOT_EQUALS: return !t.hasTaskGroup(arguments.get(0));
            case IN: return arguments.stream().anyMatch(t::hasTaskGroup);
            case NOT_IN: return arguments.stream().noneMatch(t::hasTaskGroup);
            case MATCHES: return t.taskGroups().stream().anyMatch(g -> pattern.matcher(g).matches());
            default: return t.taskGroups().stream().noneMatch(g -> pattern.matcher(g).matches());
        }
    }

    private String valueOf(QueryTarget t) {
        switch (subject.kind()) {
            case ATTRIBUTE: return t.attribute(subject.name());
            case EC2_INSTANCE_ID: return t.ec2InstanceId();
            case REGISTERED_AT: return t.registeredAt() == null ? null : t.registeredAt().toString();
            case RUNNING_TASKS_COUNT: return Integer.toString(t.runningTasksCount());
            case AGENT_CONNECTED: return Boolean.toString(t.agentConnected());
            case AGENT_VERSION: return t.agentVersion();
            default: throw new IllegalStateException(subject.kind().toString());
        }
    }

    private int compare(String value, String argument) {
        switch (subject.kind()) {
            case REGISTERED_AT: return Instant.parse(value).compareTo(instant);
            case RUNNING_TASKS_COUNT: return Long.compare(Long.parseLong(value), Long.parseLong(argument));
            case AGENT_VERSION: return Versions.compare(value, argument);
            case AGENT_CONNECTED: return value.equalsIgnoreCase(argument) ? 0 : 1;
            case ATTRIBUTE: return operator.isOrdering() ? Versions.compareNumbersElseText(value, argument)
                    : value.compareTo(argument);
            default: return value.compareTo(argument);
        }
    }

    @Override
    public String toString() {
        return subject + " " + operator.symbol() + (arguments.isEmpty() ? "" : " " + arguments);
    }
}
