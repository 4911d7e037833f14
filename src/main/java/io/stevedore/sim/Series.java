package io.stevedore.sim;

/** Fixed-interval time buckets of a double quantity (cost per bucket, samples). */
final class Series {
    private final long startMillis;
    private final long stepMillis;
    private final double[] values;

    Series(long startMillis, long stepMillis, int buckets) {
        this.startMillis = startMillis;
        this.stepMillis = stepMillis;
        this.values = new double[buckets];
    }

    int size() {
        return values.length;
    }

    double get(int i) {
        return values[i];
    }

    void set(int i, double v) {
        values[i] = v;
    }

    /** Adds {@code amount} at time {@code t} (clamped to the last bucket). */
    void addAt(long t, double amount) {
        values[index(t)] += amount;
    }

    /** Spreads {@code perMilli × overlap} over the buckets that [{@code from}, {@code to}) overlaps. */
    void spread(long from, long to, double perMilli) {
        if (to <= from) {
            return;
        }
        int first = index(from);
        int last = index(to - 1);
        for (int i = first; i <= last; i++) {
            long bs = startMillis + i * stepMillis;
            long be = i == values.length - 1 ? Long.MAX_VALUE : bs + stepMillis;
            long overlap = Math.min(to, be) - Math.max(from, bs);
            if (overlap > 0) {
                values[i] += overlap * perMilli;
            }
        }
    }

    private int index(long t) {
        long i = (t - startMillis) / stepMillis;
        return (int) Math.max(0, Math.min(values.length - 1, i));
    }

    /** Running total. */
    double[] cumulative() {
        double[] out = new double[values.length];
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            sum += values[i];
            out[i] = sum;
        }
        return out;
    }
}
