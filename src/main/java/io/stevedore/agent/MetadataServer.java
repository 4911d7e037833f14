package io.stevedore.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * The task metadata endpoint, version 4 (and the same documents under v3's path): containers get
 * {@code ECS_CONTAINER_METADATA_URI_V4=http://<gateway>:<port>/v4/<id>} and read their container document
 * ({@code /}), their task's ({@code /task}), and Docker's stats ({@code /stats}, {@code /task/stats}) in the shapes of
 * the AWS documentation "Amazon ECS task metadata endpoint version 4". It listens on every interface of this
 * machine (the bridges' gateways among them); each container's id is a random 128-bit value, so one container
 * cannot guess another's path.
 */
final class MetadataServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MetadataServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer http;
    private final ExecutorService threads;
    private final ContainerLookup lookup;
    private final DockerEngine docker;

    private MetadataServer(HttpServer http, ExecutorService threads, ContainerLookup lookup, DockerEngine docker) {
        this.http = http;
        this.threads = threads;
        this.lookup = lookup;
        this.docker = docker;
    }

    /** Listens on {@code port} (0: any free port) of every interface. */
    static MetadataServer start(int port, ContainerLookup lookup, DockerEngine docker) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("0.0.0.0", port), 64);
        ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "stevedore-metadata");
            t.setDaemon(true);
            return t;
        });
        MetadataServer server = new MetadataServer(http, threads, lookup, docker);
        http.createContext("/", server::handle);
        http.setExecutor(threads);
        http.start();
        return server;
    }

    int port() {
        return http.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getPath().split("/");
            // "", "v4", id, [task], [stats]
            if (!"GET".equals(exchange.getRequestMethod()) || parts.length < 3
                    || !("v4".equals(parts[1]) || "v3".equals(parts[1]))) {
                send(exchange, 404, "{\"error\":\"not found\"}");
                return;
            }
            ContainerLookup.Found found = lookup.find(parts[2]);
            if (found == null) {
                send(exchange, 404, "{\"error\":\"no container with this metadata id\"}");
                return;
            }
            String rest = String.join("/", java.util.Arrays.copyOfRange(parts, 3, parts.length));
            switch (rest) {
                case "" -> send(exchange, 200, JSON.writeValueAsString(container(found.task(), found.container(),
                        found)));
                case "task" -> send(exchange, 200, JSON.writeValueAsString(task(found)));
                case "stats" -> send(exchange, 200, stats(found.container()));
                case "task/stats" -> {
                    ObjectNode all = JSON.createObjectNode();
                    for (ContainerRun c : found.task().containers.values()) {
                        if (c.dockerId != null) {
                            all.set(c.dockerId, JSON.readTree(stats(c)));
                        }
                    }
                    send(exchange, 200, JSON.writeValueAsString(all));
                }
                default -> send(exchange, 404, "{\"error\":\"not found\"}");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "metadata request failed", e);
            send(exchange, 500, "{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
        }
    }

    private String stats(ContainerRun c) {
        if (c.dockerId == null) {
            return "{}";
        }
        return docker.getJson("/containers/" + c.dockerId + "/stats?stream=false");
    }

    /** The task document. */
    private ObjectNode task(ContainerLookup.Found found) {
        TaskRun run = found.task();
        TaskSpec spec = run.spec;
        ObjectNode t = JSON.createObjectNode();
        t.put("Cluster", found.clusterArn() != null ? found.clusterArn() : spec.clusterArn());
        t.put("TaskARN", spec.taskArn());
        t.put("Family", spec.taskDefinition().family());
        t.put("Revision", String.valueOf(spec.taskDefinition().revision()));
        t.put("DesiredStatus", run.desiredStatus);
        t.put("KnownStatus", run.knownStatus);
        Integer cpu = ContainerConfig.parseInt(spec.cpu());
        Integer memory = ContainerConfig.parseInt(spec.memory());
        if (cpu != null || memory != null) {
            ObjectNode limits = t.putObject("Limits");
            if (cpu != null) {
                limits.put("CPU", cpu / 1024.0);
            }
            if (memory != null) {
                limits.put("Memory", memory);
            }
        }
        putTime(t, "PullStartedAt", run.pullStartedAt);
        putTime(t, "PullStoppedAt", run.pullStoppedAt);
        if (spec.availabilityZone() != null) {
            t.put("AvailabilityZone", spec.availabilityZone());
        }
        if (spec.launchType() != null) {
            t.put("LaunchType", spec.launchType());
        }
        ArrayNode containers = t.putArray("Containers");
        for (ContainerRun c : run.containers.values()) {
            containers.add(container(run, c, found));
        }
        return t;
    }

    /** One container's document. */
    private ObjectNode container(TaskRun run, ContainerRun c, ContainerLookup.Found found) {
        ContainerDefinition d = c.definition;
        ObjectNode o = JSON.createObjectNode();
        if (c.dockerId != null) {
            o.put("DockerId", c.dockerId);
        }
        o.put("Name", c.name());
        o.put("DockerName", ContainerConfig.dockerName(run.spec, c.name()));
        o.put("Image", d.image());
        if (c.imageId != null) {
            o.put("ImageID", c.imageId);
        }
        ObjectNode labels = o.putObject("Labels");
        ContainerConfig.labels(run.spec, c.name(), found.containerInstanceArn()).forEach((k, v) -> {
            if (k.startsWith("com.amazonaws.ecs.") || d.hasDockerLabels() && d.dockerLabels().containsKey(k)) {
                labels.put(k, v);
            }
        });
        o.put("DesiredStatus", run.desiredStatus);
        o.put("KnownStatus", c.status);
        ObjectNode limits = o.putObject("Limits");
        limits.put("CPU", d.cpu() == null ? 0 : d.cpu());
        if (d.memory() != null) {
            limits.put("Memory", d.memory());
        }
        putText(o, "CreatedAt", c.createdAt);
        putText(o, "StartedAt", c.startedAt);
        putText(o, "FinishedAt", c.finishedAt);
        if (c.exitCode != null) {
            o.put("ExitCode", c.exitCode);
        }
        o.put("Type", "NORMAL");
        if (c.hasHealthCheck()) {
            o.putObject("Health").put("status", c.health);
        }
        if (d.logConfiguration() != null) {
            o.put("LogDriver", d.logConfiguration().logDriverAsString());
            ObjectNode options = o.putObject("LogOptions");
            if (d.logConfiguration().hasOptions()) {
                d.logConfiguration().options().forEach(options::put);
            }
            if ("awslogs".equals(d.logConfiguration().logDriverAsString())) {
                options.put("awslogs-stream", LogShipper.streamName(run, c));
            }
        }
        ArrayNode networks = o.putArray("Networks");
        ObjectNode net = networks.addObject();
        net.put("NetworkMode", run.spec.networkMode());
        TaskSpec.Eni eni = run.spec.eni();
        if ("awsvpc".equals(run.spec.networkMode()) && eni != null) {
            net.putArray("IPv4Addresses").add(eni.privateIPv4Address());
            net.put("AttachmentIndex", 0);
            if (eni.macAddress() != null) {
                net.put("MACAddress", eni.macAddress());
            }
            net.put("IPv4SubnetCIDRBlock", eni.subnetCidr());
            net.put("SubnetGatewayIpv4Address", eni.gateway() + "/" + eni.subnetCidr().substring(
                    eni.subnetCidr().indexOf('/') + 1));
        }
        return o;
    }

    private static void putTime(ObjectNode o, String field, java.time.Instant at) {
        if (at != null) {
            o.put(field, at.toString());
        }
    }

    private static void putText(ObjectNode o, String field, String value) {
        if (value != null && !value.startsWith("0001-")) {
            o.put(field, value);
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        http.stop(0);
        threads.shutdownNow();
    }
}
