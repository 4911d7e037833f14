package io.stevedore.control.state;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One PutMetricData datapoint as acknowledged (table {@code cloudwatch.datapoint}): kept so that a restart rebuilds
 * the custom metrics that scaling alarms read. The AWS/ECS metrics are not stored: the control plane derives them
 * from its state every minute.
 *
 * @param id          unique row id
 * @param namespace   the metric's namespace
 * @param name        the metric's name
 * @param dimensions  its dimensions
 * @param atMillis    the datapoint's timestamp (epoch ms)
 * @param sampleCount statistic set: sample count
 * @param sum         sum
 * @param minimum     minimum
 * @param maximum     maximum
 * @param unit        the unit, or null
 */
public record CustomDatapoint(String id, String namespace, String name, Map<String, String> dimensions,
                              long atMillis, double sampleCount, double sum, double minimum, double maximum,
                              String unit) {
    public CustomDatapoint {
        Objects.requireNonNull(id, "id");
        dimensions = dimensions == null ? Map.of() : new TreeMap<>(dimensions);
    }
}
