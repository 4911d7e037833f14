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
 * And a provider whose fleet already costs at most {@code 1 + bound} times one plan of all its tasks (the
 * {@link io.stevedore.provisioning.Provisioner}'s, as if every task were placed at once) makes no move at all: a fleet
 * within the bound stays put.
 *
 * @param enabled    consolidation by replacement is on for the provider
 * @param minShare   the smallest saving, as a share of the replaced instances' price (ours: 1 %)
 * @param minPerHour the smallest saving in USD per hour (ours: 0.01)
 * @param moveTime   how long old and new instances both run during a move (ours: 10 minutes)
 * @param payback    the time in which the saving must repay the move (ours: 1 day)
 * @param bound      how far above one plan of its tasks a fleet may cost and stay put, as a share (ours: 2 %)
 */
public record ConsolidationPolicy(boolean enabled, double minShare, double minPerHour, Duration moveTime,
                                  Duration payback, double bound) {
    /** Default smallest saving as a share of the replaced instances' price. */
    public static final double DEFAULT_MIN_SHARE = 0.01;
    /** Default smallest saving in USD per hour. */
    public static final double DEFAULT_MIN_PER_HOUR = 0.01;
    /** Default share above one plan within which a fleet stays put. */
    public static final double DEFAULT_BOUND = 0.02;
    private static final Duration MOVE_TIME = Duration.ofMinutes(10);
    private static final Duration PAYBACK = Duration.ofDays(1);

    public ConsolidationPolicy {
        if (minShare < 0 || minShare >= 1 || minPerHour < 0) {
            throw new IllegalArgumentException("a consolidation threshold is a share 0-99% and USD/h >= 0");
        }
        if (bound < 0 || bound >= 1) {
            throw new IllegalArgumentException("a consolidation bound is a share 0-99%");
        }
    }

    /** Consolidation by replacement off (the default: the real service only drains one instance at a time). */
    public static ConsolidationPolicy off() {
        return new ConsolidationPolicy(false, DEFAULT_MIN_SHARE, DEFAULT_MIN_PER_HOUR, MOVE_TIME, PAYBACK, DEFAULT_BOUND);
    }

    /** On, with the default thresholds. */
    public static ConsolidationPolicy on() {
        return new ConsolidationPolicy(true, DEFAULT_MIN_SHARE, DEFAULT_MIN_PER_HOUR, MOVE_TIME, PAYBACK, DEFAULT_BOUND);
    }

    /**
     * Parses the tag value: {@code disabled}, {@code enabled}, or {@code enabled} followed by thresholds,
     * space-separated: a share ({@code 3pct}, or {@code 3%} where {@code %} may be written: ECS tag values may not
     * hold it), USD per hour ({@code 0.05/h}) and the bound within which a fleet stays put ({@code bound=2pct}),
     * any of them, e.g. {@code "enabled 3pct 0.05/h bound=1pct"}.
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
        double bound = DEFAULT_BOUND;
        try {
            for (int i = 1; i < words.length; i++) {
                String w = words[i];
                if (w.startsWith("bound=") && (w.endsWith("%") || w.endsWith("pct"))) {
                    bound = Double.parseDouble(w.substring(6, w.length() - (w.endsWith("%") ? 1 : 3))) / 100;
                } else if (w.endsWith("%") || w.endsWith("pct")) {
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
        return new ConsolidationPolicy(true, share, perHour, MOVE_TIME, PAYBACK, bound);
    }

    /** Whether a fleet costing {@code fleetPerHour} is within the bound of one plan of its tasks: no move then. */
    public boolean withinBound(double fleetPerHour, double onePlanPerHour) {
        return fleetPerHour <= (1 + bound) * onePlanPerHour + 1e-9;
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
