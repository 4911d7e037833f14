package io.stevedore.catalog;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An {@code allowedInstanceTypes} / {@code excludedInstanceTypes} entry: an instance type name where {@code *}
 * matches any run of characters ({@code m6i.xlarge}, {@code c6i.*}, {@code m6*.*}, {@code r*}). An entry without a
 * dot also matches a whole family ({@code g5} ≡ {@code g5.*}), as the ECS documentation describes families.
 */
public record InstanceTypePattern(String pattern) {
    public InstanceTypePattern {
        Objects.requireNonNull(pattern, "pattern");
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("empty instance type pattern");
        }
    }

    /** Whether {@code name} (e.g. {@code c6g.large}) matches this pattern. */
    public boolean matches(String name) {
        if (glob(pattern, name)) {
            return true;
        }
        int dot = name.indexOf('.');
        return pattern.indexOf('.') < 0 && dot > 0 && glob(pattern, name.substring(0, dot));
    }

    /** Glob match where {@code *} is the only special character. */
    static boolean glob(String glob, String text) {
        if (glob.indexOf('*') < 0) {
            return glob.equals(text);
        }
        StringBuilder re = new StringBuilder();
        String[] parts = glob.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                re.append(".*");
            }
            if (!parts[i].isEmpty()) {
                re.append(Pattern.quote(parts[i]));
            }
        }
        return Pattern.matches(re.toString(), text);
    }
}
