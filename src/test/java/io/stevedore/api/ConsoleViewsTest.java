package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.catalog.PriceBook;
import io.stevedore.control.ControlKit;
import io.stevedore.control.state.EcsState;
import io.stevedore.wire.AwsException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's read models on the real control plane (virtual clock): reserved resources as
 * DescribeContainerInstances reports them, the lifecycle state of an instance with its reason and deadline (in use,
 * idle with its scale-in time, drained by a user), cost now from the price book, and pages of a list.
 */
class ConsoleViewsTest {
    ControlKit kit;
    ConsoleViews views;
    String clusterArn;

    @BeforeEach
    void cluster() {
        kit = ControlKit.start();
        views = new ConsoleViews(kit.plane());
        List<String> subnets = kit.plane().cloud().network().subnets().stream().map(s -> s.id()).toList();
        kit.callJson("CreateCluster", "{\"clusterName\":\"c\"}");
        kit.callJson("CreateCapacityProvider", """
                {"name":"c-mi","cluster":"c","managedInstancesProvider":{
                  "infrastructureRoleArn":"arn:aws:iam::000000000000:role/ecsInfrastructureRole",
                  "instanceLaunchTemplate":{
                    "ec2InstanceProfileArn":"arn:aws:iam::000000000000:instance-profile/ecsInstanceRole",
                    "networkConfiguration":{"subnets":["%s"]},
                    "instanceRequirements":{"vCpuCount":{"min":2,"max":2},"memoryMiB":{"min":2048},
                      "allowedInstanceTypes":["c7g.large"]}}}}""".formatted(subnets.get(0)));
        kit.callJson("PutClusterCapacityProviders", "{\"cluster\":\"c\",\"capacityProviders\":[],"
                + "\"defaultCapacityProviderStrategy\":[{\"capacityProvider\":\"c-mi\",\"weight\":1}]}");
        kit.callJson("RegisterTaskDefinition", """
                {"family":"w","cpu":"1024","memory":"1024","networkMode":"awsvpc",
                 "requiresCompatibilities":["MANAGED_INSTANCES"],
                 "runtimePlatform":{"cpuArchitecture":"ARM64","operatingSystemFamily":"LINUX"},
                 "containerDefinitions":[{"name":"w","image":"public.ecr.aws/example/w:1","essential":true}]}""");
        kit.callJson("CreateService", """
                {"cluster":"c","serviceName":"s","taskDefinition":"w","desiredCount":4,
                 "networkConfiguration":{"awsvpcConfiguration":{"subnets":["%s"]}}}""".formatted(subnets.get(0)));
        clusterArn = kit.plane().config().arnPrefix() + "cluster/c";
        kit.runUntil("4 tasks running", () -> running() == 4, Duration.ofMinutes(10));
    }

    long running() {
        return kit.state().tasksByDesiredStatus.values(EcsState.desiredKey(clusterArn, "RUNNING")).stream()
                .filter(t -> "RUNNING".equals(t.lastStatus())).count();
    }

    List<JsonNode> instances() {
        List<JsonNode> out = new ArrayList<>();
        views.instances("c", "ALL", 0, 50).get("items").forEach(out::add);
        return out;
    }

