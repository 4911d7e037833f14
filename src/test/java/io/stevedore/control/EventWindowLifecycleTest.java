package io.stevedore.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.assembly.ControlPlane;
import io.stevedore.lifecycle.EventWindow;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.CreateServiceResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateCapacityProviderRequest;
import software.amazon.awssdk.services.ecs.model.UpdateCapacityProviderResponse;

/**
 * EC2 instance event windows drive the maximum-lifetime replacement on the virtual clock ({@link ControlKit}): one
 * instance associated by its id with a wednesday window (cron {@code * 20-23 * * 3}), the other through the
 * cluster tag with a saturday window (time range saturday 02-06). Launched on monday 5 January, neither is drained
 * at day 14 (monday 19th); the first is drained inside wednesday 21st's window (its own window wins over the tag's),
 * the second only inside saturday 24th's.
 */
class EventWindowLifecycleTest {
    private static final String CLUSTER = FleetBehaviourTest.CLUSTER;
    private static final EventWindow WEDNESDAY = EventWindow.parseCron("* 20-23 * * 3");
    private static final EventWindow SATURDAY = EventWindow.parse("sat:02-sat:06");
    private ControlKit kit;

    @BeforeEach
    void setUp() {
        kit = ControlKit.start();
        FleetBehaviourTest.miCluster(kit);
        FleetBehaviourTest.register(kit, FleetBehaviourTest.nginx("web"));
    }

    @AfterEach
    void tearDown() {
        kit.close();
    }

    /** An EC2 Query API call on the plane; the answer's XML (HTTP 200 asserted). */
    private String ec2(Map<String, String> params) {
        String body = params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        ControlPlane plane = kit.plane();
        var r = plane.ec2("Version=2016-11-15&" + body);
        assertThat(r.status()).as(r.xml()).isEqualTo(200);
        return r.xml();
    }

    private static String windowId(String xml) {
        Matcher m = Pattern.compile("<instanceEventWindowId>(iew-[0-9a-f]+)</instanceEventWindowId>").matcher(xml);
        assertThat(m.find()).as(xml).isTrue();
        return m.group(1);
    }

    private String ec2Of(String containerInstanceArn) {
        return kit.inTx(() -> kit.state().containerInstances.get(containerInstanceArn).orElseThrow()).ec2InstanceId();
    }

    private List<ControlKit.Transition> drains() {
        return kit.journal().stream().filter(tr -> "DRAINING".equals(tr.to())).toList();
    }

    @Test
    void maximumLifetime_instanceAssociatedWithAnEventWindow_replacedOnlyInsideThatWindow() {
        kit.call("UpdateCapacityProvider", UpdateCapacityProviderRequest.builder().name("c-mi").cluster("c")
                .managedInstancesProvider(m -> m.infrastructureRoleArn(FleetBehaviourTest.ROLE)
                        .instanceLaunchTemplate(t -> t.monitoring("BASIC"))
                        .infrastructureOptimization(o -> o.scaleInAfter(-1))).build(),
                UpdateCapacityProviderResponse.class); // no compaction: only the lifetime may drain
        kit.call("CreateService", CreateServiceRequest.builder().cluster("c").serviceName("s").taskDefinition("web")
                .desiredCount(2).networkConfiguration(FleetBehaviourTest.awsvpc(kit)).build(),
                CreateServiceResponse.class);
        kit.runUntil("2 RUNNING", () -> kit.liveTasks(CLUSTER, "s").stream()
                .filter(t -> "RUNNING".equals(t.lastStatus())).count() == 2, Duration.ofMinutes(5));
        List<String> originals = kit.liveTasks(CLUSTER, "s").stream().map(Task::containerInstanceArn).distinct()
                .sorted().toList();
        assertThat(originals).as("the service spread over two instances").hasSize(2);
        String own = originals.get(0);
        String tagged = originals.get(1);

        String wednesday = windowId(ec2(Map.of("Action", "CreateInstanceEventWindow", "Name", "wednesday",
                "CronExpression", "* 20-23 * * 3")));
        ec2(Map.of("Action", "AssociateInstanceEventWindow", "InstanceEventWindowId", wednesday,
                "AssociationTarget.InstanceId.1", ec2Of(own)));
        String saturday = windowId(ec2(Map.of("Action", "CreateInstanceEventWindow", "Name", "saturday",
                "TimeRange.1.StartWeekDay", "saturday", "TimeRange.1.StartHour", "2",
                "TimeRange.1.EndWeekDay", "saturday", "TimeRange.1.EndHour", "6")));
        ec2(Map.of("Action", "AssociateInstanceEventWindow", "InstanceEventWindowId", saturday,
                "AssociationTarget.InstanceTag.1.Key", "aws:ecs:clusterName",
                "AssociationTarget.InstanceTag.1.Value", "c"));

        Instant eve = Instant.parse("2026-01-21T19:00:00Z"); // two days after day 14, before wednesday's window
        while (kit.clock().now().isBefore(eve)) {
            kit.clock().advance(Duration.ofMinutes(1));
            kit.tick();
        }
        assertThat(drains()).as("no drain at day 14 nor before the window").isEmpty();

        kit.runUntil(own + " INACTIVE", () -> kit.containerInstances("INACTIVE").stream()
                .map(ContainerInstance::containerInstanceArn).toList().contains(own), Duration.ofDays(1));
        List<ControlKit.Transition> first = new ArrayList<>(drains());
        assertThat(first).extracting(ControlKit.Transition::arn).containsExactly(own);
        assertThat(first.get(0).at()).satisfies(at -> {
            assertThat(WEDNESDAY.contains(at)).as("drain at %s inside wednesday's window", at).isTrue();
            assertThat(at).isAfterOrEqualTo(Instant.parse("2026-01-21T20:00:00Z"))
                    .isBefore(Instant.parse("2026-01-22T00:00:00Z"));
        });
        assertThat(kit.containerInstances("ACTIVE")).extracting(ContainerInstance::containerInstanceArn)
                .as("the tag-associated instance waits for its own window").contains(tagged);

        kit.runUntil(tagged + " INACTIVE", () -> kit.containerInstances("INACTIVE").stream()
                .map(ContainerInstance::containerInstanceArn).toList().contains(tagged), Duration.ofDays(3));
        ControlKit.Transition second = drains().stream().filter(tr -> tr.arn().equals(tagged)).findFirst()
                .orElseThrow();
        assertThat(SATURDAY.contains(second.at())).as("drain at %s inside saturday's window", second.at()).isTrue();
        assertThat(second.at()).isAfterOrEqualTo(Instant.parse("2026-01-24T02:00:00Z"));
        assertThat(drains()).extracting(ControlKit.Transition::arn).containsExactly(own, tagged);
        assertThat(kit.liveTasks(CLUSTER, "s")).hasSize(2).allSatisfy(t -> {
            assertThat(t.lastStatus()).isEqualTo("RUNNING");
            assertThat(originals).doesNotContain(t.containerInstanceArn());
        });
    }
}
