package io.stevedore.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ContainerStateChange;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.RegisterContainerInstanceRequest;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.VersionInfo;

/**
 * The container agent: registers this machine (or one managed instance) as a container instance, then long-polls
 * the control plane for the tasks placed on it and runs them on the Docker Engine ({@link TaskRun}), reporting
 * every state change with SubmitTaskStateChange / SubmitContainerStateChange and the containers' health in each
 * poll. The poll is also the agent's heartbeat.
 *
 * <p>Its state file lets a restarted agent (after {@code kill -9}, or a restarted server for in-process agents)
 * find the containers it left running: it re-registers as the same container instance, lists those tasks in its
 * first poll ({@code running}), and adopts the ones the control plane still wants; the others are stopped, removed
 * and reported STOPPED — never left behind silently. Closing the agent leaves containers running (an agent restart
 * is not a task stop); {@link #shutdown} stops and removes them (a terminated instance).
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Agent.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The version this agent reports in versionInfo. */
    public static final String VERSION = "1.0.0-stevedore";

    private final AgentConfig config;
    private final DockerEngine docker;
    private final StateFile state;
    private final EcsClient ecs;
    private final SignedHttp signed;
    private final MetadataServer metadata;
    private final LogShipper logs;
    private final Reporter reporter;
    private final ExecutorService taskThreads = Executors.newCachedThreadPool(daemon("stevedore-task"));
    private final Map<String, TaskRun> runs = new ConcurrentHashMap<>();
    /** Tasks found after a restart, waiting for the first poll to say whether to keep them. */
    private final Map<String, TaskRun> adoptable = new ConcurrentHashMap<>();
    /** Tasks reported STOPPED and acknowledged: never started again, whatever a stale poll says. */
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    private final Object pollLock = new Object();
    private volatile String containerInstanceArn;
    private volatile String clusterArn;
    private volatile URI pollEndpoint;
    private volatile long seen;
    private volatile List<Map<String, String>> lastHealth = List.of();
    private volatile boolean closed;
    private Thread pollThread;
    private Thread healthThread;

    private Agent(AgentConfig config, DockerEngine docker, StateFile state) throws IOException {
        this.config = config;
        this.docker = docker;
        this.state = state;
        AwsBasicCredentials keys = AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey());
        this.ecs = EcsClient.builder().endpointOverride(config.endpoint()).region(Region.of(config.region()))
                .credentialsProvider(StaticCredentialsProvider.create(keys))
                .httpClient(Apache5HttpClient.builder().socketTimeout(Duration.ofSeconds(30)).build()).build();
        this.signed = new SignedHttp(config.endpoint(), config.region(),
                AwsCredentialsIdentity.create(config.accessKeyId(), config.secretAccessKey()));
        int port = state.metadataPort() != 0 ? state.metadataPort() : config.metadataPort();
        this.metadata = MetadataServer.start(port, this::findContainer, docker);
        this.logs = new LogShipper(docker, signed);
        this.reporter = new Reporter();
    }

    /**
     * Starts an agent: registers (or re-registers) the container instance, finds the containers it left running,
     * and starts polling. Returns once registered.
     */
    public static Agent start(AgentConfig config, DockerEngine docker) throws IOException {
        StateFile state = StateFile.open(config.dataDir());
        Agent agent;
        try {
            agent = new Agent(config, docker, state);
        } catch (IOException | RuntimeException e) {
            state.close();
            throw e;
        }
        try {
            agent.register();
            agent.findLeftRunning();
            agent.startThreads();
            return agent;
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
    }

    public String containerInstanceArn() {
        return containerInstanceArn;
    }

    /** The metadata endpoint's port on this machine. */
    public int metadataPort() {
        return metadata.port();
    }

    /** Task ARNs this agent runs or holds (adopted or waiting for adoption). */
    public Set<String> tasks() {
        Set<String> out = new LinkedHashSet<>(runs.keySet());
        out.addAll(adoptable.keySet());
        return out;
    }

    private void register() {
        String previous = config.cluster().equals(state.cluster()) ? state.containerInstanceArn() : null;
        RegisterContainerInstanceRequest.Builder request = RegisterContainerInstanceRequest.builder()
                .cluster(config.cluster()).totalResources(resources())
                .versionInfo(VersionInfo.builder().agentVersion(VERSION).agentHash("stevedore")
                        .dockerVersion("DockerVersion: " + docker.version()).build())
                .attributes(attributes());
        if (config.identityDocument() != null) {
            request.instanceIdentityDocument(config.identityDocument())
                    .instanceIdentityDocumentSignature("stevedore-unsigned");
        }
        if (previous != null) {
            request.containerInstanceArn(previous);
        }
        var instance = ecs.registerContainerInstance(request.build()).containerInstance();
        containerInstanceArn = instance.containerInstanceArn();
        state.setInstance(config.cluster(), containerInstanceArn, metadata.port());
        String endpoint = ecs.discoverPollEndpoint(r -> r.cluster(config.cluster())
                .containerInstance(containerInstanceArn)).endpoint();
        pollEndpoint = URI.create(endpoint.endsWith("/") ? endpoint : endpoint + "/");
        LOG.info(() -> "registered " + containerInstanceArn + " in " + config.cluster() + "; polling " + pollEndpoint);
    }

    private List<Resource> resources() {
        int cpu = config.cpu() != null ? config.cpu() : Runtime.getRuntime().availableProcessors() * 1024;
        int memory = config.memoryMiB() != null ? config.memoryMiB()
                : machineMemoryMiB() - AgentConfig.RESERVED_MEMORY_MIB;
        List<String> ports = new ArrayList<>(List.of("22", "2375", "2376", "51678", "51679"));
        if (!ports.contains(String.valueOf(metadata.port()))) {
            ports.add(String.valueOf(metadata.port()));
        }
        return List.of(Resource.builder().name("CPU").type("INTEGER").integerValue(cpu).build(),
                Resource.builder().name("MEMORY").type("INTEGER").integerValue(memory).build(),
                Resource.builder().name("PORTS").type("STRINGSET").stringSetValue(ports).build(),
                Resource.builder().name("PORTS_UDP").type("STRINGSET").stringSetValue(List.of()).build());
    }

    private static int machineMemoryMiB() {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        return (int) (os.getTotalMemorySize() / (1024 * 1024));
    }

    private List<Attribute> attributes() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("ecs.os-type", "linux");
        a.put("ecs.os-family", "LINUX");
        a.put("ecs.cpu-architecture", docker.architecture());
        a.put("ecs.capability.task-eni", null);
        a.put("ecs.capability.container-health-check", null);
        a.put("ecs.capability.container-ordering", null);
        a.put("com.amazonaws.ecs.capability.logging-driver.awslogs", null);
        a.put("com.amazonaws.ecs.capability.docker-remote-api.1.41", null);
        a.putAll(config.attributes());
        List<Attribute> out = new ArrayList<>();
        a.forEach((k, v) -> out.add(Attribute.builder().name(k).value(v).build()));
        return out;
    }

    /** The tasks of the state file and the containers labelled with this instance: adopted on the first poll. */
    private void findLeftRunning() {
        Map<String, Map<String, String>> byTask = new LinkedHashMap<>();
        Map<String, String> pauses = new HashMap<>();
        for (Container c : docker.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerConfig.INSTANCE, containerInstanceArn)).exec()) {
            String task = c.getLabels().get(ContainerConfig.TASK_ARN);
            String name = c.getLabels().get(ContainerConfig.CONTAINER_NAME);
            if (TaskRun.PAUSE_NAME.equals(name)) {
                pauses.put(task, c.getId());
            } else {
                byTask.computeIfAbsent(task, k -> new HashMap<>()).put(name, c.getId());
            }
        }
        Map<String, ObjectNode> saved = state.tasks();
        for (Map.Entry<String, ObjectNode> e : saved.entrySet()) {
            ObjectNode t = e.getValue();
            TaskSpec spec = TaskSpec.read((ObjectNode) t.get("spec"));
            Map<String, String> metadataIds = new HashMap<>();
            t.path("containers").fields().forEachRemaining(c -> metadataIds.put(c.getKey(),
                    c.getValue().path("metadataId").asText()));
            TaskRun run = new TaskRun(spec, host, metadataIds);
            run.knownStatus = t.path("knownStatus").asText("NONE");
            run.pullStartedAt = StateFile.instant(t, "pullStartedAt");
            run.pullStoppedAt = StateFile.instant(t, "pullStoppedAt");
            run.startedAt = StateFile.instant(t, "startedAt");
            run.pauseId = pauses.getOrDefault(e.getKey(), StateFile.text(t, "pauseId"));
            run.networkName = StateFile.text(t, "network");
            run.metadataGateway = StateFile.text(t, "metadataGateway");
            Map<String, String> ids = byTask.getOrDefault(e.getKey(), Map.of());
            for (ContainerRun c : run.containers.values()) {
                c.dockerId = ids.getOrDefault(c.name(), t.path("containers").path(c.name()).path("dockerId")
                        .asText(null));
            }
            adoptable.put(e.getKey(), run);
        }
        for (Map.Entry<String, Map<String, String>> e : byTask.entrySet()) {
            if (!adoptable.containsKey(e.getKey())) {
                // labelled as ours but never saved (killed between create and save): nothing to adopt it with
                LOG.warning(() -> "removing containers of task " + e.getKey() + " unknown to the state file: "
                        + e.getValue().values());
                e.getValue().values().forEach(id -> docker.client().removeContainerCmd(id).withForce(true).exec());
                String pause = pauses.get(e.getKey());
                if (pause != null) {
                    docker.client().removeContainerCmd(pause).withForce(true).exec();
                }
            }
        }
        if (!adoptable.isEmpty()) {
            LOG.info(() -> "found " + adoptable.size() + " task(s) left running: " + adoptable.keySet());
        }
    }

    private void startThreads() {
        pollThread = new Thread(this::pollLoop, "stevedore-agent-poll");
        pollThread.setDaemon(true);
        pollThread.start();
        healthThread = new Thread(this::healthLoop, "stevedore-agent-health");
        healthThread.setDaemon(true);
        healthThread.start();
    }

    private void pollLoop() {
        long backoff = 500;
        while (!closed) {
            try {
                poll(config.pollWaitSeconds());
                backoff = 500;
            } catch (SignedHttp.AwsError e) {
                if ("InvalidParameterException".equals(e.type) && !closed) {
                    LOG.warning(() -> "poll refused (" + e.getMessage() + "); registering again");
                    try {
                        register();
                    } catch (RuntimeException again) {
                        LOG.log(Level.WARNING, "re-registration failed", again);
                        sleep(backoff);
                    }
                } else {
                    LOG.warning(() -> "poll failed: " + e.getMessage());
                    sleep(backoff);
                }
                backoff = Math.min(backoff * 2, 10_000);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.log(Level.FINE, "poll failed", e);
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, 10_000);
                }
            }
        }
    }

    /** Sends the health at once when it changes, rather than at the next long poll. */
    private void healthLoop() {
        while (!closed) {
            sleep(1000);
            if (!closed && !health().equals(lastHealth)) {
                try {
                    poll(0);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.FINE, "health poll failed", e);
                }
            }
        }
    }

    /** One poll: sends the heartbeat, the running tasks and their health; acts on the answer. */
    private void poll(int waitSeconds) throws IOException, InterruptedException {
        List<Map<String, String>> health = health();
        ObjectNode body = JSON.createObjectNode();
        body.put("cluster", config.cluster());
        body.put("containerInstanceArn", containerInstanceArn);
        body.put("seen", waitSeconds == 0 ? -1 : seen);
        body.put("waitSeconds", waitSeconds);
        ArrayNode running = body.putArray("running");
        tasks().forEach(running::add);
        ArrayNode h = body.putArray("health");
        health.forEach(m -> {
            ObjectNode o = h.addObject();
            m.forEach(o::put);
        });
        JsonNode answer = signed.post(pollEndpoint.resolve("agent/v1/poll").toString(), "ecs", null, null, body,
                Duration.ofSeconds(waitSeconds + 15L));
        lastHealth = health;
        synchronized (pollLock) {
            long version = answer.path("version").asLong(-1);
            if (closed || version < seen) {
                return; // a slower answer older than one acted on already
            }
            seen = version;
            act(answer.path("tasks"));
        }
    }

    private List<Map<String, String>> health() {
        List<Map<String, String>> out = new ArrayList<>();
        for (TaskRun run : runs.values()) {
            if (!"RUNNING".equals(run.knownStatus)) {
                continue;
            }
            for (String name : run.healthChecked()) {
                out.add(Map.of("taskArn", run.taskArn(), "containerName", name,
                        "status", run.containers.get(name).health));
            }
        }
        out.sort((a, b) -> (a.get("taskArn") + a.get("containerName")).compareTo(b.get("taskArn")
                + b.get("containerName")));
        return out;
    }

    /** Starts, stops, adopts and forgets tasks as the poll's answer says. */
    private void act(JsonNode tasks) {
        Set<String> listed = new LinkedHashSet<>();
        for (JsonNode t : tasks) {
            TaskSpec spec = TaskSpec.read((ObjectNode) t);
            String arn = spec.taskArn();
            listed.add(arn);
            if (clusterArn == null) {
                clusterArn = spec.clusterArn();
            }
            TaskRun run = runs.get(arn);
            if (run != null) {
                if (!spec.wantsRunning()) {
                    run.requestStop(spec.stopReason());
                }
                continue;
            }
            if (finished.contains(arn)) {
                continue;
            }
            TaskRun adopted = adoptable.remove(arn);
            if (adopted != null) {
                if (!spec.wantsRunning()) {
                    adopted.requestStop(spec.stopReason());
                }
                launch(adopted);
                continue;
            }
            TaskRun fresh = new TaskRun(spec, host, Map.of());
            if (!spec.wantsRunning()) {
                fresh.requestStop(spec.stopReason());
            }
            state.put(fresh);
            launch(fresh);
        }
        finished.retainAll(listed);
        for (TaskRun run : runs.values()) {
            if (!listed.contains(run.taskArn()) && !"STOPPED".equals(run.knownStatus)) {
                run.requestStop("Task stopped: the control plane no longer lists it on this container instance");
            }
        }
        for (String arn : new ArrayList<>(adoptable.keySet())) {
            if (!listed.contains(arn)) {
                TaskRun orphan = adoptable.remove(arn);
                orphan.requestStop("Task stopped: the control plane no longer lists it on this container instance");
                launch(orphan);
            }
        }
    }

    private void launch(TaskRun run) {
        runs.put(run.taskArn(), run);
        taskThreads.execute(run);
    }

    private ContainerLookup.Found findContainer(String metadataId) {
        for (TaskRun run : runs.values()) {
            for (ContainerRun c : run.containers.values()) {
                if (c.metadataId.equals(metadataId)) {
                    return new ContainerLookup.Found(run, c, containerInstanceArn, clusterArn);
                }
            }
        }
        return null;
    }

    /** What the task threads see of the agent. */
    private final TaskRun.Host host = new TaskRun.Host() {
        @Override
        public DockerEngine docker() {
            return docker;
        }

        @Override
        public String containerInstanceArn() {
            return containerInstanceArn;
        }

        @Override
        public String metadataBase(String gateway) {
            return "http://" + (gateway == null ? "127.0.0.1" : gateway) + ":" + metadata.port();
        }

        @Override
        public void taskChanged(TaskRun run) {
            if (!closed || "STOPPED".equals(run.knownStatus)) {
                state.put(run);
                reporter.task(run);
            }
        }

        @Override
        public void containerChanged(TaskRun run, ContainerRun container) {
            reporter.container(run, container);
        }

        @Override
        public void containerStarted(TaskRun run, ContainerRun container) {
            logs.ship(run, container);
        }

        @Override
        public void awaitLogs(ContainerRun container, Duration atMost) {
            logs.await(container, atMost);
        }
    };

    /**
     * Submits state changes in order on one thread, retrying what failed for a reason that may pass (the server
     * unreachable, throttling); a STOPPED task acknowledged (or refused for good) is forgotten and its containers
     * removed.
     */
    private final class Reporter {
        private final ExecutorService thread = Executors.newSingleThreadExecutor(daemon("stevedore-agent-report"));
        private final Map<String, String> reported = new ConcurrentHashMap<>();

        void task(TaskRun run) {
            String status = "NONE".equals(run.knownStatus) ? null : run.knownStatus;
            if (status == null || status.equals(reported.put(run.taskArn(), status))) {
                return;
            }
            List<ContainerStateChange> containers = new ArrayList<>();
            for (ContainerRun c : run.containers.values()) {
                containers.add(ContainerStateChange.builder().containerName(c.name()).runtimeId(c.dockerId)
                        .imageDigest(c.imageDigest).status(c.status).exitCode(c.exitCode).reason(c.reason)
                        .networkBindings(c.networkBindings).build());
            }
            var request = software.amazon.awssdk.services.ecs.model.SubmitTaskStateChangeRequest.builder()
                    .cluster(config.cluster()).task(run.taskArn()).status(status).reason(run.stoppedReason)
                    .containers(containers).pullStartedAt(run.pullStartedAt).pullStoppedAt(run.pullStoppedAt)
                    .executionStoppedAt(run.executionStoppedAt).build();
            thread.execute(() -> {
                boolean acknowledged = submit(() -> ecs.submitTaskStateChange(request));
                // a STOPPED refused for good (the server no longer knows the task) ends the task here all the same
                if ("STOPPED".equals(status) && (acknowledged || !closed)) {
                    finished.add(run.taskArn());
                    runs.remove(run.taskArn());
                    reported.remove(run.taskArn());
                    state.remove(run.taskArn());
                    taskThreads.execute(run::cleanUp);
                }
            });
        }

        void container(TaskRun run, ContainerRun c) {
            var request = software.amazon.awssdk.services.ecs.model.SubmitContainerStateChangeRequest.builder()
                    .cluster(config.cluster()).task(run.taskArn()).containerName(c.name()).runtimeId(c.dockerId)
                    .status(c.status).exitCode(c.exitCode).reason(c.reason).networkBindings(c.networkBindings)
                    .build();
            thread.execute(() -> submit(() -> ecs.submitContainerStateChange(request)));
        }

        /** True when acknowledged; false when refused for good (logged). Retries while the agent runs. */
        private boolean submit(Runnable call) {
            long backoff = 500;
            while (true) {
                try {
                    call.run();
                    return true;
                } catch (EcsException e) {
                    int status = e.statusCode();
                    boolean retry = status >= 500 || status == 429
                            || "ThrottlingException".equals(e.awsErrorDetails().errorCode());
                    if (!retry) {
                        LOG.warning(() -> "state change refused: " + e.getMessage());
                        return false;
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "state change failed; retrying", e);
                }
                if (closed && thread.isShutdown()) {
                    return false;
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            }
        }

        void close(Duration drain) {
            thread.shutdown();
            try {
                thread.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread.shutdownNow();
        }
    }

    /**
     * Stops every task this agent runs (each SIGTERM, then SIGKILL after its stopTimeout), reports them STOPPED
     * with {@code reason}, removes their containers, and closes the agent: what a terminated instance does.
     */
    public void shutdown(String reason, Duration atMost) {
        synchronized (pollLock) {
            for (TaskRun run : runs.values()) {
                run.requestStop(reason);
            }
            for (TaskRun run : adoptable.values()) {
                run.requestStop(reason);
                launch(run);
            }
            adoptable.clear();
        }
        long deadline = System.nanoTime() + atMost.toNanos();
        for (TaskRun run : new ArrayList<>(runs.values())) {
            try {
                run.awaitFinished(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        reporter.close(Duration.ofSeconds(5));
        for (TaskRun run : new ArrayList<>(runs.values())) {
            run.cleanUp();
        }
        close();
    }

    /**
     * Removes the containers an agent left behind in {@code dataDir} (its instance ended while no agent ran) and
     * forgets its tasks; returns how many containers were removed.
     */
    public static int removeLeftovers(Path dataDir, DockerEngine docker) throws IOException {
        try (StateFile state = StateFile.open(dataDir)) {
            String instance = state.containerInstanceArn();
            int removed = 0;
            if (instance != null) {
                for (Container c : docker.client().listContainersCmd().withShowAll(true)
                        .withLabelFilter(Map.of(ContainerConfig.INSTANCE, instance)).exec()) {
                    docker.client().removeContainerCmd(c.getId()).withForce(true).exec();
                    removed++;
                }
            }
            state.removeAll(state.tasks().keySet());
            return removed;
        }
    }

    /** Stops polling and reporting; the containers keep running (a restarted agent adopts them). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (pollThread != null) {
            pollThread.interrupt();
            healthThread.interrupt();
        }
        reporter.close(Duration.ZERO);
        runs.values().forEach(TaskRun::detach);
        taskThreads.shutdownNow();
        logs.close();
        metadata.close();
        ecs.close();
        try {
            state.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "state file lock", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
