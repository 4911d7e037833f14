package io.stevedore.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's state in its data directory ({@code agent-state.json}, like the ECS agent's {@code ecs_agent_data}):
 * the container instance it registered as, the metadata endpoint's port, and for every task it runs the poll's
 * entry, the reported status and each container's Docker id and metadata id. Written whole to a temporary file
 * and moved over the old one, so a {@code kill -9} leaves the previous or the next version, never half of one. A
 * lock file keeps a second agent off the same directory.
 */
final class StateFile implements AutoCloseable {
    static final String NAME = "agent-state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private ObjectNode root;

    private StateFile(Path dir, FileChannel lockChannel, FileLock lock, ObjectNode root) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.root = root;
    }

    /** Opens (creating) the data directory and locks it. */
    static StateFile open(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve("agent.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new IOException("another agent uses the data directory " + dir.toAbsolutePath());
        }
        Path file = dir.resolve(NAME);
        ObjectNode root = Files.exists(file) ? (ObjectNode) JSON.readTree(file.toFile()) : JSON.createObjectNode();
        if (!root.has("tasks")) {
            root.putObject("tasks");
        }
        return new StateFile(dir, channel, lock, root);
    }

    synchronized String containerInstanceArn() {
        return text(root, "containerInstanceArn");
    }

    synchronized String cluster() {
        return text(root, "cluster");
    }

    synchronized int metadataPort() {
        return root.path("metadataPort").asInt(0);
    }

    synchronized void setInstance(String cluster, String containerInstanceArn, int metadataPort) {
        root.put("cluster", cluster);
        root.put("containerInstanceArn", containerInstanceArn);
        root.put("metadataPort", metadataPort);
        save();
    }

    /** The saved tasks: ARN → entry (spec, knownStatus, pause, network, containers name → ids). */
    synchronized Map<String, ObjectNode> tasks() {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.path("tasks").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), (ObjectNode) e.getValue().deepCopy());
        }
        return out;
    }

    /** Saves one task's current state. */
    synchronized void put(TaskRun run) {
        ObjectNode t = ((ObjectNode) root.get("tasks")).putObject(run.taskArn());
        t.set("spec", run.spec.json());
        t.put("knownStatus", run.knownStatus);
        putInstant(t, "pullStartedAt", run.pullStartedAt);
        putInstant(t, "pullStoppedAt", run.pullStoppedAt);
        putInstant(t, "startedAt", run.startedAt);
        if (run.pauseId != null) {
            t.put("pauseId", run.pauseId);
        }
        if (run.networkName != null) {
            t.put("network", run.networkName);
        }
        if (run.metadataGateway != null) {
            t.put("metadataGateway", run.metadataGateway);
        }
        ObjectNode cs = t.putObject("containers");
        for (ContainerRun c : run.containers.values()) {
            ObjectNode cn = cs.putObject(c.name());
            cn.put("metadataId", c.metadataId);
            if (c.dockerId != null) {
                cn.put("dockerId", c.dockerId);
            }
        }
        save();
    }

    synchronized void remove(String taskArn) {
        ((ObjectNode) root.get("tasks")).remove(taskArn);
        save();
    }

    synchronized void removeAll(Collection<String> taskArns) {
        taskArns.forEach(((ObjectNode) root.get("tasks"))::remove);
        save();
    }

    private static void putInstant(ObjectNode node, String field, Instant at) {
        if (at != null) {
            node.put(field, at.toString());
        }
    }

    static Instant instant(JsonNode node, String field) {
        String s = text(node, field);
        return s == null ? null : Instant.parse(s);
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private void save() {
        try {
            Path tmp = dir.resolve(NAME + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root)));
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the agent state in " + dir, e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        lock.release();
        lockChannel.close();
    }
}
