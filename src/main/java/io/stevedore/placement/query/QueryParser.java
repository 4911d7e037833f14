package io.stevedore.placement.query;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses the ECS cluster query language: {@code subject operator [argument]} comparisons combined with
 * {@code and}/{@code &&}, {@code or}/{@code ||}, {@code not}/{@code !} and parentheses ({@code and} binds tighter
 * than {@code or}). Lists are {@code [a, b, c]}; values may be quoted with ' or ". ECS caps expressions at 2,000
 * characters.
 */
public final class QueryParser {
    public static final int MAX_LENGTH = 2000;

    private final List<QueryToken> tokens;
    private final String text;
    private int pos;

    private QueryParser(String text) {
        this.text = text;
        this.tokens = new QueryLexer(text).tokens();
    }

    public static Expression parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new QuerySyntaxException("The placement constraint expression is empty.");
        }
        if (expression.length() > MAX_LENGTH) {
            throw new QuerySyntaxException("The placement constraint expression is longer than " + MAX_LENGTH
                    + " characters.");
        }
        QueryParser p = new QueryParser(expression);
        Expression e = p.or();
        if (p.pos < p.tokens.size()) {
            throw p.error("unexpected '" + p.peek().text() + "'");
        }
        return e;
    }

    private Expression or() {
        Expression left = and();
        while (isKeyword("||", "or")) {
            pos++;
            left = new Expression.Or(left, and());
        }
        return left;
    }

    private Expression and() {
        Expression left = unary();
        while (isKeyword("&&", "and")) {
            pos++;
            left = new Expression.And(left, unary());
        }
        return left;
    }

    private Expression unary() {
        if (isKeyword("!", "not")) {
            pos++;
            return new Expression.Not(unary());
        }
        if (isKeyword("(", "(")) {
            pos++;
            Expression inner = or();
            expect(")");
            return inner;
        }
        return comparison();
    }

    private Expression comparison() {
        QueryToken s = next("a subject such as attribute:ecs.instance-type");
        Subject subject = Subject.parse(s.text());
        if (subject == null || s.quoted()) {
            throw error("unknown subject '" + s.text() + "' (expected attribute:<name>, ec2InstanceId, registeredAt,"
                    + " runningTasksCount, task:group, agentConnected or agentVersion)");
        }
        QueryToken o = next("an operator after " + subject);
        Operator op = o.quoted() ? null : Operator.bySpelling(o.text());
        if (op == null) {
            throw error("unknown operator '" + o.text() + "' after " + subject);
        }
        if (!subject.accepts(op)) {
            throw error("operator " + o.text() + " is not valid for " + subject);
        }
        List<String> args = arguments(op);
        return build(subject, op, args);
    }

    private List<String> arguments(Operator op) {
        if (op.takesNoArgument()) {
            return List.of();
        }
        if (!op.takesList()) {
            return List.of(value());
        }
        expect("[");
        List<String> values = new ArrayList<>();
        values.add(value());
        while (isKeyword(",", ",")) {
            pos++;
            values.add(value());
        }
        expect("]");
        return values;
    }

    private String value() {
        QueryToken t = next("a value");
        if (!t.quoted() && t.isPunctuation()) {
            throw error("expected a value, found '" + t.text() + "'");
        }
        return t.text();
    }

    private Expression build(Subject subject, Operator op, List<String> args) {
        Pattern pattern = null;
        if (op == Operator.MATCHES || op == Operator.NOT_MATCHES) {
            try {
                pattern = Pattern.compile(args.get(0));
            } catch (PatternSyntaxException e) {
                throw error("invalid pattern '" + args.get(0) + "': " + e.getDescription());
            }
        }
        Instant instant = null;
        if (subject.kind() == Subject.Kind.REGISTERED_AT) {
            instant = date(args.get(0));
        } else if (subject.kind() == Subject.Kind.RUNNING_TASKS_COUNT) {
            for (String a : args) {
                if (!a.matches("\\d+")) {
                    throw error("runningTasksCount needs a whole number, not '" + a + "'");
                }
            }
        }
        return new Comparison(subject, op, args, pattern, instant);
    }

    /** The date formats the ECS documentation lists for registeredAt; a date without zone is UTC. */
    private Instant date(String v) {
        try {
            if (v.length() == 10) {
                return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            if (v.endsWith("Z") || v.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return OffsetDateTime.parse(v).toInstant();
            }
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw error("registeredAt needs a date such as 2018-06-18T22:28:28Z or 2018-06-18, not '" + v + "'");
        }
    }

    private boolean isKeyword(String symbol, String word) {
        if (pos >= tokens.size()) {
            return false;
        }
        QueryToken t = tokens.get(pos);
        return !t.quoted() && (t.text().equals(symbol) || t.text().equalsIgnoreCase(word));
    }

    private void expect(String symbol) {
        QueryToken t = next("'" + symbol + "'");
        if (t.quoted() || !t.text().equals(symbol)) {
            throw error("expected '" + symbol + "', found '" + t.text() + "'");
        }
    }

    private QueryToken next(String what) {
        if (pos >= tokens.size()) {
            throw error("expected " + what + " at the end");
        }
        return tokens.get(pos++);
    }

    private QueryToken peek() {
        return tokens.get(pos);
    }

    private QuerySyntaxException error(String detail) {
        return new QuerySyntaxException("Invalid placement constraint expression '" + text + "': " + detail + ".");
    }
}
