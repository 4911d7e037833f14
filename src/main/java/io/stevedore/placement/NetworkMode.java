package io.stevedore.placement;

/** Task network modes Managed Instances supports (fact sheet §2: awsvpc and host only; bridge is refused). */
public enum NetworkMode {
    AWSVPC("awsvpc"),
    HOST("host");

    private final String wireName;

    NetworkMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
