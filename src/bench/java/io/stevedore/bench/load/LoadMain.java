package io.stevedore.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.api.auth.RawClient;
import io.stevedore.api.auth.SigV4;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An open-loop API load generator (run in its own process): reads (DescribeTasks / ListTasks, alternating) and
 * writes (RunTask / StopTask, alternating) are started on a fixed schedule at the given rates whatever the server
 * answers, with at most {@code --concurrency} calls in flight (a call that finds no free slot is counted as not
 * sent). Latency is measured from the scheduled start (no coordinated omission). Every call is SigV4-signed with
 * test/test (by {@link #request}, cheaply: the generator shares the machine with the server it measures). Prints
 * one JSON object with the figures.
 *
 * <p>{@code --endpoint URL --seconds N --warmup N --read-rate R --write-rate W --concurrency C --label NAME
 * --subnet ID}. {@code --warmup N} first runs the same schedule for N seconds and forgets its figures (a JVM server
 * compiles its hot paths then; moto gets the same warm-up), so the figures are of the sustained load.
 */
public final class LoadMain {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLUSTER = "load";

    private final URI endpoint;
    private final String host;
    private final LoadClient http;
    private final Semaphore slots;
    private Recorder reads = new Recorder();
    private Recorder writes = new Recorder();
    private final ConcurrentLinkedQueue<String> running = new ConcurrentLinkedQueue<>();
    private LongAdder notSent = new LongAdder();
    private Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final AtomicLong readSeq = new AtomicLong();
    private final AtomicLong writeSeq = new AtomicLong();
    private String taskDefinition;
    List<String> subnets = List.of("subnet-00000000");
    private String securityGroup;

    LoadMain(URI endpoint, int concurrency) throws java.io.IOException {
        this.endpoint = endpoint;
        this.slots = new Semaphore(concurrency);
        this.http = new LoadClient(endpoint);
        this.host = http.host();
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
        java.util.concurrent.CompletableFuture<String> answer = new java.util.concurrent.CompletableFuture<>();
        http.send(request(operation, body), (status, type, bytes, error) -> {
            if (error != null) {
                answer.completeExceptionally(error);
            } else if (status != 200) {
                answer.completeExceptionally(new IllegalStateException(operation + " answered " + status + ": "
                        + new String(bytes, StandardCharsets.UTF_8)));
            } else {
                answer.complete(new String(bytes, StandardCharsets.UTF_8));
            }
        });
        return answer.get();
    }

    private static final java.time.format.DateTimeFormatter AMZ_DATE =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC);
    private static final String SIGNED_HEADERS = "content-type;host;x-amz-date;x-amz-target";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    /** The date key of the signing key (it changes once a day) and the key itself. */
    private volatile String keyDate = "";
    private volatile byte[] signingKey;
    /** The x-amz-date of the current second: formatted once per second, not per call. */
    private volatile long dateSecond = -1;
    private volatile String amzDate;

    /**
     * A SigV4-signed request (written from the published signing process with {@link SigV4}'s functions; the
     * server verifies it in full): the signing key is derived once a day and the date formatted once a second, so
     * a call costs two SHA-256 digests and one HMAC instead of the SDK signer's request objects.
     */
    byte[] request(String operation, String body) {
        long second = System.currentTimeMillis() / 1000;
        String date = amzDate;
        if (second != dateSecond) {
            date = AMZ_DATE.format(java.time.Instant.ofEpochSecond(second));
            amzDate = date;
            dateSecond = second;
        }
        String day = date.substring(0, 8);
        byte[] key = signingKey;
        if (!day.equals(keyDate)) {
            key = SigV4.signingKey("test", day, "us-east-1", "ecs");
            signingKey = key;
            keyDate = day;
        }
        String target = RawClient.ECS_TARGET + operation;
        String canonical = "POST\n/\n\ncontent-type:" + CONTENT_TYPE + "\nhost:" + host + "\nx-amz-date:" + date
                + "\nx-amz-target:" + target + "\n\n" + SIGNED_HEADERS + "\n"
                + SigV4.sha256Hex(body.getBytes(StandardCharsets.UTF_8));
        String scope = day + "/us-east-1/ecs/aws4_request";
        String signature = SigV4.signature(key, SigV4.stringToSign(date, scope, canonical));
        return LoadClient.post(host, List.of("Content-Type", CONTENT_TYPE, "X-Amz-Target", target,
                "X-Amz-Date", date, "Authorization", SigV4.ALGORITHM + " Credential=test/" + scope
                        + ", SignedHeaders=" + SIGNED_HEADERS + ", Signature=" + signature),
                body.getBytes(StandardCharsets.UTF_8));
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
        http.send(request(c.operation, c.body), (status, type, body, t) -> {
            slots.release();
            rec.micros.add((System.nanoTime() - scheduledNanos) / 1000);
            if (t != null) {
                rec.failed.increment();
                errors.computeIfAbsent(c.operation + " " + t.getClass().getSimpleName(), k -> new LongAdder())
                        .increment();
            } else if (status != 200) {
                rec.failed.increment();
                errors.computeIfAbsent(c.operation + " " + (type == null ? "HTTP " + status : type),
                        k -> new LongAdder()).increment();
            } else {
                rec.ok.increment();
                if ("RunTask".equals(c.operation)) {
                    try {
                        JSON.readTree(body).path("tasks").forEach(x -> running.add(x.path("taskArn").asText()));
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

    /**
     * Capacity: a closed loop that keeps {@code inFlight} calls going for {@code seconds}, each answer starting the
     * next call at once, in the open loop's mix (one write for every {@code readsPerWrite} reads). What a server
     * answers then is what it can answer on this machine with the generator beside it, whatever rate the open loop
     * offered. Latency is measured from each call's send. Returns the figures.
     */
    Map<String, Object> capacity(int seconds, int inFlight, long readsPerWrite) throws InterruptedException {
        Recorder capReads = new Recorder();
        Recorder capWrites = new Recorder();
        Map<String, LongAdder> capErrors = new ConcurrentHashMap<>();
        AtomicLong seq = new AtomicLong();
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(inFlight);
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        class Loop {
            void next() {
                if (System.nanoTime() >= end) {
                    stopped.countDown();
                    return;
                }
                boolean write = seq.getAndIncrement() % (readsPerWrite + 1) == readsPerWrite;
                Call c = write ? nextWrite() : nextRead();
                Recorder rec = write ? capWrites : capReads;
                long sent = System.nanoTime();
                http.send(request(c.operation, c.body), (status, type, body, t) -> {
                    rec.micros.add((System.nanoTime() - sent) / 1000);
                    if (t != null || status != 200) {
                        rec.failed.increment();
                        capErrors.computeIfAbsent(c.operation + " " + (t != null ? t.getClass().getSimpleName()
                                : type == null ? "HTTP " + status : type), k -> new LongAdder()).increment();
                    } else {
                        rec.ok.increment();
                        if ("RunTask".equals(c.operation)) {
                            try {
                                JSON.readTree(body).path("tasks").forEach(x -> running.add(x.path("taskArn")
                                        .asText()));
                            } catch (Exception ignored) {
                                // counted as ok: the server answered 200
                            }
                        }
                    }
                    next();
                });
            }
        }
        Loop loop = new Loop();
        for (int i = 0; i < inFlight; i++) {
            loop.next();
        }
        boolean drained = stopped.await(seconds + 60L, java.util.concurrent.TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("seconds", seconds);
        out.put("in_flight", inFlight);
        out.put("elapsed_s", elapsed); // unrounded: ok_per_s is computed from it
        out.put("drained", drained);
        out.put("reads", capReads.summary());
        out.put("writes", capWrites.summary());
        out.put("ok_per_s", Math.round((capReads.ok.sum() + capWrites.ok.sum()) / elapsed));
        Map<String, Long> errs = new java.util.TreeMap<>();
        capErrors.forEach((k, v) -> errs.put(k, v.sum()));
        out.put("errors", errs);
        return out;
    }

    private int inFlight() {
        return concurrency - slots.availablePermits();
    }

    public static void main(String[] args) throws Exception {
        String endpoint = "http://127.0.0.1:8080";
        int seconds = 60;
        int warmup = 0;
        double readRate = 2000;
        double writeRate = 200;
        int concurrency = 256;
        String label = "server";
        String subnet = null;
        String securityGroup = null;
        int capacitySeconds = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--endpoint" -> endpoint = args[++i];
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--read-rate" -> readRate = Double.parseDouble(args[++i]);
                case "--write-rate" -> writeRate = Double.parseDouble(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--label" -> label = args[++i];
                case "--subnet" -> subnet = args[++i];
                case "--security-group" -> securityGroup = args[++i];
                case "--capacity-seconds" -> capacitySeconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        try {
            run(endpoint, seconds, warmup, readRate, writeRate, concurrency, label, subnet, securityGroup,
                    capacitySeconds);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String endpoint, int seconds, int warmup, double readRate, double writeRate,
                            int concurrency, String label, String subnet, String securityGroup,
                            int capacitySeconds) throws Exception {
        LoadMain load = new LoadMain(URI.create(endpoint), concurrency);
        load.concurrency = concurrency;
        if (subnet != null) {
            load.subnets = List.of(subnet);
        }
        load.securityGroup = securityGroup;
        load.setup();
        if (warmup > 0) {
            load.run(warmup, readRate, writeRate);
            load.reads = new Recorder(); // calls in flight at the switch were drained by run: nothing crosses over
            load.writes = new Recorder();
            load.notSent = new LongAdder();
            load.errors = new ConcurrentHashMap<>();
        }
        load.run(seconds, readRate, writeRate);
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("label", label);
        out.put("seconds", seconds);
        out.put("warmup_seconds", warmup);
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
        if (capacitySeconds > 0) {
            out.put("capacity", load.capacity(capacitySeconds, concurrency,
                    Math.max(1, Math.round(readRate / Math.max(writeRate, 1)))));
        }
        System.out.println(JSON.writeValueAsString(out));
        System.exit(0);
    }
}
