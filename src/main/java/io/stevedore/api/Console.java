package io.stevedore.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.stevedore.api.auth.AccessKeys;
import io.stevedore.control.events.EventRing;
import io.stevedore.wire.AwsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The web console on {@code /console/} (the ECS API keeps {@code POST /}): one page and its script and style, all in
 * the jar, and a small JSON API under {@code /console/api/} that the page reads a section at a time, plus a stream of
 * state-change events (server-sent events). See docs/console.md.
 */
final class Console {
    static final int MAX_STREAMS = 16;
    /** A stream ends after this long; the browser's EventSource reconnects with Last-Event-ID. */
    static final long STREAM_MILLIS = 5 * 60_000L;
    static final long POLL_MILLIS = 300;
    static final int BACKLOG = 50;
    private static final int MAX_BODY = 64 * 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    private static final Map<String, String> ASSETS = Map.of(
            "/console/console.js", "text/javascript; charset=utf-8",
            "/console/console.css", "text/css; charset=utf-8");

    private final Backend plane;
    private final ConsoleAuth auth;
    private final ConsoleViews views;
    private final ConsoleActions actions;
    private final ThreadPoolExecutor streams = new ThreadPoolExecutor(0, MAX_STREAMS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "stevedore-console-events");
                t.setDaemon(true);
                return t;
            });

    Console(Backend plane, AccessKeys keys) {
        this.plane = plane;
        this.auth = new ConsoleAuth(keys);
        this.views = new ConsoleViews(plane);
        this.actions = new ConsoleActions(plane.api());
    }

    /** Handles one request under {@code /console}; closes the exchange unless it became an event stream. */
    void handle(HttpExchange ex) {
        boolean streaming = false;
        try {
            headers(ex);
            streaming = route(ex);
        } catch (AwsException e) {
            json(ex, e.httpStatus(), error(e.errorType(), e.getMessage()));
        } catch (RuntimeException | IOException e) {
            e.printStackTrace();
            json(ex, 500, error("ServerException", "Internal error (logged by the server)."));
        } finally {
            if (!streaming) {
                ex.close();
            }
        }
    }

    void close() {
        streams.shutdownNow();
    }

    private boolean route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if ("/console".equals(path)) {
            redirect(ex, "/console/");
            return false;
        }
        if (!path.startsWith("/console/")) {
            json(ex, 404, error("NotFound", "No such page: " + path));
            return false;
        }
        if (auth.open() && !loopbackHost(ex.getRequestHeaders().getFirst("Host"))) {
            // Open without sign-in only on loopback: a page whose name was re-pointed at 127.0.0.1 (DNS rebinding)
            // arrives with its own host name and is refused.
            json(ex, 403, error("Forbidden", "Without configured keys the console opens only at a loopback address"
                    + " (http://127.0.0.1:PORT/console/ or http://localhost:PORT/console/)."));
            return false;
        }
        if ("GET".equals(method) && ASSETS.containsKey(path)) {
            send(ex, 200, ASSETS.get(path), resource(path.substring("/console/".length())));
            return false;
        }
        if ("/console/login".equals(path)) {
            login(ex, method);
            return false;
        }
        Optional<ConsoleAuth.Session> session = auth.session(ex);
        if ("/console/".equals(path) && "GET".equals(method)) {
            if (session.isEmpty()) {
                if (!auth.open()) {
                    redirect(ex, "/console/login");
                    return false;
                }
                auth.start(ex, "local");
            }
            send(ex, 200, "text/html; charset=utf-8", resource("index.html"));
            return false;
        }
        if (!path.startsWith("/console/api/") && !"/console/logout".equals(path)) {
            json(ex, 404, error("NotFound", "No such page: " + path));
            return false;
        }
        if (session.isEmpty() && !auth.open()) {
            json(ex, 401, error("Unauthenticated", "Sign in at /console/login with one of the server's access keys."));
            return false;
        }
        if ("POST".equals(method)) {
            if (session.isEmpty() || !ConsoleAuth.csrfOk(ex, session.get())) {
                json(ex, 403, error("InvalidCsrfToken", "This action needs the session's CSRF token in the"
                        + " X-CSRF-Token header: reload the console and try again."));
                return false;
            }
            if ("/console/logout".equals(path)) {
                auth.end(ex, session.get());
                json(ex, 200, MAPPER.createObjectNode().put("signedOut", true));
            } else if ("/console/api/actions".equals(path)) {
                JsonNode body = body(ex);
                json(ex, 200, actions.run(body, session.get().user()));
            } else {
                json(ex, 404, error("NotFound", "No such action endpoint: " + path));
            }
            return false;
        }
        if (!"GET".equals(method)) {
            json(ex, 405, error("MethodNotAllowed", method + " is not allowed on " + path));
            return false;
        }
        Map<String, String> q = AdminLifecycle.query(ex.getRequestURI().getRawQuery());
        switch (path) {
            case "/console/api/session" -> {
                ConsoleAuth.Session s = session.orElseGet(() -> auth.start(ex, "local"));
                json(ex, 200, MAPPER.createObjectNode().put("user", s.user()).put("csrfToken", s.csrf())
                        .put("open", auth.open()).put("region", plane.config().region())
                        .put("account", plane.config().accountId()));
            }
            case "/console/api/clusters" -> json(ex, 200, views.clusters());
            case "/console/api/cluster" -> json(ex, 200, views.cluster(q.get("name")));
            case "/console/api/services" -> json(ex, 200, views.services(q.get("cluster"), offset(q), limit(q)));
            case "/console/api/tasks" -> json(ex, 200, views.tasks(q.get("cluster"), q.get("status"),
                    q.get("service"), offset(q), limit(q)));
            case "/console/api/instances" -> json(ex, 200, views.instances(q.get("cluster"), q.get("status"),
                    offset(q), limit(q)));
            case "/console/api/events" -> {
                return events(ex, q);
            }
            default -> json(ex, 404, error("NotFound", "No such console endpoint: " + path));
        }
        return false;
    }

    // ---------------------------------------------------------------- sign in

    private void login(HttpExchange ex, String method) throws IOException {
        if (auth.open()) {
            redirect(ex, "/console/");
            return;
        }
        if ("GET".equals(method)) {
            send(ex, 200, "text/html; charset=utf-8", loginPage(""));
            return;
        }
        if (!"POST".equals(method)) {
            json(ex, 405, error("MethodNotAllowed", method + " is not allowed on /console/login"));
            return;
        }
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.startsWith("application/x-www-form-urlencoded")) {
            send(ex, 415, "text/html; charset=utf-8", loginPage("Sign in with the form."));
            return;
        }
        Map<String, String> form = AdminLifecycle.query(new String(read(ex), StandardCharsets.UTF_8));
        String client = ex.getRemoteAddress().getAddress().getHostAddress();
        String id = form.get("accessKeyId");
        switch (auth.check(client, id, form.get("secretAccessKey"))) {
            case OK -> {
                auth.start(ex, id);
                redirect(ex, "/console/");
            }
            case BAD_KEY -> send(ex, 401, "text/html; charset=utf-8",
                    loginPage("That access key and secret are not among the server's keys."));
            case TOO_MANY -> send(ex, 429, "text/html; charset=utf-8",
                    loginPage("Too many failed sign-ins from this address: wait a minute and try again."));
        }
    }

    private static byte[] loginPage(String message) {
        String page = new String(resource("login.html"), StandardCharsets.UTF_8);
        return page.replace("{{message}}", escape(message)).getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- events

    /** Server-sent events: the state-change events (EventBridge detail types), optionally of one type or cluster. */
    private boolean events(HttpExchange ex, Map<String, String> q) throws IOException {
        String type = blankToNull(q.get("type"));
        String cluster = blankToNull(q.get("cluster"));
        String clusterArn = cluster == null ? null : cluster.startsWith("arn:") ? cluster
                : plane.config().arnPrefix() + "cluster/" + cluster;
        if (clusterArn != null && !clusterArn.contains(":cluster/")) {
            throw new AwsException("InvalidParameterException", 400, "cluster must be a cluster name or ARN");
        }
        String lastId = ex.getRequestHeaders().getFirst("Last-Event-ID");
        List<EventRing.Event> all = plane.events().since(0, Integer.MAX_VALUE);
        long newest = all.isEmpty() ? 0 : all.get(all.size() - 1).seq();
        long after;
        if (lastId != null && lastId.matches("\\d{1,18}") && Long.parseLong(lastId) <= newest) {
            after = Long.parseLong(lastId);
        } else { // a first visit, or an id from before a restart (event numbers restart): the latest events
            List<EventRing.Event> matching = all.stream().filter(e -> wanted(e, type, clusterArn)).toList();
            after = matching.size() <= BACKLOG ? 0 : matching.get(matching.size() - BACKLOG - 1).seq();
        }
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        long start = after;
        try {
            streams.execute(() -> stream(ex, start, type, clusterArn));
        } catch (RejectedExecutionException e) {
            json(ex, 503, error("ServiceUnavailableException", "Too many open event streams (" + MAX_STREAMS
                    + "); close a console tab and retry."));
            return false;
        }
        return true;
    }

    /**
     * Whether an event is of the type asked and about the cluster asked: task and container-instance ARNs name their
     * cluster ({@code task/CLUSTER/id}); other details carry the cluster's ARN.
     */
    private static boolean wanted(EventRing.Event e, String type, String clusterArn) {
        if (type != null && !type.equals(e.detailType())) {
            return false;
        }
        if (clusterArn == null) {
            return true;
        }
        String inArn = "/" + clusterArn.substring(clusterArn.indexOf(":cluster/") + ":cluster/".length()) + "/";
        for (String r : e.resources()) {
            if (r.contains(inArn)) {
                return true;
            }
        }
        String detail = e.detailJson();
        String name = inArn.substring(1, inArn.length() - 1);
        return detail.contains("\"" + clusterArn + "\"") // tasks, lifecycle actions
                || detail.contains("\"cluster\":\"" + name + "\""); // a cluster's own capacity provider
    }

    private void stream(HttpExchange ex, long after, String type, String clusterArn) {
        long end = System.currentTimeMillis() + STREAM_MILLIS;
        long last = after;
        long lastWrite = 0;
        try {
            ex.sendResponseHeaders(200, 0);
            OutputStream os = ex.getResponseBody();
            os.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
            os.flush();
            while (System.currentTimeMillis() < end && !Thread.currentThread().isInterrupted()) {
                StringBuilder b = new StringBuilder();
                List<EventRing.Event> batch = plane.events().since(last, 500);
                for (EventRing.Event e : batch) {
                    last = e.seq();
                    if (wanted(e, type, clusterArn)) {
                        ObjectNode n = MAPPER.createObjectNode();
                        n.put("seq", e.seq());
                        n.put("time", java.time.Instant.ofEpochMilli(e.timeMillis()).toString());
                        n.put("detailType", e.detailType());
                        n.set("resources", MAPPER.valueToTree(e.resources()));
                        n.set("detail", MAPPER.readTree(e.detailJson()));
                        b.append("id: ").append(e.seq()).append("\ndata: ").append(n).append("\n\n");
                    }
                }
                long now = System.currentTimeMillis();
                if (b.length() == 0 && now - lastWrite > 15_000) {
                    b.append(": keep-alive\n\n");
                }
                if (b.length() > 0) {
                    os.write(b.toString().getBytes(StandardCharsets.UTF_8));
                    os.flush();
                    lastWrite = now;
                }
                if (batch.size() < 500) { // a full batch: more are waiting, send them at once
                    Thread.sleep(POLL_MILLIS);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // the browser went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ex.close();
        }
    }

    // ---------------------------------------------------------------- plumbing

    private static void headers(HttpExchange ex) {
        var h = ex.getResponseHeaders();
        h.set("Content-Security-Policy", CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Cache-Control", "no-store");
    }

    private static JsonNode body(HttpExchange ex) throws IOException {
        try {
            JsonNode n = MAPPER.readTree(read(ex));
            if (n == null || !n.isObject()) {
                throw new AwsException("InvalidParameterException", 400, "The action must be a JSON object.");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AwsException("InvalidParameterException", 400, "The action is not valid JSON: "
                    + e.getOriginalMessage());
        }
    }

    private static byte[] read(HttpExchange ex) throws IOException {
        InputStream in = ex.getRequestBody();
        byte[] b = in.readNBytes(MAX_BODY + 1);
        if (b.length > MAX_BODY) {
            throw new AwsException("RequestEntityTooLargeException", 413, "The request body exceeds " + MAX_BODY
                    + " bytes.");
        }
        return b;
    }

    private static int offset(Map<String, String> q) {
        return number(q, "offset", 0, 0, Integer.MAX_VALUE);
    }

    private static int limit(Map<String, String> q) {
        return number(q, "limit", ConsoleViews.DEFAULT_PAGE, 1, ConsoleViews.MAX_PAGE);
    }

    private static int number(Map<String, String> q, String name, int fallback, int min, int max) {
        String v = q.get(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        if (!v.matches("\\d{1,9}") || Integer.parseInt(v) < min || Integer.parseInt(v) > max) {
            throw new AwsException("InvalidParameterException", 400, name + " must be a number from " + min + " to "
                    + max + ", got " + v);
        }
        return Integer.parseInt(v);
    }

    /** Whether a Host header names this machine's loopback (localhost, 127.0.0.0/8 or [::1]), with any port. */
    static boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.strip().toLowerCase(java.util.Locale.ROOT);
        if (h.startsWith("[")) {
            return h.equals("[::1]") || h.startsWith("[::1]:");
        }
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon);
        return name.equals("localhost") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private static ObjectNode error(String type, String message) {
        return MAPPER.createObjectNode().put("error", type).put("message", message);
    }

    private static void redirect(HttpExchange ex, String to) throws IOException {
        ex.getResponseHeaders().set("Location", to);
        ex.sendResponseHeaders(303, -1);
    }

    private static void json(HttpExchange ex, int status, JsonNode body) {
        try {
            send(ex, status, "application/json", MAPPER.writeValueAsBytes(body));
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = Console.class.getResourceAsStream("console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console asset missing from the jar: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
