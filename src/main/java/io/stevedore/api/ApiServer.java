package io.stevedore.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.stevedore.api.ec2.Ec2QueryApi;
import io.stevedore.api.wire.AwsException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP edge: AWS JSON 1.1 on {@code POST /} with {@code X-Amz-Target}, AWS error bodies
 * ({@code __type}, {@code message}), a bounded worker pool and a request size limit. Also answers the admin
 * reset ({@code POST /_stevedore/reset}, and {@code POST /moto-api/reset} for moto-based suites) and a
 * health check ({@code GET /_stevedore/health}). Authorization headers are accepted and not checked yet.
 */
public final class ApiServer implements AutoCloseable {
    public static final int MAX_BODY_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // The JDK server leaves Nagle on by default; small AWS answers then wait for delayed ACKs (~40 ms each).
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer http;
    private final ThreadPoolExecutor workers;
    private final ControlPlane plane;

    public ApiServer(ControlPlane plane, String host, int port) throws IOException {
        this.plane = plane;
        this.http = HttpServer.create(new InetSocketAddress(host, port), 256);
        this.workers = new ThreadPoolExecutor(4, 16, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024),
                r -> {
                    Thread t = new Thread(r, "stevedore-api");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        http.setExecutor(workers);
        http.createContext("/", this::handle);
    }

    public void start() {
        http.start();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private void handle(HttpExchange ex) {
        try {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if ("GET".equals(method) && ("/_stevedore/health".equals(path) || "/".equals(path))) {
                send(ex, 200, "application/json", "{\"status\":\"ok\"}", null);
                return;
            }
            if ("POST".equals(method) && ("/moto-api/reset".equals(path) || "/_stevedore/reset".equals(path))) {
                plane.reset();
                send(ex, 200, "application/json", "{\"status\":\"ok\"}", null);
                return;
            }
            if (!"POST".equals(method) || !"/".equals(path)) {
                sendError(ex, new AwsException("UnknownOperationException", 404,
                        "Stevedore answers the ECS API on POST / (got " + method + " " + path + ")"));
                return;
            }
            byte[] body = readLimited(ex.getRequestBody());
            if (body == null) {
                sendError(ex, new AwsException("SerializationException", 413,
                        "The request body exceeds " + MAX_BODY_BYTES + " bytes"));
                return;
            }
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            String contentType = ex.getRequestHeaders().getFirst("Content-Type");
            if (target == null && contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
                answerEc2(ex, new String(body, StandardCharsets.UTF_8));
                return;
            }
            String answer = plane.api().handle(target, new String(body, StandardCharsets.UTF_8));
            send(ex, 200, "application/x-amz-json-1.1", answer, null);
        } catch (AwsException e) {
            sendError(ex, e);
        } catch (Throwable t) {
            t.printStackTrace();
            sendError(ex, new AwsException("ServerException", 500, "Internal error: " + t));
        } finally {
            ex.close();
        }
    }

    private void answerEc2(HttpExchange ex, String body) throws IOException {
        String requestId = UUID.randomUUID().toString();
        try {
            send(ex, 200, "text/xml;charset=UTF-8", plane.ec2(body), null);
        } catch (Ec2QueryApi.Ec2Exception e) {
            send(ex, e.status(), "text/xml;charset=UTF-8", Ec2QueryApi.error(e.code(), e.getMessage(), requestId),
                    null);
        }
    }

    private static byte[] readLimited(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            if (out.size() + n > MAX_BODY_BYTES) {
                in.transferTo(OutputStream.nullOutputStream());
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static void sendError(HttpExchange ex, AwsException e) {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", e.errorType());
        body.put("message", e.getMessage());
        try {
            send(ex, e.httpStatus(), "application/x-amz-json-1.1", body.toString(), e.errorType());
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static void send(HttpExchange ex, int status, String contentType, String body, String errorType)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        if (errorType != null) {
            ex.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    /** Stops answering at once (no draining); the control plane is closed by its owner. */
    @Override
    public void close() {
        http.stop(0);
        workers.shutdownNow();
    }
}
