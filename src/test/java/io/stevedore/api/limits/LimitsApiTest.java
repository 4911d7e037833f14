package io.stevedore.api.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.api.ApiServer;
import io.stevedore.api.EcsServerFixture;
import io.stevedore.api.auth.AccessKeys;
import io.stevedore.api.auth.RawClient;
import io.stevedore.api.observe.LogFormat;
import io.stevedore.assembly.ControlPlane;
import io.stevedore.control.state.PlaneConfig;
import io.stevedore.time.Clock;
import io.stevedore.time.VirtualClock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ecs.EcsClient;

/** Request size limit and per-key throttling through a real server and the real SDK. */
class LimitsApiTest {
    @TempDir
    Path dir;

    @Test
    void throttledKey_answersThrottlingException_otherCategoriesPass() throws Exception {
        // A frozen virtual clock: buckets never refill during the test, so the count is exact.
        VirtualClock clock = new VirtualClock(Instant.now());
        ApiServer.Options options = new ApiServer.Options(AccessKeys.localDefault(), RateLimiter.scaled(clock, 1),
                LogFormat.PLAIN, false);
        try (ControlPlane plane = ControlPlane.open(dir, PlaneConfig.defaults(), Clock.system())) {
            ApiServer server = new ApiServer(plane, "127.0.0.1", 0, options);
            server.start();
            try (EcsClient ecs = EcsServerFixture.client(URI.create("http://127.0.0.1:" + server.port()))) {
                for (int i = 0; i < ThrottleCategory.CLUSTER_MODIFY.burst(); i++) {
                    ecs.createCluster(b -> b.clusterName("c" + System.nanoTime()));
                }
                assertThatThrownBy(() -> ecs.createCluster(b -> b.clusterName("one-too-many")))
                        .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                            assertThat(e.statusCode()).isEqualTo(400);
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
                            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
                            assertThat(e.isThrottlingException()).isTrue();
                        });
                assertThat(ecs.listClusters().clusterArns()).hasSize(ThrottleCategory.CLUSTER_MODIFY.burst());
            } finally {
                server.close();
            }
        }
    }

    @Test
    void oversizedBody_answers413RequestEntityTooLarge() throws Exception {
        try (EcsServerFixture f = new EcsServerFixture(dir, false)) {
            String huge = "{\"clusterName\":\"" + "x".repeat(ApiServer.MAX_BODY_BYTES) + "\"}";
            RawClient.Response r = RawClient.ecs(f.endpoint(), "CreateCluster", huge,
                    RawClient.Signing.ecs("test", "test"));
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body()).contains("RequestEntityTooLargeException");
            assertThat(f.ecs.listClusters().clusterArns()).isEmpty();
        }
    }

    @Test
    void fullWorkerQueue_answers503ServiceUnavailableAtOnce_othersServedAfterwards() throws Exception {
        ApiServer.Options options = new ApiServer.Options(AccessKeys.localDefault(), RateLimiter.disabled(),
                LogFormat.PLAIN, false, 1);
        try (ControlPlane plane = ControlPlane.open(dir, PlaneConfig.defaults(), Clock.system())) {
            ApiServer server = new ApiServer(plane, "127.0.0.1", 0, options);
            server.start();
            URI endpoint = URI.create("http://127.0.0.1:" + server.port());
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
            Thread holder = new Thread(() -> plane.database().transaction(() -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            holder.start();
            holding.await();
            int calls = 20;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(calls);
            try {
                java.util.List<java.util.concurrent.Future<RawClient.Response>> answers = new java.util.ArrayList<>();
                for (int i = 0; i < calls; i++) {
                    // an operation that runs under the state lock (ListClusters reads the snapshot and would not wait)
                    answers.add(pool.submit(() -> RawClient.ecs(endpoint, "DescribeCapacityProviders", "{}",
                            RawClient.Signing.ecs("test", "test"))));
                }
                // 8 workers block on the held state lock, 1 call waits in the queue: the rest are refused at once,
                // while the lock is still held.
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (answers.stream().filter(java.util.concurrent.Future::isDone).count() < calls - 9
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                long refusedWhileHeld = answers.stream().filter(java.util.concurrent.Future::isDone).count();
                release.countDown();
                int busy = 0;
                int ok = 0;
                for (java.util.concurrent.Future<RawClient.Response> a : answers) {
                    RawClient.Response r = a.get(30, java.util.concurrent.TimeUnit.SECONDS);
                    if (r.status() == 503) {
                        assertThat(r.body()).contains("ServiceUnavailableException");
                        busy++;
                    } else {
                        assertThat(r.status()).isEqualTo(200);
                        ok++;
                    }
                }
                assertThat(refusedWhileHeld).isGreaterThanOrEqualTo(calls - 9);
                assertThat(busy).isGreaterThanOrEqualTo(calls - 9);
                assertThat(ok).isGreaterThan(0);
            } finally {
                release.countDown();
                pool.shutdownNow();
                server.close();
            }
        }
    }
}
