package io.stevedore.bench.crash;

import io.stevedore.testkit.PostgresCluster;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The crash harness (docs/operations.md "Crash safety"): trials of mutating ECS load against real
 * {@code stevedore serve} processes, a {@code kill -9} at a random moment, a restart on the same data directory
 * or database, then checks — every acknowledged write present, no task started on a terminated instance, no
 * instance over-committed, services converge within a bound. On PostgreSQL two replicas serve the load and the
 * leader is the one killed: the survivor must answer every acknowledged write at once and take over the
 * controllers (failover time measured). Run with {@code bench/crash [--trials N] [--store sqlite|postgres|both]
 * [--replicas 1|2] [--seed S] [--speed X]}; exits 1 on any violation.
 */
public final class CrashHarness implements AutoCloseable {
    private static final Duration CONVERGENCE_BOUND = Duration.ofSeconds(90);

    /** @param region the region every call is signed for: a region other than the server's home region puts the
     *               load on its own plane and database (SQLite only), which the restarted server must reopen */
    /** @param write the file to write the report's section into ({@code --write}, e.g. docs/benchmarks.md), or null
     *  @param command the command line, for the section's provenance */
    record Options(int trials, String store, int replicas, long seed, double speed, double lease, String region,
                   Path write, String command) {
    }

    private final Options options;
    private final Path work;
    private PostgresCluster postgres;

