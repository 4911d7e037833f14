package io.stevedore.sim.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML report: one self-contained page (inline CSS and SVG, no script, nothing fetched) that opens offline.
 * It draws the JSON report document, so both always hold the same figures.
 */
public final class HtmlReport {
    /** The id of every chart section, in page order (the headless-browser test checks each is rendered). */
    public static final List<String> CHARTS = List.of("chart-cost", "chart-fleet", "chart-cpu", "chart-memory",
            "chart-latency", "chart-pending", "chart-disruptions", "chart-availability");

    private HtmlReport() {
    }

    public static String render(JsonNode r) {
        StringBuilder b = new StringBuilder(64 * 1024);
        String title = "Stevedore simulation: " + r.path("workload").asText();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(Svg.esc(title))
                .append("</title><style>body{font-family:system-ui,sans-serif;margin:24px;max-width:1100px;color:#222}"
                        + "h1{font-size:22px}h2{font-size:17px;margin-top:28px}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}"
                        + "td.l,th.l{text-align:left}.verdict{background:#f6f8ff;border-left:4px solid #1f77b4;"
                        + "padding:8px 12px}section.chart{margin:8px 0 24px}</style></head><body>\n");
        b.append("<h1>").append(Svg.esc(title)).append("</h1>\n<p>Region ").append(Svg.esc(r.path("region").asText()))
                .append(", ").append(String.format(Locale.ROOT, "%.2f", r.path("simulatedSeconds").asDouble() / 86400))
                .append(" simulated day(s) from ").append(Svg.esc(r.path("simulatedStart").asText()))
                .append(", seed ").append(r.path("seed").asLong()).append(", ")
                .append(r.path("engine").path("reconcilerTicks").asLong())
                .append(" reconciler ticks of the real control plane on a virtual clock.</p>\n");
        summary(b, r);
        JsonNode s = r.path("series");
        long[] t = longs(s.path("t"));
        Map<String, double[]> cost = new LinkedHashMap<>();
        cost.put("Managed Instances", doubles(s.path("costCumulative").path("managedInstances")));
        if (s.path("costCumulative").has("fargate")) {
            cost.put("Fargate", doubles(s.path("costCumulative").path("fargate")));
        }
        chart(b, "chart-cost", "Cumulative cost, Managed Instances vs Fargate", Svg.lines(t, cost, "USD", false));
        Map<String, double[]> fleet = new LinkedHashMap<>();
        s.path("fleetByType").fields().forEachRemaining(e -> fleet.put(e.getKey(), doubles(e.getValue())));
        chart(b, "chart-fleet", "Fleet by instance type", Svg.lines(t, fleet, "instances", true));
        chart(b, "chart-cpu", "CPU: allocated to tasks vs provisioned", Svg.lines(t, pair(s.path("cpu"), 1024),
                "vCPU", false));
        chart(b, "chart-memory", "Memory: allocated to tasks vs provisioned", Svg.lines(t, pair(s.path("memoryMiB"),
                1024), "GiB", false));
        chart(b, "chart-latency", "Task start latency (created → RUNNING), seconds", Svg.bars(latency(r), "seconds"));
        b.append("<p>newInstance: the task waited for an instance launch (boot by instance type, then a full pull of"
                + " its image); coldPull: a running instance without the image; warm: a running instance with the image"
                + " cached. Fargate: the assumed start latency of the tasks it can run (no image cache).</p>");
        latencyByProvider(b, r.path("startLatencySeconds").path("byCapacityProvider"));
        Map<String, double[]> pend = new LinkedHashMap<>();
        pend.put("pending tasks", doubles(s.path("pendingTasks")));
        pend.put("running tasks", doubles(s.path("runningTasks")));
        chart(b, "chart-pending", "Pending and running tasks", Svg.lines(t, pend, "tasks", false));
        JsonNode ps = r.path("pendingSeconds");
        b.append("<p>Time from task creation to image pull start: p50 ").append(ps.path("p50").asText("–"))
                .append(" s, p90 ").append(ps.path("p90").asText("–")).append(" s, max ")
                .append(ps.path("max").asText("–")).append(" s.</p>");
        Map<String, Map<String, Double>> dis = new LinkedHashMap<>();
        r.path("disruptions").fields().forEachRemaining(e -> dis.put(e.getKey(), Map.of("tasks",
                e.getValue().asDouble())));
        chart(b, "chart-disruptions", "Disruptions by cause (tasks stopped by the platform)", Svg.bars(dis, "tasks"));
        b.append(table(r.path("taskStops"), "All task stops by cause"));
        b.append(table(r.path("instanceEnds"), "Instances by how they ended"));
        Map<String, double[]> av = new LinkedHashMap<>();
        double[] a = doubles(s.path("availability"));
        for (int i = 0; i < a.length; i++) {
            a[i] *= 100;
        }
        av.put("running / desired", a);
        chart(b, "chart-availability", "Service availability (%)", Svg.lines(t, av, "%", false));
        autoScaling(b, r, t);
        JsonNode avail = r.path("availability");
        b.append("<p>Overall ").append(String.format(Locale.ROOT, "%.3f%%", 100 * avail.path("overall").asDouble()))
                .append(", lowest sample ").append(String.format(Locale.ROOT, "%.1f%%",
                        100 * avail.path("lowestSample").asDouble())).append(" — ")
                .append(Svg.esc(avail.path("definition").asText())).append(".</p>");
        faults(b, r.path("faults"));
        b.append("<h2>Assumptions</h2><pre>").append(Svg.esc(JsonReport.write(r.path("assumptions"))))
                .append("</pre>\n</body></html>\n");
        return b.toString();
    }

