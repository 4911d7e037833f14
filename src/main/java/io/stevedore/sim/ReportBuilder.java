package io.stevedore.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.catalog.StartLatencyModel;
import io.stevedore.control.state.Timings;
import io.stevedore.ecs.fargate.FargateQuote;
import io.stevedore.sim.workload.SimWorkload;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report as one JSON document (the HTML report draws the same document). Deterministic: no wall-clock
 * time, maps in sorted or declared order, numbers rounded to fixed decimals.
 */
final class ReportBuilder {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private final SimWorkload workload;
    private final SimOptions options;
    private final SimContext ctx;
    private final Recorder r;
    private final Samples s;
    private final Faults faults;
    private final long ticks;

    ReportBuilder(SimWorkload workload, SimOptions options, SimContext ctx, Recorder r, Samples s, Faults faults,
                  long ticks) {
        this.workload = workload;
        this.options = options;
        this.ctx = ctx;
        this.r = r;
        this.s = s;
        this.faults = faults;
        this.ticks = ticks;
    }

    static BigDecimal round(double v, int decimals) {
        return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_EVEN);
    }

    JsonNode build() {
        ObjectNode root = JSON.objectNode();
        root.put("report", "stevedore simulation").put("version", 1).put("workload", workload.name())
                .put("region", workload.region()).put("seed", options.seed())
                .put("simulatedSeconds", options.duration().toSeconds()).put("simulatedStart",
                        Simulator.EPOCH.toString()).put("sampleSeconds", ctx.step() / 1000);
        root.putObject("engine").put("reconcilerTicks", ticks).put("tickSeconds", round(ctx.clock() == null ? 0
                : 0.5, 3));
        ObjectNode summary = root.putObject("summary");
        double ec2 = sum(r.miEc2);
        double fee = sum(r.miFee);
        ObjectNode mi = summary.putObject("managedInstances");
        mi.putObject("cost").put("ec2", round(ec2, 4)).put("managementFee", round(fee, 4))
                .put("total", round(ec2 + fee, 4));
        mi.put("instancesLaunched", r.instances().size()).put("instanceHours", round(instanceHours(), 2))
                .put("tasksStarted", r.tasksStarted);
        mi.putObject("utilization").put("cpu", round(ratio(s.cpuAllocated, s.cpuProvisioned), 4))
                .put("memory", round(ratio(s.memoryAllocated, s.memoryProvisioned), 4));
        if (ctx.fargate() != null) {
            double fg = r.fargateRunning + r.fargateStartup + r.fargateMinimum;
            ObjectNode f = summary.putObject("fargate");
            f.putObject("cost").put("total", round(fg, 4)).put("running", round(r.fargateRunning, 4))
                    .put("billedStartup", round(r.fargateStartup, 4))
                    .put("minimumBilling", round(r.fargateMinimum, 4));
            f.put("tasks", r.fargateTasks);
            ArrayNode un = f.putArray("unrunnable");
            r.fargateByDefinition.forEach((arn, v) -> {
                if (v.quote() instanceof FargateQuote.Unrunnable u) {
                    un.addObject().put("taskDefinition", v.family()).put("tasks", r.unrunnableTasks
                            .getOrDefault(v.family(), 0)).put("reason", u.reason());
                }
            });
            ArrayNode sizes = f.putArray("sizes");
            r.fargateByDefinition.forEach((arn, v) -> {
                if (v.quote() instanceof FargateQuote.Runs run) {
                    sizes.addObject().put("taskDefinition", v.family()).put("cpu", run.size().cpu())
                            .put("memoryMiB", run.size().memoryMiB()).put("spot", run.spot())
                            .put("perHour", round(run.perHour(), 6));
                }
            });
            summary.put("verdict", verdict(ec2 + fee, fg, un.size() > 0));
        }
        root.set("series", series());
        root.set("startLatencySeconds", latency());
        root.set("pendingSeconds", stats(r.pendingTime));
        ObjectNode stops = root.putObject("taskStops");
        ObjectNode disruptions = root.putObject("disruptions");
        for (StopCause c : StopCause.values()) {
            int n = r.stops.getOrDefault(c, 0);
            stops.put(c.label(), n);
            if (c.disruption()) {
                disruptions.put(c.label(), n);
            }
        }
        Map<String, Integer> ends = new TreeMap<>();
        r.instances().values().forEach(l -> ends.merge(l.endCause == null ? "running" : l.endCause, 1,
                Integer::sum));
        ObjectNode ie = root.putObject("instanceEnds");
        ends.forEach(ie::put);
        root.set("availability", availability());
        root.set("faults", faults.log());
        root.set("assumptions", assumptions());
        return root;
    }

    /**
     * The comparison of the two bills. A verdict compares the same work: when Fargate cannot run some of the tasks its
     * bill leaves them out, so Fargate is never called cheaper then (Managed Instances may still be, as it ran more
     * for less).
     */
    private String verdict(double mi, double fg, boolean unrunnable) {
        double ratio = Math.min(mi, fg) > 0 ? Math.max(mi, fg) / Math.min(mi, fg) : 0;
        StringBuilder b;
        if (unrunnable && mi > fg) {
            int left = r.unrunnableTasks.values().stream().mapToInt(Integer::intValue).sum();
            List<String> why = new ArrayList<>();
            r.fargateByDefinition.forEach((arn, v) -> {
                if (v.quote() instanceof FargateQuote.Unrunnable u) {
                    why.add(v.family() + " (" + r.unrunnableTasks.getOrDefault(v.family(), 0) + "): " + u.reason());
                }
            });
            b = new StringBuilder(String.format(Locale.ROOT, "No like-for-like verdict: Fargate cannot run %d of the"
                    + " workload's tasks (%s), so its $%.2f bills only the part it can run, while Managed Instances"
                    + " ran all of them for $%.2f.", left, String.join("; ", why), fg, mi));
        } else {
            String cheaper = mi <= fg ? "Managed Instances" : "Fargate";
            b = new StringBuilder(String.format(Locale.ROOT,
                    "%s is cheaper: Managed Instances $%.2f vs Fargate $%.2f (%.2fx).", cheaper, mi, fg, ratio));
        }
        double fgTotal = r.fargateRunning + r.fargateStartup + r.fargateMinimum;
        if (fgTotal > 0) {
            b.append(String.format(Locale.ROOT, " Of Fargate's bill, %.0f%% is the one-minute minimum and %.0f%% the"
                    + " billed start-up (image pull without a cache).", 100 * r.fargateMinimum / fgTotal,
                    100 * r.fargateStartup / fgTotal));
        }
        b.append(String.format(Locale.ROOT, " Managed Instances used %.0f%% of the provisioned CPU.",
                100 * ratio(s.cpuAllocated, s.cpuProvisioned)));
        if (unrunnable && mi <= fg) {
            b.append(" Fargate's total leaves out the tasks it cannot run (listed).");
        }
        return b.toString();
    }

    private double instanceHours() {
        double h = 0;
        for (Recorder.LaunchedInstance l : r.instances().values()) {
            h += (l.ended - l.launched) / 3_600_000.0;
        }
        return h;
    }

    private static double sum(Series x) {
        double t = 0;
        for (int i = 0; i < x.size(); i++) {
            t += x.get(i);
        }
        return t;
    }

    private double ratio(long[] a, long[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < s.count; i++) {
            num += a[i];
            den += b[i];
        }
        return den == 0 ? 0 : num / den;
    }

    private ObjectNode series() {
        ObjectNode out = JSON.objectNode();
        ArrayNode t = out.putArray("t");
        for (int i = 0; i < s.count; i++) {
            t.add(i * s.step / 1000);
        }
        ObjectNode fleet = out.putObject("fleetByType");
        s.fleetByType.forEach((type, v) -> ints(fleet.putArray(type), v));
        ObjectNode cpu = out.putObject("cpu");
        longs(cpu.putArray("allocated"), s.cpuAllocated);
        longs(cpu.putArray("provisioned"), s.cpuProvisioned);
        ObjectNode mem = out.putObject("memoryMiB");
        longs(mem.putArray("allocated"), s.memoryAllocated);
        longs(mem.putArray("provisioned"), s.memoryProvisioned);
        ObjectNode cost = out.putObject("costCumulative");
        double[] e = r.miEc2.cumulative();
        double[] f = r.miFee.cumulative();
        ArrayNode miCost = cost.putArray("managedInstances");
        for (int i = 0; i < s.count; i++) {
            miCost.add(round(e[i] + f[i], 4));
        }
        if (ctx.fargate() != null) {
            double[] g = r.fargateCost.cumulative();
            ArrayNode fc = cost.putArray("fargate");
            for (int i = 0; i < s.count; i++) {
                fc.add(round(g[i], 4));
            }
        }
        ints(out.putArray("pendingTasks"), s.pending);
        ints(out.putArray("runningTasks"), s.running);
        ArrayNode av = out.putArray("availability");
        for (int i = 0; i < s.count; i++) {
            av.add(round(s.desired[i] == 0 ? 1 : (double) s.up[i] / s.desired[i], 4));
        }
        longs(out.putArray("servicesBelowDesired"), s.servicesBelow);
        return out;
    }

    private void ints(ArrayNode a, int[] v) {
        for (int i = 0; i < s.count; i++) {
            a.add(v[i]);
        }
    }

    private void longs(ArrayNode a, long[] v) {
        for (int i = 0; i < s.count; i++) {
            a.add(v[i]);
        }
    }

    private ObjectNode latency() {
        ObjectNode out = JSON.objectNode();
        ObjectNode mi = out.putObject("managedInstances");
        r.latency.forEach((k, p) -> mi.set(k, stats(p)));
        if (ctx.fargate() != null) {
            out.set("fargate", stats(r.fargateLatency));
        }
        ObjectNode by = out.putObject("byCapacityProvider");
        r.latencyByProvider.forEach((provider, kinds) -> {
            ObjectNode p = by.putObject(provider);
            ObjectNode m = p.putObject("managedInstances");
            kinds.forEach((k, v) -> m.set(k, stats(v)));
            if (ctx.fargate() != null) {
                p.set("fargate", stats(r.fargateLatencyByProvider.getOrDefault(provider, new Percentiles())));
                p.put("fargateCannotRun", r.fargateCannotStartByProvider.getOrDefault(provider, 0));
            }
        });
        out.put("definition", "created → RUNNING (the control plane's task timestamps). newInstance: the task waited"
                + " for a new instance (launch, boot, full image pull); coldPull: a running instance without the image"
                + " cached (full pull); warm: a running instance with the image cached (tag check only). Fargate:"
                + " the assumed start latency of the tasks Fargate can run (no image cache)");
        return out;
    }

    static ObjectNode stats(Percentiles p) {
        ObjectNode o = JSON.objectNode().put("count", p.count());
        if (p.count() > 0) {
            for (double q : new double[] {50, 90, 99}) {
                o.put("p" + (int) q, round(p.percentile(q) / 1000.0, 3));
            }
            o.put("max", round(p.percentile(100) / 1000.0, 3)).put("mean", round(p.mean() / 1000.0, 3));
        }
        return o;
    }

    private ObjectNode availability() {
        double desired = 0;
        double up = 0;
        double min = 1;
        long below = 0;
        // the first sample is taken the instant the services are created: every service is below its count then
        for (int i = s.count > 1 ? 1 : 0; i < s.count; i++) {
            desired += s.desired[i];
            up += s.up[i];
            below += s.servicesBelow[i];
            if (s.desired[i] > 0) {
                min = Math.min(min, (double) s.up[i] / s.desired[i]);
            }
        }
        return JSON.objectNode().put("overall", round(desired == 0 ? 1 : up / desired, 5))
                .put("lowestSample", round(min, 4)).put("serviceSamplesBelowDesired", below)
                .put("definition", "running tasks (capped at desired) / desired tasks over all services, sampled"
                        + " every " + ctx.step() / 1000 + " s from the first step on");
    }

    private ObjectNode assumptions() {
        ObjectNode a = JSON.objectNode();
        SimWorkload.FargateAssumptions f = workload.fargate();
        a.putObject("fargate").put("startLatencySecondsMin", f.startLatencyMin().toSeconds())
                .put("startLatencySecondsMax", f.startLatencyMax().toSeconds())
                .put("billedStartupSeconds", f.billedStartup().toSeconds())
                .put("billing", "per second from the image download, one-minute minimum; size rounded up to a valid"
                        + " Fargate cpu/memory combination; Fargate Spot at the price data's estimated discount")
                .put("source", "fact sheet §5 (30–60 s typical, no image cache) and §6.2 (rates, billing)");
        a.putObject("managedInstances").put("billing", "EC2 (On-Demand, or the Spot estimate) plus the management"
                + " fee, per second with a one-minute minimum, from launch to termination")
                .put("source", "fact sheet §6.1; start latency is the control plane's own task timestamps");
        Timings t = ctx.timings();
        StartLatencyModel m = t.startup();
        a.with("managedInstances").putObject("startLatencyModel")
                .put("bootSeconds", m.boot().toMillis() / 1000.0)
                .put("gpuBootExtraSeconds", m.gpuBoot().toMillis() / 1000.0)
                .put("bareMetalBootExtraSeconds", m.metalBoot().toMillis() / 1000.0)
                .put("bootExtraSecondsPerMemoryDoubling", m.bootPerMemoryDoubling().toMillis() / 1000.0)
                .put("largeMemoryGiB", m.largeMemoryMiB() / 1024)
                .put("eniAttachSeconds", t.eniAttach().toMillis() / 1000.0)
                .put("fullPullFixedSeconds", m.fullPullFixed().toMillis() / 1000.0)
                .put("pullMBps", "min(the type's baseline network bandwidth, " + round(m.extractBytesPerSecond() / 1e6, 1)
                        + " MB/s layer extraction)")
                .put("cachedPullSeconds", m.cachedPullCheck().toMillis() / 1000.0)
                .put("defaultImageMiB", m.defaultImageBytes() / StartLatencyModel.MIB)
                .put("containerStartSeconds", t.containerStart().toMillis() / 1000.0)
                .put("imageCacheMinutes", StartLatencyModel.IMAGE_CACHE_LIFE.toMinutes())
                .put("source", "docs/decisions.md \"Start latency model\": calibrated to a measured ~41 s cold start"
                        + " (c6g.large), the AWS Bites podcast's 3–4 minutes for fresh GPU capacity and the re:Invent"
                        + " 2025 summary's ~3× faster warm start; image size from the "
                        + io.stevedore.ecs.ImageSizes.LABEL + " docker label (workload: imageSize)");
        return a;
    }
}
