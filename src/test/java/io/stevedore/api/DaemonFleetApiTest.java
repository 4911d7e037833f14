package io.stevedore.api;

import static io.stevedore.api.DaemonApiTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The acceptance scenario through the real EcsClient on the wall clock: a cluster with a daemon of 256 CPU /
 * 512 MiB and a service of 30 tasks of 512 / 1024. Every ACTIVE instance runs exactly one RUNNING daemon task, each
 * instance's reservations (the daemon's included) fit what it registered and its remaining resources account for the
 * daemon, and stopping a daemon task drains that instance and replaces it.
 */
class DaemonFleetApiTest extends EcsServerTestBase {
    private static final String GROUP = "daemon:otel";

    private List<ContainerInstance> activeInstances() {
        List<String> arns = f.ecs.listContainerInstances(b -> b.cluster("c").status("ACTIVE"))
                .containerInstanceArns();
        return arns.isEmpty() ? List.of() : f.ecs.describeContainerInstances(b -> b.cluster("c")
                .containerInstances(arns)).containerInstances();
    }

    private List<Task> tasksOn(String containerInstanceArn) {
        List<String> arns = new ArrayList<>();
        f.ecs.listTasksPaginator(b -> b.cluster("c").containerInstance(containerInstanceArn)
                .desiredStatus(DesiredStatus.RUNNING)).taskArns().forEach(arns::add);
        List<Task> out = new ArrayList<>();
        for (int i = 0; i < arns.size(); i += 100) {
            List<String> part = arns.subList(i, Math.min(arns.size(), i + 100));
            out.addAll(f.ecs.describeTasks(b -> b.cluster("c").tasks(part)).tasks());
        }
        return out;
    }

    private static int value(List<Resource> rs, String name) {
        return rs.stream().filter(r -> r.name().equals(name)).mapToInt(Resource::integerValue).findFirst()
                .orElseThrow();
    }

    /** Every ACTIVE instance: one RUNNING daemon task, reservations within what it registered, service tasks. */
    private Map<String, Integer> checkFleet() {
        List<ContainerInstance> active = activeInstances();
        assertThat(active).isNotEmpty();
        Map<String, Integer> serviceTasks = new HashMap<>();
        int running = 0;
        for (ContainerInstance ci : active) {
            List<Task> tasks = tasksOn(ci.containerInstanceArn());
            List<Task> daemons = tasks.stream().filter(t -> GROUP.equals(t.group())).toList();
            assertThat(daemons).as("daemon tasks on %s", ci.ec2InstanceId()).singleElement()
                    .satisfies(t -> assertThat(t.lastStatus()).isEqualTo("RUNNING"));
            long others = tasks.stream().filter(t -> "service:web".equals(t.group())).count();
            running += (int) tasks.stream().filter(t -> "service:web".equals(t.group())
                    && "RUNNING".equals(t.lastStatus())).count();
            serviceTasks.put(ci.containerInstanceArn(), (int) others);
            int cpu = value(ci.registeredResources(), "CPU");
            int mem = value(ci.registeredResources(), "MEMORY");
            int usedCpu = 256 + 512 * (int) others;
            int usedMem = 512 + 1024 * (int) others;
            assertThat(usedCpu).as("cpu reserved on %s", ci.ec2InstanceId()).isLessThanOrEqualTo(cpu);
            assertThat(usedMem).as("memory reserved on %s", ci.ec2InstanceId()).isLessThanOrEqualTo(mem);
            assertThat(value(ci.remainingResources(), "CPU")).isEqualTo(cpu - usedCpu);
            assertThat(value(ci.remainingResources(), "MEMORY")).isEqualTo(mem - usedMem);
        }
        assertThat(running).isEqualTo(30);
        return serviceTasks;
    }

