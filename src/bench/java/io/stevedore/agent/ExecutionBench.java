package io.stevedore.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.bench.BenchSection;
import io.stevedore.catalog.InstanceCatalog;
import io.stevedore.catalog.InstanceType;
import io.stevedore.catalog.StartLatencyModel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code bench/execution}: the start latency of real tasks on this machine's Docker Engine, step by step as the agent
 * runs them ({@link TaskRun}: pull, create, start, and the stop), for bridge tasks and awsvpc tasks (their pause
 * container and subnet network add a create and a start), beside the simulated start-latency model's figures
 * ({@link StartLatencyModel#calibrated()}) for the same step on a c6g.large. The image is the local busybox test image
 * (cached: the pull is the store check). Lives in the agent's package to drive {@code TaskRun} without a server.
 */
public final class ExecutionBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = "stevedore-test/busybox:1";
    private static final String INSTANCE = "arn:aws:ecs:us-east-1:000000000000:container-instance/bench/"
            + UUID.randomUUID().toString().replace("-", "");

    private ExecutionBench() {
    }

    public static void main(String[] args) throws Exception {
        int tasks = 10;
        Path write = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tasks" -> tasks = Integer.parseInt(args[++i]);
                case "--write" -> write = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("usage: bench/execution [--tasks N] [--write FILE]");
            }
        }
        DockerEngine docker = DockerEngine.connectIfAvailable();
        if (docker == null) {
            System.err.println("bench/execution: no Docker Engine answers");
            System.exit(2);
        }
        if (!docker.hasImage(IMAGE)) {
            System.err.println("bench/execution: build " + IMAGE + " first (any Docker test does: ./mvnw -o test"
                    + " -Dtest=TaskRunDockerTest)");
            System.exit(2);
        }
        BenchSection section = new BenchSection("## Real task start latency (Docker)");
        section.provenance("bench/execution --tasks " + tasks);
        section.line("- engine: Docker %s, %s; image %s (in the local store: the pull is the store check, as ECS's"
                + " prefer-cached); %d tasks of each kind, one after another, one container each (awsvpc: plus the"
                + " pause container)", docker.version(), docker.architecture(), IMAGE, tasks);
        section.line("");
        section.line("| kind | pull (median / p90) | network + create | start → RUNNING | total PENDING → RUNNING |"
                + " stop (SIGTERM, init) |");
        section.line("|---|---|---|---|---|---|");
        try {
            for (String mode : List.of("bridge", "awsvpc")) {
                Samples s = measure(docker, mode, tasks);
                section.line("| %s | %s | %s | %s | %s | %s |", mode, s.pull.text(), s.create.text(), s.start.text(),
                        s.total.text(), s.stop.text());
            }
        } finally {
            removeAll(docker);
        }
        StartLatencyModel model = StartLatencyModel.calibrated();
        InstanceType c6g = InstanceCatalog.load().find("c6g.large").orElseThrow();
        section.line("");
        section.line("The simulated model (catalog.StartLatencyModel, calibrated) for the same steps on a c6g.large:"
                + " pull of a cached image %d ms (Managed Instances still checks the tag with the registry), of the"
                + " default 100 MiB image uncached %d ms; the instance's boot %d ms. Real execution here has no"
                + " registry round trip and no instance boot: the model's figures are what a task on AWS waits, the"
                + " table what the agent itself adds on a real engine.",
                model.pull(c6g, 0, true).toMillis(), model.pull(c6g, 0, false).toMillis(), model.boot(c6g).toMillis());
        System.out.print(section.text());
        if (write != null) {
            section.write(write);
        }
        docker.close();
    }

    /** Median and 90th percentile of a step, in milliseconds. */
    private record Step(long[] ms) {
        String text() {
            long[] sorted = ms.clone();
            Arrays.sort(sorted);
            return String.format("%d / %d ms", sorted[sorted.length / 2],
                    sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.9) - 1)]);
        }
    }

    private record Samples(Step pull, Step create, Step start, Step total, Step stop) {
    }

    private static Samples measure(DockerEngine docker, String mode, int n) throws Exception {
        long[] pull = new long[n];
        long[] create = new long[n];
        long[] start = new long[n];
        long[] total = new long[n];
        long[] stop = new long[n];
        for (int i = 0; i < n; i++) {
            List<Instant> created = new ArrayList<>();
            TaskRun.Host host = host(docker, created);
            TaskRun run = new TaskRun(task(mode, i), host, Map.of());
            Thread thread = new Thread(run, "bench-task");
            thread.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!"RUNNING".equals(run.knownStatus) && System.nanoTime() < deadline && !run.isFinished()) {
                Thread.sleep(2);
            }
            if (!"RUNNING".equals(run.knownStatus)) {
                throw new IllegalStateException(mode + " task did not start: " + run.stoppedReason);
            }
            Instant lastCreate = created.get(created.size() - 1);
            pull[i] = Duration.between(run.pullStartedAt, run.pullStoppedAt).toMillis();
            create[i] = Duration.between(run.pullStoppedAt, lastCreate).toMillis();
            start[i] = Duration.between(lastCreate, run.startedAt).toMillis();
            total[i] = Duration.between(run.pullStartedAt, run.startedAt).toMillis();
            long t0 = System.nanoTime();
            run.requestStop("");
            run.awaitFinished(Duration.ofSeconds(60));
            stop[i] = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            run.cleanUp();
        }
        return new Samples(new Step(pull), new Step(create), new Step(start), new Step(total), new Step(stop));
    }

    /** A one-container task; awsvpc tasks get addresses in a bench-only subnet. */
    private static TaskSpec task(String mode, int i) throws Exception {
        String id = UUID.randomUUID().toString().replace("-", "");
        String eni = "awsvpc".equals(mode) ? "{\"privateIPv4Address\":\"10.214.9." + (10 + i) + "\","
                + "\"subnetCidr\":\"10.214.9.0/24\",\"gateway\":\"10.214.9.1\"}" : "null";
        String json = "{\"taskArn\":\"arn:aws:ecs:us-east-1:000000000000:task/bench/" + id + "\","
                + "\"clusterArn\":\"arn:aws:ecs:us-east-1:000000000000:cluster/bench\",\"desiredStatus\":\"RUNNING\","
                + "\"taskDefinition\":{\"family\":\"bench\",\"revision\":1,\"networkMode\":\"" + mode + "\","
                + "\"containerDefinitions\":[{\"name\":\"app\",\"image\":\"" + IMAGE + "\",\"memory\":32,"
                + "\"command\":[\"sleep\",\"300\"],\"linuxParameters\":{\"initProcessEnabled\":true}}]},"
                + "\"overrides\":{},\"cpu\":\"256\",\"memory\":\"64\",\"eni\":" + eni + "}";
        return TaskSpec.read((ObjectNode) JSON.readTree(json));
    }

    private static TaskRun.Host host(DockerEngine docker, List<Instant> created) {
        return new TaskRun.Host() {
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
                return "http://127.0.0.1:1";
            }

            @Override
            public void taskChanged(TaskRun run) {
                if ("PENDING".equals(run.knownStatus)) {
                    created.add(Instant.now());
                }
            }

            @Override
            public void containerChanged(TaskRun run, ContainerRun container) {
            }

            @Override
            public void containerStarted(TaskRun run, ContainerRun container) {
            }

            @Override
            public void awaitLogs(ContainerRun container, Duration atMost) {
            }
        };
    }

    private static void removeAll(DockerEngine docker) {
        for (var c : docker.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerConfig.INSTANCE, INSTANCE)).exec()) {
            docker.client().removeContainerCmd(c.getId()).withForce(true).exec();
        }
    }
}