    private static void summary(StringBuilder b, JsonNode r) {
        JsonNode s = r.path("summary");
        JsonNode mi = s.path("managedInstances");
        JsonNode fg = s.path("fargate");
        if (s.has("verdict")) {
            b.append("<p class=\"verdict\" id=\"verdict\">").append(Svg.esc(s.path("verdict").asText())).append("</p>");
        }
        b.append("<h2>Cost</h2><table id=\"summary\"><tr><th class=\"l\"></th><th>total USD</th><th class=\"l\">parts"
                + "</th></tr><tr><td class=\"l\">Managed Instances</td><td>").append(mi.path("cost").path("total")
                .asText()).append("</td><td class=\"l\">EC2 ").append(mi.path("cost").path("ec2").asText())
                .append(" + management fee ").append(mi.path("cost").path("managementFee").asText()).append("; ")
                .append(mi.path("instancesLaunched").asInt()).append(" instances, ")
                .append(mi.path("instanceHours").asText()).append(" instance-hours; utilization CPU ")
                .append(pct(mi.path("utilization").path("cpu"))).append(", memory ")
                .append(pct(mi.path("utilization").path("memory"))).append("</td></tr>");
        if (!fg.isMissingNode()) {
            JsonNode c = fg.path("cost");
            b.append("<tr><td class=\"l\">Fargate</td><td>").append(c.path("total").asText())
                    .append("</td><td class=\"l\">running ").append(c.path("running").asText())
                    .append(" + billed start-up ").append(c.path("billedStartup").asText())
                    .append(" + one-minute minimum ").append(c.path("minimumBilling").asText()).append("; ")
                    .append(fg.path("tasks").asInt()).append(" tasks</td></tr>");
        }
        b.append("</table>\n");
        if (!fg.isMissingNode()) {
            b.append("<h2>Fargate sizes</h2><table id=\"fargate-sizes\"><tr><th class=\"l\">task definition</th>"
                    + "<th>cpu</th><th>memory MiB</th><th>Spot</th><th>USD/h</th></tr>");
            for (JsonNode z : fg.path("sizes")) {
                b.append("<tr><td class=\"l\">").append(Svg.esc(z.path("taskDefinition").asText())).append("</td><td>")
                        .append(z.path("cpu").asInt()).append("</td><td>").append(z.path("memoryMiB").asInt())
                        .append("</td><td>").append(z.path("spot").asBoolean() ? "yes" : "no").append("</td><td>")
                        .append(z.path("perHour").asText()).append("</td></tr>");
            }
            b.append("</table>\n");
            if (!fg.path("unrunnable").isEmpty()) {
                b.append("<h2>Tasks Fargate cannot run</h2><table id=\"unrunnable\"><tr><th class=\"l\">task"
                        + " definition</th><th>tasks</th><th class=\"l\">reason</th></tr>");
                for (JsonNode u : fg.path("unrunnable")) {
                    b.append("<tr><td class=\"l\">").append(Svg.esc(u.path("taskDefinition").asText()))
                            .append("</td><td>").append(u.path("tasks").asInt()).append("</td><td class=\"l\">")
                            .append(Svg.esc(u.path("reason").asText())).append("</td></tr>");
                }
                b.append("</table>\n");
            }
        }
    }

