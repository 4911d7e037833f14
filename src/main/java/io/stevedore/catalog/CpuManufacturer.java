package io.stevedore.catalog;

import java.util.Optional;

/** CPU manufacturer with the wire values of EC2/ECS {@code cpuManufacturers}. */
public enum CpuManufacturer {
    INTEL("intel"),
    AMD("amd"),
    AMAZON_WEB_SERVICES("amazon-web-services"),
    /** Mac instances; never selectable by ECS. */
    APPLE("apple"),
    UNKNOWN("unknown");

    private final String wireName;

    CpuManufacturer(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<CpuManufacturer> fromWire(String value) {
        for (CpuManufacturer m : values()) {
            if (m.wireName.equals(value)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
