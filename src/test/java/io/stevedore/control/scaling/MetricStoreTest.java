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

    /**
     * Per-minute datapoints of {@link #KEY} as the AWS/ECS metrics arrive: mostly a minute after the latest, some late,
     * some at the latest's time (merged), some after a gap; each one of three aggregates that changes now and then,
     * and equal aggregates are not always the same object.
     */
    private static final class Feed {
        static final long MINUTE = 60_000;
        final SplittableRandom r;
        final MetricStore.Stat[] values = {new MetricStore.Stat(2, 100, 50, 50), new MetricStore.Stat(3, 90, 30, 30),
                new MetricStore.Stat(1, 70, 70, 70)};
        MetricStore.Stat current = values[0];
        /** The latest datapoint's time. */
        long t;

        Feed(long seed) {
            r = new SplittableRandom(seed);
        }

        /**
         * Puts the next datapoint: of {@code outOf} draws, those below {@code late} are late, below {@code merged}
         * merged into the latest, below {@code gap} after a gap; the aggregate changes one time in {@code changeOneIn}.
         */
        void put(MetricStore store, int outOf, int late, int merged, int gap, int changeOneIn) {
            int kind = r.nextInt(outOf);
            long at;
            if (kind < late) {
                at = t - r.nextLong(1, 20) * MINUTE;
            } else if (kind < merged) {
                at = t;
            } else if (kind < gap) {
                at = t + r.nextLong(2, 4) * MINUTE;
            } else {
                at = t + MINUTE;
            }
            if (r.nextInt(changeOneIn) == 0) {
                current = values[r.nextInt(values.length)];
            }
            MetricStore.Stat s = r.nextBoolean() ? current : new MetricStore.Stat(current.sampleCount(),
                    current.sum(), current.minimum(), current.maximum());
            store.put(KEY, at, s, "Percent");
            t = Math.max(t, at);
        }
    }

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

    /**
     * The shortcuts an alarm takes answer as its periods do: {@link MetricStore#uniform} (the n periods hold one
     * equal datapoint each), {@link MetricStore#lastPeriods} (one datapoint each, read in place) and
     * {@link MetricStore#continued} (a series that only continued its run of equal datapoints since an answer still
     * gives it), on a series of per-minute datapoints that repeat for a while, with gaps, late and merged ones.
     */
    @Test
    void alarmShortcutsAnswerAsThePeriodsDo() {
        MetricStore store = new MetricStore(1);
        Feed feed = new Feed(11);
        SplittableRandom r = feed.r;
        long minute = Feed.MINUTE;
        int uniform = 0;
        int spaced = 0;
        int continued = 0;
        long[] memoVersion = new long[3];
        long[] memoLast = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
        MetricStore.Stat[] memo = new MetricStore.Stat[3];
        int[] ns = {1, 3, 15};
        for (int i = 0; i < 6_000; i++) {
            feed.put(store, 100, 3, 5, 7, 20);
            long to = feed.t + minute;
            MetricStore.Points series = store.series(KEY);
            for (int k = 0; k < ns.length; k++) {
                int n = ns[k];
                long period = k == 2 && r.nextInt(4) == 0 ? 2 * minute : minute;
                List<MetricStore.Stat> periods = store.periodsNewestFirst(KEY, to - n * period, to, period);
                MetricStore.Stat same = store.uniform(KEY, to, period, n);
                if (same != null) {
                    uniform++;
                    assertThat(periods).hasSize(n).containsOnly(same);
                }
                MetricStore.Stat[] out = new MetricStore.Stat[n];
                if (store.lastPeriods(series, to, period, n, out)) {
                    spaced++;
                    assertThat(List.of(out)).isEqualTo(periods);
                }
                if (period == minute && memo[k] != null && store.continued(series, memoVersion[k], to - minute)) {
                    continued++;
                    assertThat(periods).hasSize(n).containsOnly(memo[k]);
                    assertThat(to - minute).isGreaterThan(memoLast[k]);
                } else if (period == minute && same != null) {
                    memo[k] = same;
                    memoVersion[k] = store.version(series);
                    memoLast[k] = to - minute;
                } else if (period == minute) {
                    memo[k] = null;
                }
            }
        }
        assertThat(uniform).as("windows of one repeated datapoint").isGreaterThan(1_000);
        assertThat(spaced).as("windows of one datapoint per period").isGreaterThan(uniform);
        assertThat(continued).as("answers reused").isGreaterThan(1_000);
    }

    /**
     * {@link MetricStore#movedOn}: when it says a window of n periods read by {@link MetricStore#lastPeriods} moved on
     * by k periods, the periods then are k repeats of that window's latest datapoint followed by its n - k newest
     * (n repeats when k is n), on a series of per-minute datapoints that change often, with gaps, late and merged
     * ones, and read at boundaries that skip some minutes.
     */
    @Test
    void aWindowThatMovedOnHoldsRepeatsOfItsLatestThenItsNewest() {
        MetricStore store = new MetricStore(1);
        Feed feed = new Feed(13);
        long minute = Feed.MINUTE;
        int[] ns = {1, 3, 15};
        long[] memoVersion = new long[ns.length];
        long[] memoAt = new long[ns.length];
        List<List<MetricStore.Stat>> memo = new ArrayList<>(List.of(List.of(), List.of(), List.of()));
        int moved = 0;
        int partly = 0;
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            feed.put(store, 200, 2, 4, 6, 8);
            if (feed.r.nextInt(5) == 0) {
                continue; // no reading at this boundary
            }
            long to = feed.t + minute;
            MetricStore.Points series = store.series(KEY);
            for (int j = 0; j < ns.length; j++) {
                int n = ns[j];
                List<MetricStore.Stat> periods = store.periodsNewestFirst(KEY, to - n * minute, to, minute);
                int k = memo.get(j).isEmpty() ? -1 : store.movedOn(series, memoVersion[j], memoAt[j], to, minute, n);
                if (k >= 1) {
                    moved++;
                    partly += k < n ? 1 : 0;
                    List<MetricStore.Stat> expected = new ArrayList<>();
                    for (int m = 0; m < Math.min(k, n); m++) {
                        expected.add(memo.get(j).get(0));
                    }
                    expected.addAll(memo.get(j).subList(0, n - Math.min(k, n)));
                    assertThat(periods).as("window of %d moved on by %d", n, k).isEqualTo(expected);
                    continue;
                }
                refused += memo.get(j).isEmpty() ? 0 : 1;
                MetricStore.Stat[] out = new MetricStore.Stat[n];
                if (store.lastPeriods(series, to, minute, n, out)) {
                    memo.set(j, List.of(out));
                    memoVersion[j] = store.version(series);
                    memoAt[j] = to;
                } else {
                    memo.set(j, List.of());
                }
            }
        }
        assertThat(moved).as("windows that moved on").isGreaterThan(5_000);
        assertThat(partly).as("windows that moved on by fewer than n periods").isGreaterThan(2_000);
        assertThat(refused).as("windows whose series changed otherwise").isGreaterThan(1_000);
    }

    /**
     * {@link MetricStore#changes}: a write that leaves it unchanged appended, after the series' last datapoint, an
     * aggregate equal to it (the series' run continued), on writes to two series that are often such appends, with
     * new values, gaps, late and merged datapoints, a new series and a reset.
     */
    @Test
    void changesStayTheSameOnlyForAppendsThatContinueTheRun() {
        MetricStore store = new MetricStore(1);
        MetricStore.MetricKey other = new MetricStore.MetricKey("Custom", "Other", new TreeMap<>());
        SplittableRandom r = new SplittableRandom(17);
        MetricStore.Stat[] values = {new MetricStore.Stat(1, 10, 10, 10), new MetricStore.Stat(2, 50, 20, 30)};
        Map<MetricStore.MetricKey, TreeMap<Long, MetricStore.Stat>> model = new java.util.HashMap<>();
        int same = 0;
        int changed = 0;
        for (int i = 0; i < 20_000; i++) {
            if (i == 10_000) {
                long before = store.changes();
                store.clear();
                model.clear();
                assertThat(store.changes()).as("a reset").isNotEqualTo(before);
            }
            MetricStore.MetricKey key = r.nextInt(3) == 0 ? other : KEY;
            TreeMap<Long, MetricStore.Stat> m = model.computeIfAbsent(key, k -> new TreeMap<>());
            long last = m.isEmpty() ? 0 : m.lastKey();
            int kind = r.nextInt(40);
            long at = kind == 0 ? last - r.nextLong(1, 5) * 60_000 : kind == 1 ? last : kind == 2
                    ? last + r.nextLong(2, 4) * 60_000 : last + 60_000;
            MetricStore.Stat s = r.nextInt(30) == 0 ? values[r.nextInt(2)] : m.isEmpty() ? values[0]
                    : new MetricStore.Stat(m.lastEntry().getValue().sampleCount(), m.lastEntry().getValue().sum(),
                    m.lastEntry().getValue().minimum(), m.lastEntry().getValue().maximum());
            long before = store.changes();
            MetricStore.Stat previous = m.isEmpty() ? null : m.lastEntry().getValue();
            boolean fresh = m.isEmpty();
            store.put(key, at, s, "Count");
            m.merge(at, s, MetricStore.Stat::plus);
            m.headMap(m.lastKey() - store.retentionMillis()).clear();
            if (store.changes() == before) {
                same++;
                assertThat(fresh).as("a new series counts").isFalse();
                assertThat(at).as("after the last datapoint").isGreaterThan(last);
                assertThat(s).as("equal to the last datapoint").isEqualTo(previous);
            } else {
                changed++;
            }
        }
        assertThat(same).as("appends that continued a run").isGreaterThan(5_000);
        assertThat(changed).as("other writes").isGreaterThan(1_000);
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