    /**
     * Service Auto Scaling (when the workload scales services): desired and running tasks over time on Managed
     * Instances and on Fargate side by side, the activity counts and the first activities of each side.
     */
    private static void autoScaling(StringBuilder b, JsonNode r, long[] t) {
        int i = 0;
        for (JsonNode g : r.path("autoScaling")) {
            Map<String, double[]> lines = new LinkedHashMap<>();
            lines.put("MI desired", doubles(g.path("managedInstances").path("desired")));
            lines.put("MI running", doubles(g.path("managedInstances").path("running")));
            if (g.has("fargate")) {
                lines.put("Fargate desired", doubles(g.path("fargate").path("desired")));
                lines.put("Fargate running", doubles(g.path("fargate").path("running")));
            }
            String name = g.path("service").asText() + (g.path("replicas").asInt() > 1
                    ? " (" + g.path("replicas").asInt() + " replicas, summed)" : "");
            chart(b, "chart-scaling-" + i++, "Service Auto Scaling: " + name + ", desired and running tasks",
                    Svg.lines(t, lines, "tasks", false));
            if (g.has("fargateUnavailable")) {
                b.append("<p>No Fargate twin: ").append(Svg.esc(g.path("fargateUnavailable").asText()))
                        .append("</p>");
            }
            b.append("<table><tr><th class=\"l\">side</th><th>scale-out activities</th><th>scale-in activities</th>"
                    + "<th class=\"l\">first activities</th></tr>");
            for (String side : List.of("managedInstances", "fargate")) {
                JsonNode s = g.path(side);
                if (s.isMissingNode()) {
                    continue;
                }
                StringBuilder first = new StringBuilder();
                int n = 0;
                for (JsonNode a : s.path("firstActivities")) {
                    if (n++ == 5) {
                        break;
                    }
                    first.append(Svg.esc(a.path("at").asText().replace("T", " ").replace("Z", ""))).append(": ")
                            .append(Svg.esc(a.path("description").asText())).append(" (")
                            .append(Svg.esc(a.path("cause").asText())).append(")<br>");
                }
                b.append("<tr><td class=\"l\">").append(side).append("</td><td>")
                        .append(s.path("activities").path("scaleOut").asInt()).append("</td><td>")
                        .append(s.path("activities").path("scaleIn").asInt()).append("</td><td class=\"l\">")
                        .append(first).append("</td></tr>");
            }
            b.append("</table>\n");
        }
    }

