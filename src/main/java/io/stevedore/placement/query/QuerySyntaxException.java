package io.stevedore.placement.query;

/** A cluster query expression that does not parse; the message names the position and what was expected. */
public final class QuerySyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public QuerySyntaxException(String message) {
        super(message);
    }
}
