package io.stevedore.control.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.control.WebClusterTest;
import io.stevedore.placement.ClusterSnapshot;
import io.stevedore.placement.InstanceView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Placement's snapshot is patched from the change feed (a view is rebuilt only when something it reads changed):
 * after every committed transaction of a random run of scaling, deployments, task stops, drains and attribute
 * changes, the kept view's snapshot must hold the same instance views as one built from nothing by a second view.
 */
class SchedulerViewTest extends WebClusterTest {
    private static List<InstanceView> views(ClusterSnapshot s) {
        List<InstanceView> out = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            out.add(s.instance(i));
        }
        return out;
    }

    @Test
    void keptSnapshot_equalsOneBuiltFromNothing_afterEveryCommit() {
        SchedulerView live = kit.plane().reconciler().schedulerView();
        SchedulerView fresh = live.another();
        int[] busy = {0}; // comparisons of a cluster whose instances run tasks
        kit.invariant("the kept snapshot is one built from nothing", s -> {
            List<InstanceView> kept = views(live.snapshot(CLUSTER));
            fresh.rebuildAll();
            List<InstanceView> scratch = views(fresh.snapshot(CLUSTER));
            assertThat(kept).as("instance views").isEqualTo(scratch);
            if (kept.stream().filter(v -> v.runningTasksCount() > 0).count() >= 2) {
                busy[0]++;
            }
        });
        SplittableRandom random = new SplittableRandom(12);
        List<String> names = new ArrayList<>(List.of("a", "b", "c", "d"));
        for (String name : names) {
            kit.webService(name, 1 + random.nextInt(4), 100, 200);
        }
        kit.runFor(Duration.ofMinutes(3));
        List<String> drained = new ArrayList<>();
        for (int step = 0; step < 100; step++) {
            String name = names.get(random.nextInt(names.size()));
            int kind = random.nextInt(7);
            if (kind == 5) {
                List<ContainerInstance> active = kit.containerInstances("ACTIVE");
                if (!active.isEmpty()) {
                    kit.callJson("PutAttributes", "{\"cluster\":\"c\",\"attributes\":[{\"name\":\"stage\","
                            + "\"value\":\"s" + random.nextInt(3) + "\",\"targetId\":\"" + active.get(random
                            .nextInt(active.size())).containerInstanceArn() + "\"}]}");
                }
            } else {
                kit.serviceChange(kind, CLUSTER, name, random, 6, drained, 1);
            }
            kit.runFor(Duration.ofSeconds(1 + random.nextInt(40)));
        }
        // an hour and more of scaling: the tasks stopped so far are purged while others run on the instances
        List<String> stopped = kit.inTx(() -> kit.state().tasks.values().stream()
                .filter(t -> "STOPPED".equals(t.lastStatus())).map(Task::taskArn).toList());
        for (int step = 0; step < 8; step++) {
            kit.callJson("UpdateService", "{\"cluster\":\"c\",\"service\":\"" + names.get(step % names.size())
                    + "\",\"desiredCount\":" + (1 + random.nextInt(5)) + "}");
            kit.runFor(Duration.ofMinutes(10));
        }
        assertThat(stopped).as("tasks stopped before the last hour").isNotEmpty();
        assertThat(kit.inTx(() -> stopped.stream().filter(a -> kit.state().tasks.get(a).isEmpty()).count()))
                .as("of them purged").isEqualTo(stopped.size());
        assertThat(kit.checks("the kept snapshot is one built from nothing")).as("commits checked")
                .isGreaterThan(100);
        assertThat(busy[0]).as("comparisons while tasks ran on several instances").isGreaterThan(50);
    }
}
