package io.stevedore.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.assembly.ControlPlane;
import io.stevedore.catalog.PriceBook;
import io.stevedore.control.state.PlaneConfig;
import io.stevedore.ecs.fargate.FargatePricing;
import io.stevedore.sim.workload.SimWorkload;
import io.stevedore.time.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Runs a workload on the real control plane ({@link ControlPlane}: the ECS operations, the reconciler, the
 * simulated EC2) on a {@link VirtualClock}. Discrete events: the clock jumps to the next workload event, the next
 * time the control plane has something due (task phase ends, instance boots, idle timers) or the heartbeat, on the
 * reconciler's own tick grid, and the reconciler ticks there; the control plane also says when its lifecycle next has
 * something to decide ({@link io.stevedore.control.Reconciler#nextCheckMillis}). Nothing else models the control
 * plane.
 */
public final class Simulator {
    /** Simulated time starts on a Monday, midnight UTC (weekly maintenance windows line up with weekdays). */
    public static final Instant EPOCH = Instant.parse("2026-01-05T00:00:00Z");
    private static final long RETRY_MILLIS = 10_000;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private record Event(long at, long seq, Runnable action) {
    }

    private final SimWorkload workload;
    private final SimOptions options;
    private final VirtualClock clock = new VirtualClock(EPOCH);
    private final ControlPlane plane;
    private final Setup setup;
    private final Recorder recorder;
    private final SimContext context;
    private final Faults faults;
    private final Scaling scaling;
    private final Map<String, SimWorkload.Provider> providers = new LinkedHashMap<>();
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private final Samples samples;
    private long seq;
    private long ticks;

    public Simulator(SimWorkload workload, SimOptions options) {
        this.workload = workload;
        this.options = options;
        workload.providers().forEach(p -> providers.put(p.name(), p));
        this.plane = ControlPlane.inMemory(new PlaneConfig(workload.region(), PlaneConfig.DEFAULT_ACCOUNT, 1,
                workload.quotas()), clock);
        // the plane's own price book: one load of each price file per run (the bill and the selection read the
        // same prices; a second PriceBook read the region's On-Demand and Spot documents again)
        PriceBook prices = plane.offerings().selector().prices();
        FargatePricing fargate = options.fargate() ? prices.fargate(workload.region()).map(FargatePricing::new)
                .orElse(null) : null;
        long total = options.duration().toMillis();
        long step = Math.max(60_000, (total / 720 + 59_999) / 60_000 * 60_000);
        int buckets = (int) ((total + step - 1) / step) + 1;
        this.context = new SimContext(plane, clock, workload, prices, fargate, EPOCH.toEpochMilli(), step, buckets,
                providers);
        this.recorder = new Recorder(context, options.seed());
        this.samples = new Samples(buckets, step);
        recorder.attach(plane.state());
        this.setup = new Setup(plane, workload);
        this.faults = new Faults(plane, recorder, new SplittableRandom(options.seed() * 31 + 7));
        this.scaling = new Scaling(plane, setup, options, buckets);
    }

    /** Runs to the end and returns the report (the JSON document; the HTML renders the same tree). */
    public JsonNode run(Progress progress) {
        long start = EPOCH.toEpochMilli();
        long end = start + options.duration().toMillis();
        setup.createAll();
        new Schedule(workload, options, setup, providers, recorder, faults, scaling).plan(this::at, start, end);
        long tick = plane.reconciler().timings().tick().toMillis();
        long heartbeat = options.heartbeat().toMillis();
        long now = start;
        runDue(now);
        tick();
        long nextSample = start;
        nextSample = sample(now, nextSample);
        while (true) {
            long next = Math.min(queue.isEmpty() ? Long.MAX_VALUE : queue.peek().at, recorder.nextDue(now,
                    RETRY_MILLIS));
            next = Math.min(next, plane.reconciler().nextFleetCheckMillis());
            next = Math.min(Math.min(next, now + heartbeat), nextSample);
            next = Math.max(now + tick, (next + tick - 1) / tick * tick);
            long scaling = plane.reconciler().nextAutoScalingMillis();
            scaling = scaling == Long.MAX_VALUE ? scaling : Math.max(now + tick, (scaling + tick - 1) / tick * tick);
            boolean scalingOnly = scaling < next; // only Service Auto Scaling has work at that tick
            next = Math.min(next, scaling);
            if (next > end) {
                break;
            }
            clock.set(Instant.ofEpochMilli(next));
            now = next;
            runDue(now);
            if (scalingOnly) {
                plane.reconciler().tickAutoScaling();
                ticks++;
            } else {
                tick();
            }
            if (now >= nextSample) {
                nextSample = sample(now, nextSample);
            }
            progress.at(now - start, end - start);
        }
        clock.set(Instant.ofEpochMilli(end));
        runDue(end);
        tick();
        while (nextSample <= end) {
            nextSample = sample(end, nextSample);
        }
        recorder.close(end);
        progress.at(end - start, end - start);
        JsonNode report = new ReportBuilder(workload, options, context, recorder, samples, faults, ticks).build();
        if (scaling.any()) {
            ((ObjectNode) report).set("autoScaling", scaling.report());
        }
        return report;
    }

    private void at(long time, Runnable action) {
        queue.add(new Event(time, seq++, action));
    }

    private void runDue(long now) {
        while (!queue.isEmpty() && queue.peek().at <= now) {
            queue.poll().action.run();
        }
    }

    private void tick() {
        plane.reconciler().tick();
        ticks++;
    }

    private long sample(long now, long nextSample) {
        long[] avail = recorder.availability();
        samples.record(recorder, avail);
        scaling.sample();
        return nextSample + context.step();
    }

    /** The control plane (tests look inside). */
    public ControlPlane plane() {
        return plane;
    }

    static ObjectNode object() {
        return JSON.objectNode();
    }

    static List<String> sorted(java.util.Collection<String> c) {
        List<String> out = new ArrayList<>(c);
        out.sort(null);
        return out;
    }

    static Duration duration(long millis) {
        return Duration.ofMillis(millis);
    }
}