    CrashHarness(Options options, Path work) {
        this.options = options;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--execution")) {
            ExecutionCrash.main(args);
            return;
        }
        Options o = parse(args);
        Path work = Files.createTempDirectory("stevedore-crash-");
        CrashHarness h = new CrashHarness(o, work);
        io.stevedore.bench.BenchSection section = new io.stevedore.bench.BenchSection(Report.HEADING); // load now
        List<TrialResult> results = h.runAll();
        Report.print(o, results, work);
        if (o.write() != null) {
            Report.section(section, o, results).write(o.write());
        }
        System.exit(results.stream().anyMatch(r -> !r.violations().isEmpty()) ? 1 : 0);
    }

    static Options parse(String[] args) {
        int trials = 50;
        String store = "both";
        int replicas = 2;
        long seed = 1;
        double speed = 500;
        double lease = 4;
        String region = "us-east-1";
        Path write = null;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--trials" -> trials = Integer.parseInt(v);
                case "--store" -> store = v;
                case "--replicas" -> replicas = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--speed" -> speed = Double.parseDouble(v);
                case "--leader-lease" -> lease = Double.parseDouble(v);
                case "--region" -> region = v;
                case "--write" -> write = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (options: --trials N "
                        + "--store sqlite|postgres|both --replicas 1|2 --seed S --speed X --leader-lease SECONDS"
                        + " --region R --write FILE)");
            }
            i++;
        }
        if (!List.of("sqlite", "postgres", "both").contains(store) || replicas < 1 || replicas > 2 || trials < 1) {
            throw new IllegalArgumentException("--store sqlite|postgres|both, --replicas 1|2, --trials >= 1");
        }
        if (!"us-east-1".equals(region) && !"sqlite".equals(store)) {
            throw new IllegalArgumentException("--region other than us-east-1 needs --store sqlite (PostgreSQL state"
                    + " holds the home region only)");
        }
        return new Options(trials, store, replicas, seed, speed, lease, region, write,
                ("bench/crash " + String.join(" ", args)).trim());
    }

    List<TrialResult> runAll() throws Exception {
        List<TrialResult> out = new ArrayList<>();
        try {
            for (int i = 0; i < options.trials(); i++) {
                if (!"postgres".equals(options.store())) {
                    out.add(log(trial("sqlite", i)));
                }
                if (!"sqlite".equals(options.store())) {
                    out.add(log(trial("postgres", i)));
                }
            }
        } finally {
            close();
        }
        return out;
    }

    /** Stops the PostgreSQL server, if one was started. */
    @Override
    public void close() {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    private static TrialResult log(TrialResult r) {
        System.err.printf("trial %-8s #%-3d kill after %5d ms, %3d acknowledged writes, %3d checks, %d violations%s%n",
                r.store(), r.trial(), r.killAfterMillis(), r.acknowledged(), r.checks(), r.violations().size(),
                r.failover() == null ? "" : ", failover " + r.failover().toMillis() + " ms");
        r.violations().forEach(v -> System.err.println("  VIOLATION " + v));
        return r;
    }

    private List<String> serveArgs(String store, int trial, String replica) throws Exception {
        List<String> args = new ArrayList<>(List.of("--speed", String.valueOf(options.speed()), "--rate-limits",
                "off"));
        if ("sqlite".equals(store)) {
            args.addAll(List.of("--data-dir", work.resolve("sqlite-" + trial).toString()));
        } else {
            args.addAll(List.of("--database-url", postgres.url("trial_" + trial), "--database-user",
                    PostgresCluster.USER, "--leader-lease", String.valueOf(options.lease()), "--replica-name", replica));
        }
        return args;
    }

    TrialResult trial(String store, int trial) throws Exception {
        Random random = new Random(options.seed() * 1_000_003L + trial * 31L + store.hashCode());
        int replicas = 1;
        if ("postgres".equals(store)) {
            if (postgres == null) {
                postgres = PostgresCluster.start(true);
            }
            postgres.createDatabase("trial_" + trial);
            replicas = options.replicas();
        }
        Path logs = work.resolve("logs");
        List<ServeProcess> procs = new ArrayList<>();
        try {
            for (int r = 0; r < replicas; r++) {
                procs.add(ServeProcess.launch(serveArgs(store, trial, "r" + r), log(logs, store, trial, "r" + r)));
            }
            for (int r = 0; r < replicas; r++) {
                procs.get(r).awaitReady(log(logs, store, trial, "r" + r));
            }
            ServeProcess victim = awaitLeader(procs);
            List<EcsClient> clients = procs.stream().map(p -> ecs(p.endpoint())).toList();
            Ledger ledger = new Ledger();
            LoadDriver driver;
            try (Ec2Client ec2 = ec2(procs.get(0).endpoint())) {
                driver = new LoadDriver(clients, random, ledger, ec2.describeSubnets().subnets().stream()
                        .map(s -> s.subnetId()).sorted().limit(2).toList(),
                        ec2.describeSecurityGroups().securityGroups().get(0).groupId());
            }
            clients.forEach(c -> c.listClusters()); // warm both ends up, so the kill lands amid writes
            // the kill lands at a random moment of the load: after a random number of acknowledged writes
            // (0-59), plus a random 0-300 ms, so it may hit any call in flight; never later than 30 s
            int writesBeforeKill = random.nextInt(60);
            long extraMillis = random.nextInt(300);
            AtomicBoolean stop = new AtomicBoolean();
            Thread load = new Thread(() -> driver.run(stop), "crash-load");
            long loadStart = System.nanoTime();
            load.start();
            while (ledger.acknowledged() < writesBeforeKill && load.isAlive()
                    && System.nanoTime() - loadStart < 30_000_000_000L) {
                Thread.sleep(5);
            }
            Thread.sleep(extraMillis);
            long killedAt = System.nanoTime();
            long killAfter = (killedAt - loadStart) / 1_000_000;
            victim.kill9();
            stop.set(true);
            load.join(60_000);
            clients.forEach(EcsClient::close);
            List<String> violations = new ArrayList<>();

            Duration failover = null;
            if (driver.failure != null) {
                violations.add("load failed before the kill: " + driver.failure);
            }
            ServeProcess survivor = procs.stream().filter(p -> p != victim).findFirst().orElse(null);
            if (survivor != null) {
                try (EcsClient ecs = ecs(survivor.endpoint())) {
                    ledger.verify(ecs).forEach(v -> violations.add("survivor: " + v));
                }
                Optional<Duration> f = awaitLeadership(survivor, killedAt, Duration.ofSeconds(30));
                if (f.isEmpty()) {
                    violations.add("survivor did not take over the controllers within 30 s");
                } else {
                    failover = f.get();
                }
            }
            String name = "r" + procs.indexOf(victim);
            ServeProcess restarted = ServeProcess.start(serveArgs(store, trial, name), logs.resolve(store + "-" + trial
                    + "-" + name + "-restart.log"));
            procs.add(restarted);
            Duration convergence = verifyAfterRestart(restarted, ledger, violations);
            if (!"us-east-1".equals(options.region())) {
                // the load went to its own region's plane and database: the home region saw none of it
                Path regional = work.resolve("sqlite-" + trial).resolve("regions").resolve(options.region());
                if (!Files.exists(regional.resolve("stevedore.db"))) {
                    violations.add("no database for " + options.region() + " in " + regional);
                }
                try (EcsClient home = EcsClient.builder().endpointOverride(restarted.endpoint())
                        .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("test", "test")))
                        .httpClient(Apache5HttpClient.builder().build()).build()) {
                    if (!home.listClusters().clusterArns().isEmpty()) {
                        violations.add("the home region us-east-1 has clusters of the " + options.region() + " load");
                    }
                }
            }
            return new TrialResult(store, trial, killAfter, ledger.acknowledged(), ledger.checks(), violations,
                    driver.serverErrors, convergence, failover);
        } finally {
            for (ServeProcess p : procs) {
                p.kill9();
            }
            deleteTree(work.resolve("sqlite-" + trial)); // the logs stay
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static Path log(Path logs, String store, int trial, String replica) {
        return logs.resolve(store + "-" + trial + "-" + replica + ".log");
    }

    private Duration verifyAfterRestart(ServeProcess p, Ledger ledger, List<String> violations) throws Exception {
        try (EcsClient ecs = ecs(p.endpoint()); Ec2Client ec2 = ec2(p.endpoint())) {
            violations.addAll(ledger.verify(ecs));
            Invariants.placement(ecs, ec2).forEach(v -> violations.add("after restart: " + v));
            Optional<Duration> converged = Invariants.awaitConvergence(ecs, CONVERGENCE_BOUND);
            if (converged.isEmpty()) {
                violations.add("services did not converge within " + CONVERGENCE_BOUND.toSeconds() + " s: "
                        + Invariants.unconverged(ecs));
            }
            Invariants.placement(ecs, ec2).forEach(v -> violations.add("after convergence: " + v));
            return converged.orElse(null);
        }
    }

    private static ServeProcess awaitLeader(List<ServeProcess> procs) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            for (ServeProcess p : procs) {
                if (p.leading() || procs.size() == 1) {
                    return p;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no replica took the controller lease within 30 s");
    }

    private static Optional<Duration> awaitLeadership(ServeProcess p, long sinceNanos, Duration bound)
            throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (p.leading()) {
                return Optional.of(Duration.ofNanos(Math.max(0, p.leaderSinceNanos() - sinceNanos)));
            }
            Thread.sleep(20);
        }
        return Optional.empty();
    }

    EcsClient ecs(URI endpoint) {
        return EcsClient.builder().endpointOverride(endpoint).region(Region.of(options.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofSeconds(60)))
                .build();
    }

    Ec2Client ec2(URI endpoint) {
        return Ec2Client.builder().endpointOverride(endpoint).region(Region.of(options.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofSeconds(60)))
                .build();
    }

    /** Machine facts for the report. */
    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version") + ", " + Instant.now();
    }
}
