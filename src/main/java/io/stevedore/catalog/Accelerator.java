package io.stevedore.catalog;

import java.util.Objects;

/**
 * One kind of accelerator on an instance type.
 *
 * @param type         gpu, fpga or inference
 * @param count        number of devices of this kind
 * @param manufacturer wire value of {@code acceleratorManufacturers} (nvidia, amd, amazon-web-services, xilinx, habana, …)
 * @param name         wire value of {@code acceleratorNames} (t4, a10g, inferentia, vu9p, …)
 * @param memoryMiB    total memory across the {@code count} devices
 */
public record Accelerator(AcceleratorType type, int count, String manufacturer, String name, long memoryMiB) {
    public Accelerator {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(manufacturer, "manufacturer");
        Objects.requireNonNull(name, "name");
        if (count < 0 || memoryMiB < 0) {
            throw new IllegalArgumentException("negative accelerator count or memory");
        }
    }
}
