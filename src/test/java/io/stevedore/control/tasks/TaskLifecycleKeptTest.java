package io.stevedore.control.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.control.WebClusterTest;
import io.stevedore.ecs.Statuses;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.HealthStatus;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * TaskLifecycle's kept state: after every committed transaction of a random run of scaling, deployments, task stops,
 * drains and rows written by another writer, a kept builder (a task's next phase move goes on from the builder that
 * built its current row) that belongs to its task's current row builds that row, and every move a full pass would
 * make is in the incremental pass's stops to look at or its due index; a row another writer changed (here its health
 * status, which the lifecycle never sets) keeps that change through the lifecycle's later moves, as a copy would.
 */
class TaskLifecycleKeptTest extends WebClusterTest {
    @Test
    void keptBuildersBuildTheirRows_andRowsOthersWroteKeepTheirChanges() {
        TaskLifecycle lifecycle = kit.plane().reconciler().taskLifecycle();
        int[] held = {0};
        List<String> wrong = new ArrayList<>();
        kit.invariant("kept builders build their rows", s -> wrong.addAll(lifecycle.keptBuildersWrong(held)));
        List<String> unindexed = new ArrayList<>();
        kit.invariant("moves indexed", s -> unindexed.addAll(lifecycle.unindexed()));
        SplittableRandom random = new SplittableRandom(13);
        List<String> names = List.of("a", "b", "c", "d");
        for (String name : names) {
            kit.webService(name, 1 + random.nextInt(3), 100, 200);
        }
        kit.runFor(java.time.Duration.ofMinutes(3));
        List<String> drained = new ArrayList<>();
        Map<String, String> marked = new HashMap<>(); // task ARN -> its lastStatus when another writer changed it
        int movedAfterMark = 0;
        for (int step = 0; step < 200; step++) {
            String name = names.get(random.nextInt(names.size()));
            int kind = random.nextInt(8);
            if (kind >= 5) {
                markOne(random, marked);
            } else {
                kit.serviceChange(kind, CLUSTER, name, random, 4, drained, 2);
            }
            kit.runFor(java.time.Duration.ofMillis(500 + random.nextInt(20_000)));
            assertThat(wrong).as("kept builders that do not build their rows, at step %d", step).isEmpty();
            assertThat(unindexed).as("moves an incremental pass would leave out, at step %d", step).isEmpty();
            for (var e : new ArrayList<>(marked.entrySet())) {
                Task t = kit.inTx(() -> kit.state().tasks.get(e.getKey()).orElse(null));
                if (t == null) {
                    marked.remove(e.getKey());
                    continue;
                }
                assertThat(t.healthStatus()).as("health another writer set on %s (%s then, %s now), at step %d",
                        e.getKey(), e.getValue(), t.lastStatus(), step).isEqualTo(HealthStatus.HEALTHY);
                if (!t.lastStatus().equals(e.getValue())) {
                    movedAfterMark++;
                    marked.remove(e.getKey());
                }
            }
        }
        assertThat(kit.checks("kept builders build their rows")).as("commits checked").isGreaterThan(100);
        assertThat(kit.checks("moves indexed")).as("commits checked for indexed moves").isGreaterThan(100);
        assertThat(held[0]).as("kept builders of current rows over all checks").isGreaterThan(100);
        assertThat(movedAfterMark).as("tasks another writer changed that moved on afterwards").isGreaterThan(10);
    }

    /**
     * Writes one task that is moving (neither RUNNING nor STOPPED) as another writer would: healthy now, the next
     * version.
     */
    private void markOne(SplittableRandom random, Map<String, String> marked) {
        List<Task> moving = kit.inTx(() -> kit.state().tasks.values(t -> !Statuses.TASK_RUNNING.equals(t.lastStatus())
                && !Statuses.TASK_STOPPED.equals(t.lastStatus()) && t.healthStatus() != HealthStatus.HEALTHY));
        if (moving.isEmpty()) {
            return;
        }
        Task t = moving.get(random.nextInt(moving.size()));
        kit.inTx(() -> {
            kit.state().tasks.put(t.taskArn(), t.toBuilder().healthStatus(HealthStatus.HEALTHY)
                    .version(t.version() + 1).build());
            return null;
        });
        marked.put(t.taskArn(), t.lastStatus());
    }
}
