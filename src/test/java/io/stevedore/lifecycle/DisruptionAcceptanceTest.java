package io.stevedore.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.control.state.ManagedInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.DescribeContainerInstancesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeContainerInstancesResponse;

/**
 * Lifecycle acceptance (c): a Spot interruption of 30 % of the fleet → every service back at its desired count
 * within five simulated minutes; an IMPAIRED instance is replaced within the documented time (auto repair
 * ENABLED) or only reported (DISABLED).
 */
class DisruptionAcceptanceTest {
    static final int SERVICES = 10;

    private static void fleetOf(LifecycleHarness h, String option, String repair) {
        h.cluster("mi", option, -1, repair);
        h.taskDefinition("web", "1024", "2048", "public.ecr.aws/nginx/nginx:latest");
        for (int i = 0; i < SERVICES; i++) {
            h.service("s" + i, "web", 3);
        }
        h.run(Duration.ofMinutes(3), Duration.ofSeconds(1));
        for (int i = 0; i < SERVICES; i++) {
            assertThat(h.running("s" + i)).isEqualTo(3);
        }
    }

    private static boolean allAtDesired(LifecycleHarness h) {
        for (int i = 0; i < SERVICES; i++) {
            if (h.running("s" + i) != 3) {
                return false;
            }
        }
        return true;
    }

    @Test
    void spotInterruptionOfThirtyPercent_servicesBackWithinFiveMinutes() {
        try (LifecycleHarness h = new LifecycleHarness()) {
            fleetOf(h, "SPOT", null);
            List<String> running = h.plane.faults().runningInstances();
            int n = (int) Math.ceil(running.size() * 0.3);
            List<String> hit = running.subList(0, n);
            Instant notice = h.clock.now();
            hit.forEach(h.plane.faults()::spotInterruption);
            long[] backAt = {-1};
            h.run(Duration.ofMinutes(5), Duration.ofSeconds(1), () -> {
                if (backAt[0] < 0 && allAtDesired(h) && hit.stream().allMatch(id -> h.plane.cloud().describe(id)
                        .map(i -> "terminated".equals(i.state())).orElse(true))) {
                    backAt[0] = Duration.between(notice, h.clock.now()).toSeconds();
                }
            });
            System.out.printf("spot: %d of %d instances interrupted; every service back at desired and the"
                    + " interrupted instances gone %d s after the notice%n", n, running.size(), backAt[0]);
            assertThat(allAtDesired(h)).isTrue();
            assertThat(backAt[0]).isBetween(0L, 300L);
            assertThat(h.plane.events().of("Stevedore Instance Lifecycle Action", 0).stream()
                    .filter(e -> e.detailJson().contains("SPOT_INTERRUPTION")).count()).isEqualTo(n);
        }
    }

    @Test
    void impairedInstance_autoRepairEnabled_replacedWithinThreeMinutes() {
        try (LifecycleHarness h = new LifecycleHarness()) {
            fleetOf(h, "ON_DEMAND", null);
            String victim = h.plane.faults().runningInstances().get(0);
            Instant at = h.clock.now();
            h.plane.faults().impair(victim, true, "CONTAINER_RUNTIME", "injected");
            long[] goneAt = {-1};
            h.run(Duration.ofMinutes(5), Duration.ofSeconds(1), () -> {
                if (goneAt[0] < 0 && allAtDesired(h) && h.plane.cloud().describe(victim)
                        .map(i -> "terminated".equals(i.state())).orElse(true)) {
                    goneAt[0] = Duration.between(at, h.clock.now()).toSeconds();
                }
            });
            System.out.printf("repair: impaired instance replaced (terminated, services at desired) %d s after"
                    + " the impairment%n", goneAt[0]);
            assertThat(goneAt[0]).isBetween(0L, 180L);
        }
    }

    @Test
    void impairedInstance_autoRepairDisabled_onlyReported() {
        try (LifecycleHarness h = new LifecycleHarness()) {
            fleetOf(h, "ON_DEMAND", "DISABLED");
            String victim = h.plane.faults().runningInstances().get(0);
            h.plane.faults().impair(victim, true, "DAEMON", "daemon unhealthy");
            h.run(Duration.ofMinutes(5), Duration.ofSeconds(1));
            ManagedInstance mi = h.plane.database().transaction(() -> h.plane.state().instances.get(victim))
                    .orElseThrow();
            DescribeContainerInstancesResponse r = h.call("DescribeContainerInstances",
                    DescribeContainerInstancesRequest.builder().cluster(LifecycleHarness.CLUSTER)
                            .containerInstances(mi.containerInstanceArn()).includeWithStrings(
                                    "CONTAINER_INSTANCE_HEALTH").build(),
                    DescribeContainerInstancesResponse::builder, DescribeContainerInstancesResponse.class);
            ContainerInstance ci = r.containerInstances().get(0);
            assertThat(ci.status()).isEqualTo("ACTIVE");
            assertThat(ci.healthStatus().overallStatusAsString()).isEqualTo("IMPAIRED");
            assertThat(ci.healthStatus().details().get(0).typeAsString()).isEqualTo("DAEMON");
            assertThat(h.plane.events().of("Stevedore Instance Lifecycle Action", 0).stream()
                    .filter(e -> e.detailJson().contains("\"REPORTED\"")).count()).isEqualTo(1);
        }
    }
}