    @Test
    void instances_showReservedResourcesAsDescribeContainerInstances_andCostNowFromThePriceBook() {
        List<JsonNode> items = instances();
        assertThat(items).hasSize(2).allSatisfy(i -> {
            assertThat(i.get("instanceType").asText()).isEqualTo("c7g.large");
            assertThat(i.get("tasks").asInt()).isEqualTo(2);
            assertThat(i.get("cpuUsed").asLong()).isEqualTo(2048);
            assertThat(i.get("memoryUsed").asLong()).isEqualTo(2048);
            assertThat(i.get("lifecycle").get("state").asText()).isEqualTo("IN_USE");
            Instant registered = Instant.parse(i.get("registeredAt").asText());
            assertThat(Instant.parse(i.get("lifecycle").get("replacementFrom").asText()))
                    .as("the first maintenance window after day 14").isEqualTo(registered.plus(Duration.ofDays(14)));
            assertThat(Instant.parse(i.get("lifecycle").get("replacementDeadline").asText()))
                    .as("never after day 21").isEqualTo(registered.plus(Duration.ofDays(21)));
        });
        JsonNode described = kit.callJson("DescribeContainerInstances", "{\"cluster\":\"c\",\"containerInstances\":[\""
                + items.get(0).get("containerInstanceArn").asText() + "\"]}").get("containerInstances").get(0);
        long remainingCpu = 0;
        long registeredCpu = 0;
        for (JsonNode r : described.get("remainingResources")) {
            remainingCpu += "CPU".equals(r.get("name").asText()) ? r.get("integerValue").asLong() : 0;
        }
        for (JsonNode r : described.get("registeredResources")) {
            registeredCpu += "CPU".equals(r.get("name").asText()) ? r.get("integerValue").asLong() : 0;
        }
        assertThat(items.get(0).get("cpuUsed").asLong()).isEqualTo(registeredCpu - remainingCpu);
        assertThat(items.get(0).get("cpuRegistered").asLong()).isEqualTo(registeredCpu);

        PriceBook prices = PriceBook.load();
        double hourly = 2 * (prices.onDemand("us-east-1", "c7g.large").orElseThrow()
                + prices.managementFee("us-east-1", "c7g.large").orElseThrow());
        JsonNode cost = views.cluster("c").get("cost");
        assertThat(cost.get("totalPerHour").asDouble()).isCloseTo(hourly, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(cost.get("fargateTasks").asInt()).isEqualTo(4);
        assertThat(cost.get("fargatePerHour").asDouble()).as("4 Fargate tasks of 1 vCPU, 2 GiB (ARM)").isPositive();
    }

    @Test
    void idleInstance_showsItsScaleInTime_drainedInstance_itsCause() {
        kit.callJson("UpdateService", "{\"cluster\":\"c\",\"service\":\"s\",\"desiredCount\":2}");
        kit.runUntil("an idle instance", () -> instances().stream().anyMatch(i -> "IDLE".equals(
                i.get("lifecycle").get("state").asText())), Duration.ofMinutes(10));
        JsonNode idle = instances().stream().filter(i -> "IDLE".equals(i.get("lifecycle").get("state").asText()))
                .findFirst().orElseThrow();
        JsonNode life = idle.get("lifecycle");
        assertThat(life.get("reason").asText()).startsWith("no tasks since ").endsWith(": idle scale-in");
        Instant since = Instant.parse(life.get("reason").asText().substring("no tasks since ".length(),
                life.get("reason").asText().indexOf(": idle")));
        assertThat(Duration.between(since, Instant.parse(life.get("deadline").asText())))
                .isEqualTo(kit.plane().timings().defaultScaleInAfter());

        JsonNode busy = instances().stream().filter(i -> "IN_USE".equals(i.get("lifecycle").get("state").asText()))
                .findFirst().orElseThrow();
        kit.callJson("UpdateContainerInstancesState", "{\"cluster\":\"c\",\"containerInstances\":[\""
                + busy.get("containerInstanceArn").asText() + "\"],\"status\":\"DRAINING\"}");
        kit.runFor(Duration.ofSeconds(10));
        JsonNode drained = instances().stream().filter(i -> i.get("ec2InstanceId").asText()
                .equals(busy.get("ec2InstanceId").asText())).findFirst().orElseThrow();
        assertThat(drained.get("status").asText()).isEqualTo("DRAINING");
        assertThat(drained.get("lifecycle").get("state").asText()).isEqualTo("DRAINING");
        assertThat(drained.get("lifecycle").get("reason").asText()).contains("drained by a user");
        assertThat(drained.get("lifecycle").has("deadline")).as("a user's drain has no deadline").isFalse();
        assertThat(views.instances("c", "DRAINING", 0, 50).get("total").asInt()).isEqualTo(1);
    }

    @Test
    void lists_arePagedAndFiltersChecked() {
        JsonNode first = views.tasks("c", "RUNNING", null, 0, 3);
        assertThat(first.get("total").asInt()).isEqualTo(4);
        assertThat(first.get("items")).hasSize(3);
        JsonNode rest = views.tasks("c", "RUNNING", "s", 3, 3);
        assertThat(rest.get("items")).hasSize(1);
        assertThat(rest.get("items").get(0).get("arn").asText()).isNotIn(
                first.get("items").findValuesAsText("arn"));
        assertThat(rest.get("items").get(0).get("startLatencySeconds").asDouble()).isPositive();
        JsonNode past = views.tasks("c", "RUNNING", null, 50, 3);
        assertThat(past.get("offset").asInt()).as("an offset past the end: the last page").isEqualTo(3);
        assertThat(past.get("items")).hasSize(1);
        assertThat(ConsoleViews.clamp(0, 100, 50)).isZero();
        assertThat(ConsoleViews.clamp(100, 100, 50)).isEqualTo(50);
        assertThat(ConsoleViews.clamp(101, 100, 50)).isEqualTo(100);
        assertThatThrownBy(() -> views.tasks("c", "SLEEPING", null, 0, 3)).isInstanceOf(AwsException.class)
                .hasMessageContaining("status must be ALL, RUNNING, PENDING or STOPPED");
        assertThatThrownBy(() -> views.cluster("nope")).isInstanceOf(AwsException.class)
                .hasMessageContaining("Cluster not found: nope");
    }
}
