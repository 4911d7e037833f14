package io.stevedore.ecs;

import io.stevedore.wire.AwsException;

/** The ECS error types and the messages ECS uses for them. */
public final class Errors {
    private Errors() {
    }

    public static AwsException invalid(String message) {
        return AwsException.invalidParameter(message);
    }

    public static AwsException client(String message) {
        return AwsException.client(message);
    }

    public static AwsException clusterNotFound() {
        return new AwsException("ClusterNotFoundException", 400, "Cluster not found.");
    }

    public static AwsException serviceNotFound() {
        return new AwsException("ServiceNotFoundException", 400, "Service not found.");
    }

    public static AwsException serviceNotActive() {
        return new AwsException("ServiceNotActiveException", 400, "Service was not ACTIVE.");
    }

    public static AwsException notFound(String message) {
        return new AwsException("ResourceNotFoundException", 400, message);
    }

    public static AwsException inUse(String message) {
        return new AwsException("ResourceInUseException", 400, message);
    }

    public static AwsException unsupported(String message) {
        return new AwsException("UnsupportedFeatureException", 400, message);
    }

    public static AwsException of(String type, String message) {
        return new AwsException(type, 400, message);
    }

    /** Fails with InvalidParameterException when {@code condition} is false. */
    public static void require(boolean condition, String message) {
        if (!condition) {
            throw invalid(message);
        }
    }
}
