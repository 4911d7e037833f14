package io.stevedore.sim.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;

/** The terminal summary of a report. */
public final class TextSummary {
    private TextSummary() {
    }

    public static void print(PrintWriter out, JsonNode r) {
        JsonNode s = r.path("summary");
        JsonNode mi = s.path("managedInstances");
        out.printf("Simulation: %s, %s, %.1f simulated day(s), seed %d, %d reconciler ticks%n",
                r.path("workload").asText(), r.path("region").asText(), r.path("simulatedSeconds").asDouble() / 86400,
                r.path("seed").asLong(), r.path("engine").path("reconcilerTicks").asLong());
        out.println();
        out.printf("Managed Instances: $%s (EC2 $%s + management fee $%s), %d instance(s) launched,"
                        + " %s instance-hours, %d task(s) started%n", mi.path("cost").path("total").asText(),
                mi.path("cost").path("ec2").asText(), mi.path("cost").path("managementFee").asText(),
                mi.path("instancesLaunched").asInt(), mi.path("instanceHours").asText(), mi.path("tasksStarted").asInt());
        out.printf("  utilization: CPU %.1f%%, memory %.1f%% (allocated / provisioned)%n",
                100 * mi.path("utilization").path("cpu").asDouble(),
                100 * mi.path("utilization").path("memory").asDouble());
        JsonNode fg = s.path("fargate");
        if (!fg.isMissingNode()) {
            JsonNode c = fg.path("cost");
            out.printf("Fargate:           $%s (running $%s + billed start-up $%s + one-minute minimum $%s),"
                            + " %d task(s)%n", c.path("total").asText(), c.path("running").asText(),
                    c.path("billedStartup").asText(), c.path("minimumBilling").asText(), fg.path("tasks").asInt());
            for (JsonNode u : fg.path("unrunnable")) {
                out.printf("  cannot run on Fargate: %s (%d task(s)): %s%n", u.path("taskDefinition").asText(),
                        u.path("tasks").asInt(), u.path("reason").asText());
            }
            out.println(s.path("verdict").asText());
        }
        out.println();
        out.println("Start latency (s)          count      p50      p90      p99      max");
        JsonNode lat = r.path("startLatencySeconds");
        for (Iterator<Map.Entry<String, JsonNode>> it = lat.path("managedInstances").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            row(out, "MI " + e.getKey(), e.getValue());
        }
        if (lat.has("fargate")) {
            row(out, "Fargate", lat.path("fargate"));
        }
        row(out, "pending (to pull)", r.path("pendingSeconds"));
        JsonNode by = lat.path("byCapacityProvider");
        if (by.size() > 1) {
            out.println("by capacity provider:");
            for (Iterator<Map.Entry<String, JsonNode>> it = by.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                p.getValue().path("managedInstances").fields().forEachRemaining(e -> {
                    if (e.getValue().path("count").asInt() > 0) {
                        row(out, "  " + p.getKey() + " " + e.getKey(), e.getValue());
                    }
                });
                if (p.getValue().has("fargate")) {
                    row(out, "  " + p.getKey() + " Fargate", p.getValue().path("fargate"));
                    int cannot = p.getValue().path("fargateCannotRun").asInt();
                    if (cannot > 0) {
                        out.printf("  %s: Fargate cannot run %d of these tasks%n", p.getKey(), cannot);
                    }
                }
            }
        }
        out.println();
        StringBuilder d = new StringBuilder();
        r.path("disruptions").fields().forEachRemaining(e -> d.append(d.length() == 0 ? "" : ", ")
                .append(e.getKey()).append(' ').append(e.getValue().asInt()));
        out.println("Disruptions (tasks): " + d);
        JsonNode a = r.path("availability");
        out.printf("Service availability: %.3f%% (lowest sample %.1f%%)%n", 100 * a.path("overall").asDouble(),
                100 * a.path("lowestSample").asDouble());
        for (JsonNode g : r.path("autoScaling")) {
            out.printf("Service Auto Scaling %s: MI %d out / %d in, peak desired %d", g.path("service").asText(),
                    g.path("managedInstances").path("activities").path("scaleOut").asInt(),
                    g.path("managedInstances").path("activities").path("scaleIn").asInt(),
                    peak(g.path("managedInstances").path("desired")));
            if (g.has("fargate")) {
                out.printf("; Fargate %d out / %d in, peak desired %d",
                        g.path("fargate").path("activities").path("scaleOut").asInt(),
                        g.path("fargate").path("activities").path("scaleIn").asInt(),
                        peak(g.path("fargate").path("desired")));
            }
            out.println();
        }
        for (JsonNode f : r.path("faults")) {
            out.printf("Fault at %d s: %s: %s%n", f.path("atSeconds").asLong(), f.path("type").asText(),
                    f.path("detail").asText());
        }
    }

    private static int peak(JsonNode series) {
        int max = 0;
        for (JsonNode v : series) {
            max = Math.max(max, v.asInt());
        }
        return max;
    }

    private static void row(PrintWriter out, String label, JsonNode p) {
        if (p.path("count").asInt() == 0) {
            out.printf("%-24s %7d%n", label, 0);
            return;
        }
        out.printf("%-24s %7d %8.1f %8.1f %8.1f %8.1f%n", label, p.path("count").asInt(), p.path("p50").asDouble(),
                p.path("p90").asDouble(), p.path("p99").asDouble(), p.path("max").asDouble());
    }
}
