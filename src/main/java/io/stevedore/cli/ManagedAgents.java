package io.stevedore.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.agent.Agent;
import io.stevedore.agent.AgentConfig;
import io.stevedore.agent.DockerEngine;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.Resource;

/**
 * {@code serve --execution docker}: one in-process {@link Agent} per managed instance of the home region. Every
 * {@link #PERIOD} it reads the container instances through the server's own ECS API; an ACTIVE or DRAINING managed
 * instance ({@code i-...}) without an agent gets one, registered with an instance identity document naming it (the
 * control plane attaches the agent to that container instance) and offering the instance type's CPU and memory; an
 * agent whose instance is gone or no longer ACTIVE/DRAINING is shut down (its tasks stopped, reported, removed).
 * Each agent keeps its state under {@code <data>/agents/<instance-id>}, so after a server restart the same agents
 * come back and adopt their containers; the directories of instances that ended meanwhile are cleaned up.
 */
final class ManagedAgents implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ManagedAgents.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration PERIOD = Duration.ofSeconds(2);

    private final URI endpoint;
    private final String region;
    private final String keyId;
    private final String secret;
    private final Path dir;
    private final DockerEngine docker;
    private final EcsClient ecs;
    private final Map<String, Agent> agents = new ConcurrentHashMap<>();
    private final Thread loop;
    private volatile boolean closed;
    private boolean firstPass = true;

    private ManagedAgents(URI endpoint, String region, String keyId, String secret, Path dir, DockerEngine docker) {
        this.endpoint = endpoint;
        this.region = region;
        this.keyId = keyId;
        this.secret = secret;
        this.dir = dir;
        this.docker = docker;
        this.ecs = EcsClient.builder().endpointOverride(endpoint).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)))
                .httpClient(Apache5HttpClient.create()).build();
        this.loop = new Thread(this::run, "stevedore-managed-agents");
        this.loop.setDaemon(true);
    }

    /** Starts supervising; agents' state lives under {@code dir}. */
    static ManagedAgents start(URI endpoint, String region, String keyId, String secret, Path dir,
                               DockerEngine docker) {
        ManagedAgents m = new ManagedAgents(endpoint, region, keyId, secret, dir, docker);
        m.loop.start();
        return m;
    }

    private void run() {
        while (!closed) {
            try {
                reconcile();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "managed agents: pass failed", e);
            }
            try {
                Thread.sleep(PERIOD.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One pass: start agents for new managed instances, shut down those whose instance ended. */
    private void reconcile() {
        Map<String, ContainerInstance> live = new HashMap<>();
        Map<String, String> clusterOf = new HashMap<>();
        for (String cluster : ecs.listClustersPaginator(r -> { }).clusterArns()) {
            List<String> arns = ecs.listContainerInstancesPaginator(r -> r.cluster(cluster)).containerInstanceArns()
                    .stream().toList();
            for (int i = 0; i < arns.size(); i += 100) {
                List<String> page = arns.subList(i, Math.min(arns.size(), i + 100));
                for (ContainerInstance ci : ecs.describeContainerInstances(r -> r.cluster(cluster)
                        .containerInstances(page)).containerInstances()) {
                    String id = ci.ec2InstanceId();
                    if (id != null && id.startsWith("i-")
                            && ("ACTIVE".equals(ci.status()) || "DRAINING".equals(ci.status()))) {
                        live.put(id, ci);
                        clusterOf.put(id, cluster);
                    }
                }
            }
        }
        for (Map.Entry<String, ContainerInstance> e : live.entrySet()) {
            if (!agents.containsKey(e.getKey()) && !closed) {
                try {
                    agents.put(e.getKey(), Agent.start(config(e.getKey(), clusterOf.get(e.getKey()), e.getValue()),
                            docker));
                } catch (IOException | RuntimeException ex) {
                    LOG.log(Level.WARNING, "agent for " + e.getKey() + " did not start", ex);
                }
            }
        }
        Set<String> gone = new HashSet<>(agents.keySet());
        gone.removeAll(live.keySet());
        for (String id : gone) {
            Agent agent = agents.remove(id);
            Thread t = new Thread(() -> {
                agent.shutdown("Task stopped: its container instance " + id + " terminated", Duration.ofSeconds(60));
                deleteTree(dir.resolve(id));
            }, "stevedore-agent-shutdown-" + id);
            t.setDaemon(true);
            t.start();
        }
        if (firstPass) {
            firstPass = false;
            cleanUpEnded(live.keySet());
        }
    }

    /** Agents' directories of instances that ended while the server was down: their containers are removed. */
    private void cleanUpEnded(Set<String> live) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String id = p.getFileName().toString();
                if (!live.contains(id) && !agents.containsKey(id)) {
                    int removed = Agent.removeLeftovers(p, docker);
                    LOG.info(() -> "instance " + id + " ended while the server was down: removed " + removed
                            + " container(s)");
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list " + dir, e);
        }
    }

    private AgentConfig config(String instanceId, String cluster, ContainerInstance ci) {
        String type = attribute(ci, "ecs.instance-type");
        String az = attribute(ci, "ecs.availability-zone");
        String arch = attribute(ci, "ecs.cpu-architecture");
        String account = ci.containerInstanceArn().split(":")[4];
        ObjectNode doc = JSON.createObjectNode().put("instanceId", instanceId).put("instanceType", type)
                .put("region", region).put("availabilityZone", az).put("accountId", account)
                .put("architecture", arch == null ? "x86_64" : arch).put("imageId", "ami-stevedore");
        Integer cpu = registered(ci, "CPU");
        Integer memory = registered(ci, "MEMORY");
        return new AgentConfig(endpoint, cluster, region, dir.resolve(instanceId), Map.of(), keyId, secret, cpu,
                memory, doc.toString(), 0, 20);
    }

    private static String attribute(ContainerInstance ci, String name) {
        return ci.attributes().stream().filter(a -> name.equals(a.name())).map(Attribute::value).findFirst()
                .orElse(null);
    }

    private static Integer registered(ContainerInstance ci, String name) {
        return ci.registeredResources().stream().filter(r -> name.equals(r.name())).map(Resource::integerValue)
                .findFirst().orElse(null);
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot delete " + p, e);
        }
    }

    /** Stops supervising; agents close and leave their containers running for the next start to adopt. */
    @Override
    public void close() {
        closed = true;
        loop.interrupt();
        agents.values().forEach(Agent::close);
        agents.clear();
        ecs.close();
    }
}
