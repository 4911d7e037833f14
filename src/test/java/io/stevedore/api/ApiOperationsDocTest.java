package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.assembly.ControlPlane;
import io.stevedore.control.state.PlaneConfig;
import io.stevedore.time.VirtualClock;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * docs/api.md's operations table against the code: every operation of the ECS model in the AWS SDK for Java v2 is
 * listed exactly once, and it says "done" or "answered" exactly when the server registers the operation.
 */
class ApiOperationsDocTest {
    /** The operations of the SDK's ECS model: EcsClient's methods taking one of the model's requests (not paginators). */
    static Set<String> modelOperations() {
        Set<String> ops = new TreeSet<>();
        for (Method m : EcsClient.class.getMethods()) {
            if (m.getParameterCount() == 1 && m.getParameterTypes()[0].getName()
                    .startsWith("software.amazon.awssdk.services.ecs.model.")
                    && m.getParameterTypes()[0].getSimpleName().endsWith("Request")
                    && !m.getName().endsWith("Paginator")) {
                ops.add(Character.toUpperCase(m.getName().charAt(0)) + m.getName().substring(1));
            }
        }
        return ops;
    }

    /** Operation → status, from the table under "## Operations". */
    static Map<String, String> documented() throws Exception {
        String doc = Files.readString(Path.of("docs/api.md"));
        int start = doc.indexOf("## Operations");
        String section = doc.substring(start, doc.indexOf("\n## ", start + 5));
        Map<String, String> out = new TreeMap<>();
        for (String line : section.split("\n")) {
            if (!line.startsWith("| ") || line.startsWith("| Operation") || line.startsWith("|---")) {
                continue;
            }
            String[] cells = line.split("\\|");
            String status = cells[2].strip();
            for (String op : cells[1].split(",")) {
                String name = op.strip();
                assertThat(out.put(name, status)).as(name + " listed once").isNull();
            }
        }
        return out;
    }

    @Test
    void operationsTable_listsEveryModelOperation_withTheStatusTheServerHas() throws Exception {
        Set<String> model = modelOperations();
        assertThat(model).as("the SDK's ECS model").hasSizeGreaterThanOrEqualTo(77).contains("RunTask", "CreateDaemon");
        Set<String> registered;
        try (ControlPlane plane = ControlPlane.inMemory(PlaneConfig.defaults(),
                new VirtualClock(Instant.parse("2026-01-05T10:00:00Z")))) {
            registered = plane.api().operations();
        }
        Map<String, String> doc = documented();
        assertThat(doc.keySet()).as("operations in docs/api.md").isEqualTo(model);
        doc.forEach((op, status) -> {
            assertThat(status).as(op).isIn("done", "answered", "not yet");
            assertThat(registered.contains(op)).as(op + " is " + status + " in docs/api.md")
                    .isEqualTo(!"not yet".equals(status));
        });
        long answered = doc.values().stream().filter(s -> !"not yet".equals(s)).count();
        assertThat(Files.readString(Path.of("docs/api.md"))).contains("(2.50.2, " + model.size() + " operations): "
                + answered + " answered").contains((model.size() - answered) + " `not yet`");
    }
}
