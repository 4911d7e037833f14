package io.stevedore.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.stevedore.api.EcsServerFixture;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench/load's own client and signer: the real server verifies its signatures; the answer framings it reads. */
class LoadClientTest {
    @TempDir
    Path dir;

    @Test
    void signedCalls_areVerifiedAndAnsweredByTheRealServer() throws Exception {
        try (EcsServerFixture f = new EcsServerFixture(dir.resolve("data"), false)) {
            LoadMain load = new LoadMain(f.endpoint(), 4);
            assertThat(load.call("CreateCluster", "{\"clusterName\":\"load\"}")).contains("cluster/load");
            for (int i = 0; i < 3; i++) {
                assertThat(load.call("ListClusters", "{}")).contains("cluster/load");
            }
            assertThat(f.ecs.describeClusters(b -> b.clusters("load")).clusters()).hasSize(1);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void capacityLoop_keepsTheMixAndEndsWithNothingInFlight() throws Exception {
        try (EcsServerFixture f = new EcsServerFixture(dir.resolve("data"), false);
             var ec2 = f.ec2Client()) {
            LoadMain load = new LoadMain(f.endpoint(), 4);
            load.subnets = List.of(ec2.describeSubnets().subnets().get(0).subnetId());
            load.setup();
            java.util.Map<String, Object> c = load.capacity(2, 4, 10);
            java.util.Map<String, Object> reads = (java.util.Map<String, Object>) c.get("reads");
            java.util.Map<String, Object> writes = (java.util.Map<String, Object>) c.get("writes");
            long r = (Long) reads.get("ok");
            long w = (Long) writes.get("ok");
            assertThat((java.util.Map<String, Long>) c.get("errors")).isEmpty();
            assertThat(w).isPositive();
            // one write for every ten reads, give or take the calls in flight when the loop stopped
            assertThat(r).isBetween(10 * w - 4, 10 * w + 14);
            assertThat((Long) c.get("ok_per_s")).isEqualTo(Math.round((r + w) / (Double) c.get("elapsed_s")));
            // every loop stopped after its last answer: nothing is left in flight for the next phase
            assertThat(c.get("drained")).isEqualTo(true);
            assertThat(reads.get("completed")).isEqualTo((int) r);
            assertThat(load.call("ListClusters", "{}")).contains("cluster/load");
        }
    }

    @Test
    void answers_byLengthChunkedAndConnectionClose_areRead() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        http.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String mode = new String(body, StandardCharsets.UTF_8);
            byte[] answer = ("echo " + mode).getBytes(StandardCharsets.UTF_8);
            if (mode.equals("close")) {
                ex.getResponseHeaders().set("Connection", "close");
            }
            if (mode.equals("error")) {
                ex.getResponseHeaders().set("x-amzn-ErrorType", "ThrottlingException");
            }
            ex.sendResponseHeaders(mode.equals("error") ? 400 : 200, mode.equals("chunked") ? 0 : answer.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(answer);
            }
        });
        http.start();
        try (LoadClient client = new LoadClient(URI.create("http://127.0.0.1:" + http.getAddress().getPort()))) {
            for (String mode : List.of("length", "chunked", "close", "length", "error", "chunked")) {
                CompletableFuture<String> got = new CompletableFuture<>();
                client.send(LoadClient.post(client.host(), List.of("Content-Type", "text/plain"),
                        mode.getBytes(StandardCharsets.UTF_8)), (status, type, body, error) -> got.complete(
                        error != null ? error.toString()
                                : status + " " + type + " " + new String(body, StandardCharsets.UTF_8)));
                String expected = mode.equals("error") ? "400 ThrottlingException echo error"
                        : "200 null echo " + mode;
                assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        } finally {
            http.stop(0);
        }
    }
}
