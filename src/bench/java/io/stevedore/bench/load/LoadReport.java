package io.stevedore.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.bench.BenchSection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The summary of a {@code bench/load} run: one table row per server from {@link LoadMain}'s JSON figures (plus the
 * server CPU-seconds the script measured), the peer ratio when moto ran too, and the errors. Printed; with
 * {@code --write FILE} also written as the section {@link #HEADING} of docs/benchmarks.md through
 * {@link BenchSection}, with its provenance.
 *
 * <p>Usage: {@code LoadReport --command "bench/load ..." --load-at-start "a / b / c" [--write FILE] run.json...}
 * (the script reads the load average before its runs: this report starts after them).
 */
public final class LoadReport {
    /** The section this report writes (the prose of "## API load" stays as it is). */
    public static final String HEADING = "## API load: latest `bench/load` run";

    private LoadReport() {
    }

    public static void main(String[] args) throws Exception {
        String command = "bench/load";
        Path write = null;
        String loadAtStart = BenchSection.loadAverage();
        List<JsonNode> runs = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--command" -> command = args[++i];
                case "--write" -> write = Path.of(args[++i]);
                case "--load-at-start" -> loadAtStart = args[++i];
                default -> {
                    if (Files.exists(Path.of(args[i]))) {
                        runs.add(json.readTree(Path.of(args[i]).toFile()));
                    }
                }
            }
        }
        BenchSection s = new BenchSection(HEADING, loadAtStart);
        s.provenance(command);
        if (runs.isEmpty()) {
            s.line("").line("No run finished.");
        } else {
            JsonNode first = runs.get(0);
            int warmup = first.path("warmup_seconds").asInt();
            s.line("- %d s open-loop, target %d reads/s + %d writes/s, at most %d in flight; the load generator in its "
                            + "own JVM on the same machine%s", first.path("seconds").asInt(),
                    first.path("target_read_rate").asInt(), first.path("target_write_rate").asInt(),
                    first.path("concurrency").asInt(), warmup == 0 ? "" : "; measured after " + warmup + " s of the "
                            + "same load against each server (its figures not counted; the server CPU column counts "
                            + "it)");
            s.line("");
            s.line("| Server | Reads ok/s | Read p50 ms | Read p99 ms | Writes ok/s | Write p50 ms | Write p99 ms "
                    + "| Errors | Not sent | Server CPU s |");
            s.line("|---|---|---|---|---|---|---|---|---|---|");
            for (JsonNode d : runs) {
                double secs = d.path("seconds").asDouble();
                JsonNode r = d.path("reads");
                JsonNode w = d.path("writes");
                s.line("| %s | %.0f | %.1f | %.1f | %.0f | %.1f | %.1f | %d | %d | %s |", d.path("label").asText(),
                        r.path("ok").asDouble() / secs, r.path("p50_ms").asDouble(), r.path("p99_ms").asDouble(),
                        w.path("ok").asDouble() / secs, w.path("p50_ms").asDouble(), w.path("p99_ms").asDouble(),
                        r.path("errors").asLong() + w.path("errors").asLong(), d.path("not_sent").asLong(),
                        d.has("server_cpu_s") ? d.path("server_cpu_s").asText() : "?");
            }
            if (runs.size() == 2) {
                JsonNode a = runs.get(0);
                JsonNode b = runs.get(1);
                double sa = a.path("reads").path("ok").asDouble() + a.path("writes").path("ok").asDouble();
                double sb = b.path("reads").path("ok").asDouble() + b.path("writes").path("ok").asDouble();
                s.line("");
                s.line("Peer ratio (%s / %s): successful calls %.2f×; read p99 %.2f×; write p99 %.2f×",
                        a.path("label").asText(), b.path("label").asText(), sa / Math.max(sb, 1),
                        ratio(a, b, "reads"), ratio(a, b, "writes"));
            }
            if (runs.stream().anyMatch(d -> d.has("capacity"))) {
                capacity(s, runs);
            }
            for (JsonNode d : runs) {
                if (!d.path("errors").isEmpty()) {
                    List<String> errs = new ArrayList<>();
                    d.path("errors").fields().forEachRemaining(e -> errs.add(e.getKey() + ": " + e.getValue()));
                    s.line("");
                    s.line("%s errors: %s", d.path("label").asText(), String.join(", ", errs));
                }
            }
        }
        System.out.print(s.text());
        if (write != null) {
            s.write(write);
        }
    }

    /**
     * The closed-loop table: what each server answered when every answer started the next call, and the peer ratio
     * of those successful calls (what the open loop cannot show once one server answers all it is offered).
     */
    private static void capacity(BenchSection s, List<JsonNode> runs) {
        JsonNode first = runs.stream().filter(d -> d.has("capacity")).findFirst().orElseThrow().path("capacity");
        s.line("");
        s.line("Capacity, after the open loop: %d s closed loop, %d calls in flight, the same mix (one write for "
                + "every ten reads); each answer starts the next call at once, so a server answers what it can on "
                + "this machine with the generator beside it.", first.path("seconds").asInt(),
                first.path("in_flight").asInt());
        s.line("");
        s.line("| Server | Calls ok/s | Read p50 ms | Read p99 ms | Write p50 ms | Write p99 ms | Errors |");
        s.line("|---|---|---|---|---|---|---|");
        for (JsonNode d : runs) {
            JsonNode c = d.path("capacity");
            if (c.isMissingNode()) {
                continue;
            }
            JsonNode r = c.path("reads");
            JsonNode w = c.path("writes");
            s.line("| %s | %d | %.1f | %.1f | %.1f | %.1f | %d |", d.path("label").asText(), c.path("ok_per_s").asLong(),
                    r.path("p50_ms").asDouble(), r.path("p99_ms").asDouble(), w.path("p50_ms").asDouble(),
                    w.path("p99_ms").asDouble(), r.path("errors").asLong() + w.path("errors").asLong());
        }
        if (runs.size() == 2 && runs.get(0).has("capacity") && runs.get(1).has("capacity")) {
            JsonNode a = runs.get(0);
            JsonNode b = runs.get(1);
            s.line("");
            s.line("Peer ratio at capacity (%s / %s): successful calls %.2f×", a.path("label").asText(),
                    b.path("label").asText(), a.path("capacity").path("ok_per_s").asDouble()
                            / Math.max(b.path("capacity").path("ok_per_s").asDouble(), 1));
        }
        for (JsonNode d : runs) {
            if (!d.path("capacity").path("errors").isEmpty()) {
                List<String> errs = new ArrayList<>();
                d.path("capacity").path("errors").fields().forEachRemaining(e -> errs.add(e.getKey() + ": "
                        + e.getValue()));
                s.line("");
                s.line("%s errors at capacity: %s", d.path("label").asText(), String.join(", ", errs));
            }
        }
    }

    private static double ratio(JsonNode a, JsonNode b, String kind) {
        return a.path(kind).path("p99_ms").asDouble() / Math.max(b.path(kind).path("p99_ms").asDouble(), 1e-9);
    }
}
