package io.stevedore.api.logs;

import static io.stevedore.api.logs.LogsClient.obj;
import static io.stevedore.api.logs.LogsClient.put;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.testkit.ServeChild;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real {@code stevedore serve} process while four writers ship logs concurrently (group commits in
 * flight), then a restart on the same data directory: every event of every acknowledged PutLogEvents is there.
 */
class LogsCrashTest {

    @TempDir
    Path dataDir;


    private ServeChild start() throws Exception {
        return ServeChild.start("--data-dir", dataDir.toString(), "--rate-limits", "off");
    }

    @Test
    void killDashNineWhileShipping_everyAcknowledgedEventIsThereAfterARestart() throws Exception {
        ServeChild first = start();
        LogsClient logs = new LogsClient(first.endpoint());
        logs.ok("CreateLogGroup", obj().put("logGroupName", "/ecs/crash"));
        for (int w = 0; w < 4; w++) {
            logs.ok("CreateLogStream", obj().put("logGroupName", "/ecs/crash").put("logStreamName", "w" + w));
        }
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        long t0 = System.currentTimeMillis();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            Thread t = new Thread(() -> {
                for (int batch = 0; ; batch++) {
                    String a = "w" + writer + " b" + batch + " e0";
                    String b = "w" + writer + " b" + batch + " e1";
                    try {
                        LogsClient.Answer answer = logs.call("PutLogEvents", put("/ecs/crash", "w" + writer,
                                t0 + batch, a, t0 + batch, b));
                        if (answer.status() != 200) {
                            return;
                        }
                    } catch (Exception killed) {
                        return; // the server went away mid-call: not acknowledged
                    }
                    acknowledged.add(a);
                    acknowledged.add(b);
                }
            });
            t.start();
            writers.add(t);
        }
        while (acknowledged.size() < 400) {
            Thread.sleep(20);
        }
        first.process().destroyForcibly(); // SIGKILL on Linux
        assertThat(first.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        for (Thread t : writers) {
            t.join(20_000);
        }

        ServeChild second = start();
        try {
            LogsClient again = new LogsClient(second.endpoint());
            Set<String> stored = ConcurrentHashMap.newKeySet();
            JsonNode req = obj().put("logGroupName", "/ecs/crash");
            while (true) {
                JsonNode page = again.ok("FilterLogEvents", req);
                page.get("events").forEach(e -> stored.add(e.get("message").asText()));
                if (!page.has("nextToken")) {
                    break;
                }
                req = ((com.fasterxml.jackson.databind.node.ObjectNode) req).put("nextToken",
                        page.get("nextToken").asText());
            }
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(400);
            assertThat(stored).containsAll(acknowledged);
        } finally {
            second.process().destroyForcibly();
            second.process().waitFor(20, TimeUnit.SECONDS);
        }
    }
}
