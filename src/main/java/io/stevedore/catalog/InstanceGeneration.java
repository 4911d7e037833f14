package io.stevedore.catalog;

import java.util.Locale;

/** {@code current} / {@code previous} generation (EC2's current-generation flag). */
public enum InstanceGeneration {
    CURRENT,
    PREVIOUS;

    public boolean matches(InstanceType type) {
        return type.currentGeneration() == (this == CURRENT);
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
