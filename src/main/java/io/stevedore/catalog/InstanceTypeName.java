package io.stevedore.catalog;

import java.util.Objects;

/**
 * An instance type name split into family and size, for price look-ups that do not need the full
 * {@link InstanceType} facts (e.g. {@code c6g.large} → family {@code c6g}, category {@code c}).
 */
record InstanceTypeName(String name) {
    InstanceTypeName {
        Objects.requireNonNull(name, "name");
    }

    String family() {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /** The leading letters of the family: {@code c} for c6g, {@code im} for im4gn, {@code u} for u-6tb1. */
    String category() {
        String f = family();
        int i = 0;
        while (i < f.length() && Character.isLetter(f.charAt(i))) {
            i++;
        }
        return f.substring(0, i);
    }
}
