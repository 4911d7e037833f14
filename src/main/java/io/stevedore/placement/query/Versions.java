package io.stevedore.placement.query;

/** Comparison helpers: dotted versions ({@code 1.9.0 < 1.10.0}) and numbers-else-text. */
final class Versions {
    private Versions() {
    }

    static int compare(String a, String b) {
        String[] x = strip(a).split("\\.");
        String[] y = strip(b).split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = compareNumbersElseText(i < x.length ? x[i] : "0", i < y.length ? y[i] : "0");
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    static int compareNumbersElseText(String a, String b) {
        try {
            return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }

    private static String strip(String v) {
        return v.startsWith("v") || v.startsWith("V") ? v.substring(1) : v;
    }
}
