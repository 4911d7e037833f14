package io.stevedore.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.placement.Resources;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Service behaviour on the virtual clock ({@link ControlKit}): rollouts, scaling and idle scale-in, with their
 * invariants checked on every committed transaction rather than on samples.
 */
class ServiceBehaviourTest extends WebClusterTest {
    ServiceBehaviourTest() {
        super(512, 1024);
    }

    private void createService(int desired, int minHealthy, int maxPercent) {
        kit.webService("web", desired, minHealthy, maxPercent);
    }

    private List<Task> running() {
        return kit.liveTasks(CLUSTER, "web").stream().filter(t -> "RUNNING".equals(t.lastStatus())).toList();
    }

    private static String revision(Task t) {
        return t.taskDefinitionArn().substring(t.taskDefinitionArn().lastIndexOf(':') + 1);
    }

    /**
     * A new task definition rolls out without ever leaving fewer RUNNING tasks than minimumHealthyPercent allows,
     * or more tasks than maximumPercent, at any commit; and the old and new revisions really overlapped.
     */
    @ParameterizedTest(name = "minimumHealthyPercent {0}, maximumPercent {1}")
    @CsvSource({"50, 150", "50, 100", "100, 200"})
    void newTaskDefinition_rollsWithinMinHealthyAndMaxPercent_atEveryCommit(int minHealthy, int maxPercent) {
        createService(4, minHealthy, maxPercent);
        int floor = (int) Math.ceil(4 * minHealthy / 100.0);
        int ceiling = 4 * maxPercent / 100;
        kit.runUntil("4 tasks RUNNING", () -> running().size() == 4, Duration.ofMinutes(5));
        int[] mixed = {0};
        kit.invariant("min healthy and max percent", s -> {
            List<Task> live = kit.liveTasks(CLUSTER, "web");
            assertThat(live.stream().filter(t -> "RUNNING".equals(t.lastStatus())).count())
                    .as("RUNNING tasks at %s", kit.clock().now()).isGreaterThanOrEqualTo(floor);
            assertThat(live.stream().filter(t -> "RUNNING".equals(t.desiredStatus())).count())
                    .as("tasks wanted RUNNING at %s", kit.clock().now()).isLessThanOrEqualTo(ceiling);
            if (running().stream().map(ServiceBehaviourTest::revision).distinct().count() == 2) {
                mixed[0]++;
            }
        });

        kit.callJson("UpdateService", "{\"cluster\":\"c\",\"service\":\"web\",\"taskDefinition\":\"web:2\"}");
        Duration took = kit.runUntil("every task on web:2", () -> {
            List<Task> r = running();
            return r.size() == 4 && r.stream().allMatch(t -> revision(t).equals("2"))
                    && kit.liveTasks(CLUSTER, "web").size() == 4;
        }, Duration.ofMinutes(15));

        assertThat(kit.checks("min healthy and max percent")).as("commits checked during the rollout")
                .isGreaterThan(10);
        assertThat(mixed[0]).as("commits with both revisions RUNNING").isPositive();
        assertThat(took).isPositive();
        assertThat(kit.journal()).filteredOn(tr -> "STOPPED".equals(tr.to()))
                .as("the four old tasks stopped").hasSizeGreaterThanOrEqualTo(4);
    }

    /** Scaling up and down never puts more on a container instance than it registered, at any commit. */
    @Test
    void scaleUpAndDown_neverOverCommitsAnInstance_atEveryCommit() {
        kit.invariant("no instance over-committed", this::noOverCommit);
        createService(1, 100, 200);
        kit.runUntil("1 task RUNNING", () -> running().size() == 1, Duration.ofMinutes(5));
        kit.callJson("UpdateService", "{\"cluster\":\"c\",\"service\":\"web\",\"desiredCount\":20}");
        kit.runUntil("20 tasks RUNNING", () -> running().size() == 20, Duration.ofMinutes(10));
        int afterUp = kit.checks("no instance over-committed");
        kit.callJson("UpdateService", "{\"cluster\":\"c\",\"service\":\"web\",\"desiredCount\":3}");
        kit.runUntil("3 tasks left", () -> kit.liveTasks(CLUSTER, "web").size() == 3, Duration.ofMinutes(5));

        assertThat(afterUp).as("commits checked while scaling up").isGreaterThan(5);
        assertThat(busiest).as("most tasks seen on one registered instance by the check").isGreaterThan(1);
        assertThat(kit.checks("no instance over-committed")).isGreaterThan(afterUp);
        assertThat(kit.containerInstances("ACTIVE")).as("instances launched for 20 tasks").hasSizeGreaterThan(1);
    }

