package io.stevedore.cli;

import io.stevedore.api.ApiServer;
import io.stevedore.api.auth.AccessKeys;
import io.stevedore.api.limits.RateLimiter;
import io.stevedore.api.observe.LogFormat;
import io.stevedore.assembly.ControlPlane;
import io.stevedore.assembly.RegionalPlanes;
import io.stevedore.control.agents.Agents;
import io.stevedore.control.state.PlaneConfig;
import io.stevedore.store.DatabaseUrl;
import io.stevedore.store.LogStore;
import io.stevedore.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stevedore serve}: the ECS-compatible control plane on the embedded defaults. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the ECS API (AWS JSON 1.1) with durable embedded state and a simulated EC2.")
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--open", description = "Open the web console (/console/) in this machine's browser once serving"
            + " (xdg-open or open; else the address is printed).")
    boolean openConsole;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default ${DEFAULT-VALUE}; 0 = any).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 for all interfaces, which requires"
                    + " --credentials-file or STEVEDORE_CREDENTIALS).")
    String host;

    @Option(names = "--credentials-file", paramLabel = "FILE",
            description = "Access keys accepted, one accessKeyId:secretAccessKey a line ('#' comments). Also read:"
                    + " env STEVEDORE_CREDENTIALS=id:secret[,id:secret]. Without either only test/test is accepted,"
                    + " and only on loopback.")
    Path credentialsFile;

    @Option(names = "--any-access-key",
            description = "Loopback test mode, as moto and LocalStack serve: accept any access key and secret"
                    + " (signatures not checked) for test suites written for other emulators (testing/testing,"
                    + " FOOBARKEY, ...). Only on loopback; not with --credentials-file or STEVEDORE_CREDENTIALS.")
    boolean anyAccessKey;

    @Option(names = "--rate-limits", defaultValue = "ecs",
            description = "Per-access-key API rate limits: 'ecs' (ECS's published token buckets per throttle"
                    + " category, times --rate-limit-scale) or 'off' (benchmarks). Default ${DEFAULT-VALUE}.")
    String rateLimits;

    @Option(names = "--rate-limit-scale", defaultValue = "1",
            description = "Multiplies every bucket's burst and refill (default ${DEFAULT-VALUE}).")
    double rateLimitScale;

    @Option(names = "--quota", paramLabel = "NAME=VALUE",
            description = "Sets an ECS service quota (repeatable), e.g. --quota services-per-cluster=3; the names,"
                    + " AWS's defaults and what each counts are in docs/operations.md \"Service quotas\".")
    java.util.List<String> quota = new java.util.ArrayList<>();

    @Option(names = "--quota-file", paramLabel = "FILE",
            description = "Service quotas, one NAME=VALUE a line ('#' comments); --quota options apply after it.")
    Path quotaFile;

    @Option(names = "--log-format", defaultValue = "plain",
            description = "Server log lines on stderr: plain or json (default ${DEFAULT-VALUE}).")
    LogFormat logFormat;

    @Option(names = "--access-log", description = "Log every API call (operation, status, error type, latency).")
    boolean accessLog;

    @Option(names = "--data-dir", defaultValue = "stevedore-data",
            description = "Directory of the durable state (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--region", defaultValue = PlaneConfig.DEFAULT_REGION,
            description = "The home region (default ${DEFAULT-VALUE}): the console's, and the admin calls'."
                    + " Signed calls are served in the region of their SigV4 credential scope (any region with"
                    + " price data; with --database-url only this one).")
    String region;

    @Option(names = "--account-id", defaultValue = PlaneConfig.DEFAULT_ACCOUNT,
            description = "12-digit account id in ARNs (default ${DEFAULT-VALUE}).")
    String accountId;

    @Option(names = "--speed", defaultValue = "1",
            description = "Simulated delays elapse this many times faster (default ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--agent-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "A container instance whose agent has not polled for this long shows agentConnected false"
                    + " (default ${DEFAULT-VALUE}; docs/execution.md).")
    long agentTimeoutSeconds;

    @Option(names = "--agent-grace", defaultValue = "300", paramLabel = "SECONDS",
            description = "After a further silence this long, the agent's tasks stop as lost and services replace"
                    + " them (default ${DEFAULT-VALUE}).")
    long agentGraceSeconds;

    @Option(names = "--database-url", paramLabel = "URL",
            description = "Keep the state in PostgreSQL instead of --data-dir: jdbc:postgresql://host:port/database "
                    + "(user and password may be URL parameters). Several serve processes may share one database.")
    String databaseUrl;

    @Option(names = "--database-user", description = "PostgreSQL user (default: from the URL, else the driver's).")
    String databaseUser;

    @Option(names = "--database-password", description = "PostgreSQL password (default: the environment variable "
            + "STEVEDORE_DATABASE_PASSWORD, else from the URL).")
    String databasePassword;

    @Option(names = "--leader-lease", defaultValue = "8",
            description = "With --database-url: seconds a controller lease lasts without renewal (default "
                    + "${DEFAULT-VALUE}; renewed every quarter of it). A killed leader is replaced within "
                    + "1.25 times this.")
    double leaseSeconds;

    @Option(names = "--logs-max-stream-bytes", defaultValue = "67108864", paramLabel = "BYTES",
            description = "CloudWatch Logs: bytes one log stream keeps (messages in UTF-8 plus 26 per event; default"
                    + " ${DEFAULT-VALUE} = 64 MiB); beyond it the stream's oldest events are dropped.")
    long logsMaxStreamBytes;

    @Option(names = "--logs-max-stream-events", defaultValue = "1000000", paramLabel = "N",
            description = "CloudWatch Logs: events one log stream keeps (default ${DEFAULT-VALUE}); beyond it the"
                    + " stream's oldest events are dropped.")
    long logsMaxStreamEvents;

    @Option(names = "--replica-name", description = "With --database-url: this replica's name in the leader "
            + "lease (default host:pid).")
    String replicaName;

    @Option(names = "--execution", defaultValue = "simulated",
            description = "How tasks run: 'simulated' (a task is a timer) or 'docker' (each managed instance is backed"
                    + " by an in-process container agent running its tasks on this machine's Docker Engine;"
                    + " docs/execution.md). Default ${DEFAULT-VALUE}.")
    String execution;

    /** AWS's default service quotas with the --quota-file lines, then the --quota options, applied. */
    io.stevedore.ecs.Quotas quotas() throws java.io.IOException {
        io.stevedore.ecs.Quotas q = io.stevedore.ecs.Quotas.defaults();
        if (quotaFile != null) {
            java.util.List<String> lines = new java.util.ArrayList<>();
            for (String line : java.nio.file.Files.readAllLines(quotaFile)) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    lines.add(l);
                }
            }
            try {
                q = q.with(lines);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--quota-file " + quotaFile + ": " + e.getMessage(), e);
            }
        }
        return q.with(quota);
    }

    private ApiServer.Options options() throws java.io.IOException {
        String envKeys = System.getenv("STEVEDORE_CREDENTIALS");
        if (anyAccessKey && (credentialsFile != null || (envKeys != null && !envKeys.isBlank()))) {
            throw new IllegalArgumentException("--any-access-key accepts every key: it cannot be combined with"
                    + " --credentials-file or STEVEDORE_CREDENTIALS");
        }
        AccessKeys keys = anyAccessKey ? AccessKeys.anyKey() : AccessKeys.load(credentialsFile, envKeys);
        RateLimiter limiter = switch (rateLimits) {
            case "ecs" -> RateLimiter.scaled(Clock.system(), rateLimitScale);
            case "off" -> RateLimiter.disabled();
            default -> throw new IllegalArgumentException("--rate-limits is 'ecs' or 'off', not '" + rateLimits + "'");
        };
        return new ApiServer.Options(keys, limiter, logFormat, accessLog);
    }

    @Override
    public Integer call() throws Exception {
        PlaneConfig config;
        try {
            config = new PlaneConfig(region, accountId, speed, quotas());
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("stevedore serve: " + e.getMessage());
            return 2;
        }
        ApiServer.Options options;
        try {
            options = options();
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("stevedore serve: " + e.getMessage());
            return 2;
        }
        if (!java.net.InetAddress.getByName(host).isLoopbackAddress() && !options.keys().configured()) {
            System.err.println("stevedore serve: refusing to listen on " + host + " (beyond loopback) without"
                    + " operator-configured access keys; the local default key test/test and --any-access-key are"
                    + " for loopback only."
                    + " Configure keys with --credentials-file FILE (lines accessKeyId:secretAccessKey) or"
                    + " STEVEDORE_CREDENTIALS=accessKeyId:secretAccessKey.");
            return 2;
        }
        if (!"simulated".equals(execution) && !"docker".equals(execution)) {
            System.err.println("stevedore serve: --execution is 'simulated' or 'docker', not '" + execution + "'");
            return 2;
        }
        io.stevedore.agent.DockerEngine docker = null;
        if ("docker".equals(execution)) {
            docker = io.stevedore.agent.DockerEngine.connectIfAvailable();
            if (docker == null) {
                System.err.println("stevedore serve: --execution docker but no Docker Engine answers (DOCKER_HOST,"
                        + " else unix:///var/run/docker.sock); start dockerd or serve with --execution simulated.");
                return 2;
            }
        }
        RegionalPlanes plane;
        try {
            plane = open(config);
        } catch (RuntimeException e) { // bad options, a locked data directory, an unreachable database
            System.err.println("stevedore serve: cannot open the state: " + e.getMessage());
            return 2;
        }
        try {
            plane.configureAgents(new Agents.Settings(java.time.Duration.ofSeconds(agentTimeoutSeconds),
                    java.time.Duration.ofSeconds(agentGraceSeconds)).managedByAgents(docker != null));
        } catch (IllegalArgumentException e) {
            System.err.println("stevedore serve: " + e.getMessage() + " (--agent-timeout, --agent-grace)");
            plane.close();
            return 2;
        }
        ApiServer server = new ApiServer(plane, host, port, options);
        server.start();
        plane.startLoop();
        String url = "http://" + host + ":" + server.port();
        if (logFormat == LogFormat.JSON) {
            java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
            f.put("endpoint", url);
            f.put("region", region);
            f.put("otherRegions", databaseUrl == null ? "by SigV4 scope" : "none (PostgreSQL)");
            f.put("account", accountId);
            f.put("speed", speed);
            f.put("data", where());
            f.put("console", url + "/console/");
            f.put("serviceQuotas", config.quotas().toString());
            logFormat.log(System.out, java.time.Instant.now(), "INFO", "serving the ECS API", f);
        } else {
            System.out.println("stevedore: serving the ECS API on " + url + " (region " + region + ", account "
                    + accountId + ", speed " + speed + ", data " + where() + ")");
            System.out.println("stevedore: " + (databaseUrl == null ? "other regions by the SigV4 scope of each call"
                    + " (opened on first use)" : "one region (" + region + "): PostgreSQL state holds one"));
            System.out.println("stevedore: web console on " + url + "/console/");
            if (!config.quotas().configured().isEmpty()) {
                System.out.println("stevedore: service quotas other than AWS's defaults: " + config.quotas());
            }
        }
        ManagedAgents agents = null;
        if (docker != null) {
            java.util.Map.Entry<String, String> key = options.keys().keys().isEmpty()
                    ? java.util.Map.entry(AccessKeys.DEFAULT_ID, AccessKeys.DEFAULT_SECRET)
                    : options.keys().keys().entrySet().iterator().next();
            String loopback = java.net.InetAddress.getByName(host).isAnyLocalAddress() ? "127.0.0.1" : host;
            agents = ManagedAgents.start(java.net.URI.create("http://" + loopback + ":" + server.port()), region,
                    key.getKey(), key.getValue(), dataDir.resolve("agents"), docker);
            System.out.println("stevedore: tasks of managed instances run on this machine's Docker Engine ("
                    + docker.version() + ")");
        }
        System.out.flush();
        if (openConsole) {
            openInBrowser(url + "/console/");
        }
        CountDownLatch done = new CountDownLatch(1);
        ManagedAgents managed = agents;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (managed != null) {
                managed.close(); // containers keep running: the next serve adopts them
            }
            server.close();
            plane.close();
            done.countDown();
        }, "stevedore-shutdown"));
        done.await();
        return 0;
    }

    /** Opens the console with the desktop's opener; a machine without one gets the address on stderr. */
    private static void openInBrowser(String url) {
        boolean mac = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("mac");
        for (String opener : mac ? new String[] {"open"} : new String[] {"xdg-open"}) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(java.io.File.pathSeparator)) {
                if (java.nio.file.Files.isExecutable(Path.of(dir, opener))) {
                    try {
                        new ProcessBuilder(opener, url).redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                        return;
                    } catch (java.io.IOException e) {
                        break;
                    }
                }
            }
        }
        System.err.println("stevedore serve: no browser opener (" + (mac ? "open" : "xdg-open") + ") here; open " + url
                + " yourself.");
    }

    private RegionalPlanes open(PlaneConfig config) {
        LogStore.Limits logLimits = new LogStore.Limits(logsMaxStreamBytes, logsMaxStreamEvents);
        if (databaseUrl == null) {
            return RegionalPlanes.open(dataDir, config, Clock.system(), logLimits);
        }
        if (!(leaseSeconds >= 1) || leaseSeconds > 600) {
            throw new IllegalArgumentException("--leader-lease must be between 1 and 600 seconds: " + leaseSeconds);
        }
        String password = databasePassword != null ? databasePassword
                : System.getenv("STEVEDORE_DATABASE_PASSWORD");
        DatabaseUrl url = new DatabaseUrl(databaseUrl, databaseUser, password);
        Duration ttl = Duration.ofMillis(Math.round(leaseSeconds * 1000));
        String name = replicaName != null ? replicaName : hostName() + ":" + ProcessHandle.current().pid();
        return RegionalPlanes.postgres(ControlPlane.open(url, new ControlPlane.LeaseSettings(name, ttl,
                ttl.dividedBy(4)), config, Clock.system(), logLimits));
    }

    private String where() {
        return databaseUrl == null ? dataDir.toAbsolutePath().toString()
                : new DatabaseUrl(databaseUrl, databaseUser, null).toString();
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }
}
