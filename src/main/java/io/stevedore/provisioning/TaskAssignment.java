package io.stevedore.provisioning;

import java.util.Objects;

/** {@code count} tasks of pending group {@code groupKey} go to one planned instance. */
public record TaskAssignment(String groupKey, int count) {
    public TaskAssignment {
        Objects.requireNonNull(groupKey, "groupKey");
        if (count <= 0) {
            throw new IllegalArgumentException("an assignment needs count > 0");
        }
    }
}
