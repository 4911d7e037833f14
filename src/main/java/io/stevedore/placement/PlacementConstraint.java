package io.stevedore.placement;

import io.stevedore.placement.query.Expression;
import io.stevedore.placement.query.QueryParser;
import io.stevedore.placement.query.QuerySyntaxException;
import io.stevedore.placement.query.Subject;
import java.util.Objects;

/** A task placement constraint ({@code PlacementConstraintType}: {@code distinctInstance}, {@code memberOf}). */
public sealed interface PlacementConstraint {
    /** ECS allows at most 10 constraints per task or service. */
    int MAX_CONSTRAINTS = 10;

    /** Each task of the group on a different container instance. */
    record DistinctInstance() implements PlacementConstraint {
    }

    /**
     * Only instances matching a cluster query expression.
     *
     * @param planDependent whether the expression reads what a plan changes ({@code runningTasksCount},
     *                      {@code task:group}); otherwise its result per instance is fixed for a snapshot and cached
     */
    record MemberOf(String text, Expression expression, boolean planDependent) implements PlacementConstraint {
        public MemberOf {
            Objects.requireNonNull(text);
            Objects.requireNonNull(expression);
        }

        public MemberOf(String text, Expression expression) {
            this(text, expression, expression.subjects().stream().anyMatch(s -> s.kind() == Subject.Kind.TASK_GROUP
                    || s.kind() == Subject.Kind.RUNNING_TASKS_COUNT));
        }
    }

    static PlacementConstraint distinctInstance() {
        return new DistinctInstance();
    }

    /** Parses {@code expression}; a syntax error becomes a {@link PlacementValidationException}. */
    static PlacementConstraint memberOf(String expression) {
        try {
            return new MemberOf(expression, QueryParser.parse(expression));
        } catch (QuerySyntaxException e) {
            throw new PlacementValidationException(e.getMessage());
        }
    }

    /** From the wire shape ({@code type}, {@code expression}) with ECS's rules. */
    static PlacementConstraint of(String type, String expression) {
        if ("distinctInstance".equals(type)) {
            if (expression != null && !expression.isEmpty()) {
                throw new PlacementValidationException(
                        "An expression cannot be specified for a distinctInstance placement constraint.");
            }
            return distinctInstance();
        }
        if ("memberOf".equals(type)) {
            if (expression == null || expression.isBlank()) {
                throw new PlacementValidationException(
                        "A memberOf placement constraint requires an expression.");
            }
            return memberOf(expression);
        }
        throw new PlacementValidationException("Invalid placement constraint type '" + type
                + "'. Valid types: distinctInstance, memberOf.");
    }
}
