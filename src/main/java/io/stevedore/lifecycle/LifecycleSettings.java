package io.stevedore.lifecycle;

import java.time.Duration;
import java.util.Objects;

/**
 * The fleet lifecycle's schedule (docs/lifecycle.md). The defaults mirror the real service where it publishes a
 * figure (docs/lifecycle.md gives the sources) and are Stevedore's own choice where it does not (marked "ours").
 *
 * @param drainAfter          proactive replacement starts at this age (real: 14 days)
 * @param maxLifetime         no instance lives longer (real: 21 days)
 * @param hardDrain           a system drain forces out what is left after this long (real: drain start + 7 days)
 * @param lifetimeGrace       with no usable maintenance window, the drain starts this long before
 *                            {@code maxLifetime} (ours: 1 hour)
 * @param defaultScaleInAfter {@code scaleInAfter} when the provider leaves it unset (ours: 300 s; AWS publishes
 *                            none)
 * @param repairDeadline      an IMPAIRED instance is forced out this long after its drain starts (ours: 10 min)
 * @param compactionTimeout   a compaction drain that has not finished by then is cancelled (ours: 30 min)
 * @param budgetPercent       default disruption budget: this share of a provider's fleet (at least one instance)
 *                            may be voluntarily disrupted at once (ours: 10 %)
 * @param spotNotice          Spot interruption notice (EC2: 2 minutes)
 * @param backoffBase         first wait after a failed launch (ours: 10 s), doubled per failure
 * @param backoffMax          longest wait between launch attempts (ours: 5 min)
 */
public record LifecycleSettings(Duration drainAfter, Duration maxLifetime, Duration hardDrain, Duration lifetimeGrace,
                                Duration defaultScaleInAfter, Duration repairDeadline, Duration compactionTimeout,
                                int budgetPercent, Duration spotNotice, Duration backoffBase, Duration backoffMax) {
    public LifecycleSettings {
        Objects.requireNonNull(drainAfter, "drainAfter");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        if (drainAfter.compareTo(maxLifetime) > 0) {
            throw new IllegalArgumentException("drainAfter must not exceed maxLifetime");
        }
        if (budgetPercent < 0 || budgetPercent > 100) {
            throw new IllegalArgumentException("budgetPercent must be 0-100");
        }
    }

    public static LifecycleSettings defaults() {
        return new LifecycleSettings(Duration.ofDays(14), Duration.ofDays(21), Duration.ofDays(7), Duration.ofHours(1),
                Duration.ofSeconds(300), Duration.ofMinutes(10), Duration.ofMinutes(30), 10, Duration.ofMinutes(2),
                Duration.ofSeconds(10), Duration.ofMinutes(5));
    }

    /** The wait before launch attempt {@code failures + 1}: exponential, capped. */
    public Duration backoff(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        long ms = backoffBase.toMillis() << Math.min(20, failures - 1);
        return Duration.ofMillis(Math.min(ms, backoffMax.toMillis()));
    }
}
