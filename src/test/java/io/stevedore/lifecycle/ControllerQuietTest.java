package io.stevedore.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.lifecycle.FleetSnapshot.Member;
import io.stevedore.provisioning.Provisioner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A kept controller skips a pass it can prove decides nothing ({@code LifecycleController.Quiet}): over a random run of
 * fleets — time passing, tasks moving on and off instances, compaction drains starting and ending, instances coming
 * and going, the provider's tasks waiting for capacity or not — it decides at every step what a fresh controller
 * decides on the same snapshot.
 */
class ControllerQuietTest {
    private static final long MINUTE = 60_000;

    @Test
    void reconcile_overARandomRun_decidesLikeAFreshController() {
        Random r = new Random(16);
        long now = LifecycleControllerTest.NOW.toEpochMilli();
        List<Member> fleet = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            fleet.add(active(i, now - LifecycleControllerTest.DAY, now - 10 * MINUTE, 1 + r.nextInt(4)));
        }
        LifecycleController kept = new LifecycleController(LifecycleSettings.defaults(),
                new Compaction(new Provisioner()));
        boolean settled = true;
        int decided = 0;
        int unsettledSteps = 0;
        int drainingSteps = 0;
        int next = fleet.size();
        for (int step = 0; step < 600; step++) {
            now += r.nextInt(4) == 0 ? r.nextInt(4) * MINUTE : r.nextInt(30_000);
            switch (r.nextInt(14)) {
                case 0 -> settled = !settled;
                case 1, 2 -> { // a task started or stopped on an instance
                    int at = r.nextInt(fleet.size());
                    Member m = fleet.get(at);
                    int n = Math.max(0, m.tasks().size() + (r.nextBoolean() ? 1 : -1));
                    fleet.set(at, m.state() == FleetSnapshot.State.DRAINING ? draining(m, n, now)
                            : active(id(m), m.launchedAtMillis(), now, n));
                }
                case 3 -> { // a compaction drain starts, or the one in progress ends
                    int at = r.nextInt(fleet.size());
                    Member m = fleet.get(at);
                    fleet.set(at, m.state() == FleetSnapshot.State.DRAINING
                            ? active(id(m), m.launchedAtMillis(), now, m.tasks().size())
                            : draining(m, m.tasks().size(), now + 30 * MINUTE));
                }
                case 4 -> { // an instance comes or goes
                    if (r.nextBoolean() || fleet.size() < 4) {
                        fleet.add(active(next++, now, now, r.nextInt(3)));
                    } else {
                        fleet.remove(r.nextInt(fleet.size()));
                    }
                }
                default -> { // nothing changed: the same members again
                }
            }
            FleetSnapshot.Provider p = new FleetSnapshot.Provider("mi", 300_000, true, Optional.empty(),
                    DisruptionBudget.percent(100), List.of(), List.of(), settled);
            FleetSnapshot snapshot = new FleetSnapshot(java.time.Instant.ofEpochMilli(now), Map.of("mi", p),
                    List.copyOf(fleet));
            List<Decision> d = kept.reconcile(snapshot);
            assertThat(d).as("step %d", step).isEqualTo(new LifecycleController(LifecycleSettings.defaults(),
                    new Compaction(new Provisioner())).reconcile(snapshot));
            decided += d.isEmpty() ? 0 : 1;
            unsettledSteps += settled ? 0 : 1;
            drainingSteps += fleet.stream().anyMatch(m -> m.state() == FleetSnapshot.State.DRAINING) ? 1 : 0;
        }
        assertThat(decided).as("steps that decided something").isGreaterThan(20);
        assertThat(unsettledSteps).as("steps with tasks waiting for capacity").isGreaterThan(50);
        assertThat(drainingSteps).as("steps with a drain in progress").isGreaterThan(50);
    }

    /**
     * A pass that reached compaction and decided nothing only because every instance's quiet period (5 minutes after
     * its last task change) is still running keeps no quiet past those ends: when the first ends, with no member
     * changed, the kept controller drains as a fresh one does.
     */
    @Test
    void reconcile_afterAQuietPeriodEnds_compactsLikeAFreshController() {
        long now = LifecycleControllerTest.NOW.toEpochMilli();
        List<Member> fleet = List.of(active(0, now - LifecycleControllerTest.DAY, now, 1),
                active(1, now - LifecycleControllerTest.DAY, now - MINUTE, 2));
        LifecycleController kept = new LifecycleController(LifecycleSettings.defaults(),
                new Compaction(new Provisioner()));
        FleetSnapshot.Provider p = new FleetSnapshot.Provider("mi", 300_000, true, Optional.empty(),
                DisruptionBudget.percent(100), List.of(), List.of(), true);
        for (long at : new long[] {now + MINUTE, now + 2 * MINUTE, now + 4 * MINUTE + 30_000, now + 6 * MINUTE}) {
            FleetSnapshot snapshot = new FleetSnapshot(java.time.Instant.ofEpochMilli(at), Map.of("mi", p), fleet);
            List<Decision> fresh = new LifecycleController(LifecycleSettings.defaults(),
                    new Compaction(new Provisioner())).reconcile(snapshot);
            assertThat(kept.reconcile(snapshot)).as("at +%d s", (at - now) / 1000).isEqualTo(fresh);
            if (at < now + 4 * MINUTE) {
                assertThat(fresh).as("inside both quiet periods").isEmpty();
            } else if (at == now + 6 * MINUTE) {
                assertThat(fresh).as("after the quiet periods").isNotEmpty();
            }
        }
    }

    private static int id(Member m) {
        return Integer.parseInt(m.instanceId().substring(2));
    }

    /** Instance {@code i}, ACTIVE, with {@code n} small service tasks, the last started or stopped at {@code changed}. */
    private static Member active(int i, long launched, long changed, int n) {
        return new Member(String.format("i-%03d", i), "mi", "m7g.xlarge", 0.1632, LifecycleControllerTest.BIG,
                launched, FleetSnapshot.State.ACTIVE, Optional.empty(), false, -1, n == 0 ? changed : -1, changed,
                tasks(i, n, changed));
    }

    /** {@code m} drained by compaction until {@code deadline}, {@code n} tasks left on it. */
    private static Member draining(Member m, int n, long deadline) {
        return new Member(m.instanceId(), "mi", m.instanceType(), m.pricePerHour(), m.registered(),
                m.launchedAtMillis(), FleetSnapshot.State.DRAINING, Optional.of(new FleetSnapshot.Drain(
                deadline - 30 * MINUTE, DrainCause.UNDERUTILIZED, deadline)), false, -1, -1,
                m.lastTaskChangeMillis(), tasks(id(m), n, deadline));
    }

    private static List<FleetSnapshot.Work> tasks(int i, int n, long stamp) {
        List<FleetSnapshot.Work> out = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            out.add(LifecycleControllerTest.service("t-" + i + "-" + stamp + "-" + j));
        }
        return out;
    }
}
