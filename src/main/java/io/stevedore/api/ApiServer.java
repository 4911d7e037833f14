package io.stevedore.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.stevedore.api.auth.AccessKeys;
import io.stevedore.api.auth.AuthException;
import io.stevedore.api.auth.SigV4Verifier;
import io.stevedore.api.auth.SignedRequest;
import io.stevedore.api.ec2.Ec2Exception;
import io.stevedore.api.ec2.Ec2QueryApi;
import io.stevedore.api.ec2.Ec2QueryRequest;
import io.stevedore.api.limits.RateLimiter;
import io.stevedore.api.limits.ThrottleCategory;
import io.stevedore.api.observe.ApiMetrics;
import io.stevedore.api.observe.LogFormat;
import io.stevedore.api.cloudwatch.CloudWatchApi;
import io.stevedore.api.logs.LogsApi;
import io.stevedore.api.scaling.AutoScalingApi;
import io.stevedore.wire.AwsException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP edge: AWS JSON 1.1 on {@code POST /} with {@code X-Amz-Target} (and the EC2 Query view for form
 * bodies), every call SigV4-verified ({@link SigV4Verifier}) and rate limited per access key
 * ({@link RateLimiter}), AWS error bodies, a bounded worker pool (a full queue is answered 503 at once) and a
 * request size limit (413). Operator endpoints: {@code GET /metrics} (Prometheus), {@code GET /_stevedore/health}
 * (liveness), {@code GET /_stevedore/ready} (readiness) and the admin reset ({@code POST /_stevedore/reset}, and
 * {@code POST /moto-api/reset} for moto-based suites). The web console answers under {@code /console/}
 * ({@link Console}).
 */
public final class ApiServer implements AutoCloseable {
    public static final int MAX_BODY_BYTES = 1 << 20;
    /** An oversized body up to this size is read and discarded before the 413 (see readLimited). */
    static final long MAX_DRAIN_BYTES = 16L << 20;
    /** Requests waiting for a worker before new ones are answered 503. */
    public static final int QUEUE_CAPACITY = 1024;
    static final int WORKERS = 8;
    private static final ThreadLocal<Boolean> OVERLOADED = ThreadLocal.withInitial(() -> false);

    /**
     * How the edge admits calls.
     *
     * @param keys      the accepted access keys
     * @param limiter   per-key rate limits ({@link RateLimiter#disabled()} = none)
     * @param logFormat the form of log lines
     * @param accessLog whether every call is logged (else only server errors)
     * @param queueCapacity requests that may wait for a worker before new ones are answered 503
     */
    public record Options(AccessKeys keys, RateLimiter limiter, LogFormat logFormat, boolean accessLog,
                          int queueCapacity) {
        public Options {
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(limiter, "limiter");
            Objects.requireNonNull(logFormat, "logFormat");
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1: " + queueCapacity);
            }
        }

        public Options(AccessKeys keys, RateLimiter limiter, LogFormat logFormat, boolean accessLog) {
            this(keys, limiter, logFormat, accessLog, QUEUE_CAPACITY);
        }

