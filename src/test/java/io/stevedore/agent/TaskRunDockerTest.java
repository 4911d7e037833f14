package io.stevedore.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TaskRun} on the real Docker Engine, without a control plane: the task definitions are wire JSON as the
 * poll carries them; the test plays the agent's part (its {@link TaskRun.Host}) and a real {@link MetadataServer}.
 */
@Timeout(120)
class TaskRunDockerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN_LABEL = "io.stevedore.test-run";
    private static final String INSTANCE = "arn:aws:ecs:us-east-1:000000000000:container-instance/test/"
            + UUID.randomUUID().toString().replace("-", "");
    private static DockerEngine docker;
    private static MetadataServer metadata;
    private static final Map<String, TaskRun> RUNS = new ConcurrentHashMap<>();
    private static final ExecutorService THREADS = Executors.newCachedThreadPool();
    private final List<String> changes = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void engine() throws IOException {
        docker = DockerTests.engine();
        metadata = MetadataServer.start(0, id -> RUNS.values().stream().flatMap(r -> r.containers.values().stream()
                        .filter(c -> c.metadataId.equals(id)).map(c -> new ContainerLookup.Found(r, c, INSTANCE,
                                r.spec.clusterArn()))).findFirst().orElse(null), docker);
    }

    @AfterAll
    static void cleanUp() {
        try {
            if (docker != null) {
                try {
                    DockerTests.removeLabelled(ContainerConfig.INSTANCE, INSTANCE);
                    DockerTests.removeUnusedAgentNetworks();
                } finally {
                    metadata.close();
                }
            }
        } finally {
            THREADS.shutdownNow();
        }
    }

    private final TaskRun.Host host = new TaskRun.Host() {
        @Override
        public DockerEngine docker() {
            return docker;
        }

        @Override
        public String containerInstanceArn() {
            return INSTANCE;
        }

        @Override
        public String metadataBase(String gateway) {
            return "http://" + (gateway == null ? "127.0.0.1" : gateway) + ":" + metadata.port();
        }

        @Override
        public void taskChanged(TaskRun run) {
            changes.add(run.knownStatus);
        }

        @Override
        public void containerChanged(TaskRun run, ContainerRun container) {
            changes.add(container.name() + ":" + container.status);
        }

        @Override
        public void containerStarted(TaskRun run, ContainerRun container) {
        }

        @Override
        public void awaitLogs(ContainerRun container, Duration atMost) {
        }
    };

    /** A task of the given containers (JSON array text), in the poll's shape. */
    static TaskSpec task(String networkMode, String containers, String cpu, String memory, String eniJson) {
        String id = UUID.randomUUID().toString().replace("-", "");
        String json = "{\"taskArn\":\"arn:aws:ecs:us-east-1:000000000000:task/test/" + id + "\","
                + "\"clusterArn\":\"arn:aws:ecs:us-east-1:000000000000:cluster/test\",\"desiredStatus\":\"RUNNING\","
                + "\"taskDefinition\":{\"family\":\"t" + id.substring(0, 6) + "\",\"revision\":1,"
                + "\"networkMode\":\"" + networkMode + "\",\"containerDefinitions\":" + containers + "},"
                + "\"overrides\":{},\"cpu\":" + (cpu == null ? "null" : "\"" + cpu + "\"") + ",\"memory\":"
                + (memory == null ? "null" : "\"" + memory + "\"") + ",\"availabilityZone\":\"us-east-1a\","
                + "\"launchType\":\"EXTERNAL\",\"eni\":" + (eniJson == null ? "null" : eniJson) + "}";
        try {
            return TaskSpec.read((ObjectNode) JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private TaskRun start(TaskSpec spec) {
        TaskRun run = new TaskRun(spec, host, Map.of());
        RUNS.put(spec.taskArn(), run);
        THREADS.execute(run);
        return run;
    }

    private static void awaitStatus(TaskRun run, String status, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!status.equals(run.knownStatus) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(run.knownStatus).as("task status after " + atMost + " (reason " + run.stoppedReason + ", containers "
                + run.containers.values().stream().map(c -> c.name() + ":" + c.status + ":" + c.exitCode + ":"
                + c.reason).toList() + ")").isEqualTo(status);
    }

    @Test
    void essentialContainerExits3_taskStoppedWithExitCode3() throws Exception {
        TaskRun run = start(task("bridge", "[{\"name\":\"main\",\"image\":\"" + DockerTests.IMAGE + "\","
                + "\"command\":[\"sh\",\"-c\",\"sleep 1; exit 3\"],\"memory\":64}]", null, null, null));
        assertThat(run.awaitFinished(Duration.ofSeconds(60))).isTrue();
        ContainerRun main = run.containers.get("main");
        assertThat(main.exitCode).isEqualTo(3);
        assertThat(main.reason).isNull();
        assertThat(run.stoppedReason).isEqualTo(TaskRun.ESSENTIAL_EXITED);
        assertThat(run.stopCode).isEqualTo("EssentialContainerExited");
        assertThat(changes).containsSubsequence("PENDING", "RUNNING", "STOPPED");
        assertThat(run.pullStartedAt).isNotNull();
        assertThat(run.pullStoppedAt).isAfterOrEqualTo(run.pullStartedAt);
    }

    @Test
    void overMemoryLimit_exit137WithOutOfMemoryReason() throws Exception {
        TaskRun run = start(task("bridge", "[{\"name\":\"hog\",\"image\":\"" + DockerTests.IMAGE + "\","
                + "\"command\":[\"tail\",\"/dev/zero\"]}]", "256", "32", null));
        assertThat(run.awaitFinished(Duration.ofSeconds(60))).isTrue();
        ContainerRun hog = run.containers.get("hog");
        assertThat(hog.exitCode).isEqualTo(137);
        assertThat(hog.reason).isEqualTo("OutOfMemoryError: Container killed due to memory usage");
        assertThat(run.stoppedReason).isEqualTo(TaskRun.ESSENTIAL_EXITED);
    }

    @Test
    void missingImage_cannotPullContainerError() throws Exception {
        TaskRun run = start(task("bridge", "[{\"name\":\"x\",\"image\":\"stevedore-test/absent:404\",\"memory\":32}]",
                null, null, null));
        assertThat(run.awaitFinished(Duration.ofSeconds(90))).isTrue();
        assertThat(run.stoppedReason).startsWith("CannotPullContainerError: ");
        assertThat(run.containers.get("x").reason).startsWith("CannotPullContainerError: ");
        assertThat(run.knownStatus).isEqualTo("STOPPED");
    }

    @Test
    void dependsOnSuccess_mainStartsAfterInitCompletes_andLimitsApplied() throws Exception {
        TaskRun run = start(task("bridge", "[{\"name\":\"init\",\"image\":\"" + DockerTests.IMAGE + "\","
                + "\"essential\":false,\"command\":[\"sh\",\"-c\",\"sleep 2\"],\"memory\":32},"
                + "{\"name\":\"main\",\"image\":\"" + DockerTests.IMAGE + "\",\"command\":[\"sleep\",\"300\"],"
                + "\"cpu\":256,\"memory\":96,\"memoryReservation\":48,\"user\":\"nobody\","
                + "\"workingDirectory\":\"/tmp\","
                + "\"environment\":[{\"name\":\"GREETING\",\"value\":\"hello\"}],"
                + "\"ulimits\":[{\"name\":\"nofile\",\"softLimit\":512,\"hardLimit\":1024}],"
                + "\"linuxParameters\":{\"initProcessEnabled\":true,\"capabilities\":{\"drop\":[\"NET_RAW\"]}},"
                + "\"readonlyRootFilesystem\":true,\"stopTimeout\":5,"
                + "\"dependsOn\":[{\"containerName\":\"init\",\"condition\":\"SUCCESS\"}]}]", "512", "128", null));
        awaitStatus(run, "RUNNING", Duration.ofSeconds(60));
        ContainerRun init = run.containers.get("init");
        ContainerRun main = run.containers.get("main");
        assertThat(init.exitCode).isEqualTo(0);
        assertThat(java.time.Instant.parse(main.startedAt)).isAfterOrEqualTo(java.time.Instant.parse(init.finishedAt));
        var inspect = docker.client().inspectContainerCmd(main.dockerId).exec();
        var hc = inspect.getHostConfig();
        assertThat(hc.getCpuShares()).isEqualTo(256);
        assertThat(hc.getNanoCPUs()).isEqualTo(500_000_000L);
        assertThat(hc.getMemory()).isEqualTo(96L << 20);
        assertThat(hc.getMemoryReservation()).isEqualTo(48L << 20);
        assertThat(hc.getReadonlyRootfs()).isTrue();
        assertThat(hc.getInit()).isTrue();
        assertThat(inspect.getConfig().getUser()).isEqualTo("nobody");
        assertThat(inspect.getConfig().getWorkingDir()).isEqualTo("/tmp");
        assertThat(inspect.getConfig().getEnv()).contains("GREETING=hello");
        assertThat(inspect.getConfig().getLabels()).containsEntry(ContainerConfig.TASK_ARN, run.taskArn())
                .containsEntry(ContainerConfig.CONTAINER_NAME, "main")
                .containsEntry(ContainerConfig.FAMILY, run.spec.taskDefinition().family())
                .containsEntry(ContainerConfig.VERSION, "1").containsEntry(ContainerConfig.CLUSTER, "test");
        long t0 = System.nanoTime();
        run.requestStop("Task stopped by the test");
        assertThat(run.awaitFinished(Duration.ofSeconds(30))).isTrue();
        // the init process forwards SIGTERM: sleep ends at once (143), long before the 5 s stopTimeout
        assertThat(main.exitCode).isEqualTo(143);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(run.stoppedReason).isEqualTo("Task stopped by the test");
    }

    @Test
    void stopIgnoringSigterm_killedAfterStopTimeout() throws Exception {
        TaskRun run = start(task("bridge", "[{\"name\":\"stubborn\",\"image\":\"" + DockerTests.IMAGE + "\","
                + "\"command\":[\"sleep\",\"300\"],\"memory\":32,\"stopTimeout\":2}]", null, null, null));
        awaitStatus(run, "RUNNING", Duration.ofSeconds(60));
        long t0 = System.nanoTime();
        run.requestStop("");
        assertThat(run.awaitFinished(Duration.ofSeconds(30))).isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        // PID 1 without a handler ignores SIGTERM: SIGKILL comes after the 2 s stopTimeout
        assertThat(run.containers.get("stubborn").exitCode).isEqualTo(137);
        assertThat(took).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(20));
    }

    @Test
    void awsvpcTask_answersHttpOnItsEniAddress_containersShareTheNamespace() throws Exception {
        String eni = "{\"attachmentArn\":\"arn:aws:ecs:us-east-1:000000000000:attachment/x\","
                + "\"privateIPv4Address\":\"10.213.7.21\",\"subnetCidr\":\"10.213.7.0/24\",\"gateway\":\"10.213.7.1\","
                + "\"subnetId\":\"subnet-test\",\"macAddress\":\"0a:00:00:00:00:01\"}";
        TaskRun run = start(task("awsvpc", "[{\"name\":\"web\",\"image\":\"" + DockerTests.IMAGE + "\","
                + "\"command\":[\"httpd\",\"-f\",\"-p\",\"8080\",\"-h\",\"/www\"],\"memory\":32,\"stopTimeout\":1,"
                + "\"portMappings\":[{\"containerPort\":8080}]},"
                + "{\"name\":\"probe\",\"image\":\"" + DockerTests.IMAGE + "\",\"essential\":false,\"memory\":32,"
                + "\"command\":[\"sh\",\"-c\",\"sleep 1; wget -qO- http://127.0.0.1:8080/index.html\"],"
                + "\"dependsOn\":[{\"containerName\":\"web\",\"condition\":\"START\"}]}]", null, null, eni));
        awaitStatus(run, "RUNNING", Duration.ofSeconds(60));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://10.213.7.21:8080/index.html")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("stevedore\n");
        ContainerRun probe = run.containers.get("probe");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!probe.exited() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(probe.exitCode).as("the probe reached the web container on localhost").isEqualTo(0);
        assertThat(logs(probe.dockerId)).contains("stevedore");
        assertThat(run.awaitFinished(Duration.ofSeconds(3))).as("a non-essential exit does not end the task").isFalse();
        assertThat(run.knownStatus).as("a non-essential exit leaves the task running").isEqualTo("RUNNING");
        assertThat(docker.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerConfig.TASK_ARN, run.taskArn(),
                        ContainerConfig.CONTAINER_NAME, TaskRun.PAUSE_NAME)).exec()).as("a pause container").hasSize(1);
        assertThat(changes).contains("probe:STOPPED");
        run.requestStop("");
        assertThat(run.awaitFinished(Duration.ofSeconds(30))).isTrue();
        assertThat(docker.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerConfig.TASK_ARN, run.taskArn(),
                        ContainerConfig.CONTAINER_NAME, TaskRun.PAUSE_NAME)).exec()).as("pause removed").isEmpty();
    }

    @Test
    void bridgeTask_dynamicHostPort_reportedAsNetworkBindingAndAnswers() throws Exception {
        TaskRun run = start(task("bridge", "[{\"name\":\"web\",\"image\":\"" + DockerTests.IMAGE + "\","
                + "\"command\":[\"httpd\",\"-f\",\"-p\",\"8080\",\"-h\",\"/www\"],\"memory\":32,"
                + "\"stopTimeout\":1,\"portMappings\":[{\"containerPort\":8080,\"hostPort\":0}]}]", null, null, null));
        awaitStatus(run, "RUNNING", Duration.ofSeconds(60));
        var bindings = run.containers.get("web").networkBindings;
        assertThat(bindings).hasSize(1);
        assertThat(bindings.get(0).containerPort()).isEqualTo(8080);
        int hostPort = bindings.get(0).hostPort();
        assertThat(hostPort).isPositive().isNotEqualTo(8080);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + hostPort + "/index.html")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("stevedore\n");
        run.requestStop("");
        assertThat(run.awaitFinished(Duration.ofSeconds(30))).isTrue();
    }

    @Test
    void metadataEndpoint_answersInsideTheContainer() throws Exception {
        TaskRun run = start(task("bridge", "[{\"name\":\"reader\",\"image\":\"" + DockerTests.IMAGE + "\","
                + "\"memory\":32,\"command\":[\"sh\",\"-c\",\"wget -qO- $ECS_CONTAINER_METADATA_URI_V4/task; echo;"
                + " wget -qO- $ECS_CONTAINER_METADATA_URI_V4; echo; wget -qO- $ECS_CONTAINER_METADATA_URI_V4/stats"
                + " | head -c 200\"]}]", "256", "64", null));
        assertThat(run.awaitFinished(Duration.ofSeconds(60))).isTrue();
        ContainerRun reader = run.containers.get("reader");
        assertThat(reader.exitCode).isEqualTo(0);
        String out = logs(reader.dockerId);
        assertThat(out).as(out).startsWith("{");
        String[] lines = out.split("\n");
        var task = JSON.readTree(lines[0]);
        assertThat(task.path("TaskARN").asText()).isEqualTo(run.taskArn());
        assertThat(task.path("Family").asText()).isEqualTo(run.spec.taskDefinition().family());
        assertThat(task.path("Limits").path("CPU").asDouble()).isEqualTo(0.25);
        assertThat(task.path("Containers").get(0).path("DockerId").asText()).isEqualTo(reader.dockerId);
        var container = JSON.readTree(lines[1]);
        assertThat(container.path("Name").asText()).isEqualTo("reader");
        assertThat(container.path("Labels").path("com.amazonaws.ecs.task-arn").asText()).isEqualTo(run.taskArn());
        assertThat(lines[2]).contains("\"read\"", "\"preread\"", "\"pids_stats\"");
    }

    @Test
    void failingHealthCheck_unhealthy() throws Exception {
        TaskRun run = start(task("bridge", "[{\"name\":\"sick\",\"image\":\"" + DockerTests.IMAGE + "\","
                + "\"command\":[\"sleep\",\"300\"],\"memory\":32,\"stopTimeout\":1,"
                + "\"healthCheck\":{\"command\":[\"CMD-SHELL\",\"exit 1\"],\"interval\":5,\"timeout\":2,"
                + "\"retries\":1,\"startPeriod\":0}},"
                + "{\"name\":\"well\",\"image\":\"" + DockerTests.IMAGE + "\",\"command\":[\"sleep\",\"300\"],"
                + "\"memory\":32,\"stopTimeout\":1,\"healthCheck\":{\"command\":[\"CMD\",\"true\"],\"interval\":5,"
                + "\"retries\":1}}]", null, null, null));
        awaitStatus(run, "RUNNING", Duration.ofSeconds(60));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && !("UNHEALTHY".equals(run.containers.get("sick").health)
                && "HEALTHY".equals(run.containers.get("well").health))) {
            Thread.sleep(200);
        }
        assertThat(run.containers.get("sick").health).isEqualTo("UNHEALTHY");
        assertThat(run.containers.get("well").health).isEqualTo("HEALTHY");
        assertThat(run.healthChecked()).containsExactly("sick", "well");
        run.requestStop("");
        assertThat(run.awaitFinished(Duration.ofSeconds(30))).isTrue();
    }

    private static String logs(String containerId) throws IOException {
        return DockerTests.logs(docker, containerId, true);
    }
}