    @Test
    void daemonAndThirtyTasks_oneDaemonTaskPerInstance_reserved_stoppedDaemonTaskReplacesItsInstance() {
        String provider = f.miCluster("c").capacityProviderArn();
        String dtd = f.ecs.registerDaemonTaskDefinition(DaemonApiTest.agent("otel").build())
                .daemonTaskDefinitionArn();
        f.ecs.createDaemon(b -> b.daemonName("otel").clusterArn("c").daemonTaskDefinitionArn(dtd)
                .capacityProviderArns(provider));
        f.register(EcsServerFixture.nginx("web"));
        f.ecs.createService(b -> b.cluster("c").serviceName("web").taskDefinition("web").desiredCount(30)
                .networkConfiguration(f.awsvpc()));
        eventually(this::checkFleet);
        Map<String, Integer> before = checkFleet();

        ContainerInstance victim = activeInstances().stream()
                .filter(ci -> before.getOrDefault(ci.containerInstanceArn(), 0) > 0).findFirst().orElseThrow();
        Task daemonTask = tasksOn(victim.containerInstanceArn()).stream().filter(t -> GROUP.equals(t.group()))
                .findFirst().orElseThrow();
        f.ecs.stopTask(b -> b.cluster("c").task(daemonTask.taskArn()).reason("agent crashed"));

        eventually(() -> {
            ContainerInstance now = f.ecs.describeContainerInstances(b -> b.cluster("c")
                    .containerInstances(victim.containerInstanceArn())).containerInstances().get(0);
            assertThat(now.status()).isEqualTo("INACTIVE");
        });
        eventually(() -> {
            Map<String, Integer> after = checkFleet();
            assertThat(after).doesNotContainKey(victim.containerInstanceArn());
            assertThat(after.keySet()).as("a replacement instance").anyMatch(a -> !before.containsKey(a));
        });
        assertThat(f.ecs.describeDaemon(b -> b.daemonArn("arn:aws:ecs:us-east-1:000000000000:daemon/c/otel"))
                .daemon().currentRevisions().get(0).totalRunningCount()).isEqualTo(activeInstances().size());
    }

    @Test
    void updateDaemon_rollsOutByDrainingAndReplacingInstances_untilEveryInstanceRunsTheNewRevision() {
        String provider = f.miCluster("c").capacityProviderArn();
        String v1 = f.ecs.registerDaemonTaskDefinition(DaemonApiTest.agent("otel").build()).daemonTaskDefinitionArn();
        String v2 = f.ecs.registerDaemonTaskDefinition(DaemonApiTest.agent("otel").memory("768").build())
                .daemonTaskDefinitionArn();
        String daemon = f.ecs.createDaemon(b -> b.daemonName("otel").clusterArn("c").daemonTaskDefinitionArn(v1)
                .capacityProviderArns(provider)).daemonArn();
        f.register(EcsServerFixture.nginx("web"));
        f.ecs.createService(b -> b.cluster("c").serviceName("web").taskDefinition("web").desiredCount(30)
                .networkConfiguration(f.awsvpc()));
        eventually(this::checkFleet);
        List<String> before = activeInstances().stream().map(ContainerInstance::containerInstanceArn).toList();
        assertThat(before).hasSizeGreaterThan(1);

        String deployment = f.ecs.updateDaemon(b -> b.daemonArn(daemon).daemonTaskDefinitionArn(v2)
                .capacityProviderArns(provider).deploymentConfiguration(c -> c.drainPercent(50.0)))
                .deploymentArn();
        eventually(() -> assertThat(f.ecs.describeDaemonDeployments(b -> b.daemonDeploymentArns(deployment))
                .daemonDeployments().get(0).status().toString()).isEqualTo("SUCCESSFUL"));
        eventually(() -> {
            List<ContainerInstance> active = activeInstances();
            assertThat(active).extracting(ContainerInstance::containerInstanceArn).doesNotContainAnyElementsOf(before);
            for (ContainerInstance ci : active) {
                assertThat(tasksOn(ci.containerInstanceArn()).stream().filter(t -> GROUP.equals(t.group())))
                        .singleElement().satisfies(t -> {
                            assertThat(t.taskDefinitionArn()).isEqualTo(v2);
                            assertThat(t.lastStatus()).isEqualTo("RUNNING");
                        });
            }
            assertThat(f.ecs.describeServices(b -> b.cluster("c").services("web")).services().get(0).runningCount())
                    .isEqualTo(30);
        });
        var dep = f.ecs.describeDaemonDeployments(b -> b.daemonDeploymentArns(deployment)).daemonDeployments().get(0);
        assertThat(dep.sourceDaemonRevisions()).hasSize(1);
        assertThat(dep.targetDaemonRevision().totalRunningInstanceCount()).isEqualTo(activeInstances().size());
        assertThat(dep.finishedAt()).isNotNull();
    }
}
