package io.stevedore.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.control.events.EventRing;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Launch failures back off exponentially (never a tight retry loop) and recover once capacity returns. */
class LaunchBackoffTest {

    @Test
    void launch_noCapacityForAnyType_backsOffThenRecovers() {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.cluster("mi", "ON_DEMAND", null, null);
            h.taskDefinition("web", "512", "1024", "nginx");
            Set<String> types = h.plane.database().transaction(() -> h.plane.catalog().all().stream()
                    .map(t -> t.name()).collect(Collectors.toSet()));
            h.plane.database().run(() -> h.plane.cloud().setUnavailableTypes(types));
            h.service("s", "web", 2);
            h.run(Duration.ofMinutes(3), Duration.ofMillis(500));
            List<EventRing.Event> failures = h.plane.events().of("Stevedore Capacity Provider Launch Failure", 0);
            // 500 ms ticks for 180 s would be 360 attempts; backoff 10, 20, 40, 80 s allows 5
            assertThat(failures).hasSizeBetween(3, 5);
            assertThat(failures.get(failures.size() - 1).detailJson()).contains("nextAttemptInSeconds");
            assertThat(h.running("s")).isZero();
            h.plane.database().run(() -> h.plane.cloud().setUnavailableTypes(Set.of()));
            h.run(Duration.ofMinutes(6), Duration.ofSeconds(1));
            assertThat(h.running("s")).isEqualTo(2);
        }
    }
}
