package io.stevedore.wire;

/**
 * An error answered to the client in AWS JSON 1.1 form: {@code {"__type": errorType, "message": message}} with
 * an HTTP status (400 for client errors). The error types are those of the ECS model
 * ({@code ClientException}, {@code InvalidParameterException}, {@code ClusterNotFoundException}, …) plus the
 * protocol-level ones ({@code SerializationException}, {@code UnknownOperationException}).
 */
public class AwsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String errorType;
    private final int httpStatus;

    public AwsException(String errorType, int httpStatus, String message) {
        super(message);
        this.errorType = errorType;
        this.httpStatus = httpStatus;
    }

    public static AwsException invalidParameter(String message) {
        return new AwsException("InvalidParameterException", 400, message);
    }

    public static AwsException client(String message) {
        return new AwsException("ClientException", 400, message);
    }

    public static AwsException serialization(String message) {
        return new AwsException("SerializationException", 400, message);
    }

    public String errorType() {
        return errorType;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
