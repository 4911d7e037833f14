package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.api.auth.RawClient;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;

/** Malformed bodies for every operation: always a 4xx AWS error, never a 5xx, and the server stays usable. */
class RequestFuzzTest {
    @TempDir
    static Path dir;
    static EcsServerFixture f;
    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        f = new EcsServerFixture(dir, false); // the API edge only: no reconciler competing for the lock
        f.miCluster("c");
        f.register(EcsServerFixture.nginx("web"));
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    /** POSTs {@code body}, signed with the local default key (the fuzz must reach the operations, not auth). */
    private static RawClient.Response post(String target, String body) throws Exception {
        java.util.Map<String, String> headers = new java.util.HashMap<>();
        headers.put("Content-Type", "application/x-amz-json-1.1");
        if (target != null) {
            headers.put("X-Amz-Target", target);
        }
        software.amazon.awssdk.http.SdkHttpRequest signed = RawClient.sign(URI.create(f.endpoint() + "/"), headers,
                body, RawClient.Signing.ecs("test", "test"));
        HttpRequest.Builder b = HttpRequest.newBuilder(signed.getUri()).timeout(java.time.Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        signed.headers().forEach((k, vs) -> {
            if (!k.equalsIgnoreCase("host") && !k.equalsIgnoreCase("content-length")) {
                vs.forEach(v -> b.header(k, v));
            }
        });
        java.net.http.HttpResponse<String> r = http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return new RawClient.Response(r.statusCode(), r.headers().map(), r.body());
    }

    /** Bodies with the right fields but wrong types, plus generic garbage. */
    static List<String> bodies(String operation) throws Exception {
        List<String> out = new ArrayList<>(List.of("", "{", "[]", "\"s\"", "123", "null", "{}", "{\"a\":",
                "{\"cluster\":5}", "{\"cluster\":\"c\",\"count\":\"x\"}", "{\"cluster\":\"\"}",
                "{\"cluster\":\"arn:aws:ecs:us-east-1:000000000000:cluster/\"}",
                "[".repeat(5000) + "]".repeat(5000), "{\"x\":" + "{\"y\":".repeat(3000) + "1" + "}".repeat(3001)));
        Class<?> type = Class.forName("software.amazon.awssdk.services.ecs.model." + operation + "Request");
        Method builder = type.getMethod("builder");
        SdkPojo b = (SdkPojo) builder.invoke(null);
        for (SdkField<?> field : b.sdkFields()) {
            String name = field.locationName();
            MarshallingType<?> t = field.marshallingType();
            String wrong = t == MarshallingType.STRING ? "123" : "\"x\"";
            out.add("{\"cluster\":\"c\",\"" + name + "\":" + wrong + "}");
            out.add("{\"cluster\":\"c\",\"" + name + "\":{\"nested\":[1,{}]}}");
            out.add("{\"cluster\":\"c\",\"" + name + "\":[null,1,\"a\",{}]}");
            if (t == MarshallingType.STRING) {
                out.add("{\"cluster\":\"c\",\"" + name + "\":\"" + "x".repeat(5000) + "\"}");
                out.add("{\"cluster\":\"c\",\"" + name + "\":\"\"}");
            }
            if (t == MarshallingType.INTEGER) {
                out.add("{\"cluster\":\"c\",\"" + name + "\":-2147483648}");
                out.add("{\"cluster\":\"c\",\"" + name + "\":99999999999}");
            }
            if (t == MarshallingType.LIST) {
                out.add("{\"cluster\":\"c\",\"" + name + "\":[]}");
                out.add("{\"cluster\":\"c\",\"" + name + "\":[{}]}");
            }
            if (t == MarshallingType.SDK_POJO) {
                out.add("{\"cluster\":\"c\",\"" + name + "\":{}}");
            }
        }
        return out;
    }

    @Test
    void everyOperation_malformedBodies_answer4xxNever5xx() throws Exception {
        int requests = 0;
        for (String op : f.plane.api().operations()) {
            for (String body : bodies(op)) {
                RawClient.Response r;
                try {
                    r = post(EcsApi.TARGET_PREFIX + op, body);
                } catch (java.net.http.HttpTimeoutException e) {
                    throw new AssertionError("no answer in 10 s: " + op + " " + abbreviate(body), e);
                }
                requests++;
                assertThat(r.status()).as(op + " " + abbreviate(body) + " -> " + r.body()).isBetween(200, 499);
                if (r.status() >= 400) {
                    assertThat(r.body()).as(op).contains("\"__type\"").contains("\"message\"");
                }
            }
        }
        assertThat(requests).isGreaterThan(500);
        assertThat(f.ecs.listClusters().clusterArns()).isNotEmpty();
    }

    @Test
    void protocolErrors_haveAwsTypes() throws Exception {
        assertThat(post(null, "{}").body()).contains("UnknownOperationException");
        assertThat(post(EcsApi.TARGET_PREFIX + "NoSuchThing", "{}").body()).contains("UnknownOperationException");
        RawClient.Response bad = post(EcsApi.TARGET_PREFIX + "ListClusters", "{not json");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("SerializationException");
        RawClient.Response big = post(EcsApi.TARGET_PREFIX + "ListClusters",
                "{\"x\":\"" + "a".repeat(ApiServer.MAX_BODY_BYTES) + "\"}");
        assertThat(big.status()).isEqualTo(413);
        RawClient.Response ok = post(EcsApi.TARGET_PREFIX + "ListClusters", "{}");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.headers().get("content-type")).containsExactly("application/x-amz-json-1.1");
    }

    @Test
    void adminReset_wipesState_andHealthAnswers() throws Exception {
        HttpRequest health = HttpRequest.newBuilder(URI.create(f.endpoint() + "/_stevedore/health")).GET().build();
        assertThat(http.send(health, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        try (EcsServerFixture other = new EcsServerFixture(dir.resolve("reset"), false)) {
            other.ecs.createCluster(b -> b.clusterName("x"));
            HttpRequest reset = HttpRequest.newBuilder(URI.create(other.endpoint() + "/moto-api/reset"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build();
            assertThat(http.send(reset, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(other.ecs.listClusters().clusterArns()).isEmpty();
            other.ecs.createCluster(b -> b.clusterName("y"));
            assertThat(other.ecs.listClusters().clusterArns()).hasSize(1);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
