package io.stevedore.placement.query;

import java.util.List;
import java.util.Objects;

/** A parsed cluster query expression; immutable and thread-safe. Parse with {@link QueryParser#parse}. */
public sealed interface Expression permits Expression.And, Expression.Or, Expression.Not, Comparison {

    boolean matches(QueryTarget target);

    /** Every subject the expression mentions (for rules such as the Managed Instances attribute whitelist). */
    List<Subject> subjects();

    record And(Expression left, Expression right) implements Expression {
        public And {
            Objects.requireNonNull(left);
            Objects.requireNonNull(right);
        }

        @Override
        public boolean matches(QueryTarget t) {
            return left.matches(t) && right.matches(t);
        }

        @Override
        public List<Subject> subjects() {
            return concat(left.subjects(), right.subjects());
        }
    }

    record Or(Expression left, Expression right) implements Expression {
        public Or {
            Objects.requireNonNull(left);
            Objects.requireNonNull(right);
        }

        @Override
        public boolean matches(QueryTarget t) {
            return left.matches(t) || right.matches(t);
        }

        @Override
        public List<Subject> subjects() {
            return concat(left.subjects(), right.subjects());
        }
    }

    record Not(Expression inner) implements Expression {
        public Not {
            Objects.requireNonNull(inner);
        }

        @Override
        public boolean matches(QueryTarget t) {
            return !inner.matches(t);
        }

        @Override
        public List<Subject> subjects() {
            return inner.subjects();
        }
    }

    private static List<Subject> concat(List<Subject> a, List<Subject> b) {
        java.util.ArrayList<Subject> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
