package io.stevedore.control.state;

import io.stevedore.ecs.PlacementModelMapper;
import io.stevedore.placement.PlacementConstraint;
import io.stevedore.placement.PlacementStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionPlacementConstraint;

/**
 * The placement constraints and strategies a task was started with (RunTask or its service), kept in their wire
 * shape so they persist with the task's runtime; parsed into placement records by {@link #placementConstraints} and
 * {@link #placementStrategies}. Validated when the API accepted them.
 *
 * @param constraints {@code type} + {@code expression} pairs
 * @param strategies  {@code type} + {@code field} pairs, in order
 */
public record PlacementRules(List<Rule> constraints, List<Rule> strategies) {
    public static final PlacementRules NONE = new PlacementRules(List.of(), List.of());

    /** One constraint ({@code type}, {@code expression}) or strategy ({@code type}, {@code field}). */
    public record Rule(String type, String value) {
        public Rule {
            Objects.requireNonNull(type, "type");
        }
    }

    public PlacementRules {
        constraints = constraints == null ? List.of() : List.copyOf(constraints);
        strategies = strategies == null ? List.of() : List.copyOf(strategies);
    }

    /** From the SDK shapes (either may be null). */
    public static PlacementRules of(List<software.amazon.awssdk.services.ecs.model.PlacementConstraint> constraints,
                                    List<software.amazon.awssdk.services.ecs.model.PlacementStrategy> strategies) {
        List<Rule> c = new ArrayList<>();
        if (constraints != null) {
            constraints.forEach(x -> c.add(new Rule(x.typeAsString(), x.expression())));
        }
        List<Rule> s = new ArrayList<>();
        if (strategies != null) {
            strategies.forEach(x -> s.add(new Rule(x.typeAsString(), x.field())));
        }
        return c.isEmpty() && s.isEmpty() ? NONE : new PlacementRules(c, s);
    }

    /** These constraints plus the task definition's {@code memberOf} constraints. */
    public List<PlacementConstraint> placementConstraints(List<TaskDefinitionPlacementConstraint> fromTaskDefinition) {
        List<PlacementConstraint> out = new ArrayList<>();
        for (Rule r : constraints) {
            out.add(PlacementConstraint.of(r.type(), r.value()));
        }
        out.addAll(PlacementModelMapper.taskDefinitionConstraints(fromTaskDefinition));
        return out;
    }

    public List<PlacementStrategy> placementStrategies() {
        List<PlacementStrategy> out = new ArrayList<>();
        for (Rule r : strategies) {
            out.add(PlacementStrategy.of(r.type(), r.value()));
        }
        return out;
    }
}
