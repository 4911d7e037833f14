package io.stevedore.catalog;

/**
 * An inclusive range of an attribute-based selection requirement ({@code {"min": …, "max": …}}); an omitted bound
 * is open (min 0, max +∞).
 */
public record ValueRange(double min, double max) {
    public static final ValueRange ANY = new ValueRange(0, Double.POSITIVE_INFINITY);

    public ValueRange {
        if (Double.isNaN(min) || Double.isNaN(max) || min < 0 || max < 0) {
            throw new IllegalArgumentException("range bounds must be non-negative numbers");
        }
        if (min > max) {
            throw new IllegalArgumentException("min (" + min + ") must not be greater than max (" + max + ")");
        }
    }

    public static ValueRange of(double min, double max) {
        return new ValueRange(min, max);
    }

    public static ValueRange atLeast(double min) {
        return new ValueRange(min, Double.POSITIVE_INFINITY);
    }

    public static ValueRange atMost(double max) {
        return new ValueRange(0, max);
    }

    public boolean contains(double value) {
        return value >= min && value <= max;
    }

    public boolean isAny() {
        return min == 0 && max == Double.POSITIVE_INFINITY;
    }

    public boolean hasMax() {
        return max != Double.POSITIVE_INFINITY;
    }

    /** {@code {min: 2, max: 4}} in the wire spelling, with integral values printed without a fraction. */
    @Override
    public String toString() {
        return hasMax() ? "{min: " + num(min) + ", max: " + num(max) + "}" : "{min: " + num(min) + "}";
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
