package io.stevedore.bench.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code stevedore serve} process (the CLI's main class on this JVM's class path, which is what
 * {@code ./stevedore serve} runs), its stdout copied to a log file and watched for the port and for leadership
 * changes. {@link #kill9()} sends SIGKILL.
 */
final class ServeProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving the ECS API on http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile int port = -1;
    private volatile boolean leading;
    private volatile long leaderSinceNanos;

    private ServeProcess(Process process) {
        this.process = process;
    }

    /** Starts {@code serve} with these extra arguments (port, speed and storage are up to the caller). */
    static ServeProcess start(List<String> serveArgs, Path log) throws IOException, InterruptedException {
        ServeProcess p = launch(serveArgs, log);
        p.awaitReady(log);
        return p;
    }

    /**
     * Starts the process without waiting for it to serve (start several, then {@link #awaitReady} each); on any
     * free port unless {@code serveArgs} names one with {@code --port}.
     */
    static ServeProcess launch(List<String> serveArgs, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "io.stevedore.cli.Main", "serve"));
        if (!serveArgs.contains("--port")) {
            cmd.addAll(List.of("--port", "0"));
        }
        cmd.addAll(serveArgs);
        ServeProcess p = new ServeProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        Files.createDirectories(log.getParent());
        Thread reader = new Thread(() -> p.pump(log), "serve-log");
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    void awaitReady(Path log) throws IOException, InterruptedException {
        if (!ready.await(120, TimeUnit.SECONDS) || port < 0) {
            kill9();
            throw new IOException("stevedore serve did not start within 120 s; see " + log);
        }
    }

    private void pump(Path log) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                w.println(line);
                w.flush();
                Matcher m = SERVING.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                    ready.countDown();
                }
                if (line.contains("now runs the controllers")) {
                    leaderSinceNanos = System.nanoTime();
                    leading = true;
                } else if (line.contains("stopped running the controllers")) {
                    leading = false;
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        } finally {
            ready.countDown();
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** True once the process has announced that it runs the controllers (and not announced losing it). */
    boolean leading() {
        return leading && process.isAlive();
    }

    long leaderSinceNanos() {
        return leaderSinceNanos;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, and wait until the process is gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill9();
    }
}
