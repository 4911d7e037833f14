package io.stevedore.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.stevedore.api.auth.AuthException;
import io.stevedore.api.auth.SigV4Verifier;
import io.stevedore.api.auth.SignedRequest;
import io.stevedore.control.agents.Agents;
import io.stevedore.control.state.RowKind;
import io.stevedore.wire.AwsException;
import io.stevedore.wire.AwsJsonCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The agents' assignment channel, {@code POST /agent/v1/poll} (docs/execution.md "Control plane side"): a long
 * poll, SigV4-verified for {@code ecs} and routed to the region of its credential scope like the API. A poll whose
 * {@code seen} version differs from the container instance's is answered at once; otherwise it is held — no
 * thread and no lock are held meanwhile: the exchange waits in a map — until a committed change touches the
 * instance's tasks (answered then) or the hold ends (answered with the same version). Each poll is the agent's
 * heartbeat. The hold is capped at a third of the agent timeout, so that a held agent never looks silent.
 */
final class AgentChannel implements AutoCloseable {
    static final String PATH = "/agent/v1/poll";
    /** The longest hold an agent may ask for, in seconds. */
    static final int MAX_WAIT_SECONDS = 20;
    private static final AwsJsonCodec CODEC = new AwsJsonCodec();

    /** A held poll. */
    private static final class Waiter {
        final HttpExchange ex;
        final Backend backend;
        final String cluster;
        final String arn;
        final long seen;
        final AtomicBoolean done = new AtomicBoolean();
        volatile ScheduledFuture<?> timeout;

        Waiter(HttpExchange ex, Backend backend, String cluster, String arn, long seen) {
            this.ex = ex;
            this.backend = backend;
            this.cluster = cluster;
            this.arn = arn;
            this.seen = seen;
        }
    }

