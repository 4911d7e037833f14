package io.stevedore.bench.fuzz;

/**
 * One generated request: the operation, what kind of invalid input it carries, a description naming the member and
 * the value, and the exact body bytes.
 */
public record FuzzCase(String operation, Kind kind, String description, byte[] body) {
    /** Kinds of invalid input; {@link #mustReject} kinds must be answered 4xx, the others 2xx or 4xx. */
    public enum Kind {
        WRONG_TYPE(true), MISSING_REQUIRED(true), OUT_OF_RANGE(false), ODD_STRING(false), DEEP_NESTING(true),
        HUGE_BODY(true), GARBAGE(true),
        /** A generated case with random bytes changed (the open-ended phase of {@code bench/fuzz}). */
        BYTE_FLIPS(false);

        private final boolean mustReject;

        Kind(boolean mustReject) {
            this.mustReject = mustReject;
        }

        public boolean mustReject() {
            return mustReject;
        }
    }

    @Override
    public String toString() {
        return operation + " " + kind + " " + description;
    }
}
