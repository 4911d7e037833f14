package io.stevedore.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.control.events.EventRing;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;

/**
 * Compaction settles: after a scale-up and down of an awsvpc service spread over zones, it drains underutilized
 * instances (so it did run) and then stops draining.
 */
class CompactionSettlesTest {
    @Test
    void scaleUpThenDown_awsvpcSpread_compactionSettles() {
        try (LifecycleHarness h = new LifecycleHarness()) {
            h.cluster("mi", "ON_DEMAND", null, null, r -> r.vCpuCount(v -> v.min(2).max(4))
                    .memoryMiB(v -> v.min(2048).max(16384)).instanceGenerationsWithStrings("current", "previous")
                    .cpuManufacturersWithStrings("amazon-web-services").burstablePerformance("included")
                    .bareMetal("excluded"));
            h.call("RegisterTaskDefinition", RegisterTaskDefinitionRequest.builder().family("web").cpu("512")
                    .memory("1024").networkMode("awsvpc").runtimePlatform(p -> p.cpuArchitecture("ARM64")).requiresCompatibilitiesWithStrings("MANAGED_INSTANCES")
                    .containerDefinitions(ContainerDefinition.builder().name("app").image("nginx").essential(true)
                            .build()).build());
            h.call("CreateService", CreateServiceRequest.builder().cluster(LifecycleHarness.CLUSTER).serviceName("s")
                    .taskDefinition("web").desiredCount(12).networkConfiguration(n -> n.awsvpcConfiguration(a -> a
                            .subnets(h.subnets().subList(0, 2)))).build());
            h.run(Duration.ofMinutes(5), Duration.ofSeconds(1));
            h.scale("s", 2);
            long scaledAt = h.clock.now().toEpochMilli();
            h.run(Duration.ofHours(2), Duration.ofSeconds(1));
            List<EventRing.Event> drains = h.plane.events().of("Stevedore Instance Lifecycle Action", 0).stream()
                    .filter(e -> e.detailJson().contains("UNDERUTILIZED")).toList();
            long late = drains.stream().filter(e -> e.timeMillis() > h.clock.now().toEpochMilli()
                    - Duration.ofHours(1).toMillis()).count();
            drains.forEach(e -> System.out.println(java.time.Instant.ofEpochMilli(e.timeMillis()) + " "
                    + e.detailJson()));
            assertThat(drains).as("compaction drained after the scale-down")
                    .anySatisfy(e -> assertThat(e.timeMillis()).isGreaterThanOrEqualTo(scaledAt));
            assertThat(late).isZero();
            assertThat(h.running("s")).isEqualTo(2);
        }
    }
}