    private final Regions regions;
    private final SigV4Verifier verifier;
    /** One thread that answers held polls (a recheck is one short transaction) and ends holds. */
    private final ScheduledExecutorService answering = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stevedore-agent-poll");
        t.setDaemon(true);
        return t;
    });
    /** Held polls by backend and container instance ARN. */
    private final Map<Backend, Map<String, Set<Waiter>>> held = new ConcurrentHashMap<>();
    /** Backends whose committed task changes wake held polls. */
    private final Set<Backend> listening = ConcurrentHashMap.newKeySet();
    /** Counts wake-ups, so that a change committed while a poll is being held is not missed. */
    private final AtomicLong wakes = new AtomicLong();

    AgentChannel(Regions regions, SigV4Verifier verifier) {
        this.regions = regions;
        this.verifier = verifier;
    }

    /** One poll (the HTTP context's handler): answered now, or held without occupying the calling thread. */
    void handle(HttpExchange ex) {
        try {
            if (!"POST".equals(ex.getRequestMethod()) || !PATH.equals(ex.getRequestURI().getPath())) {
                throw new AwsException("UnknownOperationException", 404, "The agent channel answers POST " + PATH
                        + " (got " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + ")");
            }
            byte[] body = read(ex);
            SigV4Verifier.Verified caller = verifier.verifyScoped(new SignedRequest(ex.getRequestMethod(),
                    ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery(), ex.getRequestHeaders(), body),
                    "ecs");
            Backend backend = regions.backend(caller.region());
            JsonNode req = parse(body);
            String cluster = req.path("cluster").asText(null);
            String arn = req.path("containerInstanceArn").asText(null);
            long seen = req.path("seen").asLong(0);
            int wait = Math.max(0, Math.min(req.path("waitSeconds").asInt(MAX_WAIT_SECONDS), MAX_WAIT_SECONDS));
            List<Agents.Health> health = new ArrayList<>();
            for (JsonNode h : req.path("health")) {
                health.add(new Agents.Health(h.path("taskArn").asText(null), h.path("containerName").asText(null),
                        h.path("status").asText(null)));
            }
            listen(backend);
            long wakesBefore = wakes.get();
            Agents.Poll p = backend.state().db.transaction(() -> backend.agents().poll(cluster, arn, health, true));
            long hold = Math.min(wait * 1000L, Math.max(1000L, backend.agents().settings().timeout().toMillis() / 3));
            if (p.version() != seen || wait == 0) {
                send(ex, 200, render(backend, p), null);
                return;
            }
            String key = canonical(backend, cluster, arn);
            Waiter w = new Waiter(ex, backend, cluster, key, seen);
            held.computeIfAbsent(backend, b -> new ConcurrentHashMap<>())
                    .computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(w);
            w.timeout = answering.schedule(() -> answer(w, true), hold, TimeUnit.MILLISECONDS);
            if (wakes.get() != wakesBefore) {
                answering.execute(() -> answer(w, false));
            }
        } catch (Regions.RegionRefused e) {
            error(ex, new AwsException(e.ecsType(), 400, e.getMessage()));
        } catch (AuthException e) {
            error(ex, new AwsException(ApiServer.ecsAuthType(e.kind()), 400, e.getMessage()));
        } catch (AwsException e) {
            error(ex, e);
        } catch (IOException e) {
            error(ex, new AwsException("SerializationException", 400, "Could not read the poll: " + e.getMessage()));
        } catch (RuntimeException e) {
            e.printStackTrace();
            error(ex, new AwsException("ServerException", 500, "Internal error: " + e));
        }
    }

    /** The full container instance ARN a poll names (the key its wake-ups use). */
    private static String canonical(Backend backend, String cluster, String arn) {
        if (arn == null || arn.startsWith("arn:")) {
            return arn;
        }
        String name = io.stevedore.control.state.Context.clusterName(cluster);
        return backend.config().arnPrefix() + "container-instance/" + name + "/" + arn;
    }

    /** Committed task and container instance changes of {@code backend} wake the polls held for their instance. */
    private void listen(Backend backend) {
        if (!listening.add(backend)) {
            return;
        }
        backend.state().feed.committed()
                .on(RowKind.TASK, (String id, Task before, Task after) -> {
                    wake(backend, after != null ? after.containerInstanceArn() : null);
                    if (before != null && (after == null || !java.util.Objects.equals(before.containerInstanceArn(),
                            after.containerInstanceArn()))) {
                        wake(backend, before.containerInstanceArn());
                    }
                })
                .on(RowKind.CONTAINER_INSTANCE, (id, before, after) -> wake(backend, id))
                .onReset(() -> wakeAll(backend));
    }

    private void wake(Backend backend, String containerInstanceArn) {
        wakes.incrementAndGet();
        if (containerInstanceArn == null) {
            return;
        }
        Map<String, Set<Waiter>> byArn = held.get(backend);
        Set<Waiter> ws = byArn == null ? null : byArn.get(containerInstanceArn);
        if (ws != null) {
            for (Waiter w : ws) {
                answering.execute(() -> answer(w, false));
            }
        }
    }

    private void wakeAll(Backend backend) {
        wakes.incrementAndGet();
        Map<String, Set<Waiter>> byArn = held.get(backend);
        if (byArn != null) {
            byArn.values().forEach(ws -> ws.forEach(w -> answering.execute(() -> answer(w, false))));
        }
    }

    /** Answers a held poll when its version moved, or when its hold ended ({@code timedOut}). */
    private void answer(Waiter w, boolean timedOut) {
        if (w.done.get()) {
            return;
        }
        try {
            Agents.Poll p = w.backend.state().db.transaction(() -> w.backend.agents().poll(w.cluster, w.arn,
                    List.of(), false));
            if (!timedOut && p.version() == w.seen) {
                return;
            }
            if (finish(w)) {
                send(w.ex, 200, render(w.backend, p), null);
            }
        } catch (AwsException e) {
            if (finish(w)) {
                error(w.ex, e);
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            if (finish(w)) {
                error(w.ex, new AwsException("ServerException", 500, "Internal error: " + e));
            }
        }
    }

    /** Takes the waiter out (true once: the caller answers it). */
    private boolean finish(Waiter w) {
        if (!w.done.compareAndSet(false, true)) {
            return false;
        }
        Map<String, Set<Waiter>> byArn = held.get(w.backend);
        if (byArn != null) {
            Set<Waiter> ws = byArn.get(w.arn);
            if (ws != null) {
                ws.remove(w);
                if (ws.isEmpty()) {
                    byArn.remove(w.arn, ws);
                }
            }
        }
        ScheduledFuture<?> t = w.timeout;
        if (t != null) {
            t.cancel(false);
        }
        return true;
    }

    /** The poll's answer (docs/execution.md): the version, the heartbeat period and the tasks. */
    static String render(Backend backend, Agents.Poll p) {
        ObjectNode out = CODEC.mapper().createObjectNode();
        out.put("version", p.version());
        out.put("heartbeatSeconds", heartbeatSeconds(backend));
        ArrayNode tasks = out.putArray("tasks");
        for (Agents.Assigned a : p.tasks()) {
            Task t = a.task();
            ObjectNode n = tasks.addObject();
            n.put("taskArn", t.taskArn());
            n.put("clusterArn", t.clusterArn());
            n.put("desiredStatus", t.desiredStatus());
            n.set("taskDefinition", a.taskDefinition() == null ? null : CODEC.write(a.taskDefinition()));
            n.set("overrides", t.overrides() == null ? CODEC.mapper().createObjectNode() : CODEC.write(t.overrides()));
            n.put("cpu", t.cpu());
            n.put("memory", t.memory());
            n.put("availabilityZone", t.availabilityZone());
            n.put("launchType", t.launchTypeAsString() != null ? t.launchTypeAsString()
                    : t.capacityProviderName() != null ? "MANAGED_INSTANCES" : null);
            if (a.eni() == null) {
                n.putNull("eni");
            } else {
                ObjectNode e = n.putObject("eni");
                e.put("attachmentArn", a.eni().attachmentArn());
                e.put("privateIPv4Address", a.eni().privateIPv4Address());
                e.put("subnetCidr", a.eni().subnetCidr());
                e.put("gateway", a.eni().gateway());
                e.put("subnetId", a.eni().subnetId());
                e.put("macAddress", a.eni().macAddress());
            }
            n.put("stopReason", "STOPPED".equals(t.desiredStatus()) ? t.stoppedReason() : null);
        }
        return out.toString();
    }

    /** How often the agent should poll at least: a third of the timeout, at most 10 s. */
    static int heartbeatSeconds(Backend backend) {
        long timeout = backend.agents().settings().timeout().toSeconds();
        return (int) Math.max(1, Math.min(10, timeout / 3));
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode n = CODEC.mapper().readTree(body);
            if (n == null || !n.isObject()) {
                throw new AwsException("SerializationException", 400, "The poll body must be a JSON object.");
            }
            return n;
        } catch (IOException e) {
            throw new AwsException("SerializationException", 400, "The poll body is not JSON: " + e.getMessage());
        }
    }

    private static byte[] read(HttpExchange ex) throws IOException {
        InputStream in = ex.getRequestBody();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            if (out.size() + n > ApiServer.MAX_BODY_BYTES) {
                throw new AwsException("RequestEntityTooLargeException", 413, "The poll body exceeds "
                        + ApiServer.MAX_BODY_BYTES + " bytes.");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static void error(HttpExchange ex, AwsException e) {
        ObjectNode body = CODEC.mapper().createObjectNode();
        body.put("__type", e.errorType());
        body.put("message", e.getMessage());
        send(ex, e.httpStatus(), body.toString(), e.errorType());
    }

    private static void send(HttpExchange ex, int status, String body, String errorType) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try {
            ex.getResponseHeaders().set("Content-Type", errorType == null ? "application/json"
                    : "application/x-amz-json-1.1");
            ex.getResponseHeaders().set("x-amzn-RequestId", ApiServer.requestId());
            if (errorType != null) {
                ex.getResponseHeaders().set("x-amzn-ErrorType", errorType);
            }
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        } catch (IOException e) {
            // the agent went away; it polls again
        } finally {
            ex.close();
        }
    }

    /** Answers every held poll with its current state and stops the answering thread. */
    @Override
    public void close() {
        for (Map<String, Set<Waiter>> byArn : held.values()) {
            for (Set<Waiter> ws : byArn.values()) {
                for (Waiter w : ws) {
                    if (finish(w)) {
                        error(w.ex, new AwsException("ServiceUnavailableException", 503, "The server is stopping."));
                    }
                }
            }
        }
        answering.shutdownNow();
    }
}
