package io.stevedore.bench.logs;

import io.stevedore.api.ApiServer;
import io.stevedore.api.auth.RawClient;
import io.stevedore.assembly.ControlPlane;
import io.stevedore.bench.BenchSection;
import io.stevedore.control.state.PlaneConfig;
import io.stevedore.store.LogStore;
import io.stevedore.time.Clock;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * CloudWatch Logs ingestion (docs/benchmarks.md "CloudWatch Logs ingestion"): C containers, each with its own log
 * stream, call PutLogEvents back to back (B events of M bytes per call) for S seconds, first straight into the
 * {@link LogStore} (the store's cost: one durable SQLite commit per call), then as SigV4-signed HTTP calls to a
 * real server on loopback (edge, model validation, store). Prints calls/s, events/s, MB/s, latency percentiles and
 * the process CPU time per call.
 *
 * <p>{@code --containers C (16) --seconds S (10) --warmup W (3) --batch B (10) --message-bytes M (120)
 * --write FILE}
 */
public final class LogsBench {
    private record Result(String what, long calls, double seconds, int batch, int bytes, long[] micros,
                          double cpuSeconds) {
        double callsPerSecond() {
            return calls / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int containers = Integer.parseInt(o.getOrDefault("containers", "16"));
        int seconds = Integer.parseInt(o.getOrDefault("seconds", "10"));
        int batch = Integer.parseInt(o.getOrDefault("batch", "10"));
        int bytes = Integer.parseInt(o.getOrDefault("message-bytes", "120"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "3"));
        BenchSection section = new BenchSection("## CloudWatch Logs ingestion");
        String message = "x".repeat(bytes);
        Path dir = Files.createTempDirectory("logs-bench");

        Result store;
        try (LogStore s = LogStore.sqlite(dir.resolve("direct.db"), LogStore.Limits.DEFAULT)) {
            long[] streams = new long[containers];
            s.createGroup("bench", 0, "STANDARD", null, Map.of());
            for (int i = 0; i < containers; i++) {
                s.createStream("bench", "c" + i, 0);
                streams[i] = s.stream("bench", "c" + i).orElseThrow().id();
            }
            Call append = i -> {
                List<LogStore.Input> events = new ArrayList<>(batch);
                long now = System.currentTimeMillis();
                for (int e = 0; e < batch; e++) {
                    events.add(new LogStore.Input(now, message));
                }
                s.append(streams[i], events, now);
            };
            run("warm-up", containers, warmup, batch, bytes, append);
            store = run("LogStore.append (no HTTP)", containers, seconds, batch, bytes, append);
        }

        Result http;
        try (ControlPlane plane = ControlPlane.open(dir.resolve("serve"), PlaneConfig.defaults(), Clock.system());
             ApiServer server = new ApiServer(plane, "127.0.0.1", 0)) {
            server.start();
            URI endpoint = URI.create("http://127.0.0.1:" + server.port());
            call(endpoint, "CreateLogGroup", "{\"logGroupName\":\"bench\"}");
            for (int i = 0; i < containers; i++) {
                call(endpoint, "CreateLogStream", "{\"logGroupName\":\"bench\",\"logStreamName\":\"c" + i + "\"}");
            }
            Call put = i -> {
                StringBuilder body = new StringBuilder("{\"logGroupName\":\"bench\",\"logStreamName\":\"c" + i
                        + "\",\"logEvents\":[");
                long now = System.currentTimeMillis();
                for (int e = 0; e < batch; e++) {
                    body.append(e == 0 ? "" : ",").append("{\"timestamp\":").append(now).append(",\"message\":\"")
                            .append(message).append("\"}");
                }
                call(endpoint, "PutLogEvents", body.append("]}").toString());
            };
            run("warm-up", containers, warmup, batch, bytes, put);
            http = run("PutLogEvents over HTTP (signed)", containers, seconds, batch, bytes, put);
        }

        section.line("CloudWatch Logs ingestion: %d containers, each with its own log stream, call PutLogEvents back"
                + " to back for %d s (after a %d s warm-up); %d events of %d bytes per call. SQLite data directory on the machine's disk"
                + " (WAL, synchronous=FULL: each acknowledged call is on disk). Appends that arrive while one commits are"
                + " committed together (group commit).", containers, seconds, warmup, batch, bytes)
                .line("")
                .provenance("bench/logs " + String.join(" ", args))
                .line("")
                .line("| path | calls/s | events/s | MB/s of messages | p50 ms | p99 ms | CPU ms per call |")
                .line("|---|---:|---:|---:|---:|---:|---:|");
        for (Result r : List.of(store, http)) {
            long[] v = r.micros();
            Arrays.sort(v);
            section.line("| %s | %.0f | %.0f | %.2f | %.2f | %.2f | %.3f |", r.what(), r.callsPerSecond(),
                    r.callsPerSecond() * r.batch(), r.callsPerSecond() * r.batch() * r.bytes() / 1e6,
                    pct(v, 0.5) / 1e3, pct(v, 0.99) / 1e3, r.cpuSeconds() * 1e3 / r.calls());
        }
        section.line("")
                .line("CPU is the whole process's (client threads and signing included) divided by the calls; the"
                        + " machine is shared, so compare the two rows with each other rather than with other runs.");
        System.out.println(section.text());
        if (o.containsKey("write")) {
            section.write(Path.of(o.get("write")));
        }
    }

    @FunctionalInterface
    private interface Call {
        void run(int container) throws Exception;
    }

    private static Result run(String what, int containers, int seconds, int batch, int bytes, Call call)
            throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        LongAdder calls = new LongAdder();
        ConcurrentLinkedQueue<Long> micros = new ConcurrentLinkedQueue<>();
        double cpu0 = cpuSeconds();
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < containers; i++) {
            int c = i;
            Thread thread = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        long s = System.nanoTime();
                        call.run(c);
                        micros.add((System.nanoTime() - s) / 1000);
                        calls.increment();
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }, "container-" + c);
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(what + " failed", failures.get(0));
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        return new Result(what, calls.sum(), elapsed, batch, bytes,
                micros.stream().mapToLong(Long::longValue).toArray(), cpuSeconds() - cpu0);
    }

    private static void call(URI endpoint, String op, String body) throws Exception {
        var req = RawClient.sign(endpoint, Map.of("X-Amz-Target", "Logs_20140328." + op,
                "Content-Type", "application/x-amz-json-1.1"), body,
                new RawClient.Signing("test", "test", "us-east-1", "logs", Instant.now()));
        RawClient.Response r = RawClient.send(req, body);
        if (r.status() != 200) {
            throw new IllegalStateException(op + ": " + r.status() + " " + r.body());
        }
    }

    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        return o;
    }
}
