package io.stevedore.api.ops;

import io.stevedore.ecs.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A subset of the ECS cluster query language for ListContainerInstances {@code filter}:
 * {@code attribute:NAME == V}, {@code !=}, {@code in [A, B]}, {@code not in [...]}, {@code exists},
 * {@code not_exists}, joined by {@code and} / {@code or} ({@code &&}, {@code ||}); {@code and} binds tighter.
 */
public final class FilterExpression {
    private static final Pattern TERM = Pattern.compile(
            "\\s*attribute:([A-Za-z0-9_.\\-/]+)\\s*(==|!=|not in|in|exists|not_exists)\\s*(\\[[^\\]]*]|[^\\s()=!\\[][^\\s()]*)?\\s*");

    private FilterExpression() {
    }

    private static final Pattern ATTRIBUTE = Pattern.compile("attribute:([A-Za-z0-9_.\\-/]+)");

    /** The attribute names an expression uses. */
    public static List<String> attributes(String expr) {
        List<String> out = new ArrayList<>();
        Matcher m = ATTRIBUTE.matcher(expr == null ? "" : expr);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    public static Predicate<Map<String, String>> parse(String expr) {
        if (expr == null || expr.isBlank()) {
            return a -> true;
        }
        List<Predicate<Map<String, String>>> ors = new ArrayList<>();
        for (String orPart : expr.split("\\s+or\\s+|\\|\\|")) {
            Predicate<Map<String, String>> and = a -> true;
            for (String andPart : orPart.split("\\s+and\\s+|&&")) {
                and = and.and(term(andPart.replace("(", " ").replace(")", " ")));
            }
            ors.add(and);
        }
        return a -> ors.stream().anyMatch(p -> p.test(a));
    }

    private static Predicate<Map<String, String>> term(String s) {
        Matcher m = TERM.matcher(s);
        if (!m.matches()) {
            throw Errors.invalid("Invalid filter expression: '" + s.trim() + "'. Use for example"
                    + " attribute:ecs.instance-type == t4g.small or attribute:ecs.availability-zone in [us-east-1a].");
        }
        String name = m.group(1);
        String op = m.group(2);
        String raw = m.group(3);
        if (op.endsWith("exists")) {
            boolean want = "exists".equals(op);
            return a -> a.containsKey(name) == want;
        }
        if (raw == null) {
            throw Errors.invalid("Invalid filter expression: '" + s.trim() + "' needs a value.");
        }
        List<String> values = new ArrayList<>();
        if (raw.startsWith("[")) {
            for (String v : raw.substring(1, raw.length() - 1).split(",")) {
                values.add(v.trim());
            }
        } else {
            values.add(raw);
        }
        boolean negate = "!=".equals(op) || "not in".equals(op);
        return a -> {
            String v = a.get(name);
            boolean match = v != null && values.stream().anyMatch(x -> glob(x, v));
            return negate != match;
        };
    }

    private static boolean glob(String pattern, String value) {
        if (!pattern.contains("*")) {
            return pattern.equals(value);
        }
        return value.matches(Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
    }
}
