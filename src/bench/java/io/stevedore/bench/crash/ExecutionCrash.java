package io.stevedore.bench.crash;

import com.github.dockerjava.api.model.Container;
import io.stevedore.agent.DockerEngine;
import io.stevedore.agent.DockerTests;
import io.stevedore.bench.BenchSection;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * {@code bench/crash --execution docker [--trials N] [--seed S] [--write FILE]}: crash safety with real containers.
 * Each trial starts {@code stevedore serve} (SQLite) and one {@code stevedore agent} child process (an external
 * instance on this machine's Docker Engine), runs a service of busybox tasks, then (1) changes the desired count
 * and kills the server with SIGKILL a random moment later, restarts it on the same data directory and port;
 * (2) kills the agent with SIGKILL and restarts it on the same data directory. After each restart it checks, once
 * the service has converged: every container that was running is either still running with its task RUNNING and
 * the same Docker id (adopted) or its task is STOPPED with a stoppedReason; no running container labelled with a
 * task ARN belongs to a task the control plane shows STOPPED or does not know (an orphan); the service runs its
 * desired count. Containers and networks are removed by label at the end. Exits 1 on any violation.
 */
final class ExecutionCrash {
    /** The docs/benchmarks.md section {@code --write} replaces. */
    static final String HEADING = "## Crash safety with real containers";
    private static final String TASK_ARN_LABEL = "com.amazonaws.ecs.task-arn";
    private static final String INSTANCE_LABEL = "io.stevedore.container-instance";
    private static final String CLUSTER = "crash";
    private static final Duration BOUND = Duration.ofSeconds(120);

    /** Per step of a trial: what the checks counted. */
    record Step(int trial, String killed, long killAfterMillis, int adopted, int stoppedWithReason, int orphans,
                long convergedMillis, List<String> violations) {
    }

    private final Path work;
    private final DockerEngine docker;
    private final CrashHarness harness;

    private ExecutionCrash(Path work, DockerEngine docker) {
        this.work = work;
        this.docker = docker;
        this.harness = new CrashHarness(new CrashHarness.Options(1, "sqlite", 1, 1, 1, 4, "us-east-1", null, ""),
                work);
    }

    static void main(String[] args) throws Exception {
        int trials = 3;
        long seed = 1;
        Path write = null;
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--execution" -> {
                    if (!"docker".equals(v)) {
                        throw new IllegalArgumentException("--execution docker is the only execution mode");
                    }
                }
                case "--trials" -> trials = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--write" -> write = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (with --execution docker:"
                        + " --trials N --seed S --write FILE)");
            }
        }
        String command = ("bench/crash " + String.join(" ", args)).trim();
        BenchSection section = new BenchSection(HEADING);
        Path work = Files.createTempDirectory("stevedore-crash-exec-");
        ExecutionCrash crash = new ExecutionCrash(work, DockerTests.engine());
        List<Step> steps = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            steps.addAll(crash.trial(t, new Random(seed * 1_000_003L + t)));
        }
        String table = table(steps);
        System.out.println("Crash harness, real containers: " + CrashHarness.machine() + "; logs in "
                + work.resolve("logs"));
        System.out.println();
        System.out.print(table);
        if (write != null) {
            section.provenance(command);
            section.line("- per trial: `serve` (SQLite) and one `stevedore agent` child process (external instance,"
                    + " Docker Engine); a service of 3 busybox tasks; the desired count changed to 2-4 and the server"
                    + " killed with SIGKILL 0-1.5 s later, restarted on the same data directory; then the agent killed"
                    + " with SIGKILL and restarted on its data directory");
            section.line("- adopted: a container running before the kill, still running after it, its task RUNNING "
                    + "with the same Docker id; stopped: its task STOPPED with a stoppedReason; orphans (must be 0): "
                    + "running containers labelled with a task ARN the control plane shows STOPPED or does not know");
            section.line("");
            section.line(table.stripTrailing());
            section.write(write);
        }
        System.exit(steps.stream().anyMatch(s -> !s.violations().isEmpty()) ? 1 : 0);
    }

    static String table(List<Step> steps) {
        StringBuilder b = new StringBuilder();
        b.append("| trial | killed | kill after (ms) | adopted | stopped with reason | orphans | converged after"
                + " restart (ms) | violations |\n|---|---|---|---|---|---|---|---|\n");
        for (Step s : steps) {
            b.append(String.format(java.util.Locale.ROOT, "| %d | %s | %d | %d | %d | %d | %s | %s |%n", s.trial(),
                    s.killed(), s.killAfterMillis(), s.adopted(), s.stoppedWithReason(), s.orphans(),
                    s.convergedMillis() < 0 ? "no" : String.valueOf(s.convergedMillis()),
                    s.violations().isEmpty() ? "0" : String.join("; ", s.violations())));
        }
        b.append(String.format(java.util.Locale.ROOT, "| all | %d steps | | %d | %d | %d | | %d |%n", steps.size(),
                steps.stream().mapToInt(Step::adopted).sum(), steps.stream().mapToInt(Step::stoppedWithReason).sum(),
                steps.stream().mapToInt(Step::orphans).sum(),
                steps.stream().mapToInt(s -> s.violations().size()).sum()));
        return b.toString();
    }

    /** One trial; whatever happens, its processes are killed, its containers removed, its data deleted. */
    private List<Step> trial(int trial, Random random) throws Exception {
        List<Object> started = new ArrayList<>();
        String[] instance = new String[1];
        try {
            return trial(trial, random, started, instance);
        } finally {
            for (Object p : started) {
                if (p instanceof Process agent) {
                    agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                } else {
                    ((ServeProcess) p).kill9();
                }
            }
            if (instance[0] != null) {
                removeLabelled(instance[0]);
            }
            deleteTree(work.resolve("serve-" + trial));
            deleteTree(work.resolve("agent-" + trial));
        }
    }

    private List<Step> trial(int trial, Random random, List<Object> started, String[] instanceOut) throws Exception {
        Path logs = work.resolve("logs");
        Path data = work.resolve("serve-" + trial);
        Path agentData = work.resolve("agent-" + trial);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> serveArgs = List.of("--port", String.valueOf(port), "--data-dir", data.toString(),
                "--rate-limits", "off");
        ServeProcess serve = ServeProcess.start(serveArgs, logs.resolve("exec-" + trial + "-serve.log"));
        started.add(serve);
        Process agent = null;
        String instance = null;
        List<Step> steps = new ArrayList<>();
        try (EcsClient ecs = harness.ecs(serve.endpoint())) {
            ecs.createCluster(b -> b.clusterName(CLUSTER));
            Path agentLog = logs.resolve("exec-" + trial + "-agent.log");
            agent = startAgent(serve.endpoint(), agentData, agentLog);
            started.add(agent);
            instance = registeredArn(agentLog);
            instanceOut[0] = instance;
            ecs.registerTaskDefinition(b -> b.family("sleeper").cpu("128").memory("32").networkMode("bridge")
                    .requiresCompatibilitiesWithStrings("EXTERNAL").containerDefinitions(ContainerDefinition.builder()
                            .name("app").image(DockerTests.IMAGE).essential(true).command("sleep", "3600")
                            .stopTimeout(1).linuxParameters(l -> l.initProcessEnabled(true)).build()));
            ecs.createService(b -> b.cluster(CLUSTER).serviceName("sleepers").taskDefinition("sleeper")
                    .desiredCount(3).launchType("EXTERNAL"));
            await("3 tasks RUNNING", () -> running(ecs).size() == 3);
        }

        // step 1: the server killed amid a change of the desired count
        Map<String, String> before = runningContainers(instance);
        int desired = 2 + random.nextInt(3);
        long delay = random.nextInt(1500);
        try (EcsClient ecs = harness.ecs(serve.endpoint())) {
            ecs.updateService(b -> b.cluster(CLUSTER).service("sleepers").desiredCount(desired));
        }
        Thread.sleep(delay);
        serve.kill9();
        // a container the scale-in stopped before the kill may be gone: the checks after the restart then want its
        // task STOPPED with a reason
        List<String> violations = new ArrayList<>();
        long restart = System.nanoTime();
        serve = ServeProcess.start(serveArgs, logs.resolve("exec-" + trial + "-serve-restart.log"));
        started.add(serve);
        steps.add(check(trial, "server", delay, serve.endpoint(), instance, before, desired, restart, violations));

        // step 2: the agent killed while its tasks run
        before = runningContainers(instance);
        long agentDelay = random.nextInt(1500);
        Thread.sleep(agentDelay);
        agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        violations = new ArrayList<>();
        for (String id : before.values()) {
            if (!containerRunning(id)) {
                violations.add("container " + id + " not running right after the agent's kill -9");
            }
        }
        restart = System.nanoTime();
        Path agentLog = logs.resolve("exec-" + trial + "-agent-restart.log");
        agent = startAgent(serve.endpoint(), agentData, agentLog);
        started.add(agent);
        if (!instance.equals(registeredArn(agentLog))) {
            violations.add("the restarted agent registered as another instance: " + registeredArn(agentLog));
        }
        steps.add(check(trial, "agent", agentDelay, serve.endpoint(), instance, before, desired, restart,
                violations));
        return steps;
    }

    /**
     * Waits for the service to run {@code desired} tasks and for no orphan to remain, then classifies every
     * container of {@code before} (task ARN to Docker id) as adopted or stopped with a reason.
     */
    private Step check(int trial, String killed, long killAfter, URI endpoint, String instance,
                       Map<String, String> before, int desired, long restartNanos, List<String> violations)
            throws Exception {
        try (EcsClient ecs = harness.ecs(endpoint)) {
            long converged = -1;
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (System.nanoTime() < deadline) {
                if (running(ecs).size() == desired && service(ecs) && orphans(ecs, instance).isEmpty()
                        && settled(ecs, before)) {
                    converged = (System.nanoTime() - restartNanos) / 1_000_000;
                    break;
                }
                Thread.sleep(250);
            }
            if (converged < 0) {
                violations.add("not converged within " + BOUND.toSeconds() + " s: " + running(ecs).size() + " of "
                        + desired + " tasks RUNNING, tasks that ran before the kill settled: " + settled(ecs, before));
            }
            List<String> orphans = orphans(ecs, instance);
            orphans.forEach(o -> violations.add("orphan " + o));
            int adopted = 0;
            int stopped = 0;
            Map<String, Task> tasks = describe(ecs, List.copyOf(before.keySet()));
            for (Map.Entry<String, String> e : before.entrySet()) {
                Task t = tasks.get(e.getKey());
                boolean up = containerRunning(e.getValue());
                if (t == null) {
                    violations.add("task " + e.getKey() + " unknown after the restart");
                } else if (up && "RUNNING".equals(t.lastStatus())
                        && e.getValue().equals(t.containers().get(0).runtimeId())) {
                    adopted++;
                } else if ("STOPPED".equals(t.lastStatus()) && t.stoppedReason() != null
                        && !t.stoppedReason().isBlank()) {
                    stopped++;
                } else {
                    violations.add("task " + e.getKey() + " is " + t.lastStatus() + " (runtime id "
                            + t.containers().get(0).runtimeId() + ", reason " + t.stoppedReason() + "), its container "
                            + e.getValue() + (up ? " running" : " gone"));
                }
            }
            return new Step(trial, killed, killAfter, adopted, stopped, orphans.size(), converged, violations);
        }
    }

    /** Every task of {@code before} STOPPED, or RUNNING in the same, still running container. */
    private boolean settled(EcsClient ecs, Map<String, String> before) {
        Map<String, Task> tasks = describe(ecs, List.copyOf(before.keySet()));
        return before.entrySet().stream().allMatch(e -> {
            Task t = tasks.get(e.getKey());
            return t != null && ("STOPPED".equals(t.lastStatus()) || "RUNNING".equals(t.lastStatus())
                    && e.getValue().equals(t.containers().get(0).runtimeId()) && containerRunning(e.getValue()));
        });
    }

    private static boolean service(EcsClient ecs) {
        var s = ecs.describeServices(b -> b.cluster(CLUSTER).services("sleepers")).services().get(0);
        return s.runningCount() == s.desiredCount() && s.pendingCount() == 0;
    }

    private static List<Task> running(EcsClient ecs) {
        List<String> arns = ecs.listTasks(b -> b.cluster(CLUSTER).serviceName("sleepers").desiredStatus("RUNNING"))
                .taskArns();
        return arns.isEmpty() ? List.of() : ecs.describeTasks(b -> b.cluster(CLUSTER).tasks(arns)).tasks().stream()
                .filter(t -> "RUNNING".equals(t.lastStatus())).toList();
    }

    private static Map<String, Task> describe(EcsClient ecs, List<String> arns) {
        Map<String, Task> out = new HashMap<>();
        for (int i = 0; i < arns.size(); i += 100) {
            List<String> page = arns.subList(i, Math.min(arns.size(), i + 100));
            ecs.describeTasks(b -> b.cluster(CLUSTER).tasks(page)).tasks().forEach(t -> out.put(t.taskArn(), t));
        }
        return out;
    }

    /** Running containers of this instance whose task the control plane shows STOPPED or does not know. */
    private List<String> orphans(EcsClient ecs, String instance) {
        Map<String, String> up = runningContainers(instance);
        Map<String, Task> tasks = describe(ecs, List.copyOf(up.keySet()));
        List<String> out = new ArrayList<>();
        up.forEach((arn, id) -> {
            Task t = tasks.get(arn);
            if (t == null || "STOPPED".equals(t.lastStatus())) {
                out.add(id + " of " + arn + (t == null ? " (unknown task)" : " (task STOPPED: " + t.stoppedReason()
                        + ")"));
            }
        });
        return out;
    }

    /** Task ARN to Docker id of this instance's running task containers. */
    private Map<String, String> runningContainers(String instance) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Container c : docker.client().listContainersCmd().withLabelFilter(Map.of(INSTANCE_LABEL, instance))
                .exec()) {
            String arn = c.getLabels().get(TASK_ARN_LABEL);
            if (arn != null && "running".equals(c.getState())) {
                out.put(arn, c.getId());
            }
        }
        return out;
    }

    private boolean containerRunning(String id) {
        try {
            return Boolean.TRUE.equals(docker.client().inspectContainerCmd(id).exec().getState().getRunning());
        } catch (RuntimeException gone) {
            return false;
        }
    }

    private void removeLabelled(String instance) {
        for (Container c : docker.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(INSTANCE_LABEL, instance)).exec()) {
            try {
                docker.client().removeContainerCmd(c.getId()).withForce(true).exec();
            } catch (RuntimeException gone) {
                // removed meanwhile
            }
        }
        DockerTests.removeLabelled(INSTANCE_LABEL, instance);
        DockerTests.removeUnusedAgentNetworks();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Process startAgent(URI endpoint, Path data, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "io.stevedore.cli.Main", "agent", "--endpoint", endpoint.toString(), "--cluster", CLUSTER,
                "--data-dir", data.toString(), "--poll-wait", "5", "--memory", "1024", "--cpu", "2048")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await("the agent registered (" + log + ")", () -> read(log).contains("registered arn:"));
        } catch (IllegalStateException | InterruptedException e) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw e;
        }
        return p;
    }

    private static String registeredArn(Path log) {
        String out = read(log);
        return out.substring(out.indexOf("registered ") + 11).split("\\s")[0];
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("timed out waiting for " + what);
    }
}
