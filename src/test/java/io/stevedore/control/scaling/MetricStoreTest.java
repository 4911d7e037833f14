package io.stevedore.control.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The metric store's time-ordered arrays answer as a sorted map of the same datapoints would: aggregates, periods
 * (oldest first and newest first) and the retention, with datapoints mostly in time order (the AWS/ECS metrics each
 * minute), some late, some at a time already held (merged), and a series long enough to grow and move its start.
 */
class MetricStoreTest {
    private static final MetricStore.MetricKey KEY = new MetricStore.MetricKey("Custom", "Depth",
            new TreeMap<>(Map.of("Queue", "q")));

    @Test
    void seriesMatchesASortedMapOfTheSameDatapoints() {
        MetricStore store = new MetricStore(1);
        long retention = store.retentionMillis();
        TreeMap<Long, MetricStore.Stat> expected = new TreeMap<>();
        SplittableRandom r = new SplittableRandom(7);
        long t = 0;
        for (int i = 0; i < 12_000; i++) {
            int kind = r.nextInt(10);
            long at = kind == 0 ? t - r.nextLong(1, 20) * 60_000 : kind == 1 ? t : t + 60_000;
            t = Math.max(t, at);
            MetricStore.Stat s = new MetricStore.Stat(1, r.nextInt(100), 0, 100);
            store.put(KEY, at, s, "Count");
            expected.merge(at, s, MetricStore.Stat::plus);
            expected.headMap(expected.lastKey() - retention).clear();
            if (i % 97 == 0) {
                long to = t + 1;
                long from = to - r.nextLong(1, 30) * 60_000;
                long period = r.nextLong(1, 6) * 60_000;
                assertThat(store.periods(KEY, from, to, period)).isEqualTo(periods(expected, from, to, period));
                List<MetricStore.Stat> newest = new ArrayList<>(periods(expected, from, to, period).descendingMap()
                        .values());
                assertThat(store.periodsNewestFirst(KEY, from, to, period)).isEqualTo(newest);
                assertThat(store.aggregate(KEY, from, to)).isEqualTo(aggregate(expected, from, to));
            }
        }
        assertThat(t).as("the series outlived its retention many times").isGreaterThan(3 * retention);
        assertThat(store.periods(KEY, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4, 60_000)).hasSize(expected.size())
                .isEqualTo(periods(expected, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4, 60_000));
        assertThat(store.metrics()).containsExactly(KEY);
        assertThat(store.unit(KEY)).isEqualTo("Count");
    }

    private static TreeMap<Long, MetricStore.Stat> periods(TreeMap<Long, MetricStore.Stat> series, long from, long to,
                                                           long period) {
        TreeMap<Long, MetricStore.Stat> out = new TreeMap<>();
        for (Map.Entry<Long, MetricStore.Stat> e : series.subMap(from, true, to, false).entrySet()) {
            out.merge(from + Math.floorDiv(e.getKey() - from, period) * period, e.getValue(),
                    MetricStore.Stat::plus);
        }
        return out;
    }

    private static MetricStore.Stat aggregate(TreeMap<Long, MetricStore.Stat> series, long from, long to) {
        MetricStore.Stat out = null;
        for (MetricStore.Stat s : series.subMap(from, true, to, false).values()) {
            out = out == null ? s : out.plus(s);
        }
        return out;
    }
}
