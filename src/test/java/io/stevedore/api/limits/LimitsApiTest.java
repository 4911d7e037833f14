package io.stevedore.api.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.api.ApiConfig;
import io.stevedore.api.ApiServer;
import io.stevedore.api.ControlPlane;
import io.stevedore.api.EcsServerFixture;
import io.stevedore.api.auth.AccessKeys;
import io.stevedore.api.auth.RawClient;
import io.stevedore.api.observe.LogFormat;
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
        try (ControlPlane plane = ControlPlane.open(dir, ApiConfig.defaults(), Clock.system())) {
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
}
