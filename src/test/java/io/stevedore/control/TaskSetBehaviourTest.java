package io.stevedore.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.control.state.EcsState;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskSet;

/**
 * Task sets on the virtual clock ({@link ControlKit}): the same service scheduler as the server's keeps each set at
 * its computed desired count, and at every committed transaction each live task of the service runs its own set's
 * task definition and the service's counts are its sets' sums.
 */
class TaskSetBehaviourTest {
    private static final String CLUSTER = "arn:aws:ecs:us-east-1:000000000000:cluster/c";
    private static final String SERVICE = "arn:aws:ecs:us-east-1:000000000000:service/c/web";
    private ControlKit kit;
    private String subnet;

    @BeforeEach
    void setUp() {
        kit = ControlKit.start();
        subnet = kit.plane().cloud().network().subnets().get(0).id();
        kit.callJson("CreateCluster", "{\"clusterName\":\"c\"}");
        kit.callJson("CreateCapacityProvider", "{\"name\":\"mi\",\"cluster\":\"c\",\"managedInstancesProvider\":{"
                + "\"infrastructureRoleArn\":\"arn:aws:iam::000000000000:role/r\",\"instanceLaunchTemplate\":{"
                + "\"ec2InstanceProfileArn\":\"arn:aws:iam::000000000000:instance-profile/p\","
                + "\"networkConfiguration\":{\"subnets\":[\"" + subnet + "\"]},"
                + "\"instanceRequirements\":{\"vCpuCount\":{\"min\":2,\"max\":4},\"memoryMiB\":{\"min\":4096,"
                + "\"max\":16384},\"cpuManufacturers\":[\"amazon-web-services\"]}}}}");
        kit.callJson("PutClusterCapacityProviders", "{\"cluster\":\"c\",\"capacityProviders\":[],"
                + "\"defaultCapacityProviderStrategy\":[{\"capacityProvider\":\"mi\",\"base\":0,\"weight\":100}]}");
        for (String image : List.of("nginx:1", "nginx:2")) {
            kit.callJson("RegisterTaskDefinition", "{\"family\":\"web\",\"cpu\":\"512\",\"memory\":\"1024\","
                    + "\"networkMode\":\"awsvpc\",\"requiresCompatibilities\":[\"MANAGED_INSTANCES\"],"
                    + "\"runtimePlatform\":{\"cpuArchitecture\":\"ARM64\"},\"containerDefinitions\":[{\"name\":\"web\","
                    + "\"image\":\"" + image + "\",\"essential\":true}]}");
        }
    }

    @AfterEach
    void tearDown() {
        kit.close();
    }

    private String createSet(String td, double percent) {
        JsonNode r = kit.callJson("CreateTaskSet", "{\"cluster\":\"c\",\"service\":\"web\",\"taskDefinition\":\""
                + td + "\",\"scale\":{\"value\":" + percent + ",\"unit\":\"PERCENT\"},\"networkConfiguration\":{"
                + "\"awsvpcConfiguration\":{\"subnets\":[\"" + subnet + "\"]}}}");
        return r.path("taskSet").path("id").asText();
    }

    private Service service() {
        return kit.inTx(() -> kit.state().services.get(SERVICE).orElseThrow());
    }

    private TaskSet set(String id) {
        return service().taskSets().stream().filter(ts -> ts.id().equals(id)).findFirst().orElse(null);
    }

    private boolean runningAt(String id, int n) {
        TaskSet ts = set(id);
        return ts != null && ts.runningCount() == n && ts.pendingCount() == 0
                && "STEADY_STATE".equals(ts.stabilityStatusAsString());
    }

    /** The invariants, checked at every commit. */
    private void holdInvariants() {
        kit.invariant("a task runs its own set's task definition; the service counts are the sets' sums",
                (EcsState st) -> st.services.get(SERVICE).ifPresent(s -> {
                    Map<String, String> tdOf = new HashMap<>();
                    int running = 0;
                    int pending = 0;
                    for (TaskSet ts : s.taskSets()) {
                        tdOf.put(ts.id(), ts.taskDefinition());
                        running += ts.runningCount();
                        pending += ts.pendingCount();
                    }
                    assertThat(s.runningCount()).isEqualTo(running);
                    assertThat(s.pendingCount()).isEqualTo(pending);
                    for (Task t : st.tasksByGroup.values(EcsState.groupKey(CLUSTER, "service:web"))) {
                        if ("RUNNING".equals(t.desiredStatus())) {
                            assertThat(tdOf).containsKey(t.startedBy());
                            assertThat(t.taskDefinitionArn()).isEqualTo(tdOf.get(t.startedBy()));
                        }
                    }
                }));
    }

    @Test
    void twoSets_runTheirComputedCounts_andADeletedSetDrainsAway() {
        kit.callJson("CreateService", "{\"cluster\":\"c\",\"serviceName\":\"web\",\"desiredCount\":3,"
                + "\"deploymentController\":{\"type\":\"EXTERNAL\"}}");
        holdInvariants();
        String a = createSet("web:1", 100);
        String b = createSet("web:2", 50); // 3 × 50 % = 1.5 → 2
        kit.callJson("UpdateServicePrimaryTaskSet", "{\"cluster\":\"c\",\"service\":\"web\",\"primaryTaskSet\":\""
                + a + "\"}");
        kit.runUntil("A at 3 and B at 2", () -> runningAt(a, 3) && runningAt(b, 2), Duration.ofMinutes(10));
        assertThat(service().runningCount()).isEqualTo(5);
        List<String> aTasks = kit.liveTasks(CLUSTER, "web").stream().filter(t -> a.equals(t.startedBy()))
                .map(Task::taskArn).toList();
        assertThat(aTasks).hasSize(3);

        kit.callJson("UpdateServicePrimaryTaskSet", "{\"cluster\":\"c\",\"service\":\"web\",\"primaryTaskSet\":\""
                + b + "\"}");
        kit.callJson("UpdateTaskSet", "{\"cluster\":\"c\",\"service\":\"web\",\"taskSet\":\"" + b
                + "\",\"scale\":{\"value\":100,\"unit\":\"PERCENT\"}}");
        kit.callJson("DeleteTaskSet", "{\"cluster\":\"c\",\"service\":\"web\",\"taskSet\":\"" + a
                + "\",\"force\":true}");
        kit.runUntil("A gone, B at 3", () -> set(a) == null && runningAt(b, 3), Duration.ofMinutes(10));
        assertThat(service().taskDefinition()).endsWith("web:2");
        assertThat(kit.liveTasks(CLUSTER, "web")).extracting(Task::startedBy).containsOnly(b);
        Set<String> stopped = Set.copyOf(aTasks);
        assertThat(kit.inTx(() -> stopped.stream().map(arn -> kit.state().tasks.get(arn).orElseThrow()
                .lastStatus()).toList())).containsOnly("STOPPED");
        assertThat(kit.checks("a task runs its own set's task definition; the service counts are the sets' sums"))
                .isGreaterThan(10);
    }
}
