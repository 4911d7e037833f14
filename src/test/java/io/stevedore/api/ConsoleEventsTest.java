package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's event stream (server-sent events) on a running server: the backlog of a first visit, the cluster and
 * type filters, resuming from Last-Event-ID (and an id from before a restart), and the bound on open streams.
 */
class ConsoleEventsTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    @TempDir
    Path dir;
    EcsServerFixture f;
    final HttpClient http = HttpClient.newHttpClient();
    final List<InputStream> open = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        f = new EcsServerFixture(dir);
        f.miCluster("a");
        f.miCluster("b");
        f.register(EcsServerFixture.nginx("web"));
        for (String c : new String[] {"a", "b"}) { // cluster a: well over 50 events
            f.ecs.createService(s -> s.cluster(c).serviceName("web").taskDefinition("web")
                    .desiredCount("a".equals(c) ? 12 : 2).networkConfiguration(f.awsvpc()));
        }
        f.waiter.waitUntilServicesStable(s -> s.cluster("a").services("web"));
        f.waiter.waitUntilServicesStable(s -> s.cluster("b").services("web"));
    }

    @AfterEach
    void stop() {
        for (InputStream in : open) {
            try {
                in.close();
            } catch (java.io.IOException ignored) {
                // closing a stream the server already ended
            }
        }
        f.close();
    }

    HttpResponse<InputStream> stream(String query, String lastEventId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(f.endpoint() + "/console/api/events?" + query))
                .timeout(Duration.ofSeconds(30));
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        open.add(r.body());
        return r;
    }

    /** The events a stream sends until it has been quiet for a second (its backlog, when nothing else happens). */
    static List<JsonNode> read(HttpResponse<InputStream> r, int atLeast) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String line;
        while (System.nanoTime() < deadline && (events.size() < atLeast || in.ready()) && (line = in.readLine()) != null) {
            if (line.startsWith("data: ")) {
                events.add(MAPPER.readTree(line.substring(6)));
            }
        }
        return events;
    }

    @Test
    void firstVisit_getsTheClustersLatestEvents_filteredByClusterAndType() throws Exception {
        HttpResponse<InputStream> r = stream("cluster=a", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/event-stream"));
        List<JsonNode> events = read(r, Console.BACKLOG);
        assertThat(events).hasSize(Console.BACKLOG);
        assertThat(events).allSatisfy(e -> assertThat(e.get("resources").toString()).contains("/a/"));
        assertThat(events).extracting(e -> e.get("seq").asLong()).isSorted();

        List<JsonNode> tasks = read(stream("cluster=b&type=ECS+Task+State+Change", null), 8);
        assertThat(tasks).as("2 tasks: PROVISIONING, PENDING, ACTIVATING, RUNNING each")
                .hasSizeGreaterThanOrEqualTo(8).allSatisfy(e -> {
            assertThat(e.get("detailType").asText()).isEqualTo("ECS Task State Change");
            assertThat(e.get("detail").get("clusterArn").asText()).endsWith(":cluster/b");
        });
    }

    @Test
    void lastEventId_resumesAfterIt_anIdFromBeforeARestart_getsTheBacklog() throws Exception {
        List<JsonNode> all = read(stream("cluster=a", null), Console.BACKLOG);
        long resumeAfter = all.get(all.size() - 4).get("seq").asLong();
        List<JsonNode> rest = read(stream("cluster=a", Long.toString(resumeAfter)), 3);
        assertThat(rest).extracting(e -> e.get("seq").asLong()).containsExactly(
                all.get(all.size() - 3).get("seq").asLong(), all.get(all.size() - 2).get("seq").asLong(),
                all.get(all.size() - 1).get("seq").asLong());
        List<JsonNode> stale = read(stream("cluster=a", "999999999"), Console.BACKLOG);
        assertThat(stale).as("an id above the newest event (numbers restart with the server)")
                .hasSize(Console.BACKLOG);
    }

    @Test
    void streams_areBounded_theNextOneIsAnswered503() throws Exception {
        for (int i = 0; i < Console.MAX_STREAMS; i++) {
            assertThat(stream("cluster=a", null).statusCode()).isEqualTo(200);
        }
        HttpResponse<InputStream> over = stream("cluster=a", null);
        assertThat(over.statusCode()).isEqualTo(503);
        assertThat(new String(over.body().readAllBytes(), StandardCharsets.UTF_8)).contains("Too many open event"
                + " streams");
    }
}
