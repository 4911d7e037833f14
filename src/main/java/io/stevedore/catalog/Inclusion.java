package io.stevedore.catalog;

import java.util.Locale;

/** {@code included} / {@code required} / {@code excluded}: bareMetal, burstablePerformance, localStorage. */
public enum Inclusion {
    INCLUDED,
    REQUIRED,
    EXCLUDED;

    /** Whether a type that has ({@code has}) or lacks the feature passes. */
    public boolean accepts(boolean has) {
        return switch (this) {
            case INCLUDED -> true;
            case REQUIRED -> has;
            case EXCLUDED -> !has;
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
