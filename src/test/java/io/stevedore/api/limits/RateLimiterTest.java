package io.stevedore.api.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.time.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimiterTest {

    static int drain(RateLimiter l, String key, ThrottleCategory c) {
        int n = 0;
        while (l.tryAcquire(key, c) && n < 100_000) {
            n++;
        }
        return n;
    }

    @ParameterizedTest
    @CsvSource({"RunTask,100,40", "DescribeTasks,100,20", "CreateService,50,5", "CreateCapacityProvider,10,1",
        "CreateCluster,20,1", "ListClusters,50,20", "RegisterTaskDefinition,20,1", "DeleteTaskDefinitions,5,1",
        "TagResource,20,10", "UpdateTaskProtection,200,80", "PutAccountSetting,50,20"})
    void tryAcquire_ecsBuckets_burstThenSustainedRefill(String action, int burst, int sustained) {
        VirtualClock clock = new VirtualClock(Instant.parse("2026-01-01T00:00:00Z"));
        RateLimiter l = RateLimiter.scaled(clock, 1);
        ThrottleCategory c = ThrottleCategory.ofEcs(action);
        assertThat(drain(l, "test", c)).isEqualTo(burst);
        clock.advance(Duration.ofSeconds(1));
        assertThat(drain(l, "test", c)).isEqualTo(sustained);
        clock.advance(Duration.ofHours(1));
        assertThat(drain(l, "test", c)).as("refill stops at the bucket size").isEqualTo(burst);
    }

    @Test
    void tryAcquire_perKeyAndPerCategory_independent() {
        VirtualClock clock = new VirtualClock(Instant.parse("2026-01-01T00:00:00Z"));
        RateLimiter l = RateLimiter.scaled(clock, 1);
        drain(l, "a", ThrottleCategory.CLUSTER_MODIFY);
        assertThat(l.tryAcquire("a", ThrottleCategory.CLUSTER_MODIFY)).isFalse();
        assertThat(l.tryAcquire("b", ThrottleCategory.CLUSTER_MODIFY)).isTrue();
        assertThat(l.tryAcquire("a", ThrottleCategory.CLUSTER_READ)).isTrue();
    }

    @Test
    void scaled_multipliesBurstAndRefill() {
        VirtualClock clock = new VirtualClock(Instant.parse("2026-01-01T00:00:00Z"));
        RateLimiter l = RateLimiter.scaled(clock, 10);
        assertThat(drain(l, "k", ThrottleCategory.CLUSTER_MODIFY)).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        assertThat(drain(l, "k", ThrottleCategory.CLUSTER_MODIFY)).isEqualTo(10);
    }

    @Test
    void disabled_admitsEverything() {
        RateLimiter l = RateLimiter.disabled();
        assertThat(drain(l, "k", ThrottleCategory.TASK_DEFINITION_DELETE)).isEqualTo(100_000);
        assertThatThrownBy(() -> RateLimiter.scaled(Instant::now, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
