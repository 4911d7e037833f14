package io.stevedore.api.observe;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** A Prometheus histogram: cumulative bucket counts over fixed upper bounds, a sum and a count. Thread-safe. */
public final class Histogram {
    private final double[] bounds;
    private final AtomicLongArray counts;
    private final DoubleAdder sum = new DoubleAdder();
    private final LongAdder count = new LongAdder();

    public Histogram(double... bounds) {
        for (int i = 1; i < bounds.length; i++) {
            if (!(bounds[i] > bounds[i - 1])) {
                throw new IllegalArgumentException("histogram bounds must increase");
            }
        }
        this.bounds = bounds.clone();
        this.counts = new AtomicLongArray(bounds.length);
    }

    public void observe(double value) {
        for (int i = 0; i < bounds.length; i++) {
            if (value <= bounds[i]) {
                counts.incrementAndGet(i);
                break;
            }
        }
        sum.add(value);
        count.increment();
    }

    /** Writes the {@code _bucket}, {@code _sum} and {@code _count} series with {@code labels} (may be empty). */
    void write(PrometheusText out, String name, String labels) {
        long cumulative = 0;
        String sep = labels.isEmpty() ? "" : labels + ",";
        for (int i = 0; i < bounds.length; i++) {
            cumulative += counts.get(i);
            out.sample(name + "_bucket", sep + "le=\"" + PrometheusText.number(bounds[i]) + "\"", cumulative);
        }
        out.sample(name + "_bucket", sep + "le=\"+Inf\"", count.sum());
        out.sample(name + "_sum", labels, sum.sum());
        out.sample(name + "_count", labels, count.sum());
    }
}
