package io.stevedore.api.limits;

import io.stevedore.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per access key and {@link ThrottleCategory}, refilled continuously from the injected clock.
 * {@code scale} multiplies both burst and refill (1 = the ECS figures); a disabled limiter admits everything.
 */
public final class RateLimiter {
    private record Key(String accessKey, ThrottleCategory category) {
    }

    private static final class Bucket {
        private double tokens;
        private long lastNanos;

        Bucket(double tokens, long nowNanos) {
            this.tokens = tokens;
            this.lastNanos = nowNanos;
        }
    }

    private final Clock clock;
    private final double scale;
    private final ConcurrentHashMap<Key, Bucket> buckets = new ConcurrentHashMap<>();

    private RateLimiter(Clock clock, double scale) {
        this.clock = clock;
        this.scale = scale;
    }

    /** The ECS buckets multiplied by {@code scale} (> 0). */
    public static RateLimiter scaled(Clock clock, double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("rate limit scale must be a positive number: " + scale);
        }
        return new RateLimiter(clock, scale);
    }

    /** Admits everything (benchmarks). */
    public static RateLimiter disabled() {
        return new RateLimiter(null, 0);
    }

    public boolean enabled() {
        return clock != null;
    }

    public double scale() {
        return scale;
    }

    /** Takes one token from the caller's bucket; false = throttled. */
    public boolean tryAcquire(String accessKey, ThrottleCategory category) {
        if (clock == null) {
            return true;
        }
        long now = nanos();
        double burst = category.burst() * scale;
        Bucket b = buckets.computeIfAbsent(new Key(accessKey, category), k -> new Bucket(burst, now));
        synchronized (b) {
            long elapsed = Math.max(0, now - b.lastNanos);
            b.tokens = Math.min(burst, b.tokens + elapsed / 1e9 * category.sustained() * scale);
            b.lastNanos = Math.max(b.lastNanos, now);
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return true;
            }
            return false;
        }
    }

    private long nanos() {
        java.time.Instant t = clock.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