    private static String pct(JsonNode v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v.asDouble());
    }

    private static void chart(StringBuilder b, String id, String title, String svg) {
        b.append("<section class=\"chart\" id=\"").append(id).append("\"><h2>").append(Svg.esc(title))
                .append("</h2>").append(svg).append("</section>\n");
    }

    private static Map<String, Map<String, Double>> latency(JsonNode r) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        JsonNode lat = r.path("startLatencySeconds");
        lat.path("managedInstances").fields().forEachRemaining(e -> put(out, "MI " + e.getKey(), e.getValue()));
        if (lat.has("fargate")) {
            put(out, "Fargate", lat.path("fargate"));
        }
        return out;
    }

    /** With several capacity providers, each one's start latency (cold, not cached, warm; Fargate) as a table. */
    private static void latencyByProvider(StringBuilder b, JsonNode by) {
        if (by.size() < 2) {
            return;
        }
        b.append("<table id=\"latency-by-provider\"><tr><th class=\"l\">capacity provider</th><th class=\"l\">start"
                + "</th><th>tasks</th><th>p50 s</th><th>p90 s</th><th>p99 s</th><th>max s</th></tr>");
        by.fields().forEachRemaining(p -> {
            p.getValue().path("managedInstances").fields().forEachRemaining(e -> latencyRow(b, p.getKey(),
                    "MI " + e.getKey(), e.getValue()));
            if (p.getValue().has("fargate")) {
                int cannot = p.getValue().path("fargateCannotRun").asInt();
                latencyRow(b, p.getKey(), "Fargate" + (cannot > 0 ? " (cannot run " + cannot + ")" : ""),
                        p.getValue().path("fargate"));
            }
        });
        b.append("</table>\n");
    }

    private static void latencyRow(StringBuilder b, String provider, String kind, JsonNode p) {
        b.append("<tr><td class=\"l\">").append(Svg.esc(provider)).append("</td><td class=\"l\">")
                .append(Svg.esc(kind)).append("</td><td>").append(p.path("count").asInt()).append("</td>");
        for (String q : new String[] {"p50", "p90", "p99", "max"}) {
            b.append("<td>").append(p.has(q) ? String.format(java.util.Locale.ROOT, "%.1f", p.path(q).asDouble())
                    : "—").append("</td>");
        }
        b.append("</tr>");
    }

    private static void put(Map<String, Map<String, Double>> out, String name, JsonNode p) {
        Map<String, Double> bars = new LinkedHashMap<>();
        if (p.path("count").asInt() > 0) {
            for (String q : new String[] {"p50", "p90", "p99"}) {
                bars.put(q, p.path(q).asDouble());
            }
        }
        out.put(name + " (" + p.path("count").asInt() + ")", bars);
    }

    private static Map<String, double[]> pair(JsonNode n, double divisor) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String k : new String[] {"allocated", "provisioned"}) {
            double[] v = doubles(n.path(k));
            for (int i = 0; i < v.length; i++) {
                v[i] /= divisor;
            }
            out.put(k, v);
        }
        return out;
    }

    private static String table(JsonNode counts, String caption) {
        StringBuilder b = new StringBuilder("<table><caption>" + Svg.esc(caption) + "</caption><tr>");
        StringBuilder row = new StringBuilder("<tr>");
        for (Iterator<Map.Entry<String, JsonNode>> it = counts.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            b.append("<th>").append(Svg.esc(e.getKey())).append("</th>");
            row.append("<td>").append(e.getValue().asLong()).append("</td>");
        }
        return b.append("</tr>").append(row).append("</tr></table>\n").toString();
    }

    private static void faults(StringBuilder b, JsonNode faults) {
        if (faults.isEmpty()) {
            return;
        }
        b.append("<h2>Fault injections</h2><table id=\"faults\"><tr><th>at (s)</th><th class=\"l\">type</th>"
                + "<th class=\"l\">detail</th></tr>");
        for (JsonNode f : faults) {
            b.append("<tr><td>").append(f.path("atSeconds").asLong()).append("</td><td class=\"l\">")
                    .append(Svg.esc(f.path("type").asText())).append("</td><td class=\"l\">")
                    .append(Svg.esc(f.path("detail").asText())).append("</td></tr>");
        }
        b.append("</table>\n");
    }

    private static long[] longs(JsonNode a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asLong();
        }
        return out;
    }

    private static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }
}