    /** The most tasks the over-commit check saw on one registered instance (it checked something real). */
    private int busiest;

    private void noOverCommit(EcsState s) {
        Map<String, Resources> used = new HashMap<>();
        Map<String, Integer> count = new HashMap<>();
        for (TaskRuntime rt : s.runtimes.values(r -> r.phase() != TaskRuntime.Phase.DONE && r.instanceId() != null)) {
            Task t = s.tasks.get(rt.taskArn()).orElseThrow();
            Resources r = new Resources(Integer.parseInt(t.cpu()), Long.parseLong(t.memory()), 0, 0);
            used.merge(rt.instanceId(), r, Resources::plus);
            count.merge(rt.instanceId(), 1, Integer::sum);
        }
        used.forEach((instanceId, u) -> {
            ContainerInstance ci = s.instances.get(instanceId).flatMap(mi -> mi.containerInstanceArn() == null
                    ? java.util.Optional.empty() : s.containerInstances.get(mi.containerInstanceArn())).orElse(null);
            if (ci == null) {
                return; // still booting: its type's size is the scheduler's bound, checked once registered
            }
            int cpu = ci.registeredResources().stream().filter(r -> r.name().equals("CPU")).findFirst()
                    .orElseThrow().integerValue();
            int mem = ci.registeredResources().stream().filter(r -> r.name().equals("MEMORY")).findFirst()
                    .orElseThrow().integerValue();
            busiest = Math.max(busiest, count.get(instanceId));
            assertThat(u.cpu()).as("cpu on %s", instanceId).isLessThanOrEqualTo(cpu);
            assertThat(u.memoryMiB()).as("memory on %s", instanceId).isLessThanOrEqualTo(mem);
        });
    }

    /**
     * An instance left without tasks terminates once the provider's scale-in time (300 s by default) has passed,
     * not before, through DEREGISTERING to INACTIVE.
     */
    @Test
    void idleInstance_terminatedAfterTheScaleInTime_notBefore() {
        createService(1, 100, 200);
        kit.runUntil("1 task RUNNING", () -> running().size() == 1, Duration.ofMinutes(5));
        assertThat(kit.containerInstances("ACTIVE")).hasSize(1);
        String ci = kit.containerInstances("ACTIVE").get(0).containerInstanceArn();

        kit.callJson("UpdateService", "{\"cluster\":\"c\",\"service\":\"web\",\"desiredCount\":0}");
        kit.runUntil("the task stopped", () -> kit.liveTasks(CLUSTER, "web").isEmpty(), Duration.ofMinutes(2));
        java.time.Instant idleFrom = kit.clock().now();
        Duration took = kit.runUntil("the instance INACTIVE", () -> kit.containerInstances("INACTIVE").size() == 1,
                Duration.ofMinutes(15));

        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(290)).isLessThanOrEqualTo(Duration.ofMinutes(7));
        assertThat(kit.journal()).filteredOn(tr -> tr.arn().equals(ci) && "INACTIVE".equals(tr.to()))
                .singleElement().satisfies(tr -> assertThat(tr.at()).isAfter(idleFrom));
        assertThat(kit.plane().cloud().describe(kit.state().containerInstances.get(ci).orElseThrow().ec2InstanceId())
                .map(i -> i.state())).hasValueSatisfying(st -> assertThat(st).isIn("terminated", "shutting-down"));
    }
}
