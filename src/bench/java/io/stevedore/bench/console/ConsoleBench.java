package io.stevedore.bench.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.api.ApiServer;
import io.stevedore.control.ControlKit;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;

/**
 * The web console on a large fleet: a cluster of {@code --instances N} managed instances (one task each, built on
 * the virtual clock by the real control plane), then the console's page and each JSON section it reads per refresh,
 * timed over HTTP on loopback. Prints a Markdown section; {@code --write docs/benchmarks.md} replaces the
 * "## Web console" section of that file.
 */
public final class ConsoleBench {
    static final String HEADING = "## Web console";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final StringBuilder out = new StringBuilder();

    public static void main(String[] args) throws Exception {
        int instances = 5000;
        int samples = 200;
        Path write = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--instances" -> instances = Integer.parseInt(args[++i]);
                case "--samples" -> samples = Integer.parseInt(args[++i]);
                case "--write" -> write = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: bench/console [--instances N] [--samples N] [--write FILE]");
                    System.exit(2);
                }
            }
        }
        ConsoleBench b = new ConsoleBench();
        b.run(instances, samples);
        System.out.print(b.out);
        if (write != null) {
            Files.writeString(write, merged(write, b.out.toString()));
            System.err.println("wrote " + write);
        }
    }

    private void run(int instances, int samples) throws Exception {
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        ControlKit kit = ControlKit.start();
        long buildStart = System.nanoTime();
        Fleet.build(kit, instances);
        double buildSeconds = (System.nanoTime() - buildStart) / 1e9;
        try (ApiServer server = new ApiServer(kit.plane(), "127.0.0.1", 0)) {
            server.start();
            String base = "http://127.0.0.1:" + server.port();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String cookie = http.send(HttpRequest.newBuilder(URI.create(base + "/console/")).build(),
                    HttpResponse.BodyHandlers.ofString()).headers().firstValue("Set-Cookie").orElseThrow()
                    .split(";")[0];
            JsonNode cluster = JSON.readTree(get(http, base + "/console/api/cluster?name=c", cookie).body());
            int shown = cluster.path("counts").path("instances").asInt();
            if (shown != instances) {
                throw new IllegalStateException("the console shows " + shown + " instances, expected " + instances);
            }
            header(instances, buildSeconds, samples, load);
            line("| request | what it reads | bytes | p50 ms | p99 ms | max ms |");
            line("|---|---|---:|---:|---:|---:|");
            int last = (instances - 1) / 50 * 50;
            String[][] requests = {
                    {"/console/", "the page (HTML; script and style are two more small files)"},
                    {"/console/api/clusters", "every cluster with counts and cost now"},
                    {"/console/api/cluster?name=c", "summary, cost now vs Fargate, fleet by type, providers"},
                    {"/console/api/services?cluster=c&limit=50", "a page of services"},
                    {"/console/api/tasks?cluster=c&status=ALL&limit=50", "the first page of tasks"},
                    {"/console/api/instances?cluster=c&limit=50", "the first page of instances"},
                    {"/console/api/instances?cluster=c&limit=50&offset=" + last, "the last page of instances"},
            };
            double refresh = 0;
            for (String[] r : requests) {
                double[] ms = new double[samples];
                int bytes = 0;
                for (int i = -20; i < samples; i++) { // 20 warm-up requests
                    long t0 = System.nanoTime();
                    HttpResponse<String> res = get(http, base + r[0], cookie);
                    double took = (System.nanoTime() - t0) / 1e6;
                    if (res.statusCode() != 200) {
                        throw new IllegalStateException(r[0] + " answered " + res.statusCode() + ": " + res.body());
                    }
                    bytes = res.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                    if (i >= 0) {
                        ms[i] = took;
                    }
                }
                Arrays.sort(ms);
                double p50 = ms[samples / 2];
                if (r[0].startsWith("/console/api/cluster?") || r[0].contains("services?") || r[0].contains("tasks?")
                        || r[0].equals("/console/api/instances?cluster=c&limit=50")) {
                    refresh += p50;
                }
                line("| `GET %s` | %s | %,d | %.1f | %.1f | %.1f |", r[0], r[1], bytes, p50,
                        ms[(int) Math.ceil(samples * 0.99) - 1], ms[samples - 1]);
            }
            line("");
            line("A refresh of the cluster page (every 5 s while it is visible, and soon after events) reads four of"
                    + " these: the cluster summary (which walks the whole fleet for counts and cost), and one page each"
                    + " of services, tasks and instances (50 rows, whatever the fleet size): %.1f ms of server time at"
                    + " the p50 on this fleet. Events arrive over one server-sent-events stream, not by polling.",
                    refresh);
            line("");
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url, String cookie) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private void header(int instances, double buildSeconds, int samples, String load) throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        line(HEADING);
        line("");
        line("Generated by `bench/console --write docs/benchmarks.md` (source:"
                + " `src/bench/java/io/stevedore/bench/console/`): one cluster of %,d managed instances, each running one"
                + " task (built by the real control plane on the virtual clock in %.0f s), served by `ApiServer` on"
                + " loopback; each request %d times after 20 warm-up requests, one at a time, from this process.",
                instances, buildSeconds, samples);
        line("");
        line("- date: %s; commit %s", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                commit());
        line("- machine: %d processors, %s; JDK %s; load average at start: %s",
                Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("java.version"),
                String.join(" / ", Arrays.copyOf(load.split(" "), 3)));
        line("");
    }

    static String commit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String c = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? c : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    private void line(String fmt, Object... args) {
        out.append(String.format(Locale.ROOT, fmt, args)).append('\n');
    }

    /** Replaces only this section of an existing file; other sections stay. */
    static String merged(Path file, String generated) throws IOException {
        if (!Files.exists(file)) {
            return generated;
        }
        String old = Files.readString(file);
        int start = old.indexOf(HEADING + "\n");
        if (start < 0) {
            return old.stripTrailing() + "\n\n" + generated;
        }
        int end = old.indexOf("\n## ", start + HEADING.length());
        return old.substring(0, start) + (end < 0 ? generated : generated.stripTrailing() + "\n\n"
                + old.substring(end + 1));
    }
}
