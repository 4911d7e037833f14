package io.stevedore.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.cloud.Instance;
import io.stevedore.control.events.EventRing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lifecycle acceptance (b): 30 simulated days with a weekly maintenance window (saturday 02:00-06:00 UTC): no
 * instance ever older than 21 days, every proactive (maximum-lifetime) replacement starts inside the window, zero
 * service-seconds below minimumHealthyPercent.
 */
class LifetimeAcceptanceTest {
    static final int SERVICES = 5;
    static final EventWindow WINDOW = EventWindow.parse("sat:02-sat:06");

    @Test
    void thirtyDays_weeklyWindow_lifetimeKeptInsideWindowWithoutDowntime() {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.cluster("mi", "ON_DEMAND", null, null);
            h.plane.faults().eventWindow(LifecycleHarness.CLUSTER, "mi", "sat:02-sat:06");
            h.taskDefinition("web", "1024", "2048", "public.ecr.aws/nginx/nginx:latest");
            for (int i = 0; i < SERVICES; i++) {
                h.service("s" + i, "web", 2);
            }
            h.run(Duration.ofMinutes(3), Duration.ofSeconds(1));
            long[] belowSeconds = {0};
            long[] oldestMillis = {0};
            long step = 60;
            List<String> tooOld = new ArrayList<>();
            h.run(Duration.ofDays(30), Duration.ofSeconds(step), () -> {
                for (int i = 0; i < SERVICES; i++) {
                    if (h.running("s" + i) < 2) { // desired 2, minimumHealthyPercent 100
                        belowSeconds[0] += step;
                    }
                }
                long now = h.clock.now().toEpochMilli();
                for (Instance in : h.plane.cloud().list()) {
                    if (!"terminated".equals(in.state())) {
                        long age = now - in.launchedAtMillis();
                        oldestMillis[0] = Math.max(oldestMillis[0], age);
                        if (age > Duration.ofDays(21).toMillis()) {
                            tooOld.add(in.id());
                        }
                    }
                }
            });
            List<EventRing.Event> drains = h.plane.events().of("Stevedore Instance Lifecycle Action", 0).stream()
                    .filter(e -> e.detailJson().contains("\"MAX_LIFETIME\"")).toList();
            List<String> outside = drains.stream().filter(e -> !WINDOW.contains(Instant.ofEpochMilli(e.timeMillis())))
                    .map(e -> Instant.ofEpochMilli(e.timeMillis()).toString()).toList();
            System.out.printf("lifetime: %d maximum-lifetime drains in 30 days, %d outside the window, oldest"
                    + " instance %.2f days, %d service-seconds below minimumHealthyPercent%n", drains.size(),
                    outside.size(), oldestMillis[0] / 86_400_000.0, belowSeconds[0]);
            assertThat(drains).isNotEmpty();
            assertThat(outside).isEmpty();
            assertThat(tooOld).isEmpty();
            assertThat(belowSeconds[0]).isZero();
        }
    }
}
