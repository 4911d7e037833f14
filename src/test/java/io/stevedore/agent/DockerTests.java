package io.stevedore.agent;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The Docker Engine for tests: connects or skips with the reason (fails instead when STEVEDORE_REQUIRE_DOCKER=1,
 * as CI sets it), builds the test image {@value #IMAGE} once per run from this machine's static busybox, and removes
 * what tests created by their labels.
 */
public final class DockerTests {
    /** A root filesystem of /usr/bin/busybox with every applet linked in /bin (sh, httpd, wget, sleep, tail...). */
    public static final String IMAGE = "stevedore-test/busybox:1";
    private static final Path BUSYBOX = Path.of("/usr/bin/busybox");
    private static DockerEngine engine;

    private DockerTests() {
    }

    /** The engine, with the test image present; skips (or fails under STEVEDORE_REQUIRE_DOCKER=1) without one. */
    public static synchronized DockerEngine engine() {
        if (engine == null) {
            DockerEngine e = DockerEngine.connectIfAvailable();
            if (e == null) {
                unavailable("no Docker Engine answers at DOCKER_HOST or unix:///var/run/docker.sock");
            }
            if (!Files.isExecutable(BUSYBOX)) {
                unavailable(BUSYBOX + " is missing (install busybox-static) to build the test image");
            }
            if (!e.hasImage(IMAGE)) {
                try {
                    e.importImage("stevedore-test/busybox", "1", rootFilesystem());
                } catch (IOException | InterruptedException ex) {
                    throw new IllegalStateException("cannot build " + IMAGE, ex);
                }
            }
            engine = e;
        }
        return engine;
    }

    private static void unavailable(String why) {
        if ("1".equals(System.getenv("STEVEDORE_REQUIRE_DOCKER"))) {
            fail("STEVEDORE_REQUIRE_DOCKER=1 but " + why);
        }
        Assumptions.abort("Docker tests skipped: " + why);
    }

    /** Force-removes every container and network carrying {@code label=value}. */
    public static void removeLabelled(String label, String value) {
        DockerEngine e = engine();
        for (Container c : e.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(label, value)).exec()) {
            try {
                e.client().removeContainerCmd(c.getId()).withForce(true).exec();
            } catch (RuntimeException gone) {
                // removed meanwhile
            }
        }
        for (Network n : e.client().listNetworksCmd().exec()) {
            if (n.getLabels() != null && value.equals(n.getLabels().get(label))) {
                try {
                    e.client().removeNetworkCmd(n.getId()).exec();
                } catch (RuntimeException inUse) {
                    // still used by a container of another test
                }
            }
        }
    }

    /** Removes the subnet networks the agent created that no container uses. */
    public static void removeUnusedAgentNetworks() {
        DockerEngine e = engine();
        for (Network n : e.client().listNetworksCmd().exec()) {
            if (n.getLabels() != null && "true".equals(n.getLabels().get(DockerEngine.MANAGED_LABEL))) {
                e.removeNetworkIfUnused(n.getId());
            }
        }
    }

    private static byte[] rootFilesystem() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(BUSYBOX.toString(), "--list").redirectErrorStream(true).start();
        List<String> applets = new ArrayList<>();
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank() && !line.equals("busybox")) {
                applets.add(line.strip());
            }
        }
        p.waitFor();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Tar.entry(out, "bin/", '5', 0755, new byte[0], null);
        Tar.entry(out, "tmp/", '5', 01777, new byte[0], null);
        Tar.entry(out, "etc/", '5', 0755, new byte[0], null);
        Tar.entry(out, "www/", '5', 0755, new byte[0], null);
        Tar.entry(out, "bin/busybox", '0', 0755, Files.readAllBytes(BUSYBOX), null);
        Tar.entry(out, "etc/passwd", '0', 0644, "root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n"
                .getBytes(StandardCharsets.US_ASCII), null);
        Tar.entry(out, "www/index.html", '0', 0644, "stevedore\n".getBytes(StandardCharsets.US_ASCII), null);
        for (String applet : applets) {
            Tar.entry(out, "bin/" + applet, '2', 0777, new byte[0], "busybox");
        }
        Tar.end(out);
        return out.toByteArray();
    }

    /**
     * The output of an exited container: Docker's multiplexed log stream (8-byte frame headers) read to its end;
     * {@code dropTimestamps} cuts the timestamp Docker puts before each frame's text.
     */
    static String logs(DockerEngine docker, String containerId, boolean dropTimestamps) throws IOException {
        StringBuilder out = new StringBuilder();
        try (var response = docker.openLogs(containerId, 0); var in = new java.io.DataInputStream(response.getBody())) {
            byte[] header = new byte[8];
            while (true) {
                try {
                    in.readFully(header);
                } catch (java.io.EOFException end) {
                    break;
                }
                int n = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
                        | (header[7] & 0xff);
                byte[] p = new byte[n];
                in.readFully(p);
                String text = new String(p, StandardCharsets.UTF_8);
                out.append(dropTimestamps ? text.substring(text.indexOf(' ') + 1) : text);
            }
        }
        return out.toString();
    }
}
