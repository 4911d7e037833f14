package io.stevedore.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Lifecycle acceptance (d): task start latency (createdAt → startedAt) on a new instance vs a warm instance with the
 * image cached, and after the 15-minute image cleanup, measured from task timestamps on the virtual clock.
 */
class StartLatencyTest {

    private static List<Task> started(LifecycleHarness h, String service) {
        return h.tasks().stream().filter(t -> ("service:" + service).equals(t.group()) && t.startedAt() != null)
                .sorted(Comparator.comparing(Task::startedAt)).toList();
    }

    private static double seconds(Task t) {
        return Duration.between(t.createdAt(), t.startedAt()).toMillis() / 1000.0;
    }

    @Test
    void warmStart_isFasterThanColdStart_andImageCleanupMakesItColdAgain() {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.cluster("mi", "ON_DEMAND", -1, null);
            h.taskDefinition("a", "256", "512", "public.ecr.aws/nginx/nginx:latest");
            h.taskDefinition("b", "256", "512", "public.ecr.aws/docker/library/redis:7");
            h.service("a", "a", 1);
            h.run(Duration.ofMinutes(2), Duration.ofMillis(500));
            Task cold = started(h, "a").get(0);
            h.scale("a", 2);
            h.run(Duration.ofMinutes(1), Duration.ofMillis(500));
            Task warm = started(h, "a").get(1);
            assertThat(warm.containerInstanceArn()).isEqualTo(cold.containerInstanceArn());
            h.service("b", "b", 1);
            h.run(Duration.ofMinutes(1), Duration.ofMillis(500));
            assertThat(started(h, "b").get(0).containerInstanceArn()).isEqualTo(cold.containerInstanceArn());
            h.scale("b", 0);
            h.run(Duration.ofMinutes(16), Duration.ofSeconds(1));
            h.scale("b", 1);
            h.run(Duration.ofMinutes(1), Duration.ofMillis(500));
            Task evicted = started(h, "b").get(1);
            assertThat(evicted.containerInstanceArn()).isEqualTo(cold.containerInstanceArn());
            double c = seconds(cold);
            double w = seconds(warm);
            double e = seconds(evicted);
            System.out.printf("start latency: new instance %.1f s, warm instance with cached image %.1f s (ratio"
                    + " %.2f), warm instance after the 15-minute image cleanup %.1f s%n", c, w, c / w, e);
            assertThat(w).isLessThan(c);
            assertThat(e).isGreaterThan(w);
            assertThat(e).isLessThan(c);
        }
    }
}
