package io.stevedore.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.api.auth.RawClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * An open-loop API load generator (run in its own process): reads (DescribeTasks / ListTasks, alternating) and
 * writes (RunTask / StopTask, alternating) are started on a fixed schedule at the given rates whatever the server
 * answers, with at most {@code --concurrency} calls in flight (a call that finds no free slot is counted as not
 * sent). Latency is measured from the scheduled start (no coordinated omission). Every call is SigV4-signed with
 * test/test. Prints one JSON object with the figures.
 *
 * <p>{@code --endpoint URL --seconds N --read-rate R --write-rate W --concurrency C --label NAME --subnet ID}
 */
public final class LoadMain {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLUSTER = "load";

    private final URI endpoint;
    private final HttpClient http;
    private final Semaphore slots;
    private final Recorder reads = new Recorder();
    private final Recorder writes = new Recorder();
    private final ConcurrentLinkedQueue<String> running = new ConcurrentLinkedQueue<>();
    private final LongAdder notSent = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final AtomicLong readSeq = new AtomicLong();
    private final AtomicLong writeSeq = new AtomicLong();
    private String taskDefinition;
    private List<String> subnets = List.of("subnet-00000000");
    private String securityGroup;

    LoadMain(URI endpoint, int concurrency) {
        this.endpoint = endpoint;
        this.slots = new Semaphore(concurrency);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4, r -> {
                    Thread t = new Thread(r, "load-client");
                    t.setDaemon(true);
                    return t;
                })).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Latencies (µs) of one class of calls. */
    static final class Recorder {
        final ConcurrentLinkedQueue<Long> micros = new ConcurrentLinkedQueue<>();
        final LongAdder ok = new LongAdder();
        final LongAdder failed = new LongAdder();

        Map<String, Object> summary() {
            long[] v = micros.stream().mapToLong(Long::longValue).sorted().toArray();
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("completed", v.length);
            m.put("ok", ok.sum());
            m.put("errors", failed.sum());
            m.put("p50_ms", pct(v, 0.50));
            m.put("p99_ms", pct(v, 0.99));
            m.put("max_ms", v.length == 0 ? 0 : v[v.length - 1] / 1000.0);
            return m;
        }

        static double pct(long[] sorted, double p) {
            if (sorted.length == 0) {
                return 0;
            }
            int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
            return sorted[Math.max(0, i)] / 1000.0;
        }
    }

    String call(String operation, String body) throws Exception {
        HttpResponse<String> r = http.send(request(operation, body), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(operation + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    HttpRequest request(String operation, String body) {
        SdkHttpRequest signed = RawClient.sign(endpoint, Map.of("X-Amz-Target", RawClient.ECS_TARGET + operation,
                "Content-Type", "application/x-amz-json-1.1"), body, RawClient.Signing.ecs("test", "test"));
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        signed.headers().forEach((k, vs) -> {
            if (!k.equalsIgnoreCase("host") && !k.equalsIgnoreCase("content-length")) {
                vs.forEach(v -> b.header(k, v));
            }
        });
        return b.build();
    }

    /** A cluster and a Fargate task definition (what both Stevedore and moto run without container instances). */
    void setup() throws Exception {
        call("CreateCluster", "{\"clusterName\":\"" + CLUSTER + "\"}");
        JsonNode td = JSON.readTree(call("RegisterTaskDefinition", "{\"family\":\"load\",\"networkMode\":\"awsvpc\","
                + "\"requiresCompatibilities\":[\"FARGATE\"],\"cpu\":\"256\",\"memory\":\"512\","
                + "\"containerDefinitions\":[{\"name\":\"app\",\"image\":\"public.ecr.aws/nginx/nginx:latest\","
                + "\"essential\":true,\"cpu\":256,\"memory\":512}]}"));
        taskDefinition = td.path("taskDefinition").path("taskDefinitionArn").asText();
        for (int i = 0; i < 20; i++) {
            runTask();
        }
    }

    private String awsvpc() throws Exception {
        return "{\"subnets\":" + JSON.writeValueAsString(subnets) + (securityGroup == null ? ""
                : ",\"securityGroups\":[\"" + securityGroup + "\"]") + "}";
    }

    void runTask() throws Exception {
        String body = "{\"cluster\":\"" + CLUSTER + "\",\"taskDefinition\":\"" + taskDefinition + "\","
                + "\"launchType\":\"FARGATE\",\"count\":1,\"networkConfiguration\":{\"awsvpcConfiguration\":"
                + awsvpc() + "}}";
        JsonNode r = JSON.readTree(call("RunTask", body));
        r.path("tasks").forEach(t -> running.add(t.path("taskArn").asText()));
    }

    private static final class Call {
        final String operation;
        final String body;

        Call(String operation, String body) {
            this.operation = operation;
            this.body = body;
        }
    }

    Call nextRead() {
        long n = readSeq.incrementAndGet();
        if (n % 2 == 0 || running.isEmpty()) {
            return new Call("ListTasks", "{\"cluster\":\"" + CLUSTER + "\",\"maxResults\":10}");
        }
        List<String> arns = new ArrayList<>();
        for (String a : running) {
            arns.add(a);
            if (arns.size() == 5) {
                break;
            }
        }
        try {
            return new Call("DescribeTasks", "{\"cluster\":\"" + CLUSTER + "\",\"tasks\":"
                    + JSON.writeValueAsString(arns) + "}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Call nextWrite() {
        long n = writeSeq.incrementAndGet();
        String arn = n % 2 == 0 ? running.poll() : null;
        try {
            if (arn != null) {
                return new Call("StopTask", "{\"cluster\":\"" + CLUSTER + "\",\"task\":\"" + arn
                        + "\",\"reason\":\"load\"}");
            }
            return new Call("RunTask", "{\"cluster\":\"" + CLUSTER + "\",\"taskDefinition\":\"" + taskDefinition
                    + "\",\"launchType\":\"FARGATE\",\"count\":1,\"networkConfiguration\":{\"awsvpcConfiguration\":"
                    + awsvpc() + "}}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void fire(Call c, Recorder rec, long scheduledNanos) {
        if (!slots.tryAcquire()) {
            notSent.increment();
            return;
        }
        http.sendAsync(request(c.operation, c.body), HttpResponse.BodyHandlers.ofString()).whenComplete((r, t) -> {
            slots.release();
            rec.micros.add((System.nanoTime() - scheduledNanos) / 1000);
            if (t != null) {
                rec.failed.increment();
                errors.computeIfAbsent(c.operation + " " + t.getClass().getSimpleName(), k -> new LongAdder())
                        .increment();
            } else if (r.statusCode() != 200) {
                rec.failed.increment();
                String type = r.headers().firstValue("x-amzn-ErrorType").orElse("HTTP " + r.statusCode());
                errors.computeIfAbsent(c.operation + " " + type, k -> new LongAdder()).increment();
            } else {
                rec.ok.increment();
                if ("RunTask".equals(c.operation)) {
                    try {
                        JSON.readTree(r.body()).path("tasks").forEach(x -> running.add(x.path("taskArn").asText()));
                    } catch (Exception ignored) {
                        // counted as ok: the server answered 200
                    }
                }
            }
        });
    }

    /** Runs the schedule for {@code seconds}; both streams share one pacing loop at 1 ms resolution. */
    void run(int seconds, double readRate, double writeRate) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long reads = 0;
        long writes = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            double elapsed = (now - start) / 1e9;
            while (reads < (long) (elapsed * readRate)) {
                fire(nextRead(), this.reads, start + (long) (reads * 1e9 / readRate));
                reads++;
            }
            while (writes < (long) (elapsed * writeRate)) {
                fire(nextWrite(), this.writes, start + (long) (writes * 1e9 / writeRate));
                writes++;
            }
            Thread.sleep(0, 500_000);
        }
        long drainUntil = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < drainUntil && inFlight() > 0) {
            Thread.sleep(10);
        }
        scheduledReads = reads;
        scheduledWrites = writes;
    }

    private long scheduledReads;
    private long scheduledWrites;
    private int concurrency;

    private int inFlight() {
        return concurrency - slots.availablePermits();
    }

    public static void main(String[] args) throws Exception {
        String endpoint = "http://127.0.0.1:8080";
        int seconds = 60;
        double readRate = 2000;
        double writeRate = 200;
        int concurrency = 256;
        String label = "server";
        String subnet = null;
        String securityGroup = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--endpoint" -> endpoint = args[++i];
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--read-rate" -> readRate = Double.parseDouble(args[++i]);
                case "--write-rate" -> writeRate = Double.parseDouble(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--label" -> label = args[++i];
                case "--subnet" -> subnet = args[++i];
                case "--security-group" -> securityGroup = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        try {
            run(endpoint, seconds, readRate, writeRate, concurrency, label, subnet, securityGroup);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String endpoint, int seconds, double readRate, double writeRate, int concurrency,
                            String label, String subnet, String securityGroup) throws Exception {
        LoadMain load = new LoadMain(URI.create(endpoint), concurrency);
        load.concurrency = concurrency;
        if (subnet != null) {
            load.subnets = List.of(subnet);
        }
        load.securityGroup = securityGroup;
        load.setup();
        load.run(seconds, readRate, writeRate);
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("label", label);
        out.put("seconds", seconds);
        out.put("target_read_rate", readRate);
        out.put("target_write_rate", writeRate);
        out.put("concurrency", concurrency);
        out.put("scheduled_reads", load.scheduledReads);
        out.put("scheduled_writes", load.scheduledWrites);
        out.put("not_sent", load.notSent.sum());
        out.put("reads", load.reads.summary());
        out.put("writes", load.writes.summary());
        out.put("achieved_ok_per_s", String.format(Locale.ROOT, "%.0f",
                (load.reads.ok.sum() + load.writes.ok.sum()) / (double) seconds));
        Map<String, Long> errs = new java.util.TreeMap<>();
        load.errors.forEach((k, v) -> errs.put(k, v.sum()));
        out.put("errors", errs);
        System.out.println(JSON.writeValueAsString(out));
        System.exit(0);
    }
}
