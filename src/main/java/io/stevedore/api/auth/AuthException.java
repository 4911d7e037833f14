package io.stevedore.api.auth;

/**
 * A request that failed authentication. The {@link Kind} says how; the edge turns it into the error the
 * protocol answers with (ECS JSON or EC2 XML), the message is AWS's wording for the case.
 */
public final class AuthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The ways a request fails authentication. */
    public enum Kind {
        /** No Authorization header (and no query-string signature) at all. */
        MISSING,
        /** An Authorization header that lacks a part, or a request without a date. */
        INCOMPLETE,
        /** An access key that is not configured. */
        UNKNOWN_KEY,
        /** A signature that does not match, or a credential scope for another region or service. */
        BAD_SIGNATURE,
        /** A request date more than 15 minutes from the server's clock. */
        EXPIRED
    }

    private final Kind kind;

    public AuthException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
