package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.api.auth.AccessKeys;
import io.stevedore.api.limits.RateLimiter;
import io.stevedore.api.observe.LogFormat;
import io.stevedore.assembly.ControlPlane;
import io.stevedore.time.Clock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The console beyond loopback: a server bound to every address with configured keys. Without a session nothing is
 * shown; a sign-in needs a configured key's secret in a POST body (never a URL) and is limited after repeated
 * failures; the session cookie is HttpOnly and SameSite=Strict; an action without the session's CSRF token is
 * refused and changes nothing, and with it runs as the ECS operation.
 */
class ConsoleSecurityTest {
    static final String KEY = "AKIDCONSOLETEST";
    static final String SECRET = "console-secret-0123456789";
    static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;
    ControlPlane plane;
    ApiServer server;
    EcsClient ecs;
    String base;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() throws Exception {
        plane = ControlPlane.open(dir, EcsServerFixture.config(), Clock.system());
        server = new ApiServer(plane, "0.0.0.0", 0, new ApiServer.Options(new AccessKeys(Map.of(KEY, SECRET), true),
                RateLimiter.disabled(), LogFormat.PLAIN, false));
        server.start();
        base = "http://127.0.0.1:" + server.port();
        ecs = EcsClient.builder().endpointOverride(URI.create(base)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)))
                .httpClient(Apache5HttpClient.builder().build()).build();
        ecs.createCluster(b -> b.clusterName("prod"));
        ecs.registerTaskDefinition(EcsServerFixture.nginx("web").build());
        ecs.createService(b -> b.cluster("prod").serviceName("web").taskDefinition("web").desiredCount(0)
                .launchType("FARGATE").networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets(
                        plane.cloud().network().subnets().get(0).id()))));
    }

    @AfterEach
    void stop() {
        ecs.close();
        server.close();
        plane.close();
    }

    HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String type, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> login(String id, String secret) throws Exception {
        return post("/console/login", "application/x-www-form-urlencoded", "accessKeyId=" + enc(id)
                + "&secretAccessKey=" + enc(secret), Map.of());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String cookieOf(HttpResponse<?> r) {
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        return set.substring(0, set.indexOf(';'));
    }

    String scaleAction(int count) {
        return "{\"action\":\"scale\",\"cluster\":\"prod\",\"service\":\"web\",\"desiredCount\":" + count + "}";
    }

    int desired() {
        return ecs.describeServices(b -> b.cluster("prod").services("web")).services().get(0).desiredCount();
    }

    @Test
    void unauthenticated_pageRedirectsToSignIn_andTheApiAndStreamAnswer401() throws Exception {
        HttpResponse<String> page = get("/console/", null);
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).hasValue("/console/login");
        for (String path : new String[] {"/console/api/clusters", "/console/api/cluster?name=prod",
                "/console/api/tasks?cluster=prod", "/console/api/events?cluster=prod", "/console/api/session"}) {
            HttpResponse<String> r = get(path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.body()).as(path).contains("Unauthenticated").doesNotContain("prod\"");
        }
        HttpResponse<String> forged = get("/console/api/clusters", ConsoleAuth.COOKIE + "=made-up-session-id");
        assertThat(forged.statusCode()).isEqualTo(401);
        HttpResponse<String> action = post("/console/api/actions", "application/json", scaleAction(3), Map.of());
        assertThat(action.statusCode()).isEqualTo(401);
        assertThat(desired()).isZero();
        HttpResponse<String> loginPage = get("/console/login", null);
        assertThat(loginPage.statusCode()).isEqualTo(200);
        assertThat(loginPage.body()).contains("<form method=\"post\" action=\"/console/login\"")
                .contains("type=\"password\"").doesNotContain("{{message}}");
        assertThat(loginPage.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("default-src 'self'").contains("frame-ancestors 'none'"));
    }

    @Test
    void signIn_needsAConfiguredKeyInAPostBody_andFailuresAreLimited() throws Exception {
        HttpResponse<String> inUrl = post("/console/login?accessKeyId=" + KEY + "&secretAccessKey=" + SECRET,
                "application/x-www-form-urlencoded", "", Map.of());
        assertThat(inUrl.statusCode()).as("a secret in the URL signs no one in").isEqualTo(401);
        assertThat(inUrl.headers().firstValue("Set-Cookie")).isEmpty();
        HttpResponse<String> wrong = login(KEY, "not-the-secret");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(wrong.body()).contains("are not among the server");
        HttpResponse<String> ok = login(KEY, SECRET);
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(ok.headers().firstValue("Location")).hasValue("/console/");
        String set = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(set).startsWith(ConsoleAuth.COOKIE + "=").contains("HttpOnly").contains("SameSite=Strict")
                .contains("Path=/console").doesNotContain(SECRET);
        HttpResponse<String> page = get("/console/", cookieOf(ok));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Stevedore console</title>");
        JsonNode session = MAPPER.readTree(get("/console/api/session", cookieOf(ok)).body());
        assertThat(session.get("user").asText()).isEqualTo(KEY);
        assertThat(session.get("open").asBoolean()).isFalse();
        for (int i = 0; i < ConsoleAuth.MAX_FAILURES - 1; i++) {
            assertThat(login(KEY, "guess-" + i).statusCode()).isEqualTo(401);
        }
        assertThat(login(KEY, SECRET).statusCode()).as("a good key after failures, under the limit").isEqualTo(303);
        for (int i = 0; i < ConsoleAuth.MAX_FAILURES; i++) {
            login("AKIDUNKNOWN", "guess-" + i);
        }
        HttpResponse<String> limited = login(KEY, SECRET);
        assertThat(limited.statusCode()).as("after " + ConsoleAuth.MAX_FAILURES + " failures in a minute")
                .isEqualTo(429);
        assertThat(limited.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void action_withoutItsCsrfToken_isRefusedAndChangesNothing_withItScalesTheService() throws Exception {
        String cookie = cookieOf(login(KEY, SECRET));
        String csrf = MAPPER.readTree(get("/console/api/session", cookie).body()).get("csrfToken").asText();
        assertThat(csrf).hasSizeGreaterThanOrEqualTo(40);

        HttpResponse<String> none = post("/console/api/actions", "application/json", scaleAction(2),
                Map.of("Cookie", cookie));
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).contains("InvalidCsrfToken");
        HttpResponse<String> wrong = post("/console/api/actions", "application/json", scaleAction(2),
                Map.of("Cookie", cookie, "X-CSRF-Token", csrf.substring(1) + "x"));
        assertThat(wrong.statusCode()).isEqualTo(403);
        HttpResponse<String> noSession = post("/console/api/actions", "application/json", scaleAction(2),
                Map.of("X-CSRF-Token", csrf));
        assertThat(noSession.statusCode()).isEqualTo(401);
        assertThat(desired()).as("nothing changed").isZero();

        HttpResponse<String> ok = post("/console/api/actions", "application/json", scaleAction(2),
                Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(MAPPER.readTree(ok.body()).get("message").asText()).contains("desired count set to 2");
        assertThat(desired()).isEqualTo(2);

        for (String bad : new String[] {"-1", "2.5", "\"3\""}) {
            HttpResponse<String> invalid = post("/console/api/actions", "application/json",
                    scaleAction(0).replace(":0}", ":" + bad + "}"), Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
            assertThat(invalid.statusCode()).as(bad).isEqualTo(400);
            assertThat(invalid.body()).contains("desiredCount must be a whole number");
        }
        assertThat(desired()).isEqualTo(2);
        HttpResponse<String> missing = post("/console/api/actions", "application/json",
                "{\"action\":\"scale\",\"cluster\":\"prod\",\"service\":\"nope\",\"desiredCount\":1}",
                Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).as("the API's own error").contains("ServiceNotFoundException");

        HttpResponse<String> out = post("/console/logout", "application/json", "{}",
                Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c)
                .startsWith(ConsoleAuth.COOKIE + "=;").contains("Max-Age=0"));
        assertThat(get("/console/api/clusters", cookie).statusCode()).as("signed out").isEqualTo(401);
    }

    @Test
    void loopbackWithTheLocalDefaultKey_opensDirectly_butActionsStillNeedTheToken() throws Exception {
        try (EcsServerFixture local = new EcsServerFixture(dir.resolve("local"), false)) {
            String at = local.endpoint().toString();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(at + "/console/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            String cookie = cookieOf(page);
            JsonNode session = MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(at
                    + "/console/api/session")).header("Cookie", cookie).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(session.get("open").asBoolean()).isTrue();
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(at + "/console/login")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as("nothing to sign in to").isEqualTo(303);
            HttpResponse<String> action = http.send(HttpRequest.newBuilder(URI.create(at + "/console/api/actions"))
                    .header("Cookie", cookie).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(scaleAction(1))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(action.statusCode()).as("a page on another site cannot act through the browser")
                    .isEqualTo(403);
            assertThat(statusLine(local.server.port(), "evil.example:" + local.server.port()))
                    .as("a name re-pointed at 127.0.0.1 (DNS rebinding) is refused").contains(" 403 ");
            assertThat(statusLine(local.server.port(), "localhost:" + local.server.port())).contains(" 200 ");
        }
    }

    /** The status line of {@code GET /console/} sent with the given Host header (the JDK client cannot set one). */
    static String statusLine(int port, String host) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /console/ HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void loopbackHost_acceptsOnlyLoopbackNames() {
        for (String ok : new String[] {"127.0.0.1", "127.0.0.1:8080", "localhost", "LOCALHOST:4566", "127.1.2.3:1",
                "[::1]", "[::1]:8080"}) {
            assertThat(Console.loopbackHost(ok)).as(ok).isTrue();
        }
        for (String no : new String[] {null, "", "127.0.0.1.evil.example", "127.0.0.1.nip.io:80", "[::1]x",
                "0.0.0.0", "evil.example", "localhost.evil.example", "10.0.0.1:8080"}) {
            assertThat(Console.loopbackHost(no)).as(String.valueOf(no)).isFalse();
        }
    }
}