        /** The local default: key test/test, no rate limits, plain logs of server errors only. */
        public static Options localDefaults() {
            return new Options(AccessKeys.localDefault(), RateLimiter.disabled(), LogFormat.PLAIN, false);
        }
    }

    static {
        // The JDK server leaves Nagle on by default; small AWS answers then wait for delayed ACKs (~40 ms each).
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer http;
    private final ThreadPoolExecutor workers;
    private final Backend plane;
    private final Regions regions;
    private final Options options;
    private final SigV4Verifier verifier;
    private final ApiMetrics metrics;
    private final OperatorEndpoints operator;
    private final AdminLifecycle admin;
    private final Console console;
    private final AgentChannel agents;

    public ApiServer(Backend plane, String host, int port) throws IOException {
        this(plane, host, port, Options.localDefaults());
    }

    /**
     * Binds {@code host:port}. Refuses (IllegalArgumentException) to listen beyond loopback with the local default
     * key: an operator must configure keys for that.
     */
    public ApiServer(Backend plane, String host, int port, Options options) throws IOException {
        this(Regions.single(plane), host, port, options);
    }

    /**
     * Serves several regions at one endpoint: each call goes to the backend of the region its SigV4 credential
     * scope names ({@link Regions#backend}); the console, events, faults and metrics' fleet gauges use the home
     * region.
     */
    public ApiServer(Regions regions, String host, int port, Options options) throws IOException {
        Backend plane = regions.home();
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress() && !options.keys().configured()) {
            throw new IllegalArgumentException("refusing to listen on " + host + " (beyond loopback) with "
                    + (options.keys().acceptAny() ? "any access key accepted (--any-access-key is for loopback only)"
                    : "the local default key test/test") + ": configure access keys with --credentials-file FILE or"
                    + " STEVEDORE_CREDENTIALS=accessKeyId:secretAccessKey");
        }
        this.plane = plane;
        this.regions = regions;
        this.options = options;
        this.verifier = new SigV4Verifier(options.keys(), plane.clock());
        this.metrics = new ApiMetrics(knownOperations(plane));
        this.operator = new OperatorEndpoints(regions, metrics);
        this.admin = new AdminLifecycle(plane);
        // Without TCP_NODELAY every answer written in two segments waits for the client's delayed ACK (~40 ms).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.http = HttpServer.create(new InetSocketAddress(address, port), 256);
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(options.queueCapacity()), r -> {
                    Thread t = new Thread(r, "stevedore-api");
                    t.setDaemon(true);
                    return t;
                }, (r, executor) -> overloaded(r));
        http.setExecutor(workers);
        http.createContext("/", this::handle);
        this.console = new Console(plane, options.keys());
        http.createContext("/console", console::handle);
        this.agents = new AgentChannel(regions, verifier);
        http.createContext(AgentChannel.PATH, agents::handle);
    }

    private static java.util.Set<String> knownOperations(Backend plane) {
        java.util.Set<String> ops = new java.util.TreeSet<>(plane.api().operations());
        ops.addAll(plane.autoScaling().operations());
        ops.addAll(plane.cloudWatch().operations());
        ops.addAll(plane.logs().operations());
        ops.addAll(java.util.List.of("auth", "DescribeInstances", "DescribeInstanceTypes", "DescribeVpcs", "DescribeSubnets",
                "DescribeSecurityGroups"));
        return ops;
    }

    /** A full queue: the exchange runs on the dispatcher thread, flagged so that it is answered 503 at once. */
    private static void overloaded(Runnable exchange) {
        OVERLOADED.set(true);
        try {
            exchange.run();
        } finally {
            OVERLOADED.set(false);
        }
    }

    public void start() {
        http.start();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("address", http.getAddress().toString());
        f.put("auth", options.keys().configured() ? "configured keys (" + options.keys().keys().size() + ")"
                : options.keys().acceptAny() ? "any access key (loopback test mode, signatures not checked)"
                : "local default key test/test");
        f.put("rateLimits", options.limiter().enabled() ? "ECS buckets x" + options.limiter().scale() : "off");
        log("INFO", "listening", f);
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public ApiMetrics metrics() {
        return metrics;
    }

    /** How many agent polls the server holds now (docs/execution.md). */
    int heldAgentPolls() {
        return agents.held();
    }

    /**
     * One answer: status, content type, body and the error type when it is an error; a binary body ({@code raw},
     * CBOR) replaces the text one, and {@code headers} are added.
     */
    record Answer(int status, String contentType, String body, String errorType, byte[] raw,
                  Map<String, String> headers) {
        Answer(int status, String contentType, String body, String errorType) {
            this(status, contentType, body, errorType, null, Map.of());
        }

        static Answer json(AwsException e) {
            com.fasterxml.jackson.databind.node.ObjectNode body =
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            body.put("__type", e.errorType());
            body.put("message", e.getMessage());
            return new Answer(e.httpStatus(), "application/x-amz-json-1.1", body.toString(), e.errorType());
        }

        static Answer ec2(int status, String code, String message) {
            return new Answer(status, "text/xml;charset=UTF-8",
                    Ec2QueryApi.error(status, code, message, requestId()).xml(), code);
        }
    }

    private void handle(HttpExchange ex) {
        long start = System.nanoTime();
        String[] operation = {null};
        Answer answer;
        try {
            answer = OVERLOADED.get() ? Answer.json(new AwsException("ServiceUnavailableException", 503,
                    "The server is busy (" + options.queueCapacity() + " requests queued); retry with backoff."))
                    : route(ex, operation);
        } catch (IOException e) {
            answer = Answer.json(new AwsException("SerializationException", 400, "Could not read the request: " + e));
        } catch (RuntimeException | Error t) {
            log("ERROR", "internal error", Map.of("operation", String.valueOf(operation[0]), "error", t.toString()));
            t.printStackTrace();
            answer = Answer.json(new AwsException("ServerException", 500, "Internal error: " + t));
        }
        try {
            send(ex, answer);
        } catch (IOException ignored) {
            // the client went away
        } finally {
            ex.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (operation[0] != null) {
            metrics.record(operation[0], answer.status(), answer.errorType(), seconds);
        }
        if (options.accessLog()) {
            log("INFO", "request", accessFields(ex, operation[0], answer, seconds));
        }
    }

    private Answer route(HttpExchange ex, String[] operation) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if ("GET".equals(method)) {
            Answer a = operator.get(path);
            if (a != null) {
                return a;
            }
            if ("/_stevedore/events".equals(path)) {
                try {
                    return new Answer(200, "application/json", admin.events(ex.getRequestURI().getRawQuery()), null);
                } catch (AwsException e) {
                    return Answer.json(e);
                }
            }
        }
        boolean form = isForm(ex);
        String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
        boolean logs = target != null && target.startsWith(LogsApi.TARGET_PREFIX);
        int limit = logs ? LogsApi.MAX_REQUEST_BYTES : MAX_BODY_BYTES;
        byte[] body = readLimited(ex, limit);
        if (body == null) {
            String msg = "The request body exceeds " + limit + " bytes.";
            return form ? Answer.ec2(413, "RequestEntityTooLarge", msg)
                    : Answer.json(new AwsException("RequestEntityTooLargeException", 413, msg));
        }
        if ("POST".equals(method) && ("/moto-api/reset".equals(path) || "/_stevedore/reset".equals(path))) {
            return reset(ex, body);
        }
        if ("POST".equals(method) && "/_stevedore/faults".equals(path)) {
            return fault(ex, body);
        }
        if ("POST".equals(method) && path.startsWith(CloudWatchApi.CBOR_PATH)) {
            return cloudWatch(ex, path.substring(CloudWatchApi.CBOR_PATH.length()), body, true, operation);
        }
        if (!"POST".equals(method) || !"/".equals(path)) {
            return Answer.json(new AwsException("UnknownOperationException", 404,
                    "Stevedore answers the ECS API on POST / (got " + method + " " + path + ")"));
        }
        if (logs) {
            String op = target.substring(LogsApi.TARGET_PREFIX.length());
            return json11(ex, body, LogsApi.SIGNING_NAME, op, ThrottleCategory.ofLogs(op), operation,
                    backend -> backend.logs().handle(target, new String(body, StandardCharsets.UTF_8)));
        }
        if (target != null && target.startsWith(AutoScalingApi.TARGET_PREFIX)) {
            return autoScaling(ex, target, body, operation);
        }
        if (target != null && target.startsWith(CloudWatchApi.TARGET_PREFIX)) {
            return cloudWatch(ex, target.substring(CloudWatchApi.TARGET_PREFIX.length()), body, false, operation);
        }
        if (target == null && form && isCloudWatchQuery(ex)) {
            return Answer.ec2(400, "InvalidAction", "Stevedore answers CloudWatch in the JSON 1.0 protocol"
                    + " (aws CLI, boto3) and Smithy RPC v2 CBOR (AWS SDK for Java v2), not the Query protocol.");
        }
        String other = target == null && form ? unservedQueryService(ex) : null;
        if (other != null) {
            return Answer.ec2(400, "InvalidAction", "Stevedore does not serve '" + other + "' (the service this"
                    + " request is signed for): it answers ECS, EC2, Application Auto Scaling, CloudWatch and"
                    + " CloudWatch Logs at this endpoint.");
        }
        return target == null && form ? ec2(ex, body, operation) : ecs(ex, target, body, operation);
    }

    /** The services answered at this endpoint, by SigV4 signing name. */
    private static final Set<String> SERVED = Set.of("ec2", "ecs", AutoScalingApi.SIGNING_NAME,
            CloudWatchApi.SIGNING_NAME, LogsApi.SIGNING_NAME);

    /**
     * The signing name of a Query-protocol call signed for a service Stevedore does not answer (CloudFormation,
     * IAM, STS, Elastic Load Balancing … as other emulators' test suites call them), or null.
     */
    private static String unservedQueryService(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        int at = auth == null ? -1 : auth.indexOf("Credential=");
        if (at < 0) {
            return null;
        }
        String[] scope = auth.substring(at + 11).split("[,\\s]", 2)[0].split("/");
        return scope.length == 5 && !SERVED.contains(scope[3]) ? scope[3] : null;
    }

    private Answer ecs(HttpExchange ex, String target, byte[] body, String[] operation) {
        String op = target != null && target.startsWith(EcsApi.TARGET_PREFIX)
                ? target.substring(EcsApi.TARGET_PREFIX.length()) : "other";
        return json11(ex, body, "ecs", op, operation, backend -> EcsApi.atEndpoint(baseUrl(ex),
                () -> backend.api().handle(target, new String(body, StandardCharsets.UTF_8))));
    }

    /** The base URL the client reached this server at (its Host header), for DiscoverPollEndpoint. */
    private String baseUrl(HttpExchange ex) {
        String host = ex.getRequestHeaders().getFirst("Host");
        return "http://" + (host == null || host.isBlank() ? "127.0.0.1:" + port() : host.strip());
    }

    /** Application Auto Scaling (JSON 1.1, signed for application-autoscaling). */
    private Answer autoScaling(HttpExchange ex, String target, byte[] body, String[] operation) {
        return json11(ex, body, AutoScalingApi.SIGNING_NAME, target.substring(AutoScalingApi.TARGET_PREFIX.length()),
                operation, backend -> backend.autoScaling().handle(target, new String(body, StandardCharsets.UTF_8)));
    }

    /**
     * One AWS JSON 1.1 call: verified for {@code signingName}, throttled per access key, answered by the backend of
     * the region its credential scope names; errors as AWS JSON bodies.
     */
    private Answer json11(HttpExchange ex, byte[] body, String signingName, String op, String[] operation,
                          java.util.function.Function<Backend, String> call) {
        return json11(ex, body, signingName, op, ThrottleCategory.ofEcs(op), operation, call);
    }

    /** As above, throttled in {@code category}. */
    private Answer json11(HttpExchange ex, byte[] body, String signingName, String op, ThrottleCategory category,
                          String[] operation, java.util.function.Function<Backend, String> call) {
        try {
            SigV4Verifier.Verified caller = verifier.verifyScoped(signed(ex, body), signingName);
            operation[0] = op;
            if (!options.limiter().tryAcquire(caller.accessKeyId(), category)) {
                return Answer.json(new AwsException("ThrottlingException", 400, "Rate exceeded"));
            }
            return new Answer(200, "application/x-amz-json-1.1", call.apply(regions.backend(caller.region())), null);
        } catch (Regions.RegionRefused e) {
            return Answer.json(new AwsException(e.ecsType(), 400, e.getMessage()));
        } catch (AuthException e) {
            operation[0] = "auth";
            return Answer.json(new AwsException(ecsAuthType(e.kind()), 400, e.getMessage()));
        } catch (AwsException e) {
            return Answer.json(e);
        }
    }

    /** CloudWatch, signed for monitoring: JSON 1.0 (awsQuery-compatible) or Smithy RPC v2 CBOR. */
    private Answer cloudWatch(HttpExchange ex, String op, byte[] body, boolean cbor, String[] operation) {
        try {
            SigV4Verifier.Verified caller = verifier.verifyScoped(signed(ex, body), CloudWatchApi.SIGNING_NAME);
            operation[0] = op;
            if (!options.limiter().tryAcquire(caller.accessKeyId(), ThrottleCategory.ofEcs(op))) {
                throw new AwsException("ThrottlingException", 400, "Rate exceeded");
            }
            Backend backend = regions.backend(caller.region()); // the region's own metrics and alarms
            return cbor ? new Answer(200, "application/cbor", null, null, backend.cloudWatch().handleCbor(op, body),
                    Map.of("smithy-protocol", "rpc-v2-cbor"))
                    : new Answer(200, "application/x-amz-json-1.0",
                    backend.cloudWatch().handleJson(CloudWatchApi.TARGET_PREFIX + op,
                            new String(body, StandardCharsets.UTF_8)), null);
        } catch (Regions.RegionRefused e) {
            return cloudWatchError(new AwsException(e.ecsType(), 400, e.getMessage()), cbor);
        } catch (AuthException e) {
            operation[0] = "auth";
            return cloudWatchError(new AwsException(ecsAuthType(e.kind()), 400, e.getMessage()), cbor);
        } catch (AwsException e) {
            return cloudWatchError(e, cbor);
        }
    }

    private static Answer cloudWatchError(AwsException e, boolean cbor) {
        Map<String, String> headers = cbor ? Map.of("smithy-protocol", "rpc-v2-cbor",
                "x-amzn-query-error", CloudWatchApi.queryError(e.errorType()))
                : Map.of("x-amzn-query-error", CloudWatchApi.queryError(e.errorType()));
        if (cbor) {
            return new Answer(e.httpStatus(), "application/cbor", null, e.errorType(),
                    io.stevedore.wire.CborCodec.error(e.errorType(), e.getMessage()), headers);
        }
        Answer j = Answer.json(e);
        return new Answer(j.status(), "application/x-amz-json-1.0", j.body(), j.errorType(), null, headers);
    }

    /** A form body signed for CloudWatch (the Query protocol of older clients). */
    private static boolean isCloudWatchQuery(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        return auth != null && auth.contains("/" + CloudWatchApi.SIGNING_NAME + "/aws4_request");
    }

    private Answer ec2(HttpExchange ex, byte[] body, String[] operation) {
        try {
            SigV4Verifier.Verified caller = verifier.verifyScoped(signed(ex, body), "ec2");
            String key = caller.accessKeyId();
            String form = new String(body, StandardCharsets.UTF_8);
            operation[0] = Ec2QueryRequest.parse(form).action();
            if (!options.limiter().tryAcquire(key, ThrottleCategory.EC2_DESCRIBE)) {
                return Answer.ec2(503, "RequestLimitExceeded", "Request limit exceeded.");
            }
            Ec2QueryApi.Response r = regions.backend(caller.region()).ec2(form);
            return new Answer(r.status(), "text/xml;charset=UTF-8", r.xml(), r.status() == 200 ? null : "ec2");
        } catch (Regions.RegionRefused e) {
            return Answer.ec2(e.ec2Status(), e.ec2Code(), e.getMessage());
        } catch (AuthException e) {
            operation[0] = "auth";
            return switch (e.kind()) {
                case MISSING -> Answer.ec2(401, "MissingAuthenticationToken", "The request must contain either a"
                        + " valid (registered) AWS access key ID or X.509 certificate.");
                case INCOMPLETE -> Answer.ec2(400, "IncompleteSignature", e.getMessage());
                case UNKNOWN_KEY -> Answer.ec2(401, "AuthFailure",
                        "AWS was not able to validate the provided access credentials");
                case BAD_SIGNATURE -> Answer.ec2(403, "SignatureDoesNotMatch", e.getMessage());
                case EXPIRED -> Answer.ec2(400, "RequestExpired", "Request has expired. " + e.getMessage());
            };
        } catch (Ec2Exception e) {
            return Answer.ec2(400, e.code(), e.getMessage());
        }
    }

    static String ecsAuthType(AuthException.Kind kind) {
        return switch (kind) {
            case MISSING -> "MissingAuthenticationTokenException";
            case INCOMPLETE -> "IncompleteSignatureException";
            case UNKNOWN_KEY -> "UnrecognizedClientException";
            case BAD_SIGNATURE, EXPIRED -> "InvalidSignatureException";
        };
    }

    /** Fault injection (docs/lifecycle.md): authorized like the admin reset. */
    private Answer fault(HttpExchange ex, byte[] body) {
        if (options.keys().configured()) {
            try {
                verifier.verify(signed(ex, body), "ecs");
            } catch (AuthException e) {
                return Answer.json(new AwsException(ecsAuthType(e.kind()), 400, e.getMessage()));
            }
        }
        try {
            return new Answer(200, "application/json", admin.fault(new String(body, StandardCharsets.UTF_8)), null);
        } catch (AwsException e) {
            return Answer.json(e);
        }
    }

    /**
     * The admin reset of every region: open with the local default key; with operator keys it needs a SigV4-signed
     * request (scoped to any region).
     */
    private Answer reset(HttpExchange ex, byte[] body) {
        if (options.keys().configured()) {
            try {
                verifier.verify(signed(ex, body), "ecs");
            } catch (AuthException e) {
                return Answer.json(new AwsException(ecsAuthType(e.kind()), 400, e.getMessage()));
            }
        }
        regions.resetAll();
        return new Answer(200, "application/json", "{\"status\":\"ok\"}", null);
    }

    private static boolean isForm(HttpExchange ex) {
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        return contentType != null && contentType.startsWith("application/x-www-form-urlencoded");
    }

    private static SignedRequest signed(HttpExchange ex, byte[] body) {
        return new SignedRequest(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                ex.getRequestURI().getRawQuery(), ex.getRequestHeaders(), body);
    }

    /**
     * The body, or null when it exceeds {@code limit} bytes (declared or actual). An oversized body of up to
     * {@link #MAX_DRAIN_BYTES} is read and discarded so that the client, still sending, receives the 413 instead of
     * a connection reset; beyond that the connection is closed after the answer.
     */
    private static byte[] readLimited(HttpExchange ex, int limit) throws IOException {
        InputStream in = ex.getRequestBody();
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        long length = declared == null ? -1 : contentLength(declared.strip());
        if (length > limit) {
            drain(in, length);
            return null;
        }
        if (length >= 0) {
            // the usual case: one array of the declared size (the server's stream ends at the declared length)
            return in.readNBytes((int) length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            if (out.size() + n > limit) {
                drain(in, MAX_DRAIN_BYTES);
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** A Content-Length of 1 to 18 digits, or -1. */
    private static long contentLength(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return -1;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(value);
    }

    private static void drain(InputStream in, long declared) throws IOException {
        if (declared <= MAX_DRAIN_BYTES) {
            byte[] buf = new byte[65536];
            long left = MAX_DRAIN_BYTES;
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                left -= n;
            }
        }
    }

    private static void send(HttpExchange ex, Answer a) throws IOException {
        byte[] bytes = a.raw() != null ? a.raw() : a.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", a.contentType());
        a.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.getResponseHeaders().set("x-amzn-RequestId", requestId());
        if (a.errorType() != null && a.contentType().startsWith("application/x-amz-json")) {
            ex.getResponseHeaders().set("x-amzn-ErrorType", a.errorType());
        }
        if (a.status() == 413 || a.status() == 503) {
            ex.getResponseHeaders().set("Connection", "close");
        }
        ex.sendResponseHeaders(a.status(), bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    /** A random request id in UUID form; not a secret, so no SecureRandom (whose lock the profile showed). */
    static String requestId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return new UUID((r.nextLong() & ~0xf000L) | 0x4000L, (r.nextLong() & 0x3fffffffffffffffL)
                | 0x8000000000000000L).toString();
    }

    private static Map<String, Object> accessFields(HttpExchange ex, String operation, Answer a, double seconds) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("method", ex.getRequestMethod());
        f.put("path", ex.getRequestURI().getPath());
        f.put("operation", operation == null ? "-" : operation);
        f.put("status", a.status());
        f.put("errorType", a.errorType() == null ? "-" : a.errorType());
        f.put("ms", Math.round(seconds * 1e6) / 1e3);
        f.put("remote", String.valueOf(ex.getRemoteAddress()));
        return f;
    }

    private void log(String level, String message, Map<String, ?> fields) {
        options.logFormat().log(System.err, plane.clock().now(), level, message, fields);
    }

    /** Stops answering at once (no draining); the control plane is closed by its owner. */
    @Override
    public void close() {
        http.stop(0);
        agents.close();
        console.close();
        workers.shutdownNow();
    }
}
