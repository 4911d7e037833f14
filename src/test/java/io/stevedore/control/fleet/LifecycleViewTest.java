package io.stevedore.control.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.catalog.Architecture;
import io.stevedore.control.ControlKit;
import io.stevedore.lifecycle.FleetSnapshot;
import io.stevedore.lifecycle.OnlineFleet;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.PendingGroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The fleet snapshot is built incrementally (a member is rebuilt only when something on it changed, and its tasks'
 * works are patched from the task changes noted since its last build): after every commit that changed a task, it
 * must equal a snapshot built from scratch by a second view of the same state.
 */
class LifecycleViewTest {
    @Test
    void patchedSnapshot_equalsOneBuiltFromScratch_afterEveryCommit() {
        try (OnlineFleet f = new OnlineFleet(Map.of())) {
            ControlKit kit = f.kit();
            LifecycleView live = kit.plane().reconciler().lifecycle().view();
            LifecycleView fresh = live.another();
            int[] busy = {0}; // comparisons of a fleet whose members run tasks
            kit.invariant("the patched snapshot is one built from scratch", s -> {
                FleetSnapshot patched = live.snapshot();
                fresh.rebuildAll();
                FleetSnapshot scratch = fresh.snapshot();
                assertThat(patched.instances()).as("members").isEqualTo(scratch.instances());
                assertThat(patched).as("the whole snapshot").isEqualTo(scratch);
                if (patched.instances().stream().filter(m -> !m.tasks().isEmpty()).count() >= 2) {
                    busy[0]++;
                }
            });
            List<PendingGroup> groups = List.of(
                    new PendingGroup("a", TaskDemand.awsvpc(256, 512, Architecture.X86_64), 10),
                    new PendingGroup("b", TaskDemand.awsvpc(512, 2048, Architecture.X86_64), 6));
            groups.forEach(f::createService);
            String cluster = kit.plane().config().arnPrefix() + "cluster/online";
            Random r = new Random(7);
            for (int round = 0; round < 24; round++) {
                PendingGroup g = groups.get(round % groups.size());
                kit.callJson("UpdateService", "{\"cluster\":\"online\",\"service\":\"" + g.key()
                        + "\",\"desiredCount\":" + (2 + r.nextInt(14)) + "}");
                List<Task> tasks = kit.liveTasks(cluster, g.key());
                if (!tasks.isEmpty() && round % 3 == 1) {
                    kit.callJson("StopTask", "{\"cluster\":\"online\",\"task\":\""
                            + tasks.get(r.nextInt(tasks.size())).taskArn() + "\"}");
                }
                if (!tasks.isEmpty() && round % 4 == 2) {
                    kit.callJson("UpdateTaskProtection", "{\"cluster\":\"online\",\"tasks\":[\""
                            + tasks.get(r.nextInt(tasks.size())).taskArn() + "\"],\"protectionEnabled\":true,"
                            + "\"expiresInMinutes\":" + (1 + r.nextInt(3)) + "}");
                }
                kit.runFor(Duration.ofSeconds(20 + r.nextInt(120)));
            }
            assertThat(busy[0]).as("compared while tasks ran on several instances").isGreaterThan(100);
        }
    }
}
