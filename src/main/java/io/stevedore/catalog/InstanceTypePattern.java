package io.stevedore.catalog;

import java.util.Objects;

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

    /**
     * Glob match where {@code *} (any run of characters, also empty) is the only special character: the classic
     * greedy two-pointer match with backtracking to the last star, linear in practice and free of regex compilation
     * (it runs for every catalog type × pattern).
     */
    static boolean glob(String glob, String text) {
        int g = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (g < glob.length() && glob.charAt(g) != '*' && glob.charAt(g) == text.charAt(t)) {
                g++;
                t++;
            } else if (g < glob.length() && glob.charAt(g) == '*') {
                star = g++;
                resume = t;
            } else if (star >= 0) {
                g = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }
}
