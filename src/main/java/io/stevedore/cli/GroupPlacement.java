package io.stevedore.cli;

import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.Offering;
import io.stevedore.provisioning.Zone;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.model.PlacementConstraint;
import software.amazon.awssdk.services.ecs.model.PlacementConstraintType;

/**
 * What a task group's {@code memberOf} constraints allow for new capacity. Managed Instances accepts constraints on
 * four attributes only (fact sheet §2): {@code ecs.subnet-id}, {@code ecs.availability-zone} narrow the zones,
 * {@code ecs.instance-type} (wildcards allowed) and {@code ecs.cpu-architecture} narrow the offerings. Expressions
 * are single comparisons: {@code attribute:NAME == v}, {@code != v}, {@code in [a, b]}, {@code not in [a, b]}.
 */
record GroupPlacement(List<Zone> zones, Predicate<Offering> offerings, String key) {
    private static final Pattern EXPR = Pattern.compile(
            "\\s*attribute:(ecs\\.[a-z-]+)\\s*(==|!=|not\\s+in|in)\\s*(\\[([^\\]]*)\\]|\\S+)\\s*");

    static GroupPlacement of(List<PlacementConstraint> constraints, List<Zone> zones) {
        List<Zone> allowed = new ArrayList<>(zones);
        Predicate<Offering> filter = o -> true;
        StringBuilder key = new StringBuilder();
        for (PlacementConstraint c : constraints) {
            if (c.type() == PlacementConstraintType.DISTINCT_INSTANCE) {
                throw new IllegalArgumentException("distinctInstance is not applied to new capacity by plan yet; "
                        + "remove it or plan without it");
            }
            if (c.type() != PlacementConstraintType.MEMBER_OF || c.expression() == null) {
                throw new IllegalArgumentException("a memberOf constraint needs an expression");
            }
            Matcher m = EXPR.matcher(c.expression());
            if (!m.matches()) {
                throw new IllegalArgumentException("unsupported expression '" + c.expression() + "': Managed Instances"
                        + " accepts attribute:ecs.subnet-id, ecs.availability-zone, ecs.instance-type and"
                        + " ecs.cpu-architecture compared with ==, !=, in [..] or not in [..]");
            }
            String attr = m.group(1);
            boolean negate = m.group(2).startsWith("!") || m.group(2).startsWith("not");
            List<String> values = new ArrayList<>();
            for (String v : (m.group(4) != null ? m.group(4) : m.group(3)).split(",")) {
                if (!v.isBlank()) {
                    values.add(v.trim());
                }
            }
            key.append(attr).append(m.group(2)).append(values);
            switch (attr) {
                case "ecs.availability-zone" -> allowed.removeIf(z -> values.contains(z.availabilityZone()) == negate);
                case "ecs.subnet-id" -> allowed.removeIf(z -> values.contains(z.subnetId()) == negate);
                case "ecs.instance-type" -> filter = filter.and(o -> anyGlob(values, o.type().name()) != negate);
                case "ecs.cpu-architecture" -> filter = filter.and(o -> archIn(values, o) != negate);
                default -> throw new IllegalArgumentException("attribute " + attr + " is not supported in Managed"
                        + " Instances placement constraints (only ecs.subnet-id, ecs.availability-zone,"
                        + " ecs.instance-type, ecs.cpu-architecture)");
            }
        }
        if (allowed.isEmpty()) {
            throw new IllegalArgumentException("the placement constraints exclude every subnet of the capacity"
                    + " provider");
        }
        return new GroupPlacement(List.copyOf(allowed), filter, key.toString());
    }

    private static boolean anyGlob(List<String> patterns, String name) {
        for (String p : patterns) {
            if (name.matches(Pattern.quote(p).replace("*", "\\E.*\\Q"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean archIn(List<String> values, Offering o) {
        for (String v : values) {
            Architecture a = Architecture.parse(v.toLowerCase(Locale.ROOT)).orElse(null);
            if (a != null && o.type().supports(a)) {
                return true;
            }
        }
        return false;
    }
}
