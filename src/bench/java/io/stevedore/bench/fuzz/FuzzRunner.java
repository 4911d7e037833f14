package io.stevedore.bench.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.api.EcsServerFixture;
import io.stevedore.api.auth.RawClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Sends fuzz cases (signed like any SDK call) to a real in-process server whose reconciler does not tick, and
 * checks each answer: no 5xx; a 4xx has an AWS JSON error body ({@code __type} and {@code message}) and left the
 * state digest unchanged; a kind that must be rejected was rejected; the server still answers its health check.
 */
public final class FuzzRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Counts of one run. */
    public static final class Report {
        public final Map<String, Integer> casesByOperation = new TreeMap<>();
        public final Map<FuzzCase.Kind, Integer> casesByKind = new EnumMap<>(FuzzCase.Kind.class);
        public final Map<String, Long> nanosByOperation = new TreeMap<>();
        public int cases;
        public int accepted2xx;
        public int rejected4xx;
        public int status413;
        public int server5xx;
        public final List<String> violations = new ArrayList<>();

        void violation(FuzzCase c, String what) {
            if (violations.size() < 200) {
                violations.add(c + ": " + what);
            }
        }
    }

    private final EcsServerFixture server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public FuzzRunner(EcsServerFixture server) {
        this.server = server;
    }

    /** Runs {@code cases}, stopping early at {@code deadline}; returns how many ran. */
    public int run(List<FuzzCase> cases, Instant deadline, Report report) throws Exception {
        int n = 0;
        for (FuzzCase c : cases) {
            if (Instant.now().isAfter(deadline)) {
                break;
            }
            long t0 = System.nanoTime();
            check(c, report);
            report.nanosByOperation.merge(c.operation(), System.nanoTime() - t0, Long::sum);
            n++;
            if (n % 200 == 0) {
                alive(c, report);
            }
        }
        return n;
    }

    void check(FuzzCase c, Report r) throws Exception {
        String before = StateDigest.of(server.plane.state());
        HttpResponse<String> res;
        try {
            res = send(c);
        } catch (java.io.IOException e) {
            r.cases++;
            r.violation(c, "no answer: " + e);
            return;
        }
        r.cases++;
        r.casesByOperation.merge(c.operation(), 1, Integer::sum);
        r.casesByKind.merge(c.kind(), 1, Integer::sum);
        int s = res.statusCode();
        if (s >= 500) {
            r.server5xx++;
            r.violation(c, "HTTP " + s + " " + abbreviate(res.body()));
            return;
        }
        if (s >= 200 && s < 300) {
            r.accepted2xx++;
            if (c.kind().mustReject()) {
                r.violation(c, "accepted (HTTP " + s + ") but must be rejected");
            }
            return;
        }
        r.rejected4xx++;
        if (s == 413) {
            r.status413++;
        }
        JsonNode body = parse(res.body());
        if (body == null || !body.path("__type").isTextual() || !body.path("message").isTextual()
                || body.path("message").asText().isEmpty()) {
            r.violation(c, "HTTP " + s + " without an AWS error body: " + abbreviate(res.body()));
        }
        if (!before.equals(StateDigest.of(server.plane.state()))) {
            r.violation(c, "rejected (HTTP " + s + ") but the state changed");
        }
    }

    private void alive(FuzzCase last, Report r) throws Exception {
        HttpResponse<String> h = http.send(HttpRequest.newBuilder(server.endpoint().resolve("/_stevedore/health"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (h.statusCode() != 200) {
            r.violation(last, "health check answered " + h.statusCode() + " after this case");
        }
    }

    HttpResponse<String> send(FuzzCase c) throws Exception {
        URI endpoint = server.endpoint();
        SdkHttpRequest signed = RawClient.signBytes(endpoint, Map.of("X-Amz-Target", RawClient.ECS_TARGET
                + c.operation(), "Content-Type", "application/x-amz-json-1.1"), c.body(),
                RawClient.Signing.ecs("test", "test"));
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(c.body()));
        signed.headers().forEach((k, vs) -> {
            if (!k.equalsIgnoreCase("host") && !k.equalsIgnoreCase("content-length")) {
                vs.forEach(v -> b.header(k, v));
            }
        });
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            return null;
        }
    }

    static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
