package io.stevedore.control.scaling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A store whose feeder leaves its unchanged datapoints to standing feeds ({@link MetricStore#publish}) answers every
 * reading as a store that got each of them appended when it was published: a random run of feeders (values that
 * stay for minutes or for longer than the retention, feeders that stop and start again, skipped periods), PutMetricData
 * beside them and clears, comparing {@link MetricStore#changes()} after every period (without reading a series
 * first) and every kind of reading in between, then each series in full.
 */
class MetricStoreFeedTest {
    private static final long M = MetricStore.MINUTE;

    /** A feeder of one series as ServiceAutoScaling publishes: the standing feed while its datapoint stays. */
    private static final class Feeder {
        final MetricStore.MetricKey key;
        MetricStore.Stat stat;
        boolean on = true;
        final MetricStore.Feeder lazyFeeder = new MetricStore.Feeder();
        MetricStore.Points eagerSeries;

        Feeder(MetricStore.MetricKey key, MetricStore.Stat stat) {
            this.key = key;
            this.stat = stat;
        }
    }

    @Test
    void standingFeeds_answerAsAppendsEachPeriod() {
        SplittableRandom r = new SplittableRandom(41);
        long left = 0;
        long fedAppends = 0;
        long readings = 0;
        for (int trial = 0; trial < 40; trial++) {
            // a retention of 10 minutes (a fast server) or a day: runs longer than it change their series each period
            double speed = trial % 2 == 0 ? 1_000 : 1;
            MetricStore lazy = new MetricStore(speed);
            MetricStore eager = new MetricStore(speed);
            List<Feeder> feeders = new ArrayList<>();
            for (int i = 0; i < 1 + r.nextInt(6); i++) {
                TreeMap<String, String> dims = new TreeMap<>();
                dims.put("ServiceName", "s" + i);
                feeders.add(new Feeder(new MetricStore.MetricKey("AWS/ECS", "CPUUtilization", dims), stat(r)));
            }
            long fedThrough = Long.MIN_VALUE;
            long feedsSeen = lazy.feedsEnded();
            long period = 100 * M;
            int periods = 200 + r.nextInt(1_500);
            for (int k = 0; k < periods; k++) {
                period += r.nextInt(40) == 0 ? (2 + r.nextInt(5)) * M : M; // now and then periods skipped
                if (period != fedThrough + M || lazy.feedsEnded() != feedsSeen) {
                    for (Feeder f : feeders) {
                        lazy.end(f.lazyFeeder);
                    }
                    feedsSeen = lazy.feedsEnded();
                }
                for (Feeder f : feeders) {
                    int change = r.nextInt(feeders.size() > 3 ? 30 : 200);
                    if (change == 0) {
                        lazy.end(f.lazyFeeder);
                        f.on = !f.on;
                    } else if (change == 1) {
                        lazy.end(f.lazyFeeder);
                        f.stat = r.nextBoolean() ? stat(r) : new MetricStore.Stat(f.stat.sampleCount(), f.stat.sum(),
                                f.stat.minimum(), f.stat.maximum()); // an equal datapoint, another object
                    }
                    if (!f.on) {
                        continue;
                    }
                    if (!eager.append(f.eagerSeries, period, f.stat)) {
                        eager.put(f.key, period, f.stat, "Percent");
                        f.eagerSeries = eager.series(f.key);
                    }
                    if (period <= f.lazyFeeder.fed) {
                        left++;
                    }
                    lazy.publish(f.lazyFeeder, f.key, period, f.stat, M, "Percent");
                }
                lazy.feedThrough(period);
                fedThrough = period;
                assertEquals(eager.changes(), lazy.changes(), "changes at period " + k + " of trial " + trial);
                int event = r.nextInt(100);
                Feeder f = feeders.get(r.nextInt(feeders.size()));
                if (event < 3) { // PutMetricData beside the feeder, at a time around now
                    long at = period + (r.nextInt(5) - 3) * M + r.nextInt(2) * 1000;
                    MetricStore.Stat s = stat(r);
                    lazy.put(f.key, at, s, "Percent");
                    eager.put(f.key, at, s, "Percent");
                } else if (event == 3 && r.nextInt(10) == 0) {
                    lazy.clear();
                    eager.clear();
                } else if (event < 40) {
                    read(r, lazy, eager, f, period + M);
                    readings++;
                }
                assertEquals(eager.changes(), lazy.changes(), "changes after period " + k + " of trial " + trial);
            }
            for (Feeder f : feeders) {
                same(lazy, eager, f.key, period + M);
                fedAppends += f.lazyFeeder.fed != Long.MIN_VALUE ? 1 : 0;
            }
        }
        assertTrue(left > 20_000, "appends left to standing feeds: " + left);
        assertTrue(readings > 5_000, "readings compared: " + readings);
        assertTrue(fedAppends > 10, "feeds standing at the end: " + fedAppends);
    }

    private static MetricStore.Stat stat(SplittableRandom r) {
        double v = r.nextInt(4) * 25.0;
        return new MetricStore.Stat(1 + r.nextInt(2), v, v, v);
    }

    /** One reading of either kind an alarm or the CloudWatch API makes, the same on both stores. */
    private static void read(SplittableRandom r, MetricStore lazy, MetricStore eager, Feeder f, long to) {
        MetricStore.MetricKey key = f.key;
        // the handles the feeders hold (as the alarms do): a reading by handle catches the series up itself
        MetricStore.Points a = f.lazyFeeder.series;
        MetricStore.Points b = f.eagerSeries;
        assertEquals(b == null, a == null);
        if (a == null || a.dropped) {
            return;
        }
        int n = 1 + r.nextInt(15);
        long period = r.nextInt(4) == 0 ? 5 * M : M;
        switch (r.nextInt(6)) {
            case 0 -> assertEquals(eager.uniform(b, to, period, n), lazy.uniform(a, to, period, n));
            case 1 -> {
                MetricStore.Stat[] x = new MetricStore.Stat[n];
                MetricStore.Stat[] y = new MetricStore.Stat[n];
                assertEquals(eager.lastPeriods(b, to, period, n, y), lazy.lastPeriods(a, to, period, n, x));
                assertArrayEquals(y, x);
            }
            case 2 -> {
                long version = eager.version(b); // the same on both stores (checked last)
                if (r.nextBoolean()) {
                    assertEquals(eager.continued(b, version, to - M), lazy.continued(a, version, to - M));
                } else {
                    long from = to - r.nextInt(20) * M;
                    assertEquals(eager.movedOn(b, version, from, to, period, n),
                            lazy.movedOn(a, version, from, to, period, n));
                }
                assertEquals(version, lazy.version(a));
            }
            case 3 -> assertEquals(eager.periodsNewestFirst(key, to - n * period, to, period),
                    lazy.periodsNewestFirst(key, to - n * period, to, period));
            case 4 -> assertEquals(eager.periods(key, to - n * period, to, period),
                    lazy.periods(key, to - n * period, to, period));
            default -> assertEquals(eager.aggregate(key, to - n * period, to), lazy.aggregate(key, to - n * period,
                    to));
        }
    }

    /** A series in full: every datapoint kept and what its runs say. */
    private static void same(MetricStore lazy, MetricStore eager, MetricStore.MetricKey key, long to) {
        MetricStore.Points a = lazy.series(key);
        MetricStore.Points b = eager.series(key);
        assertEquals(b == null, a == null);
        if (a == null) {
            return;
        }
        assertEquals(eager.periods(key, 0, to, 1000), lazy.periods(key, 0, to, 1000));
        assertEquals(b.version, a.version);
        assertEquals(b.runLength, a.runLength);
        assertEquals(b.spacedLength, a.spacedLength);
        assertEquals(b.hi - b.lo, a.hi - a.lo);
    }
}
