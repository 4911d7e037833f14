package io.stevedore.agent;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The local Docker Engine, reached over its API (DOCKER_HOST, else unix:///var/run/docker.sock) with docker-java's
 * dependency-free transport. Besides the docker-java client it offers the few things the agent needs beyond it:
 * the image "pull" as this machine can do it, the per-subnet bridge networks of awsvpc tasks, the agent's own pause
 * image, and raw GETs whose Docker JSON the metadata endpoint returns as it is (stats).
 */
public final class DockerEngine implements AutoCloseable {
    /** The label every network the agent creates carries (tests and operators remove by it). */
    public static final String MANAGED_LABEL = "io.stevedore.managed";
    /** The pause image that holds an awsvpc task's network namespace (see {@link #pauseImage()}). */
    public static final String PAUSE_IMAGE = "stevedore/pause:1";

    private final DockerHttpClient http;
    private final DockerClient client;

    private DockerEngine(DockerHttpClient http, DockerClient client) {
        this.http = http;
        this.client = client;
    }

    /** Connects to the engine named by DOCKER_HOST, else the default unix socket (nothing is sent yet). */
    public static DockerEngine connect() {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        DockerHttpClient http = new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofMinutes(5)).build();
        return new DockerEngine(http, DockerClientImpl.getInstance(config, http));
    }

    /** Connects and pings; {@code null} when no engine answers (the caller says why it cannot run tasks). */
    public static DockerEngine connectIfAvailable() {
        DockerEngine engine = connect();
        try {
            engine.client.pingCmd().exec();
            return engine;
        } catch (RuntimeException e) {
            engine.close();
            return null;
        }
    }

    public DockerClient client() {
        return client;
    }

    /** The engine's version, as the ECS agent reports it in versionInfo.dockerVersion ("DockerVersion: 20.10.24"). */
    public String version() {
        return client.versionCmd().exec().getVersion();
    }

    /** The engine's architecture in ECS's attribute words: x86_64 or arm64. */
    public String architecture() {
        String arch = client.versionCmd().exec().getArch();
        return "aarch64".equals(arch) || "arm64".equals(arch) ? "arm64" : "x86_64";
    }

    /** Whether the image is in the engine's store. */
    public boolean hasImage(String image) {
        try {
            client.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** The image's id (sha256:...) and, where known, its repository digest. */
    public String[] imageIdAndDigest(String image) {
        var inspect = client.inspectImageCmd(image).exec();
        List<String> digests = inspect.getRepoDigests();
        String digest = digests == null || digests.isEmpty() ? inspect.getId()
                : digests.get(0).substring(digests.get(0).indexOf('@') + 1);
        return new String[] {inspect.getId(), digest};
    }

    /**
     * Makes the image present: one in the store counts as pulled (no registry need answer: the ECS agent's
     * {@code prefer-cached} behaviour); else a real pull, bounded in time.
     *
     * @throws CannotPullException worded as ECS words it, when the image cannot be had
     */
    public void pull(String image, Duration timeout) {
        if (hasImage(image)) {
            return;
        }
        try {
            boolean done = client.pullImageCmd(image).start()
                    .awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done || !hasImage(image)) {
                throw new CannotPullException("CannotPullContainerError: pull image manifest has been retried 1"
                        + " time(s): failed to resolve ref " + image + ": " + (done ? "not found" : "timed out after "
                        + timeout.toSeconds() + " s"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CannotPullException("CannotPullContainerError: pull of " + image + " interrupted");
        } catch (RuntimeException e) {
            if (e instanceof CannotPullException c) {
                throw c;
            }
            throw new CannotPullException("CannotPullContainerError: pull image manifest has been retried 1 time(s):"
                    + " failed to resolve ref " + image + ": " + firstLine(e.getMessage()));
        }
    }

    /**
     * The bridge network of one subnet: name {@code stevedore-<cidr>}, the subnet and its gateway (the gateway is
     * this machine's address on the bridge, so the task addresses are reachable from here). Created on first use;
     * a concurrent creator's network is taken as is.
     */
    public String subnetNetwork(String cidr, String gateway) {
        String name = "stevedore-" + cidr.replace('/', '_');
        for (int attempt = 0; attempt < 2; attempt++) {
            List<Network> existing = client.listNetworksCmd().withNameFilter(name).exec();
            for (Network n : existing) {
                if (n.getName().equals(name)) {
                    return name;
                }
            }
            try {
                client.createNetworkCmd().withName(name).withDriver("bridge").withCheckDuplicate(true)
                        .withLabels(Map.of(MANAGED_LABEL, "true", "io.stevedore.subnet", cidr))
                        .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(cidr)
                                .withGateway(gateway)))
                        .exec();
                return name;
            } catch (RuntimeException e) {
                if (attempt == 1) {
                    throw e;
                }
            }
        }
        return name;
    }

    /**
     * The gateway address of a Docker network (for bridge mode: docker0's), or null. An IPAM entry without a
     * gateway (the default bridge on some engines) means the subnet's first address, which the engine gives the
     * bridge.
     */
    public String gatewayOf(String network) {
        try {
            Network n = client.inspectNetworkCmd().withNetworkId(network).exec();
            if (n.getIpam() == null || n.getIpam().getConfig() == null) {
                return null;
            }
            for (Network.Ipam.Config c : n.getIpam().getConfig()) {
                if (c.getGateway() != null && c.getGateway().indexOf(':') < 0) {
                    return c.getGateway();
                }
                if (c.getSubnet() != null && c.getSubnet().indexOf(':') < 0) {
                    String[] octets = c.getSubnet().substring(0, c.getSubnet().indexOf('/')).split("\\.");
                    return octets[0] + "." + octets[1] + "." + octets[2] + "." + (Integer.parseInt(octets[3]) + 1);
                }
            }
            return null;
        } catch (NotFoundException e) {
            return null;
        }
    }

    /** Removes a network the agent created when no container uses it any more (else leaves it). */
    public void removeNetworkIfUnused(String name) {
        try {
            Network n = client.inspectNetworkCmd().withNetworkId(name).exec();
            if (n.getContainers() == null || n.getContainers().isEmpty()) {
                client.removeNetworkCmd(name).exec();
            }
        } catch (RuntimeException e) {
            // in use by another task (a concurrent start) or already gone: either way nothing to do
        }
    }

    /**
     * The pause image: a root filesystem holding one static program of under 150 bytes, {@code /pause}, that waits in
     * the pause(2) system call forever (arm64: ppoll with no descriptors and no timeout). Built by import on first use,
     * so no registry is needed; the ECS agent likewise loads its pause image from a tarball it ships.
     */
    public String pauseImage() {
        if (!hasImage(PAUSE_IMAGE)) {
            importImage("stevedore/pause", "1", PauseProgram.rootFilesystemTar(architecture()));
        }
        return PAUSE_IMAGE;
    }

    /**
     * Imports a root filesystem (a tar archive) as image {@code repository:tag}, as {@code docker import} does.
     * The archive goes with its length (docker-java's import streams it chunked, which this engine cut short).
     */
    public void importImage(String repository, String tag, byte[] tar) {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST)
                .path("/images/create?fromSrc=-&repo=" + java.net.URLEncoder.encode(repository, StandardCharsets.UTF_8)
                        + "&tag=" + java.net.URLEncoder.encode(tag, StandardCharsets.UTF_8))
                .putHeader("Content-Type", "application/x-tar").bodyBytes(tar).build();
        try (DockerHttpClient.Response response = http.execute(request); InputStream body = response.getBody()) {
            String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            if (response.getStatusCode() / 100 != 2 || text.contains("\"error\"")) {
                throw new IllegalStateException("docker import " + repository + ":" + tag + ": " + text);
            }
        } catch (IOException e) {
            throw new IllegalStateException("docker import " + repository + ":" + tag + ": " + e.getMessage(), e);
        }
    }

    /** GET of an engine path whose JSON is returned as it is (e.g. one stats sample). */
    public String getJson(String path) {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET).path(path).build();
        try (DockerHttpClient.Response response = http.execute(request); InputStream body = response.getBody()) {
            String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            if (response.getStatusCode() / 100 != 2) {
                throw new IllegalStateException("docker " + path + ": " + response.getStatusCode() + " " + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("docker " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a container's multiplexed log stream (stdout and stderr, following, with timestamps) from a time in
     * Unix seconds; each frame is an 8-byte header (stream, 0, 0, 0, big-endian length) and its bytes.
     */
    public DockerHttpClient.Response openLogs(String containerId, long sinceSeconds) {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET)
                .path("/containers/" + containerId + "/logs?follow=1&stdout=1&stderr=1&timestamps=1&since="
                        + sinceSeconds).build();
        return http.execute(request);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            // closing a socket transport: nothing to recover
        }
    }

    /** An image could not be had; the message is the task's and the container's stopped reason. */
    public static final class CannotPullException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CannotPullException(String message) {
            super(message);
        }
    }

    /** The pause program and its one-file root filesystem, as bytes. */
    static final class PauseProgram {
        private PauseProgram() {
        }

        /** A static ELF executable that blocks forever: x86_64 loops on pause(2), arm64 on ppoll(NULL, 0, NULL). */
        static byte[] elf(String architecture) {
            boolean arm = "arm64".equals(architecture);
            byte[] code;
            if (arm) {
                ByteBuffer c = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
                c.putInt(0xD2800928); // mov x8, #73 (ppoll)
                c.putInt(0xD2800000); // mov x0, #0
                c.putInt(0xD2800001); // mov x1, #0
                c.putInt(0xD2800002); // mov x2, #0
                c.putInt(0xD2800003); // mov x3, #0
                c.putInt(0xD4000001); // svc #0
                c.putInt(0x17FFFFFA); // b -24 (back to the first instruction)
                code = c.array();
            } else {
                code = new byte[] {(byte) 0xb8, 0x22, 0, 0, 0, 0x0f, 0x05, (byte) 0xeb, (byte) 0xf7}; // pause; loop
            }
            long base = 0x400000;
            int ehsize = 64;
            int phsize = 56;
            int total = ehsize + phsize + code.length;
            ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
            b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
            b.putShort((short) 2).putShort((short) (arm ? 0xb7 : 0x3e)).putInt(1);
            b.putLong(base + ehsize + phsize).putLong(ehsize).putLong(0).putInt(0);
            b.putShort((short) ehsize).putShort((short) phsize).putShort((short) 1)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0);
            b.putInt(1).putInt(5).putLong(0).putLong(base).putLong(base).putLong(total).putLong(total).putLong(0x1000);
            b.put(code);
            return b.array();
        }

        /** A tar archive with the single executable file {@code pause}. */
        static byte[] rootFilesystemTar(String architecture) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Tar.entry(out, "pause", '0', 0755, elf(architecture), null);
            Tar.end(out);
            return out.toByteArray();
        }
    }
}
