package io.stevedore.cloud;

/** A typed failure of the cloud provider. */
public final class CloudException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the call failed. */
    public enum Reason {
        /** None of the offered instance types could be launched in the subnet now; try other types or later. */
        INSUFFICIENT_CAPACITY,
        /** The instance, subnet or security group does not exist. */
        NOT_FOUND,
        /** The request itself is wrong (e.g. no instance types offered). */
        INVALID_REQUEST
    }

    private final Reason reason;

    public CloudException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
