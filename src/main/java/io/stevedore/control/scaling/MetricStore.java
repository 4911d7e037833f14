package io.stevedore.control.scaling;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * CloudWatch's metric data, as far as Service Auto Scaling needs it: per metric (namespace, name, dimensions), one
 * aggregate per timestamp (sample count, sum, minimum, maximum; PutMetricData's timestamps to the second), kept
 * for a day divided by the server's speed (at least ten minutes). The AWS/ECS
 * service metrics are written by {@link ServiceAutoScaling}; custom metrics by PutMetricData. Held in memory,
 * PutMetricData's datapoints also stored (rebuilt at start; docs/decisions.md, "Service Auto Scaling"): each series
 * an ordered map, listings sorted, so that every reading
 * is deterministic.
 */
public final class MetricStore {
    public static final long MINUTE = 60_000L;
    private final long retentionMillis;

    /** {@code speed}: the server's speed (1 = real time); datapoints are kept for a day divided by it. */
    public MetricStore(double speed) {
        this.retentionMillis = Math.max(10 * MINUTE, (long) (24 * 3600_000L / Math.max(speed, 1e-9)));
    }

    /** How long datapoints are kept (ms of the plane's clock). */
    public long retentionMillis() {
        return retentionMillis;
    }

    /** A metric's identity; dimensions sorted by name. Equal, hashed and ordered by one text built once. */
    public static final class MetricKey implements Comparable<MetricKey> {
        private final String namespace;
        private final String name;
        private final SortedMap<String, String> dimensions;
        private final String id;

        public MetricKey(String namespace, String name, SortedMap<String, String> dimensions) {
            this.namespace = namespace;
            this.name = name;
            this.dimensions = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(dimensions));
            this.id = namespace + '\u0000' + name + '\u0000' + this.dimensions;
        }

        public String namespace() {
            return namespace;
        }

        public String name() {
            return name;
        }

        public SortedMap<String, String> dimensions() {
            return dimensions;
        }

        @Override
        public int compareTo(MetricKey o) {
            return id.compareTo(o.id);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MetricKey k && id.equals(k.id);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }

        @Override
        public String toString() {
            return id.replace('\u0000', ' ');
        }
    }

    /** One minute's aggregate. */
    public record Stat(double sampleCount, double sum, double minimum, double maximum) {
        Stat plus(Stat o) {
            return new Stat(sampleCount + o.sampleCount, sum + o.sum, Math.min(minimum, o.minimum),
                    Math.max(maximum, o.maximum));
        }

        public double average() {
            return sampleCount == 0 ? 0 : sum / sampleCount;
        }

        /** The named statistic (CloudWatch's Statistic enum names). */
        public double get(String statistic) {
            return switch (statistic) {
                case "SampleCount" -> sampleCount;
                case "Sum" -> sum;
                case "Minimum" -> minimum;
                case "Maximum" -> maximum;
                default -> average();
            };
        }
    }

    private final Map<MetricKey, TreeMap<Long, Stat>> data = new java.util.HashMap<>();
    private final Map<MetricKey, String> units = new java.util.HashMap<>();

    /** Adds an aggregate at a time (ms). */
    public synchronized void put(MetricKey key, long atMillis, Stat stat, String unit) {
        TreeMap<Long, Stat> series = data.computeIfAbsent(key, k -> new TreeMap<>());
        series.merge(atMillis, stat, Stat::plus);
        if (unit != null) {
            units.put(key, unit);
        }
        SortedMap<Long, Stat> old = series.headMap(series.lastKey() - retentionMillis);
        if (!old.isEmpty()) {
            old.clear();
        }
    }

    /** One value as a single sample. */
    public void put(MetricKey key, long atMillis, double value, String unit) {
        put(key, atMillis, new Stat(1, value, value, value), unit);
    }

    /** The aggregate of {@code [from, to)} (ms), or null without data. */
    public synchronized Stat aggregate(MetricKey key, long fromMillis, long toMillis) {
        TreeMap<Long, Stat> series = data.get(key);
        if (series == null) {
            return null;
        }
        Stat out = null;
        for (Stat s : series.subMap(fromMillis, true, toMillis, false).values()) {
            out = out == null ? s : out.plus(s);
        }
        return out;
    }

    /** Aggregates per period over {@code [from, to)}: period start → aggregate (periods without data absent). */
    public synchronized NavigableMap<Long, Stat> periods(MetricKey key, long fromMillis, long toMillis,
                                                         long periodMillis) {
        TreeMap<Long, Stat> out = new TreeMap<>();
        TreeMap<Long, Stat> series = data.get(key);
        if (series == null) {
            return out;
        }
        for (Map.Entry<Long, Stat> e : series.subMap(fromMillis, true, toMillis, false).entrySet()) {
            long p = fromMillis + Math.floorDiv(e.getKey() - fromMillis, periodMillis) * periodMillis;
            out.merge(p, e.getValue(), Stat::plus);
        }
        return out;
    }

    /**
     * The same aggregates as {@link #periods}, newest period first, as a list (an alarm's evaluation reads a few
     * periods every minute: no map to build). Entries of a period are added in time order, as there.
     */
    public synchronized List<Stat> periodsNewestFirst(MetricKey key, long fromMillis, long toMillis,
                                                      long periodMillis) {
        TreeMap<Long, Stat> series = data.get(key);
        if (series == null) {
            return List.of();
        }
        List<Stat> out = new ArrayList<>();
        long current = Long.MIN_VALUE;
        for (Map.Entry<Long, Stat> e : series.subMap(fromMillis, true, toMillis, false).entrySet()) {
            long p = fromMillis + Math.floorDiv(e.getKey() - fromMillis, periodMillis) * periodMillis;
            if (p == current) {
                out.set(out.size() - 1, out.get(out.size() - 1).plus(e.getValue()));
            } else {
                out.add(e.getValue());
                current = p;
            }
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /** The metrics that have data, in order. */
    public synchronized List<MetricKey> metrics() {
        List<MetricKey> out = new ArrayList<>(data.keySet());
        out.sort(null);
        return out;
    }

    public synchronized String unit(MetricKey key) {
        return units.get(key);
    }

    /** Forgets every datapoint (the admin reset). */
    public synchronized void clear() {
        data.clear();
        units.clear();
    }
}
