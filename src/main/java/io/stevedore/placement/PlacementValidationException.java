package io.stevedore.placement;

/**
 * Input ECS would refuse (a placement constraint or strategy, a capacity provider strategy, a Fargate task size).
 * The API layer answers it with {@link #errorType()} ({@code InvalidParameterException} unless stated, or
 * {@code ClientException} where ECS uses that) and this message.
 */
public final class PlacementValidationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String errorType;

    public PlacementValidationException(String message) {
        this("InvalidParameterException", message);
    }

    public PlacementValidationException(String errorType, String message) {
        super(message);
        this.errorType = errorType;
    }

    public static PlacementValidationException client(String message) {
        return new PlacementValidationException("ClientException", message);
    }

    public String errorType() {
        return errorType;
    }
}
