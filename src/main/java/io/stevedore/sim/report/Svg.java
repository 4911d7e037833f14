package io.stevedore.sim.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Tiny inline-SVG charts (no script, no external resources): line / stacked area over time, grouped bars. */
final class Svg {
    static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
        "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"};
    private static final int W = 880;
    private static final int H = 300;
    private static final int LEFT = 70;
    private static final int RIGHT = 190;
    private static final int TOP = 20;
    private static final int BOTTOM = 40;

    private Svg() {
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** A line chart (or stacked areas) of series over {@code t} seconds. */
    static String lines(long[] t, Map<String, double[]> series, String yLabel, boolean stacked) {
        int n = t.length;
        double[][] tops = new double[series.size()][n];
        double max = 0;
        int k = 0;
        for (double[] v : series.values()) {
            for (int i = 0; i < n; i++) {
                tops[k][i] = (stacked && k > 0 ? tops[k - 1][i] : 0) + (i < v.length ? v[i] : 0);
                max = Math.max(max, tops[k][i]);
            }
            k++;
        }
        max = niceMax(max);
        double tMax = n == 0 ? 1 : Math.max(1, t[n - 1]);
        StringBuilder b = open();
        axes(b, max, tMax, yLabel);
        k = 0;
        List<String> names = new ArrayList<>(series.keySet());
        for (int s = 0; s < names.size(); s++) {
            String color = PALETTE[s % PALETTE.length];
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < n; i++) {
                pts.append(f(x(t[i], tMax))).append(',').append(f(y(tops[s][i], max))).append(' ');
            }
            if (stacked) {
                StringBuilder base = new StringBuilder();
                for (int i = n - 1; i >= 0; i--) {
                    base.append(f(x(t[i], tMax))).append(',').append(f(y(s == 0 ? 0 : tops[s - 1][i], max)))
                            .append(' ');
                }
                b.append("<polygon class=\"series\" fill=\"").append(color).append("\" fill-opacity=\"0.75\" points=\"")
                        .append(pts).append(base).append("\"/>");
            } else {
                b.append("<polyline class=\"series\" fill=\"none\" stroke=\"").append(color)
                        .append("\" stroke-width=\"2\" points=\"").append(pts).append("\"/>");
            }
            legend(b, s, names.get(s), color);
        }
        return b.append("</svg>").toString();
    }

    /** Grouped bars: group → (bar label → value). */
    static String bars(Map<String, Map<String, Double>> groups, String yLabel) {
        double max = 0;
        List<String> barNames = new ArrayList<>();
        for (Map<String, Double> g : groups.values()) {
            for (Map.Entry<String, Double> e : g.entrySet()) {
                max = Math.max(max, e.getValue());
                if (!barNames.contains(e.getKey())) {
                    barNames.add(e.getKey());
                }
            }
        }
        max = niceMax(max);
        StringBuilder b = open();
        axes(b, max, -1, yLabel);
        int gi = 0;
        double gw = (W - LEFT - RIGHT) / (double) Math.max(1, groups.size());
        double bw = gw * 0.8 / Math.max(1, barNames.size());
        for (Map.Entry<String, Map<String, Double>> g : groups.entrySet()) {
            double gx = LEFT + gi * gw + gw * 0.1;
            for (int bi = 0; bi < barNames.size(); bi++) {
                Double v = g.getValue().get(barNames.get(bi));
                if (v == null) {
                    continue;
                }
                double top = y(v, max);
                b.append("<rect class=\"series\" x=\"").append(f(gx + bi * bw)).append("\" y=\"").append(f(top))
                        .append("\" width=\"").append(f(bw * 0.9)).append("\" height=\"")
                        .append(f(H - BOTTOM - top)).append("\" fill=\"").append(PALETTE[bi % PALETTE.length])
                        .append("\"><title>").append(esc(g.getKey() + " " + barNames.get(bi) + ": "
                                + String.format(Locale.ROOT, "%.2f", v))).append("</title></rect>");
                b.append("<text x=\"").append(f(gx + bi * bw + bw * 0.45)).append("\" y=\"").append(f(top - 3))
                        .append("\" font-size=\"10\" text-anchor=\"middle\">")
                        .append(String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v)).append("</text>");
            }
            b.append("<text x=\"").append(f(gx + gw * 0.4)).append("\" y=\"").append(H - BOTTOM + 16)
                    .append("\" font-size=\"12\" text-anchor=\"middle\">").append(esc(g.getKey())).append("</text>");
            gi++;
        }
        if (barNames.size() > 1) {
            for (int bi = 0; bi < barNames.size(); bi++) {
                legend(b, bi, barNames.get(bi), PALETTE[bi % PALETTE.length]);
            }
        }
        return b.append("</svg>").toString();
    }

    private static StringBuilder open() {
        return new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + W + " " + H
                + "\" width=\"" + W + "\" height=\"" + H + "\" role=\"img\">");
    }

    private static double x(double t, double tMax) {
        return LEFT + (W - LEFT - RIGHT) * t / tMax;
    }

    private static double y(double v, double max) {
        return H - BOTTOM - (H - TOP - BOTTOM) * (max == 0 ? 0 : v / max);
    }

    private static void axes(StringBuilder b, double max, double tMax, String yLabel) {
        b.append("<g class=\"axes\" stroke=\"#999\" stroke-width=\"1\"><line x1=\"").append(LEFT).append("\" y1=\"")
                .append(TOP).append("\" x2=\"").append(LEFT).append("\" y2=\"").append(H - BOTTOM)
                .append("\"/><line x1=\"").append(LEFT).append("\" y1=\"").append(H - BOTTOM).append("\" x2=\"")
                .append(W - RIGHT).append("\" y2=\"").append(H - BOTTOM).append("\"/></g>");
        for (int i = 0; i <= 4; i++) {
            double v = max * i / 4;
            double yy = y(v, max);
            b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(W - RIGHT).append("\" y1=\"").append(f(yy))
                    .append("\" y2=\"").append(f(yy)).append("\" stroke=\"#eee\"/>");
            b.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(f(yy + 4))
                    .append("\" font-size=\"11\" text-anchor=\"end\">").append(label(v)).append("</text>");
        }
        b.append("<text x=\"14\" y=\"").append((H - BOTTOM + TOP) / 2).append("\" font-size=\"12\" transform=\"rotate(-90 14 ")
                .append((H - BOTTOM + TOP) / 2).append(")\" text-anchor=\"middle\">").append(esc(yLabel)).append("</text>");
        if (tMax > 0) {
            boolean days = tMax > 2 * 86_400;
            for (int i = 0; i <= 6; i++) {
                double t = tMax * i / 6;
                b.append("<text x=\"").append(f(x(t, tMax))).append("\" y=\"").append(H - BOTTOM + 16)
                        .append("\" font-size=\"11\" text-anchor=\"middle\">")
                        .append(days ? String.format(Locale.ROOT, "%.1f d", t / 86_400)
                                : String.format(Locale.ROOT, "%.1f h", t / 3600)).append("</text>");
            }
            b.append("<text x=\"").append((LEFT + W - RIGHT) / 2).append("\" y=\"").append(H - 4)
                    .append("\" font-size=\"12\" text-anchor=\"middle\">simulated time</text>");
        }
    }

    private static void legend(StringBuilder b, int i, String name, String color) {
        if (i >= 14) {
            return;
        }
        int yy = TOP + 10 + i * 18;
        b.append("<rect x=\"").append(W - RIGHT + 12).append("\" y=\"").append(yy - 9)
                .append("\" width=\"12\" height=\"12\" fill=\"").append(color).append("\"/><text x=\"")
                .append(W - RIGHT + 30).append("\" y=\"").append(yy + 1).append("\" font-size=\"12\">")
                .append(esc(i == 13 ? "…" : name)).append("</text>");
    }

    private static String label(double v) {
        if (v >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", v / 1_000_000);
        }
        if (v >= 10_000) {
            return String.format(Locale.ROOT, "%.0fk", v / 1000);
        }
        return v >= 10 || v == 0 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static double niceMax(double max) {
        if (max <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(max)));
        for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * p >= max) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
