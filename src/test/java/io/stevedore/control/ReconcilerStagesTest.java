package io.stevedore.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tick's stages are the ones docs/architecture.md lists, in its order. */
class ReconcilerStagesTest {
    @Test
    void stages_areTheDocumentedOnes_inOrder() throws IOException {
        List<String> names;
        try (ControlKit kit = ControlKit.start()) {
            names = kit.plane().reconciler().stages().stream().map(Reconciler.Stage::name).toList();
        }
        assertThat(names).containsExactly("register booted instances", "service auto scaling", "service scheduler",
                "advance tasks", "daemon tasks",
                "place waiting tasks", "advance placed tasks", "fleet lifecycle", "purge stopped tasks");
        String doc = Files.readString(Path.of("docs/architecture.md"));
        int at = doc.indexOf("## The tick");
        assertThat(at).isNotNegative();
        for (int i = 0; i < names.size(); i++) {
            String row = "| " + (i + 1) + " | " + names.get(i) + " |";
            int found = doc.indexOf(row, at);
            assertThat(found).as("docs/architecture.md row %s", row).isGreaterThan(at);
            at = found;
        }
    }

    @Test
    void wrappedStages_runTheirStepsThroughTheWrapper_inOrder_andTheTickStillDoesItsWork() {
        try (ControlKit kit = ControlKit.start()) {
            Reconciler r = kit.plane().reconciler();
            List<String> before = r.stages().stream().map(Reconciler.Stage::name).toList();
            List<String> ran = new ArrayList<>();
            r.wrapStages((name, step) -> () -> {
                ran.add(name);
                step.run();
            });
            assertThat(r.stages().stream().map(Reconciler.Stage::name).toList()).isEqualTo(before);
            kit.tick();
            assertThat(ran).isEqualTo(before); // each stage once, in the tick's order
            kit.webCluster(1024, 2048);
            kit.webService("web", 2, 100, 200);
            kit.runUntil("two tasks RUNNING", () -> kit.liveTasks(kit.state().clusters.values().get(0).clusterArn(),
                    "web").stream().filter(t -> "RUNNING".equals(t.lastStatus())).count() == 2, Duration.ofMinutes(10));
            assertThat(ran.size()).isGreaterThan(before.size()).isEqualTo(before.size() * (int) kit.ticks());
        }
    }
}
