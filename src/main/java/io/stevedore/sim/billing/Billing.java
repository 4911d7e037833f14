package io.stevedore.sim.billing;

/** The shared rule: per second, rounded up to the second, with a one-minute minimum. */
public final class Billing {
    public static final long MINIMUM_SECONDS = 60;

    private Billing() {
    }

    /** Billed seconds for a usage of {@code millis} (rounded up to the second, at least 60). */
    public static long billedSeconds(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("negative usage: " + millis);
        }
        return Math.max(MINIMUM_SECONDS, (millis + 999) / 1000);
    }

    /** USD for {@code seconds} at {@code perHour}. */
    public static double cost(long seconds, double perHour) {
        return seconds * perHour / 3600.0;
    }
}
