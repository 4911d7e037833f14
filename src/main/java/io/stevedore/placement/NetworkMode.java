package io.stevedore.placement;

/**
 * Task network modes Managed Instances supports (awsvpc and host only; bridge is refused):
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instance-networking.html
 */
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
