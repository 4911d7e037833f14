package io.stevedore.ecs;

import io.stevedore.wire.AwsException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Task-level {@code cpu} and {@code memory} are strings in the ECS model: {@code "1024"} or {@code "1 vCPU"},
 * {@code "2048"} or {@code "2 GB"}. ECS converts the unit forms to CPU units and MiB at registration.
 */
final class TaskSizes {
    private static final Pattern CPU = Pattern.compile("(\\d*\\.?\\d+)\\s*(vcpu)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern MEMORY = Pattern.compile("(\\d*\\.?\\d+)\\s*(gb|gib|mb|mib)?",
            Pattern.CASE_INSENSITIVE);

    private TaskSizes() {
    }

    /** CPU units, or null when {@code value} is null or blank. */
    static Integer cpuUnits(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        int plain = plainWhole(value);
        if (plain > 0) {
            return plain;
        }
        Matcher m = CPU.matcher(value.trim());
        if (!m.matches()) {
            throw AwsException.client("Invalid 'cpu' setting for task: '" + value
                    + "'. Specify CPU units (for example 1024) or vCPUs (for example 1 vCPU).");
        }
        BigDecimal n = new BigDecimal(m.group(1));
        BigDecimal units = m.group(2) != null ? n.multiply(BigDecimal.valueOf(1024)) : n;
        return whole(units, "cpu", value);
    }

    /** MiB, or null when {@code value} is null or blank. */
    static Integer memoryMiB(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        int plain = plainWhole(value);
        if (plain > 0) {
            return plain;
        }
        Matcher m = MEMORY.matcher(value.trim());
        if (!m.matches()) {
            throw AwsException.client("Invalid 'memory' setting for task: '" + value
                    + "'. Specify MiB (for example 2048) or GB (for example 2 GB).");
        }
        BigDecimal n = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "mib" : m.group(2).toLowerCase(Locale.ROOT);
        BigDecimal mib = unit.startsWith("g") ? n.multiply(BigDecimal.valueOf(1024)) : n;
        return whole(mib, "memory", value);
    }

    /**
     * The value when it is plain digits (the usual {@code "256"}) of a whole number in the accepted range, read
     * without a regex and a BigDecimal (a task's demand is read at every placement); 0 for anything else, which the
     * full parse handles.
     */
    private static int plainWhole(String value) {
        if (value.length() > 9) {
            return 0;
        }
        int n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            n = n * 10 + (c - '0');
        }
        return n <= 1 << 30 ? n : 0;
    }

    private static Integer whole(BigDecimal v, String field, String raw) {
        if (v.signum() <= 0 || v.stripTrailingZeros().scale() > 0 || v.compareTo(BigDecimal.valueOf(1 << 30)) > 0) {
            throw AwsException.client("Invalid '" + field + "' setting for task: '" + raw
                    + "' is not a positive whole number of " + (field.equals("cpu") ? "CPU units." : "MiB."));
        }
        return v.intValueExact();
    }
}
