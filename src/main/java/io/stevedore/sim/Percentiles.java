package io.stevedore.sim;

import java.util.Arrays;

/** A growing list of millisecond samples with nearest-rank percentiles. */
final class Percentiles {
    private long[] values = new long[64];
    private int size;

    void add(long v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    int count() {
        return size;
    }

    /** Nearest-rank percentile {@code p} (0–100) in ms, or -1 when empty. */
    long percentile(double p) {
        if (size == 0) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.max(0, Math.min(size - 1, rank - 1))];
    }

    double mean() {
        if (size == 0) {
            return -1;
        }
        double s = 0;
        for (int i = 0; i < size; i++) {
            s += values[i];
        }
        return s / size;
    }
}
