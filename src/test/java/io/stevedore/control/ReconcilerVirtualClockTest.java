package io.stevedore.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.api.EcsApi;
import io.stevedore.assembly.ControlPlane;
import io.stevedore.control.state.PlaneConfig;
import io.stevedore.time.VirtualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same engine on a virtual clock: exact, sleep-free timing of the task lifecycle at speed 1. */
class ReconcilerVirtualClockTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    VirtualClock clock = new VirtualClock(Instant.parse("2026-01-05T10:00:00Z"));
    ControlPlane plane;

    @BeforeEach
    void open() {
        plane = ControlPlane.open(dir, PlaneConfig.defaults(), clock);
        List<String> subnets = plane.cloud().network().subnets().stream().map(s -> s.id()).toList();
        call("CreateCluster", "{\"clusterName\":\"c\"}");
        call("CreateCapacityProvider", "{\"name\":\"mi\",\"cluster\":\"c\",\"managedInstancesProvider\":{"
                + "\"infrastructureRoleArn\":\"arn:aws:iam::000000000000:role/r\",\"instanceLaunchTemplate\":{"
                + "\"ec2InstanceProfileArn\":\"arn:aws:iam::000000000000:instance-profile/p\","
                + "\"networkConfiguration\":{\"subnets\":[\"" + subnets.get(0) + "\"]},"
                + "\"instanceRequirements\":{\"vCpuCount\":{\"min\":2,\"max\":2},\"memoryMiB\":{\"min\":4096,"
                + "\"max\":4096},\"cpuManufacturers\":[\"amazon-web-services\"]}}}}");
        call("PutClusterCapacityProviders", "{\"cluster\":\"c\",\"capacityProviders\":[],"
                + "\"defaultCapacityProviderStrategy\":[{\"capacityProvider\":\"mi\",\"weight\":1}]}");
        call("RegisterTaskDefinition", "{\"family\":\"w\",\"cpu\":\"512\",\"memory\":\"1024\","
                + "\"networkMode\":\"awsvpc\",\"requiresCompatibilities\":[\"MANAGED_INSTANCES\"],"
                + "\"runtimePlatform\":{\"cpuArchitecture\":\"ARM64\"},\"containerDefinitions\":[{\"name\":\"web\","
                + "\"image\":\"nginx\",\"essential\":true,\"environment\":[{\"name\":\"STEVEDORE_RUN_SECONDS\","
                + "\"value\":\"60\"}]}]}");
    }

    @AfterEach
    void close() {
        plane.close();
    }

    private JsonNode call(String op, String body) {
        try {
            return JSON.readTree(plane.api().handle(EcsApi.TARGET_PREFIX + op, body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String runTask() {
        return call("RunTask", "{\"cluster\":\"c\",\"taskDefinition\":\"w\",\"networkConfiguration\":{"
                + "\"awsvpcConfiguration\":{\"subnets\":[\"" + plane.cloud().network().subnets().get(0).id()
                + "\"]}}}").at("/tasks/0/taskArn").asText();
    }

    private String status(String arn) {
        return call("DescribeTasks", "{\"cluster\":\"c\",\"tasks\":[\"" + arn + "\"]}").at("/tasks/0/lastStatus")
                .asText();
    }

    /** Advances one second at a time, ticking, until the task has the status; returns the seconds taken. */
    private int secondsUntil(String arn, String wanted) {
        for (int s = 0; s < 600; s++) {
            plane.reconciler().tick();
            if (wanted.equals(status(arn))) {
                return s;
            }
            clock.advance(Duration.ofSeconds(1));
        }
        throw new AssertionError(arn + " never reached " + wanted);
    }

    @Test
    void tick_coldStartThenWarmStart_realisticDelaysAndRunToExit() {
        String cold = runTask();
        int coldSeconds = secondsUntil(cold, "RUNNING");
        // the start-latency model on a c6g.large: boot 19 + ENI 5 + pull of the default 100 MiB image 8.1 + start 3
        assertThat(coldSeconds).isBetween(34, 38);
        String warm = runTask();
        int warmSeconds = secondsUntil(warm, "RUNNING");
        assertThat(warmSeconds).isBetween(10, 14);
        assertThat((double) coldSeconds / warmSeconds).isGreaterThanOrEqualTo(3.0);
        int runSeconds = secondsUntil(cold, "STOPPED");
        assertThat(runSeconds).isBetween(45, 60);
        JsonNode t = call("DescribeTasks", "{\"cluster\":\"c\",\"tasks\":[\"" + cold + "\"]}").at("/tasks/0");
        assertThat(t.get("stopCode").asText()).isEqualTo("EssentialContainerExited");
        assertThat(t.at("/containers/0/exitCode").asInt()).isZero();
        assertThat(t.get("stoppedAt").asDouble() - t.get("startedAt").asDouble()).isBetween(60.0, 70.0);
    }

    @Test
    void tick_idleInstance_scaledInAfterDefaultDelay() {
        String arn = runTask();
        secondsUntil(arn, "STOPPED");
        assertThat(plane.cloud().list()).singleElement().satisfies(i -> assertThat(i.state()).isEqualTo("running"));
        clock.advance(Duration.ofSeconds(299));
        plane.reconciler().tick();
        assertThat(plane.cloud().list().get(0).state()).isEqualTo("running");
        clock.advance(Duration.ofSeconds(2));
        plane.reconciler().tick();
        assertThat(plane.cloud().list().get(0).state()).isEqualTo("terminated");
        assertThat(call("ListContainerInstances", "{\"cluster\":\"c\"}").get("containerInstanceArns")).isEmpty();
    }
}
