package io.stevedore.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium (Debian's package) driven over the DevTools protocol with the JDK's own WebSocket client: open
 * a page, evaluate script in it, wait for a condition, take screenshots, and collect what the page logged as errors.
 */
public final class Chromium implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();
    private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Debian's headless Chromium (or {@code STEVEDORE_CHROMIUM}); fails the test with how to install it. */
    public static Path binary() {
        String env = System.getenv("STEVEDORE_CHROMIUM");
        for (String c : new String[] {env, "/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
            if (c != null && Files.isExecutable(Path.of(c))) {
                return Path.of(c);
            }
        }
        throw new AssertionError("headless Chromium not found: apt-get install -y chromium (or set"
                + " STEVEDORE_CHROMIUM)");
    }

    Chromium(Path profile) throws Exception {
        Files.createDirectories(profile);
        Process started = new ProcessBuilder(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1280,900", "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        process = started;
        try {
            socket = connect(profile);
            call("Runtime.enable", MAPPER.createObjectNode());
            call("Page.enable", MAPPER.createObjectNode());
            call("Log.enable", MAPPER.createObjectNode());
        } catch (Exception | AssertionError e) { // no browser left behind when it cannot be driven
            started.destroyForcibly();
            throw e;
        }
    }

    private WebSocket connect(Path profile) throws Exception {
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                process.destroyForcibly();
                throw new AssertionError("Chromium did not open its DevTools port: "
                        + Files.readString(profile.resolve("chromium.log")));
            }
            Thread.sleep(100);
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
        HttpClient http = HttpClient.newHttpClient();
        String page = null;
        for (int i = 0; i < 50 && page == null; i++) {
            JsonNode list = MAPPER.readTree(http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode t : list) {
                if ("page".equals(t.path("type").asText())) {
                    page = t.path("webSocketDebuggerUrl").asText();
                }
            }
            if (page == null) {
                Thread.sleep(100);
            }
        }
        if (page == null) {
            throw new AssertionError("Chromium opened no page target");
        }
        return http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(page), new Listener()).get(20, TimeUnit.SECONDS);
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                handle(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    private void handle(String message) {
        try {
            JsonNode m = MAPPER.readTree(message);
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = calls.remove(m.get("id").asInt());
                if (f != null) {
                    if (m.has("error")) {
                        f.completeExceptionally(new AssertionError("DevTools: " + m.get("error")));
                    } else {
                        f.complete(m.get("result"));
                    }
                }
                return;
            }
            String method = m.path("method").asText();
            JsonNode p = m.path("params");
            if ("Runtime.exceptionThrown".equals(method)) {
                errors.add("exception: " + p.path("exceptionDetails").path("exception").path("description").asText(
                        p.path("exceptionDetails").path("text").asText()));
            } else if ("Runtime.consoleAPICalled".equals(method)
                    && List.of("error", "warning", "assert").contains(p.path("type").asText())) {
                errors.add("console." + p.path("type").asText() + ": " + p.path("args"));
            } else if ("Log.entryAdded".equals(method) && "error".equals(p.path("entry").path("level").asText())) {
                errors.add("log: " + p.path("entry").path("text").asText() + " " + p.path("entry").path("url")
                        .asText());
            }
        } catch (IOException e) {
            errors.add("unreadable DevTools message: " + e);
        }
    }

    JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        calls.put(id, f);
        ObjectNode m = MAPPER.createObjectNode().put("id", id).put("method", method);
        m.set("params", params);
        socket.sendText(m.toString(), true).get(10, TimeUnit.SECONDS);
        return f.get(60, TimeUnit.SECONDS);
    }

    /** Opens {@code url} afresh (a real load, even when only its fragment differs) and waits until it has loaded. */
    void open(String url) throws Exception {
        call("Page.navigate", MAPPER.createObjectNode().put("url", "about:blank"));
        waitFor("location.href === 'about:blank' && document.readyState === 'complete'", Duration.ofSeconds(30));
        call("Page.navigate", MAPPER.createObjectNode().put("url", url));
        waitFor("document.readyState === 'complete' && location.href === " + MAPPER.writeValueAsString(url),
                Duration.ofSeconds(30));
    }

    /** The value of a script expression (promises awaited). */
    JsonNode eval(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", MAPPER.createObjectNode().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new AssertionError("script failed: " + expression + ": " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** Waits until a script expression is true; fails with what it last saw. */
    void waitFor(String expression, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = eval("(() => { try { return !!(" + expression + "); } catch (e) { return false; } })()");
            if (last.asBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + expression
                + " (page text: " + eval("document.body ? document.body.innerText.slice(0, 2000) : ''").asText()
                + ")");
    }

    /** The viewport as a desktop ({@code mobile} false) or a phone. */
    void viewport(int width, int height, boolean mobile) throws Exception {
        call("Emulation.setDeviceMetricsOverride", MAPPER.createObjectNode().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", mobile));
    }

    /** A PNG of the whole page. */
    void screenshot(Path png) throws Exception {
        JsonNode r = call("Page.captureScreenshot", MAPPER.createObjectNode().put("format", "png")
                .put("captureBeyondViewport", true));
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, Base64.getDecoder().decode(r.get("data").asText()));
    }

    /** What the page logged as errors (exceptions, console.error, failed loads). */
    List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the browser is killed anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
