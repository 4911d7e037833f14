package io.stevedore.store;

import java.util.Objects;

/**
 * Where a shared store lives: a {@code jdbc:postgresql://host:port/database} URL (it may carry {@code user} and
 * {@code password} parameters) plus an optional user and password given separately.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {
    public DatabaseUrl {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("a database URL starts with jdbc:postgresql:// (got "
                    + redact(jdbcUrl) + ")");
        }
    }

    /** The URL without a password parameter, for messages and logs. */
    public String redacted() {
        return redact(jdbcUrl);
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    @Override
    public String toString() {
        return redacted() + (user == null ? "" : " (user " + user + ")");
    }
}
