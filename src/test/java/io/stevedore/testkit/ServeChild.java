package io.stevedore.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code stevedore serve} child process started from the test classpath on a free loopback port, for tests
 * that kill it with SIGKILL and start it again: its endpoint is read from what it prints, and its output is drained
 * afterwards so the pipe never fills.
 *
 * @param process  the server process
 * @param endpoint the URL it serves
 */
public record ServeChild(Process process, URI endpoint) {
    private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)");

    /** Starts {@code serve --port 0} with {@code serveArgs} and waits until it prints its address. */
    public static ServeChild start(String... serveArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.stevedore.cli.Main", "serve", "--port", "0"));
        cmd.addAll(List.of(serveArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = URL.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe empty
                        }
                    } catch (IOException ignored) {
                        // process gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return new ServeChild(p, URI.create(m.group()));
            }
        }
        throw new IllegalStateException("server did not start");
    }
}
