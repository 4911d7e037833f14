package io.stevedore.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ships the stdout and stderr of containers whose {@code logConfiguration.logDriver} is {@code awslogs} to the
 * CloudWatch Logs API (AWS JSON 1.1, {@code Logs_20140328.*}, SigV4 service {@code logs}) at the control plane's
 * endpoint: CreateLogGroup when {@code awslogs-create-group} is "true", CreateLogStream, then PutLogEvents in
 * batches. Docker keeps the container's output (its json-file driver); one thread per container follows it into a
 * bounded buffer and another sends the buffer, retrying with backoff, so a slow or absent endpoint never blocks the
 * container or the task: past {@link #MAX_BUFFERED} events the oldest are dropped and counted.
 */
final class LogShipper implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LogShipper.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_BUFFERED = 10_000;
    private static final int BATCH = 1_000;
    private static final String TARGET = "Logs_20140328.";

    private final DockerEngine docker;
    private final SignedHttp signed;
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private volatile boolean closed;

    LogShipper(DockerEngine docker, SignedHttp signed) {
        this.docker = docker;
        this.signed = signed;
    }

    /** The stream name ECS gives a container's logs: prefix/container/task id, or the Docker id without prefix. */
    static String streamName(TaskRun run, ContainerRun c) {
        var options = c.definition.logConfiguration().options();
        String prefix = options == null ? null : options.get("awslogs-stream-prefix");
        return prefix == null || prefix.isEmpty() ? String.valueOf(c.dockerId)
                : prefix + "/" + c.name() + "/" + run.spec.taskId();
    }

    /** Starts shipping a container's logs if it uses awslogs (once per container). */
    void ship(TaskRun run, ContainerRun c) {
        var lc = c.definition.logConfiguration();
        if (closed || lc == null || !"awslogs".equals(lc.logDriverAsString()) || !lc.hasOptions()
                || lc.options().get("awslogs-group") == null || c.dockerId == null) {
            return;
        }
        streams.computeIfAbsent(c.dockerId, id -> {
            Stream s = new Stream(c.dockerId, lc.options().get("awslogs-group"), streamName(run, c),
                    lc.options().get("awslogs-region"), "true".equals(lc.options().get("awslogs-create-group")));
            s.start();
            return s;
        });
    }

    /** Waits (bounded) until a container's output has been read to its end and sent. */
    void await(ContainerRun c, Duration atMost) {
        Stream s = c.dockerId == null ? null : streams.get(c.dockerId);
        if (s == null) {
            return;
        }
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline && !s.drained()) {
            sleep(100);
        }
        s.stop();
        streams.remove(c.dockerId);
    }

    /** One container's log stream: a reader, a buffer, a sender. */
    private final class Stream {
        final String dockerId;
        final String group;
        final String name;
        final String region;
        final boolean createGroup;
        private final ArrayDeque<ObjectNode> buffer = new ArrayDeque<>();
        private volatile boolean readerDone;
        private volatile boolean stopped;
        private volatile boolean inFlight;
        private long dropped;
        private Thread reader;
        private Thread sender;

        Stream(String dockerId, String group, String name, String region, boolean createGroup) {
            this.dockerId = dockerId;
            this.group = group;
            this.name = name;
            this.region = region;
            this.createGroup = createGroup;
        }

        void start() {
            reader = new Thread(this::read, "stevedore-logs-read-" + dockerId.substring(0, 12));
            reader.setDaemon(true);
            reader.start();
            sender = new Thread(this::send, "stevedore-logs-send-" + dockerId.substring(0, 12));
            sender.setDaemon(true);
            sender.start();
        }

        boolean drained() {
            synchronized (buffer) {
                return readerDone && buffer.isEmpty() && !inFlight;
            }
        }

        void stop() {
            stopped = true;
            reader.interrupt();
            sender.interrupt();
        }

        private void read() {
            try (DockerHttpClient.Response response = docker.openLogs(dockerId, 0);
                 DataInputStream in = new DataInputStream(response.getBody())) {
                byte[] header = new byte[8];
                while (!stopped) {
                    try {
                        in.readFully(header);
                    } catch (EOFException end) {
                        break;
                    }
                    int length = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
                            | (header[7] & 0xff);
                    byte[] payload = new byte[length];
                    in.readFully(payload);
                    add(new String(payload, StandardCharsets.UTF_8));
                }
            } catch (IOException | RuntimeException e) {
                if (!stopped) {
                    LOG.log(Level.FINE, "log stream of " + dockerId + " ended", e);
                }
            } finally {
                readerDone = true;
            }
        }

        /** One line as Docker gives it with timestamps: "2024-01-01T00:00:00.123456789Z message\n". */
        private void add(String line) {
            int space = line.indexOf(' ');
            long at;
            String message;
            try {
                at = Instant.parse(line.substring(0, space)).toEpochMilli();
                message = line.substring(space + 1);
            } catch (RuntimeException e) {
                at = System.currentTimeMillis();
                message = line;
            }
            if (message.endsWith("\n")) {
                message = message.substring(0, message.length() - 1);
            }
            ObjectNode event = JSON.createObjectNode().put("timestamp", at).put("message", message);
            synchronized (buffer) {
                if (buffer.size() >= MAX_BUFFERED) {
                    buffer.pollFirst();
                    dropped++;
                }
                buffer.addLast(event);
            }
        }

        private void send() {
            boolean ready = false;
            long backoff = 500;
            while (!stopped && !closed) {
                try {
                    if (!ready) {
                        if (createGroup) {
                            call("CreateLogGroup", JSON.createObjectNode().put("logGroupName", group), true);
                        }
                        call("CreateLogStream", JSON.createObjectNode().put("logGroupName", group)
                                .put("logStreamName", name), true);
                        ready = true;
                    }
                    List<ObjectNode> batch = new ArrayList<>();
                    synchronized (buffer) {
                        while (!buffer.isEmpty() && batch.size() < BATCH) {
                            batch.add(buffer.pollFirst());
                        }
                        inFlight = !batch.isEmpty();
                    }
                    if (batch.isEmpty()) {
                        sleep(readerDone ? 100 : 500);
                        continue;
                    }
                    ObjectNode request = JSON.createObjectNode().put("logGroupName", group).put("logStreamName", name);
                    ArrayNode events = request.putArray("logEvents");
                    batch.forEach(events::add);
                    try {
                        call("PutLogEvents", request, false);
                    } catch (IOException | RuntimeException e) {
                        synchronized (buffer) {
                            for (int i = batch.size() - 1; i >= 0; i--) {
                                buffer.addFirst(batch.get(i));
                            }
                        }
                        throw e;
                    } finally {
                        inFlight = false;
                    }
                    backoff = 500;
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.FINE, "shipping logs of " + dockerId + " to " + group + " failed; retrying", e);
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, 10_000);
                }
            }
            if (dropped > 0) {
                LOG.warning(() -> dropped + " log events of " + dockerId + " dropped (endpoint too slow)");
            }
        }

        private void call(String operation, ObjectNode body, boolean existingIsFine)
                throws IOException, InterruptedException {
            try {
                signed.post("/", "logs", region, TARGET + operation, body, Duration.ofSeconds(10));
            } catch (SignedHttp.AwsError e) {
                if (!(existingIsFine && "ResourceAlreadyExistsException".equals(e.type))) {
                    throw e;
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        streams.values().forEach(Stream::stop);
        streams.clear();
    }
}
