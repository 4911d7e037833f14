package io.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.agent.DockerEngine;
import io.stevedore.agent.DockerTests;
import io.stevedore.api.EcsServerFixture;
import io.stevedore.control.agents.Agents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * {@code serve --execution docker}'s supervisor against a real server and the real Docker Engine: the Managed
 * Instances the control plane launches get in-process agents, and a service of three awsvpc tasks of busybox httpd
 * answers HTTP on each task's ENI address as the ECS API reports it. The instances are Graviton types (the fixture's
 * provider asks for AWS CPUs); the tasks run on this machine's architecture (docs/execution.md).
 */
class ManagedAgentsTest {
    private static final String CLUSTER = "mi-exec";

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void serviceOf3AwsvpcTasks_onManagedInstances_answersHttpOnEachTaskAddress() throws Exception {
        DockerEngine docker = DockerTests.engine();
        try (EcsServerFixture f = new EcsServerFixture(dir.resolve("server"))) {
            f.plane.agents().configure(Agents.Settings.defaults().managedByAgents(true));
            f.miCluster(CLUSTER);
            f.register(EcsServerFixture.nginx("web").cpu("256").memory("256").containerDefinitions(ContainerDefinition
                    .builder().name("web").image(DockerTests.IMAGE).essential(true).stopTimeout(1)
                    .command("httpd", "-f", "-p", "8080", "-h", "/www")
                    .portMappings(p -> p.containerPort(8080).protocol("tcp")).build()));
            ManagedAgents agents = ManagedAgents.start(f.endpoint(), "us-east-1", "test", "test",
                    dir.resolve("agents"), docker);
            try {
                f.ecs.createService(b -> b.cluster(CLUSTER).serviceName("web").taskDefinition("web").desiredCount(3)
                        .networkConfiguration(f.awsvpc()));
                Supplier<List<Task>> running = () -> {
                    List<String> arns = f.ecs.listTasks(b -> b.cluster(CLUSTER).serviceName("web")).taskArns();
                    return arns.isEmpty() ? List.of() : f.ecs.describeTasks(b -> b.cluster(CLUSTER).tasks(arns))
                            .tasks().stream().filter(t -> "RUNNING".equals(t.lastStatus())).toList();
                };
                long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
                while (running.get().size() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                }
                List<Task> tasks = running.get();
                assertThat(tasks).hasSize(3);
                HttpClient http = HttpClient.newHttpClient();
                for (Task t : tasks) {
                    String ip = t.attachments().get(0).details().stream()
                            .filter(d -> "privateIPv4Address".equals(d.name())).map(KeyValuePair::value)
                            .findFirst().orElseThrow();
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + ip
                            + ":8080/index.html")).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(ip).isEqualTo(200);
                    assertThat(r.body()).isEqualTo("stevedore\n");
                    assertThat(t.containers().get(0).runtimeId()).isNotBlank();
                }
                f.ecs.updateService(b -> b.cluster(CLUSTER).service("web").desiredCount(0));
                deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!running.get().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                }
                assertThat(running.get()).as("scaled in: the agents stopped the containers").isEmpty();
            } finally {
                agents.close();
                DockerTests.removeLabelled("com.amazonaws.ecs.cluster", CLUSTER);
                DockerTests.removeUnusedAgentNetworks();
            }
        }
    }
}
