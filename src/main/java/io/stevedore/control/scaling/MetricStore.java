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
 * in time order, listings sorted, so that every reading
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

    /**
     * One metric's aggregates in time order: parallel arrays of timestamps and aggregates in {@code [lo, hi)}. The
     * AWS/ECS metrics arrive every minute in time order, so a put is an append and the retention a moving start;
     * a datapoint with an earlier time is merged or inserted in place. Range reads are two binary searches.
     */
    static final class Points {
        long[] times = new long[16];
        Stat[] stats = new Stat[16];
        int lo;
        int hi;
        /**
         * How many of the last aggregates are equal to the last one and {@link #runStep} apart (1 when only the last
         * is known to be; 0 when empty): a series that stays the same answers an alarm without reading its periods.
         */
        int runLength;
        long runStep;
        /**
         * Changes with every write except an append that continues the run of equal aggregates (so an alarm that
         * read a run knows it still holds); {@link #dropped} when the store forgot the series.
         */
        long version;
        boolean dropped;
        /** How many of the last aggregates are {@link #spacedStep} apart (whatever their values). */
        int spacedLength;
        long spacedStep;
        /**
         * A standing feed ({@link #feed}): {@code feedStat} is appended at {@code feedNext} and every
         * {@code feedStep} after it, up to the store's {@link #fedThrough}, when the series is next read or written
         * (null: none).
         */
        Stat feedStat;
        long feedNext;
        long feedStep;

        /** The first index in {@code [lo, hi)} whose time is at least {@code t} ({@code hi} when none). */
        int from(long t) {
            int a = lo;
            int b = hi;
            while (a < b) {
                int m = (a + b) >>> 1;
                if (times[m] < t) {
                    a = m + 1;
                } else {
                    b = m;
                }
            }
            return a;
        }

        /**
         * Makes room for {@code k} more aggregates after the last: when the arrays end too soon, they are copied to
         * the start of arrays at least twice as long as what they hold. Answers how far the aggregates moved down
         * (the old {@code lo}; 0 when they stayed).
         */
        private int makeRoom(int k) {
            if (hi + k <= times.length) {
                return 0;
            }
            int size = hi - lo;
            int capacity = times.length;
            while (capacity < size + k || size * 2 > capacity) {
                capacity *= 2;
            }
            long[] nt = new long[capacity];
            Stat[] ns = new Stat[capacity];
            System.arraycopy(times, lo, nt, 0, size);
            System.arraycopy(stats, lo, ns, 0, size);
            times = nt;
            stats = ns;
            int moved = lo;
            lo = 0;
            hi = size;
            return moved;
        }

        /** Adds {@code stat} at {@code t} (merged into an aggregate at the same time, after it). */
        void merge(long t, Stat stat) {
            int i = hi > lo && t > times[hi - 1] ? hi : from(t); // the usual case, an append, without a search
            if (i < hi && times[i] == t) {
                stats[i] = stats[i].plus(stat);
                runLength = 1;
                version++;
                return;
            }
            boolean append = i == hi;
            i -= makeRoom(1);
            System.arraycopy(times, i, times, i + 1, hi - i);
            System.arraycopy(stats, i, stats, i + 1, hi - i);
            times[i] = t;
            stats[i] = stat;
            hi++;
            if (!append || hi - lo == 1) {
                spacedLength = 1;
            } else if (spacedLength >= 2 && t - times[hi - 2] == spacedStep) {
                spacedLength++;
            } else {
                spacedStep = t - times[hi - 2];
                spacedLength = 2;
            }
            if (!append || hi - lo == 1 || (stat != stats[hi - 2] && !stat.equals(stats[hi - 2]))) {
                runLength = 1;
                version++;
            } else if (runLength == 1) {
                runStep = t - times[hi - 2];
                runLength = 2;
            } else if (t - times[hi - 2] == runStep) {
                runLength++;
            } else {
                runLength = 1;
                version++;
            }
        }

        /**
         * {@code k} appends of {@code stat}, the last aggregate, at {@code t} and every {@code step} after it, one
         * period after the last: what {@link #merge} does for each of them when {@code t} is the last time plus
         * {@code step} and its run is one aggregate long or {@code step} apart (the appends continue it, leaving
         * its version), in one go. The retention's drops are the caller's (one {@link #dropBefore} after them drops
         * what one after each would have).
         */
        void continueRun(long t, long step, int k, Stat stat) {
            makeRoom(k);
            for (int i = 0; i < k; i++) {
                times[hi + i] = t + i * step;
            }
            java.util.Arrays.fill(stats, hi, hi + k, stat);
            hi += k;
            if (spacedLength >= 2 && spacedStep == step) {
                spacedLength += k;
            } else {
                spacedStep = step;
                spacedLength = 1 + k;
            }
            if (runLength == 1) {
                runStep = step;
            }
            runLength += k;
        }

        /** Drops the aggregates before {@code t}. */
        void dropBefore(long t) {
            if (hi == lo || times[lo] >= t) {
                return;
            }
            // a series at its retention drops one datapoint per append: no search over the whole day for that
            int end = lo + 1 < hi && times[lo + 1] >= t ? lo + 1 : from(t);
            java.util.Arrays.fill(stats, lo, end, null);
            lo = end;
            if (runLength > hi - lo) {
                runLength = hi - lo;
                version++;
            }
            spacedLength = Math.min(spacedLength, hi - lo);
        }

        long last() {
            return times[hi - 1];
        }
    }

    private final Map<MetricKey, Points> data = new java.util.HashMap<>();
    /** See {@link #changes()}. */
    private long changes;
    /** The period its feeder last published: standing feeds are appended up to it ({@link #feedThrough}). */
    private long fedThrough = Long.MIN_VALUE;
    /** Feeds ended otherwise than by their feeder ({@link #feedsEnded}). */
    private long feedsEnded;
    private final Map<MetricKey, String> units = new java.util.HashMap<>();

    /** Adds an aggregate at a time (ms). */
    public synchronized void put(MetricKey key, long atMillis, Stat stat, String unit) {
        Points series = data.get(key);
        if (series != null && series.feedStat != null) { // a write beside a standing feed ends it
            endFeed(series);
            feedsEnded++;
        }
        if (series == null) {
            series = new Points();
            data.put(key, series);
            changes++;
        }
        long version = series.version;
        series.merge(atMillis, stat);
        if (unit != null) {
            units.put(key, unit);
        }
        series.dropBefore(series.last() - retentionMillis);
        if (series.version != version) {
            changes++;
        }
    }

    /**
     * Adds an aggregate to a series from {@link #series} (the metric's unit already recorded): a {@link #put} without
     * looking the metric up. False, adding nothing, when {@code series} is null or {@link #clear} forgot it.
     */
    synchronized boolean append(Points series, long atMillis, Stat stat) {
        if (series == null || series.dropped) {
            return false;
        }
        if (series.feedStat != null) { // its feeder ends its feed before it appends: another writer
            endFeed(series);
            feedsEnded++;
        }
        long version = series.version;
        series.merge(atMillis, stat);
        series.dropBefore(series.last() - retentionMillis);
        if (series.version != version) {
            changes++;
        }
        return true;
    }

    /**
     * One writer of one metric that publishes a datapoint every period ({@link #publish}): the handle of its series
     * once written, and up to when the series' standing feed appends its datapoints for it ({@link #feed};
     * {@link Long#MIN_VALUE}: none, the writer appends them itself).
     */
    static final class Feeder {
        Points series;
        long fed = Long.MIN_VALUE;
    }

    /**
     * Publishes {@code stat} of {@code key} at {@code atMillis} for {@code f}, which publishes every
     * {@code stepMillis}: unless its standing feed already holds it, ends that feed, appends it (a put when the
     * feeder holds no live handle, taking the series' handle) and leaves the next equal ones to a new standing feed
     * while they may be. True when the feeder got a new handle.
     */
    synchronized boolean publish(Feeder f, MetricKey key, long atMillis, Stat stat, long stepMillis, String unit) {
        if (atMillis <= f.fed) {
            return false;
        }
        end(f); // one that held as long as it could
        boolean handle = false;
        if (!append(f.series, atMillis, stat)) {
            put(key, atMillis, stat, unit);
            f.series = series(key);
            handle = true;
        }
        f.fed = feed(f.series, stat, atMillis, stepMillis);
        return handle;
    }

    /** Ends {@code f}'s standing feed, if any: its series gets what it published up to {@link #fedThrough}, no more. */
    synchronized void end(Feeder f) {
        if (f.fed != Long.MIN_VALUE) {
            endFeed(f.series);
            f.fed = Long.MIN_VALUE;
        }
    }

    /**
     * Makes {@code stat}, just added to {@code series} at {@code atMillis} by {@link #append} or {@link #put}, a
     * standing feed: the series gets {@code stat} again every {@code stepMillis} (the same object, as its feeder
     * appends it each period) up to the time given to {@link #feedThrough}, written when the series is next read or
     * written rather than each period. Only while such appends would not change the series' {@link Points#version}:
     * they continue its run of equal aggregates (the same object, {@code stepMillis} apart) and the retention keeps
     * the run's first aggregate, so {@link #changes()} counts the same whether they are written now or later. Answers
     * the last time such an append may be left to the feed (its feeder appends itself after it, and after
     * {@link #feedsEnded} moved), or {@link Long#MIN_VALUE} when the series cannot be fed so.
     */
    private long feed(Points series, Stat stat, long atMillis, long stepMillis) {
        if (series == null || series.dropped || series.hi == series.lo || series.last() != atMillis
                || series.stats[series.hi - 1] != stat || (series.runLength != 1 && series.runStep != stepMillis)) {
            return Long.MIN_VALUE;
        }
        // an append at t drops the aggregates before t - retention: the run's first one stays up to this time
        long until = series.times[series.hi - series.runLength] + retentionMillis;
        if (until < atMillis + stepMillis) {
            return Long.MIN_VALUE;
        }
        series.feedStat = stat;
        series.feedNext = atMillis + stepMillis;
        series.feedStep = stepMillis;
        return until;
    }

    /** The feeder published every period up to {@code periodMillis}: the standing feeds hold their stat up to it. */
    synchronized void feedThrough(long periodMillis) {
        fedThrough = periodMillis;
    }

    /**
     * Counts the feeds ended by a write beside them ({@link #put}, {@link #append}) or by {@link #clear}: while it
     * stays the same, every feed {@link #feed} started is still standing unless its feeder ended it.
     */
    synchronized long feedsEnded() {
        return feedsEnded;
    }

    /** Writes what a standing feed holds up to {@link #fedThrough} and ends it (no feed: nothing). */
    private void endFeed(Points series) {
        if (series != null) {
            caughtUp(series);
            series.feedStat = null;
        }
    }

    /**
     * Writes the aggregates a standing feed holds up to {@link #fedThrough}: the appends its feeder left to it, the
     * same as they would have been, so that every reading finds the series as after each append. They continue the
     * series' run ({@link #feed}); one that changed its version would have changed {@link #changes()} too late.
     */
    private Points caughtUp(Points series) {
        if (series == null || series.feedStat == null || series.dropped) {
            return series;
        }
        long t = series.feedNext;
        if (t > fedThrough) {
            return series;
        }
        long version = series.version;
        if (series.last() == t - series.feedStep && series.stats[series.hi - 1] == series.feedStat) {
            int k = (int) ((fedThrough - t) / series.feedStep) + 1;
            series.feedNext = t + k * series.feedStep;
            series.continueRun(t, series.feedStep, k, series.feedStat);
            series.dropBefore(series.last() - retentionMillis);
        } else { // not right after the feed's last aggregate (never the case: every other write ends the feed)
            for (; t <= fedThrough; t += series.feedStep) {
                series.merge(t, series.feedStat);
                series.dropBefore(t - retentionMillis);
            }
            series.feedNext = t;
        }
        if (series.version != version) {
            throw new IllegalStateException("a standing feed changed its series beyond continuing its run");
        }
        return series;
    }

    /**
     * Counts the writes that changed a series otherwise than by continuing its run of equal aggregates (its
     * {@link Points#version}), the series created and {@link #clear}: unchanged, every series only continued its run.
     */
    public synchronized long changes() {
        return changes;
    }

    /** One value as a single sample. */
    public void put(MetricKey key, long atMillis, double value, String unit) {
        put(key, atMillis, new Stat(1, value, value, value), unit);
    }

    /** The aggregate of {@code [from, to)} (ms), or null without data. */
    public synchronized Stat aggregate(MetricKey key, long fromMillis, long toMillis) {
        Points series = caughtUp(data.get(key));
        if (series == null) {
            return null;
        }
        Stat out = null;
        for (int i = series.from(fromMillis), end = series.from(toMillis); i < end; i++) {
            out = out == null ? series.stats[i] : out.plus(series.stats[i]);
        }
        return out;
    }

    /** Aggregates per period over {@code [from, to)}: period start → aggregate (periods without data absent). */
    public synchronized NavigableMap<Long, Stat> periods(MetricKey key, long fromMillis, long toMillis,
                                                         long periodMillis) {
        TreeMap<Long, Stat> out = new TreeMap<>();
        Points series = caughtUp(data.get(key));
        if (series == null) {
            return out;
        }
        for (int i = series.from(fromMillis), end = series.from(toMillis); i < end; i++) {
            long p = fromMillis + Math.floorDiv(series.times[i] - fromMillis, periodMillis) * periodMillis;
            out.merge(p, series.stats[i], Stat::plus);
        }
        return out;
    }

    /**
     * The same aggregates as {@link #periods}, newest period first, as a list (an alarm's evaluation reads a few
     * periods every minute: no map to build). Entries of a period are added in time order, as there.
     */
    public synchronized List<Stat> periodsNewestFirst(MetricKey key, long fromMillis, long toMillis,
                                                      long periodMillis) {
        Points series = caughtUp(data.get(key));
        if (series == null) {
            return List.of();
        }
        List<Stat> out = new ArrayList<>();
        long current = Long.MIN_VALUE;
        for (int i = series.from(fromMillis), end = series.from(toMillis); i < end; i++) {
            long p = fromMillis + Math.floorDiv(series.times[i] - fromMillis, periodMillis) * periodMillis;
            if (p == current) {
                out.set(out.size() - 1, out.get(out.size() - 1).plus(series.stats[i]));
            } else {
                out.add(series.stats[i]);
                current = p;
            }
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /**
     * The aggregate every one of the {@code n} periods of {@code [to - n * period, to)} holds when each holds exactly
     * one datapoint, at its start, all of them equal, and the series has none at or after {@code to}: then
     * {@link #periodsNewestFirst} would answer that aggregate {@code n} times. Null when that is not known to be the
     * case (read the periods then). An alarm on a metric that stays the same costs no more than this look-up.
     */
    public synchronized Stat uniform(MetricKey key, long toMillis, long periodMillis, int n) {
        return uniform(caughtUp(data.get(key)), toMillis, periodMillis, n);
    }

    /** {@link #uniform(MetricKey, long, long, int)} of a series from {@link #series}. */
    synchronized Stat uniform(Points series, long toMillis, long periodMillis, int n) {
        caughtUp(series);
        if (series == null || series.dropped || n < 1 || series.runLength < n || series.hi == series.lo
                || series.last() != toMillis - periodMillis || (n > 1 && series.runStep != periodMillis)) {
            return null;
        }
        return series.stats[series.hi - 1];
    }

    /**
     * When the {@code n} periods of {@code [to - n * period, to)} hold exactly one datapoint each, at its start, and
     * the series has none at or after {@code to}: their aggregates, newest first, into {@code out} (what
     * {@link #periodsNewestFirst} would answer, without building it); false otherwise.
     */
    synchronized boolean lastPeriods(Points series, long toMillis, long periodMillis, int n, Stat[] out) {
        caughtUp(series);
        if (series == null || series.dropped || n < 1 || series.spacedLength < n || series.hi == series.lo
                || series.last() != toMillis - periodMillis || (n > 1 && series.spacedStep != periodMillis)) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            out[i] = series.stats[series.hi - 1 - i];
        }
        return true;
    }

    /** A metric's series, to watch (null without data); {@link Points#dropped} once {@link #clear} forgot it. */
    synchronized Points series(MetricKey key) {
        return caughtUp(data.get(key));
    }

    /** The version of a series from {@link #series}. */
    synchronized long version(Points series) {
        return caughtUp(series).version;
    }

    /**
     * Whether a series from {@link #series} still holds what it held at {@code version}, but for appends that
     * continued its run of equal aggregates, the last of them at {@code lastMillis}.
     */
    synchronized boolean continued(Points series, long version, long lastMillis) {
        caughtUp(series);
        return !series.dropped && series.version == version && series.hi > series.lo && series.last() == lastMillis;
    }

    /**
     * How many periods the window of {@code n} periods read at {@code from} (one datapoint each, by
     * {@link #lastPeriods}, version {@code version}) has moved on at {@code to}, when every period since repeats its
     * latest datapoint: the series only continued its run of equal aggregates since (same version), and its last
     * {@code n} datapoints are one period apart, the last one period before {@code to}. Then the n periods before
     * {@code to} are k repeats of that datapoint and the n - k newest of the old window ({@code n} when k is n or
     * more: n repeats). -1 when that is not known to be the case.
     */
    synchronized int movedOn(Points series, long version, long fromMillis, long toMillis, long periodMillis, int n) {
        caughtUp(series);
        if (series.dropped || series.version != version || series.hi == series.lo || n < 1
                || series.spacedLength < n || series.last() != toMillis - periodMillis
                || (n > 1 && series.spacedStep != periodMillis) || toMillis <= fromMillis) {
            return -1;
        }
        long d = toMillis - fromMillis;
        if (d >= n * periodMillis) {
            return n;
        }
        return d % periodMillis == 0 ? (int) (d / periodMillis) : -1;
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
        changes++;
        feedsEnded++;
        data.values().forEach(p -> {
            p.dropped = true;
            p.feedStat = null;
        });
        data.clear();
        units.clear();
    }
}
