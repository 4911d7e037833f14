package io.stevedore.lifecycle;

import java.util.Locale;

/**
 * How many of a provider's instances may be voluntarily disrupted (compaction, maximum lifetime) at once
 * (Karpenter-style): a count ({@code "2"}) or a share of the fleet ({@code "10%"}, rounded down, at least one).
 * Involuntary disruptions (Spot interruptions, repairs) are not bounded but count as in flight.
 *
 * @param count   an absolute number, or -1 when the budget is a percentage
 * @param percent the share of the fleet (0-100) when {@code count} is -1
 */
public record DisruptionBudget(int count, int percent) {
    public DisruptionBudget {
        if (count < -1 || percent < 0 || percent > 100) {
            throw new IllegalArgumentException("a disruption budget is a count >= 0 or a percentage 0-100");
        }
    }

    public static DisruptionBudget percent(int p) {
        return new DisruptionBudget(-1, p);
    }

    /** Parses {@code "3"} or {@code "10%"}. */
    public static DisruptionBudget parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("%")) {
                return percent(Integer.parseInt(t.substring(0, t.length() - 1).trim()));
            }
            return new DisruptionBudget(Integer.parseInt(t), 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("disruption budget '" + text + "' must be a count (2) or a percentage"
                    + " (10%)");
        }
    }

    /** Instances that may be disrupted at once in a fleet of {@code fleetSize}. */
    public int allowed(int fleetSize) {
        if (count >= 0) {
            return count;
        }
        return percent == 0 ? 0 : Math.max(1, fleetSize * percent / 100);
    }
}
