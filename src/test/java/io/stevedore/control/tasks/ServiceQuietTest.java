package io.stevedore.control.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.control.WebClusterTest;
import io.stevedore.control.state.EcsState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The service scheduler's services "known quiet" (ServiceController's "Quiet services", 3: an entry the live change
 * feed has not touched since its check last held) are skipped without reading the state; every one of them, after
 * every committed transaction of a random run of scaling, deployments, task stops, drains and deletions, must be a
 * service whose pass the full check on the current state also finds a no-op.
 */
class ServiceQuietTest extends WebClusterTest {
    private ServiceController scheduler() {
        return kit.plane().reconciler().services();
    }

    @Test
    void everyServiceKnownQuiet_passesTheFullCheck_afterEveryCommit() {
        ServiceController scheduler = scheduler();
        int[] known = {0};
        List<String> wrong = new ArrayList<>();
        kit.invariant("known quiet services are quiet", s -> wrong.addAll(scheduler.knownQuietWrong(known)));
        SplittableRandom random = new SplittableRandom(16);
        List<String> names = new ArrayList<>(List.of("a", "b", "c", "d", "e", "f"));
        for (String name : names) {
            kit.webService(name, 1 + random.nextInt(3), 100, 200);
        }
        kit.runFor(java.time.Duration.ofMinutes(3));
        List<String> drained = new ArrayList<>();
        for (int step = 0; step < 120; step++) {
            String name = names.get(random.nextInt(names.size()));
            int kind = random.nextInt(7);
            if (kind == 5) {
                if (random.nextInt(4) == 0) {
                    kit.callJson("DeleteService", "{\"cluster\":\"c\",\"service\":\"" + name
                            + "\",\"force\":true}");
                    names.remove(name);
                    String fresh = name + step;
                    kit.webService(fresh, 1 + random.nextInt(3), 100, 200);
                    names.add(fresh);
                }
            } else {
                kit.serviceChange(kind, CLUSTER, name, random, 4, drained, 2);
            }
            kit.runFor(java.time.Duration.ofSeconds(1 + random.nextInt(40)));
            assertThat(wrong).as("services known quiet whose pass is not a no-op, at step %d", step).isEmpty();
        }
        assertThat(kit.checks("known quiet services are quiet")).as("commits checked").isGreaterThan(100);
        assertThat(known[0]).as("services found known quiet over all checks").isGreaterThan(200);
        assertThat(kit.inTx(() -> kit.state().tasksByGroup.values(EcsState.groupKey(CLUSTER, "service:"
                + names.get(0))))).as("a service still has tasks").isNotEmpty();
    }
}
