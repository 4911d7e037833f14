package io.stevedore.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.api.EcsServerFixture;
import io.stevedore.control.agents.Agents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The agent against a real Stevedore server (the control plane side of issue #14) and the real Docker Engine:
 * tasks and services with launch type EXTERNAL run as containers, their exit codes, OOM kills, health and network
 * bindings come back through the ECS API (SDK v2 EcsClient). Agents run in-process where the test is about the task,
 * and as real child processes ({@code java io.stevedore.cli.Main agent ...} on the test classpath; the jar is not
 * built in the test phase) where the test kills one with SIGKILL.
 */
@Timeout(240)
class AgentEndToEndTest {
    private static final String CLUSTER = "exec";
    @TempDir
    Path dir;
    private EcsServerFixture f;
    private DockerEngine docker;
    private final List<Agent> agents = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<String> instances = new ArrayList<>();

    @BeforeEach
    void server() throws Exception {
        docker = DockerTests.engine();
        f = new EcsServerFixture(dir.resolve("server"));
        // short enough that a killed agent's tasks move within the test, long enough that a live agent's poll is
        // never late on a loaded machine (4 s was: a live agent seen disconnected got no tasks)
        f.plane.agents().configure(new Agents.Settings(Duration.ofSeconds(12), Duration.ofSeconds(3)));
        f.ecs.createCluster(b -> b.clusterName(CLUSTER));
    }

    @AfterEach
    void cleanUp() {
        // each step on its own: one failing must not leave containers, networks or the server behind
        for (Agent a : agents) {
            quietly(a::close);
        }
        processes.forEach(Process::destroyForcibly);
        for (Process p : processes) {
            quietly(p::waitFor);
        }
        for (String instance : instances) {
            quietly(() -> DockerTests.removeLabelled(ContainerConfig.INSTANCE, instance));
        }
        quietly(DockerTests::removeUnusedAgentNetworks);
        if (f != null) {
            f.close();
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | AssertionError e) {
            System.err.println("clean-up step failed: " + e);
        }
    }

    private Agent agent(String name) throws Exception {
        Agent a = Agent.start(AgentConfig.external(f.endpoint(), CLUSTER, "us-east-1", dir.resolve(name), Map.of(),
                "test", "test").withPollWaitSeconds(5), docker);
        agents.add(a);
        instances.add(a.containerInstanceArn());
        return a;
    }

    /** A {@code stevedore agent} child process on the test classpath; returns once it registered. */
    private Process agentProcess(String name, String... more) throws Exception {
        Path log = dir.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.stevedore.cli.Main", "agent",
                "--endpoint", f.endpoint().toString(), "--cluster", CLUSTER, "--data-dir",
                dir.resolve(name).toString(), "--poll-wait", "5", "--attributes", "agent=" + name));
        command.addAll(List.of(more));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        await(name + " registered (" + log + ")", () -> read(log).contains("registered arn:"));
        String out = read(log);
        String arn = out.substring(out.indexOf("registered ") + 11).split(" ")[0];
        instances.add(arn);
        return p;
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (Boolean.TRUE.equals(condition.get())) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private Task describe(String taskArn) {
        return f.ecs.describeTasks(b -> b.cluster(CLUSTER).tasks(taskArn)).tasks().get(0);
    }

    private static ContainerDefinition.Builder busybox(String name, String... command) {
        return ContainerDefinition.builder().name(name).image(DockerTests.IMAGE).essential(true).command(command);
    }

    private void register(String family, String memory, ContainerDefinition.Builder... containers) {
        f.ecs.registerTaskDefinition(RegisterTaskDefinitionRequest.builder().family(family).cpu("256").memory(memory)
                .networkMode("bridge").requiresCompatibilitiesWithStrings("EXTERNAL")
                .containerDefinitions(java.util.Arrays.stream(containers).map(ContainerDefinition.Builder::build)
                        .toList()).build());
    }

    private String run(String family) {
        var r = f.ecs.runTask(b -> b.cluster(CLUSTER).taskDefinition(family).launchType("EXTERNAL"));
        assertThat(r.failures()).isEmpty();
        return r.tasks().get(0).taskArn();
    }

    private static int get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void containerExits3_taskStoppedWithExitCode3_andTheEssentialReason() throws Exception {
        agent("a");
        register("exit3", "128", busybox("main", "sh", "-c", "sleep 1; exit 3"));
        String task = run("exit3");
        await("STOPPED", () -> "STOPPED".equals(describe(task).lastStatus()));
        Task t = describe(task);
        assertThat(t.containers().get(0).exitCode()).isEqualTo(3);
        assertThat(t.stoppedReason()).isEqualTo("Essential container in task exited");
        assertThat(t.stopCodeAsString()).isEqualTo("EssentialContainerExited");
        assertThat(t.pullStartedAt()).isNotNull();
        assertThat(t.startedAt()).isNotNull();
        assertThat(t.containers().get(0).runtimeId()).isNotBlank();
    }

    @Test
    void overMemory_taskStoppedWithExit137_andOutOfMemoryReason() throws Exception {
        agent("a");
        register("hog", "64", busybox("hog", "tail", "/dev/zero"));
        String task = run("hog");
        await("STOPPED", () -> "STOPPED".equals(describe(task).lastStatus()));
        var c = describe(task).containers().get(0);
        assertThat(c.exitCode()).isEqualTo(137);
        assertThat(c.reason()).isEqualTo("OutOfMemoryError: Container killed due to memory usage");
    }

    @Test
    void metadataEndpoint_answersInsideTheContainer_withTheTaskArn() throws Exception {
        agent("a");
        register("meta", "128", busybox("app", "sleep", "300").stopTimeout(1),
                busybox("reader", "sh", "-c", "wget -qO- $ECS_CONTAINER_METADATA_URI_V4/task").essential(false));
        String task = run("meta");
        await("the reader exited", () -> describe(task).containers().stream()
                .anyMatch(c -> "reader".equals(c.name()) && c.exitCode() != null));
        var reader = describe(task).containers().stream().filter(c -> "reader".equals(c.name())).findFirst()
                .orElseThrow();
        assertThat(reader.exitCode()).isEqualTo(0);
        assertThat(logs(reader.runtimeId())).contains("\"TaskARN\":\"" + task + "\"");
        assertThat(describe(task).lastStatus()).as("a non-essential exit").isEqualTo("RUNNING");
        Thread.sleep(3000); // the agent's reports after the exit have arrived: the task still runs
        assertThat(describe(task).lastStatus()).as("a non-essential exit, 3 s later").isEqualTo("RUNNING");
        f.ecs.stopTask(b -> b.cluster(CLUSTER).task(task));
        await("STOPPED", () -> "STOPPED".equals(describe(task).lastStatus()));
    }

    @Test
    void awslogsContainer_outputShippedToCloudWatchLogs() throws Exception {
        agent("a");
        register("talk", "128", busybox("talker", "sh", "-c", "echo hello-out; echo hello-err >&2; sleep 300")
                .stopTimeout(1).logConfiguration(l -> l.logDriver("awslogs").options(Map.of("awslogs-group",
                        "/ecs/talk", "awslogs-region", "us-east-1", "awslogs-stream-prefix", "ecs",
                        "awslogs-create-group", "true"))));
        String task = run("talk");
        String taskId = task.substring(task.lastIndexOf('/') + 1);
        SignedHttp logs = new SignedHttp(f.endpoint(), "us-east-1",
                software.amazon.awssdk.identity.spi.AwsCredentialsIdentity.create("test", "test"));
        var request = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("logGroupName", "/ecs/talk").put("logStreamName", "ecs/talker/" + taskId)
                .put("startFromHead", true);
        List<String> messages = new ArrayList<>();
        await("both lines in the log stream", () -> {
            try {
                messages.clear();
                logs.post("/", "logs", null, "Logs_20140328.GetLogEvents", request, Duration.ofSeconds(10))
                        .path("events").forEach(e -> messages.add(e.path("message").asText()));
                return messages.containsAll(List.of("hello-out", "hello-err"));
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(messages).containsExactlyInAnyOrder("hello-out", "hello-err");
        f.ecs.stopTask(b -> b.cluster(CLUSTER).task(task));
        await("STOPPED", () -> "STOPPED".equals(describe(task).lastStatus()));
    }

    @Test
    void failingHealthCheck_serviceReplacesTheTask() throws Exception {
        agent("a");
        register("sick", "128", busybox("app", "sleep", "300").stopTimeout(1)
                .healthCheck(h -> h.command("CMD-SHELL", "exit 1").interval(5).timeout(2).retries(1)));
        f.ecs.createService(b -> b.cluster(CLUSTER).serviceName("sick").taskDefinition("sick").desiredCount(1)
                .launchType("EXTERNAL"));
        await("a first task RUNNING", () -> f.ecs.listTasks(b -> b.cluster(CLUSTER).serviceName("sick")).taskArns()
                .stream().anyMatch(a -> "RUNNING".equals(describe(a).lastStatus())));
        String first = f.ecs.listTasks(b -> b.cluster(CLUSTER).serviceName("sick")).taskArns().get(0);
        await("the first task stopped as unhealthy", () -> "STOPPED".equals(describe(first).lastStatus()));
        Task t = describe(first);
        assertThat(t.healthStatusAsString()).isEqualTo("UNHEALTHY");
        assertThat(t.stoppedReason()).isEqualTo("Task failed container health checks");
        await("a replacement task", () -> f.ecs.listTasks(b -> b.cluster(CLUSTER).serviceName("sick")
                .desiredStatus("RUNNING")).taskArns().stream().anyMatch(a -> !a.equals(first)));
    }

    @Test
    void serviceOf3_onTwoAgentProcesses_answersHttp_andKillingOneMovesItsTasks() throws Exception {
        agentProcess("a", "--memory", "256"); // the least memory left: binpack fills it first, 2 tasks of 128 MiB
        agentProcess("b");
        register("web", "128", busybox("web", "httpd", "-f", "-p", "8080", "-h", "/www").stopTimeout(1)
                .portMappings(p -> p.containerPort(8080).hostPort(0).protocol("tcp")));
        f.ecs.createService(b -> b.cluster(CLUSTER).serviceName("web").taskDefinition("web").desiredCount(3)
                .launchType("EXTERNAL"));
        Supplier<List<Task>> running = () -> {
            List<String> arns = f.ecs.listTasks(b -> b.cluster(CLUSTER).serviceName("web").desiredStatus("RUNNING"))
                    .taskArns();
            return arns.isEmpty() ? List.of() : f.ecs.describeTasks(b -> b.cluster(CLUSTER).tasks(arns)).tasks()
                    .stream().filter(t -> "RUNNING".equals(t.lastStatus())).toList();
        };
        await("3 tasks RUNNING", () -> running.get().size() == 3);
        List<Task> tasks = running.get();
        for (Task t : tasks) {
            int port = t.containers().get(0).networkBindings().get(0).hostPort();
            assertThat(get("http://127.0.0.1:" + port + "/index.html")).as(t.taskArn()).isEqualTo(200);
        }
        Set<String> where = tasks.stream().map(Task::containerInstanceArn).collect(Collectors.toSet());
        assertThat(where).as("across both agents").hasSize(2);

        String victim = instances.get(0);
        processes.get(0).destroyForcibly().waitFor(); // kill -9
        await("3 tasks RUNNING, all on the surviving agent", () -> {
            List<Task> now = running.get();
            return now.size() == 3 && now.stream().allMatch(t -> !t.containerInstanceArn().equals(victim));
        });
        List<Task> moved = running.get();
        assertThat(moved).as("the service's tasks after the move").hasSize(3);
        for (Task t : moved) {
            int port = t.containers().get(0).networkBindings().get(0).hostPort();
            assertThat(get("http://127.0.0.1:" + port + "/index.html")).isEqualTo(200);
        }
    }

    @Test
    void killedAgent_restarted_adoptsItsRunningContainers() throws Exception {
        // an agent restart well within the heartbeat timeout: the task is not lost meanwhile
        f.plane.agents().configure(new Agents.Settings(Duration.ofSeconds(60), Duration.ofSeconds(60)));
        agentProcess("a");
        register("long", "128", busybox("app", "sleep", "600").stopTimeout(1)
                .linuxParameters(l -> l.initProcessEnabled(true)));
        String task = run("long");
        await("RUNNING", () -> "RUNNING".equals(describe(task).lastStatus()));
        String runtimeId = describe(task).containers().get(0).runtimeId();

        processes.get(0).destroyForcibly().waitFor(); // kill -9: nothing of the agent runs any more
        assertThat(docker.client().inspectContainerCmd(runtimeId).exec().getState().getRunning())
                .as("the container outlives its agent").isTrue();

        Path log = dir.resolve("a.log");
        Files.move(log, dir.resolve("a-first.log"));
        agentProcess("a");
        assertThat(instances.get(1)).as("the same container instance").isEqualTo(instances.get(0));
        await("the adoption logged", () -> read(log).contains("left running"));
        Thread.sleep(2000); // a few polls with the adopted task
        Task t = describe(task);
        assertThat(t.lastStatus()).isEqualTo("RUNNING");
        assertThat(t.containers().get(0).runtimeId()).isEqualTo(runtimeId);
        assertThat(docker.client().inspectContainerCmd(runtimeId).exec().getState().getRunning()).isTrue();

        f.ecs.stopTask(b -> b.cluster(CLUSTER).task(task).reason("done"));
        await("STOPPED by the adopting agent", () -> "STOPPED".equals(describe(task).lastStatus()));
        assertThat(describe(task).containers().get(0).exitCode()).as("SIGTERM through the init process").isEqualTo(143);
        await("its container removed", () -> docker.client().listContainersCmd().withShowAll(true)
                .withIdFilter(List.of(runtimeId)).exec().isEmpty());
    }

    /** The output of an exited container (its log stream ends). */
    private String logs(String containerId) throws Exception {
        return DockerTests.logs(docker, containerId, false);
    }
}
