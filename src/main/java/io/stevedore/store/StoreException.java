package io.stevedore.store;

/** The store could not be read or written (connection lost, say); the outcome of a commit may be unknown. */
public final class StoreException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
