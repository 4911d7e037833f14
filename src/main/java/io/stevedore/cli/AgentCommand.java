package io.stevedore.cli;

import io.stevedore.agent.Agent;
import io.stevedore.agent.AgentConfig;
import io.stevedore.agent.DockerEngine;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stevedore agent}: attaches this machine to a cluster as an external container instance (ECS Anywhere
 * style) and runs the tasks placed on it on the local Docker Engine (docs/execution.md).
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the container agent: register this machine as an external container instance of a"
                + " cluster and run its tasks on the local Docker Engine.")
public final class AgentCommand implements Callable<Integer> {

    @Option(names = "--endpoint", required = true, description = "The control plane's URL (e.g. http://10.0.0.5:8080).")
    URI endpoint;

    @Option(names = "--cluster", required = true, description = "The cluster to join (name or ARN).")
    String cluster;

    @Option(names = "--attributes", split = ",", paramLabel = "k=v",
            description = "Custom attributes of the container instance, comma-separated k=v.")
    Map<String, String> attributes = new LinkedHashMap<>();

    @Option(names = "--data-dir", defaultValue = "stevedore-agent",
            description = "The agent's state directory (default ${DEFAULT-VALUE}); keep it across restarts so the"
                    + " agent finds its containers again.")
    Path dataDir;

    @Option(names = "--region", defaultValue = "us-east-1", description = "Region of the signature (default"
            + " ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--cpu", description = "CPU units to offer (default: this machine's processors × 1024).")
    Integer cpu;

    @Option(names = "--memory", description = "MiB to offer (default: this machine's memory less "
            + AgentConfig.RESERVED_MEMORY_MIB + " MiB).")
    Integer memory;

    @Option(names = "--metadata-port", defaultValue = "0", description = "Port of the task metadata endpoint on first"
            + " start (default any free port; kept in the data directory).")
    int metadataPort;

    @Option(names = "--poll-wait", defaultValue = "20", description = "Seconds the server may hold a poll (default"
            + " ${DEFAULT-VALUE}).")
    int pollWait;

    @Override
    public Integer call() throws Exception {
        String keyId = env("AWS_ACCESS_KEY_ID", "test");
        String secret = env("AWS_SECRET_ACCESS_KEY", "test");
        AgentConfig config;
        try {
            config = new AgentConfig(endpoint, cluster, region, dataDir, attributes, keyId, secret, cpu, memory, null,
                    metadataPort, pollWait);
        } catch (IllegalArgumentException e) {
            System.err.println("stevedore agent: " + e.getMessage());
            return 2;
        }
        DockerEngine docker = DockerEngine.connectIfAvailable();
        if (docker == null) {
            System.err.println("stevedore agent: no Docker Engine answers (DOCKER_HOST, else"
                    + " unix:///var/run/docker.sock); start dockerd or point DOCKER_HOST at one.");
            return 2;
        }
        Agent agent;
        try {
            agent = Agent.start(config, docker);
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("stevedore agent: cannot register with " + endpoint + ": " + e.getMessage());
            docker.close();
            return 2;
        }
        System.out.println("stevedore agent: registered " + agent.containerInstanceArn() + " in cluster " + cluster
                + " at " + endpoint + " (metadata endpoint port " + agent.metadataPort() + ", data "
                + dataDir.toAbsolutePath() + ")");
        System.out.flush();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close(); // containers keep running: a restarted agent adopts them
            docker.close();
            done.countDown();
        }, "stevedore-agent-shutdown"));
        done.await();
        return 0;
    }

    private static String env(String name, String otherwise) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? otherwise : v;
    }
}
