package io.stevedore.cli;

import io.stevedore.api.ApiConfig;
import io.stevedore.api.ApiServer;
import io.stevedore.api.ControlPlane;
import io.stevedore.time.Clock;
import io.stevedore.store.DatabaseUrl;
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

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default ${DEFAULT-VALUE}; 0 = any).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 for all interfaces).")
    String host;

    @Option(names = "--data-dir", defaultValue = "stevedore-data",
            description = "Directory of the durable state (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--region", defaultValue = ApiConfig.DEFAULT_REGION,
            description = "Region in ARNs and the simulated EC2 (default ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--account-id", defaultValue = ApiConfig.DEFAULT_ACCOUNT,
            description = "12-digit account id in ARNs (default ${DEFAULT-VALUE}).")
    String accountId;

    @Option(names = "--speed", defaultValue = "1",
            description = "Simulated delays elapse this many times faster (default ${DEFAULT-VALUE}).")
    double speed;

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

    @Option(names = "--replica-name", description = "With --database-url: this replica's name in the leader "
            + "lease (default host:pid).")
    String replicaName;

    @Override
    public Integer call() throws Exception {
        ApiConfig config;
        try {
            config = new ApiConfig(region, accountId, speed);
        } catch (IllegalArgumentException e) {
            System.err.println("stevedore serve: " + e.getMessage());
            return 2;
        }
        ControlPlane plane;
        try {
            plane = open(config);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("stevedore serve: " + e.getMessage());
            return 2;
        }
        ApiServer server = new ApiServer(plane, host, port);
        server.start();
        plane.startLoop();
        System.out.println("stevedore: serving the ECS API on http://" + host + ":" + server.port() + " (region "
                + region + ", account " + accountId + ", speed " + speed + ", data " + where() + ")");
        System.out.flush();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            plane.close();
            done.countDown();
        }, "stevedore-shutdown"));
        done.await();
        return 0;
    }

    private ControlPlane open(ApiConfig config) {
        if (databaseUrl == null) {
            return ControlPlane.open(dataDir, config, Clock.system());
        }
        if (!(leaseSeconds >= 1) || leaseSeconds > 600) {
            throw new IllegalArgumentException("--leader-lease must be between 1 and 600 seconds: " + leaseSeconds);
        }
        String password = databasePassword != null ? databasePassword
                : System.getenv("STEVEDORE_DATABASE_PASSWORD");
        DatabaseUrl url = new DatabaseUrl(databaseUrl, databaseUser, password);
        Duration ttl = Duration.ofMillis(Math.round(leaseSeconds * 1000));
        String name = replicaName != null ? replicaName : hostName() + ":" + ProcessHandle.current().pid();
        return ControlPlane.open(url, new ControlPlane.LeaseSettings(name, ttl, ttl.dividedBy(4)), config,
                Clock.system());
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
