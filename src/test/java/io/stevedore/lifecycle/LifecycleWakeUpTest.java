package io.stevedore.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle tells a discrete-event driver when it next has work no task event announces: here, the end of an
 * instance's quiet period (when compaction may consider it), on the one-minute grid.
 */
class LifecycleWakeUpTest {
    @Test
    void nextCheck_afterTasksSettle_isTheQuietPeriodEndOnTheMinuteGrid() {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.cluster("mi", "ON_DEMAND", 300, null);
            h.taskDefinition("web", "512", "1024", "public.ecr.aws/nginx/nginx:latest");
            h.service("s", "web", 2);
            h.run(Duration.ofMinutes(2), Duration.ofSeconds(1));
            assertThat(h.running("s")).isEqualTo(2);
            FleetSnapshot fleet = h.fleet();
            long quietEnd = fleet.instances().stream().mapToLong(m -> Math.max(m.lastTaskChangeMillis(),
                    m.launchedAtMillis()) + 300_000).min().orElseThrow();
            long next = h.plane.reconciler().nextCheckMillis();
            assertThat(next).isGreaterThanOrEqualTo(quietEnd).isLessThan(quietEnd + 60_000);
            assertThat(next % 60_000).isZero();
            assertThat(next).isGreaterThan(h.clock.now().toEpochMilli());
        }
    }
}
