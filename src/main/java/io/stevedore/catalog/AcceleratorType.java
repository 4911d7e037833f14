package io.stevedore.catalog;

import java.util.Optional;

/** Accelerator kinds of EC2 attribute-based selection ({@code acceleratorTypes}). */
public enum AcceleratorType {
    GPU("gpu"),
    FPGA("fpga"),
    INFERENCE("inference");

    private final String wireName;

    AcceleratorType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<AcceleratorType> fromWire(String value) {
        for (AcceleratorType t : values()) {
            if (t.wireName.equals(value)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
