package io.stevedore.lifecycle;

import java.time.Duration;
import java.util.Locale;

/**
 * Whether and when a provider consolidates by replacement ({@link Consolidation}); read from the provider tag
 * {@code stevedore:consolidation} (ours: the real service has no such setting and drains one instance at a time).
 * A move must clear every threshold:
 * <ul>
 *   <li>it saves at least {@code minShare} of the replaced instances' price per hour (so two nearly equal fleets
 *       never trade places),</li>
 *   <li>and at least {@code minPerHour} USD per hour,</li>
 *   <li>and it pays for itself: the replacement runs beside the old instances for about {@code moveTime} (boot,
 *       task start, drain), so {@code saving × payback ≥ replacement price × moveTime}.</li>
 * </ul>
 *
 * @param enabled    consolidation by replacement is on for the provider
 * @param minShare   the smallest saving, as a share of the replaced instances' price (ours: 1 %)
 * @param minPerHour the smallest saving in USD per hour (ours: 0.01)
 * @param moveTime   how long old and new instances both run during a move (ours: 10 minutes)
 * @param payback    the time in which the saving must repay the move (ours: 1 day)
 */
public record ConsolidationPolicy(boolean enabled, double minShare, double minPerHour, Duration moveTime,
                                  Duration payback) {
    /** Default smallest saving as a share of the replaced instances' price. */
    public static final double DEFAULT_MIN_SHARE = 0.01;
    /** Default smallest saving in USD per hour. */
    public static final double DEFAULT_MIN_PER_HOUR = 0.01;
    private static final Duration MOVE_TIME = Duration.ofMinutes(10);
    private static final Duration PAYBACK = Duration.ofDays(1);

    public ConsolidationPolicy {
        if (minShare < 0 || minShare >= 1 || minPerHour < 0) {
            throw new IllegalArgumentException("a consolidation threshold is a share 0-99% and USD/h >= 0");
        }
    }

    /** Consolidation by replacement off (the default: the real service only drains one instance at a time). */
    public static ConsolidationPolicy off() {
        return new ConsolidationPolicy(false, DEFAULT_MIN_SHARE, DEFAULT_MIN_PER_HOUR, MOVE_TIME, PAYBACK);
    }

    /** On, with the default thresholds. */
    public static ConsolidationPolicy on() {
        return new ConsolidationPolicy(true, DEFAULT_MIN_SHARE, DEFAULT_MIN_PER_HOUR, MOVE_TIME, PAYBACK);
    }

    /**
     * Parses the tag value: {@code disabled}, {@code enabled}, or {@code enabled} followed by thresholds,
     * space-separated: a share ({@code 3pct}, or {@code 3%} where {@code %} may be written: ECS tag values may not
     * hold it) and/or USD per hour ({@code 0.05/h}), e.g. {@code "enabled 3pct 0.05/h"}.
     */
    public static ConsolidationPolicy parse(String text) {
        String[] words = text.trim().toLowerCase(Locale.ROOT).split("\\s+");
        if (words[0].equals("disabled")) {
            return off();
        }
        if (!words[0].equals("enabled")) {
            throw new IllegalArgumentException("consolidation '" + text + "' must be 'disabled' or 'enabled'"
                    + " [share pct] [usd/h], e.g. 'enabled 3pct 0.05/h'");
        }
        double share = DEFAULT_MIN_SHARE;
        double perHour = DEFAULT_MIN_PER_HOUR;
        try {
            for (int i = 1; i < words.length; i++) {
                String w = words[i];
                if (w.endsWith("%") || w.endsWith("pct")) {
                    share = Double.parseDouble(w.substring(0, w.length() - (w.endsWith("%") ? 1 : 3))) / 100;
                } else if (w.endsWith("/h")) {
                    perHour = Double.parseDouble(w.substring(0, w.length() - 2));
                } else {
                    throw new NumberFormatException(w);
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("consolidation threshold '" + text + "': write a share as '3pct' and"
                    + " USD per hour as '0.05/h'");
        }
        return new ConsolidationPolicy(true, share, perHour, MOVE_TIME, PAYBACK);
    }

    /** Whether a move saving {@code saving} USD/h, from instances costing {@code before}, to {@code after}, is worth it. */
    public boolean worthIt(double before, double after) {
        double saving = before - after;
        double hours = moveTime.toMillis() / 3_600_000.0;
        double paybackHours = payback.toMillis() / 3_600_000.0;
        return saving >= minShare * before - 1e-12 && saving >= minPerHour - 1e-12 && saving > 0
                && saving * paybackHours >= after * hours;
    }
}
