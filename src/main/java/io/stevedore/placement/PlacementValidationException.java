package io.stevedore.placement;

/**
 * A placement constraint, strategy or capacity provider strategy that ECS would refuse; the API layer answers
 * it as {@code InvalidParameterException} with this message.
 */
public final class PlacementValidationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public PlacementValidationException(String message) {
        super(message);
    }
}
