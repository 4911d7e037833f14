package io.stevedore.cli;

import io.stevedore.api.ApiConfig;
import io.stevedore.api.ApiServer;
import io.stevedore.api.ControlPlane;
import io.stevedore.time.Clock;
import java.nio.file.Path;
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

    @Override
    public Integer call() throws Exception {
        ApiConfig config;
        try {
            config = new ApiConfig(region, accountId, speed);
        } catch (IllegalArgumentException e) {
            System.err.println("stevedore serve: " + e.getMessage());
            return 2;
        }
        ControlPlane plane = ControlPlane.open(dataDir, config, Clock.system());
        ApiServer server = new ApiServer(plane, host, port);
        server.start();
        plane.startLoop();
        System.out.println("stevedore: serving the ECS API on http://" + host + ":" + server.port() + " (region "
                + region + ", account " + accountId + ", speed " + speed + ", data " + dataDir.toAbsolutePath()
                + ")");
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
}
