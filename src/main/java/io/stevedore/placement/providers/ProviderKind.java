package io.stevedore.placement.providers;

/** The kinds of capacity provider; one strategy may mix providers of one kind only. */
public enum ProviderKind {
    MANAGED_INSTANCES,
    AUTO_SCALING_GROUP,
    /** {@code FARGATE} and {@code FARGATE_SPOT}. */
    FARGATE;

    /** The kind of the reserved Fargate names, else null. */
    public static ProviderKind ofReservedName(String provider) {
        return "FARGATE".equals(provider) || "FARGATE_SPOT".equals(provider) ? FARGATE : null;
    }
}
