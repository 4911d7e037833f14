package io.stevedore.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.catalog.Architecture;
import io.stevedore.lifecycle.Decision.Report;
import io.stevedore.lifecycle.Decision.Retire;
import io.stevedore.lifecycle.Decision.StartDrain;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.Provisioner;
import io.stevedore.provisioning.Zone;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure controller on hand-made snapshots: budgets, lifetime deadlines, compaction eligibility, repair. */
class LifecycleControllerTest {
    static final Instant NOW = Instant.parse("2026-02-02T12:00:00Z");
    static final long DAY = Duration.ofDays(1).toMillis();
    static final Resources BIG = new Resources(4096, 16384, 0, 10);
    static final TaskDemand SMALL = TaskDemand.awsvpc(512, 1024, Architecture.ARM64);
    final LifecycleController controller = new LifecycleController(LifecycleSettings.defaults(),
            new Compaction(new Provisioner()));

    static FleetSnapshot.Provider provider(DisruptionBudget budget, boolean repair, Optional<EventWindow> window) {
        return new FleetSnapshot.Provider("mi", 300_000, repair, window, budget, List.of(),
                List.of(new Zone("subnet-1", "us-east-1a")), true);
    }

    static FleetSnapshot.Member member(String id, double ageDays, List<FleetSnapshot.Work> tasks) {
        long launched = NOW.toEpochMilli() - (long) (ageDays * DAY);
        return new FleetSnapshot.Member(id, "mi", "m7g.xlarge", 0.1632, BIG, launched, FleetSnapshot.State.ACTIVE, Optional.empty(),
                false, -1, tasks.isEmpty() ? launched : -1, launched, tasks);
    }

    static FleetSnapshot.Work service(String arn) {
        return FleetSnapshot.Work.running(arn, "web", SMALL);
    }

    private List<Decision> run(FleetSnapshot.Provider p, FleetSnapshot.Member... members) {
        return controller.reconcile(new FleetSnapshot(NOW, Map.of("mi", p), List.of(members)));
    }

    @Test
    void reconcile_threeExpiredWithBudgetOne_drainsOne() {
        List<Decision> d = run(provider(DisruptionBudget.parse("1"), true, Optional.empty()),
                member("i-1", 15, List.of(service("a"))), member("i-2", 15, List.of(service("b"))),
                member("i-3", 15, List.of(service("c"))));
        assertThat(d).hasSize(1).first().isInstanceOfSatisfying(StartDrain.class,
                s -> assertThat(s.cause()).isEqualTo(DrainCause.MAX_LIFETIME));
    }

    @Test
    void reconcile_lastChanceWithZeroBudget_drainsAnyway() {
        List<Decision> d = run(provider(DisruptionBudget.parse("0"), true, Optional.empty()),
                member("i-1", 20.99, List.of(service("a"))));
        assertThat(d).singleElement().isInstanceOfSatisfying(StartDrain.class,
                s -> assertThat(s.reason()).contains("deadline"));
    }

    @Test
    void reconcile_windowClosed_waitsForWindow() {
        // NOW is a Monday noon; the window is saturday 02-06
        Optional<EventWindow> w = Optional.of(EventWindow.parse("sat:02-sat:06"));
        assertThat(run(provider(DisruptionBudget.percent(10), true, w), member("i-1", 15,
                List.of(service("a"))))).isEmpty();
    }

    /**
     * Two half-empty instances: with a plain service task on i-1, i-1 is the one drained (the control case); with a
     * standalone, protected, opted-out or constrained task there instead, i-1 stays and i-2 is drained onto it.
     */
    @Test
    void reconcile_standaloneOrProtectedOrOptedOut_neverCompacted() {
        assertThat(run(provider(DisruptionBudget.percent(10), true, Optional.empty()),
                member("i-1", 1, List.of(service("a"))), member("i-2", 1, List.of(service("b")))))
                .as("control: a plain service task").singleElement().isInstanceOfSatisfying(StartDrain.class, s -> {
                    assertThat(s.instanceId()).isEqualTo("i-1");
                    assertThat(s.cause()).isEqualTo(DrainCause.UNDERUTILIZED);
                });
        List<FleetSnapshot.Work> kinds = List.of(FleetSnapshot.Work.standalone("s", SMALL),
                service("p").withProtection(), service("o").withOptOut(), service("c").withConstraints());
        for (FleetSnapshot.Work w : kinds) {
            List<Decision> d = run(provider(DisruptionBudget.percent(10), true, Optional.empty()),
                    member("i-1", 1, List.of(w)), member("i-2", 1, List.of(service("b"))));
            assertThat(d).as(w.taskArn()).singleElement().isInstanceOfSatisfying(StartDrain.class, s -> {
                assertThat(s.instanceId()).isEqualTo("i-2");
                assertThat(s.cause()).isEqualTo(DrainCause.UNDERUTILIZED);
            });
        }
    }

    @Test
    void reconcile_twoHalfEmptyInstances_compactsOneAtATime() {
        List<Decision> d = run(provider(DisruptionBudget.percent(100), true, Optional.empty()),
                member("i-1", 1, List.of(service("a"))), member("i-2", 1, List.of(service("b"))),
                member("i-3", 1, List.of(service("c"))));
        assertThat(d).singleElement().isInstanceOfSatisfying(StartDrain.class,
                s -> assertThat(s.cause()).isEqualTo(DrainCause.UNDERUTILIZED));
    }

    @Test
    void reconcile_drainInProgress_keepsRoomForItsTasks() {
        // i-9 drains with 7 tasks (3584 cpu); i-2 has room for exactly 7 more: nothing is left for i-1's task
        List<FleetSnapshot.Work> seven = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            seven.add(service("d" + i));
        }
        FleetSnapshot.Member base = member("i-9", 1, seven);
        FleetSnapshot.Member draining = new FleetSnapshot.Member("i-9", "mi", base.instanceType(), base.pricePerHour(), BIG,
                base.launchedAtMillis(), FleetSnapshot.State.DRAINING, Optional.of(new FleetSnapshot.Drain(NOW.toEpochMilli(),
                DrainCause.MAX_LIFETIME, Long.MAX_VALUE)), false, -1, -1, base.lastTaskChangeMillis(), seven);
        List<Decision> d = run(provider(DisruptionBudget.percent(100), true, Optional.empty()),
                member("i-1", 1, List.of(service("a"))), member("i-2", 1, List.of(service("b"))), draining);
        assertThat(d).isEmpty();
        // without the drain in progress, i-1's task would move to i-2 (or the other way round)
        assertThat(run(provider(DisruptionBudget.percent(100), true, Optional.empty()),
                member("i-1", 1, List.of(service("a"))), member("i-2", 1, List.of(service("b"))))).hasSize(1);
    }

    @Test
    void reconcile_impaired_drainsWhenEnabledReportsWhenDisabled() {
        FleetSnapshot.Member m = member("i-1", 1, List.of(service("a")));
        FleetSnapshot.Member impaired = new FleetSnapshot.Member(m.instanceId(), m.provider(), m.instanceType(), m.pricePerHour(),
                m.registered(), m.launchedAtMillis(), m.state(), m.drain(), true, -1, -1, -1, m.tasks());
        assertThat(run(provider(DisruptionBudget.parse("0"), true, Optional.empty()), impaired)).singleElement()
                .isInstanceOfSatisfying(StartDrain.class, s -> assertThat(s.cause()).isEqualTo(DrainCause.REPAIR));
        assertThat(run(provider(DisruptionBudget.parse("0"), false, Optional.empty()), impaired)).singleElement()
                .isInstanceOf(Report.class);
    }

    @Test
    void reconcile_drainingEmptyOrPastDeadline_retires() {
        FleetSnapshot.Member m = member("i-1", 1, new ArrayList<>());
        FleetSnapshot.Member empty = new FleetSnapshot.Member("i-1", "mi", m.instanceType(), 0.1, BIG, m.launchedAtMillis(),
                FleetSnapshot.State.DRAINING, Optional.of(new FleetSnapshot.Drain(0, DrainCause.USER, Long.MAX_VALUE)), false, -1,
                -1, -1, List.of());
        FleetSnapshot.Member late = new FleetSnapshot.Member("i-2", "mi", m.instanceType(), 0.1, BIG, m.launchedAtMillis(),
                FleetSnapshot.State.DRAINING, Optional.of(new FleetSnapshot.Drain(0, DrainCause.MAX_LIFETIME, 1)), false, -1, -1, -1,
                List.of(FleetSnapshot.Work.standalone("s", SMALL)));
        List<Decision> d = run(provider(DisruptionBudget.percent(10), true, Optional.empty()), empty, late);
        assertThat(d).hasSize(2).allSatisfy(x -> assertThat(x).isInstanceOf(Retire.class));
        assertThat(((Retire) d.get(0)).force()).isFalse();
        assertThat(((Retire) d.get(1)).force()).isTrue();
    }

    /**
     * A compaction drain in progress keeps compaction away: a pass that only sees its tasks move to other instances
     * decides nothing (the quiet pass holds though members changed), and the drained instance is retired the pass it
     * is empty (compaction goes on then) — as a controller that never skipped a pass decides.
     */
    @Test
    void reconcile_tasksMovingOffACompactionDrain_decidesLikeAFreshController() {
        FleetSnapshot.Provider p = provider(DisruptionBudget.percent(100), true, Optional.empty());
        FleetSnapshot.Member i1 = member("i-1", 1, List.of(service("a")));
        FleetSnapshot.Member i2 = member("i-2", 1, List.of(service("b")));
        List<List<FleetSnapshot.Member>> steps = List.of(
                List.of(i1, i2, compacted(List.of(service("m1"), service("m2")))),
                List.of(member("i-1", 1, List.of(service("a"), service("m1"))), i2, compacted(List.of(service("m2")))),
                List.of(member("i-1", 1, List.of(service("a"), service("m1"))),
                        member("i-2", 1, List.of(service("b"), service("m2"))), compacted(List.of())));
        List<List<Decision>> decided = new ArrayList<>();
        for (List<FleetSnapshot.Member> fleet : steps) {
            FleetSnapshot snapshot = new FleetSnapshot(NOW, Map.of("mi", p), fleet);
            List<Decision> d = controller.reconcile(snapshot);
            assertThat(d).isEqualTo(new LifecycleController(LifecycleSettings.defaults(),
                    new Compaction(new Provisioner())).reconcile(snapshot));
            decided.add(d);
        }
        assertThat(decided.get(0)).isEmpty();
        assertThat(decided.get(1)).isEmpty();
        assertThat(decided.get(2)).first().isInstanceOfSatisfying(Retire.class,
                r -> assertThat(r.instanceId()).isEqualTo("i-9"));
    }

    /** i-9 drained by compaction (deadline far away), with {@code tasks} left on it. */
    private static FleetSnapshot.Member compacted(List<FleetSnapshot.Work> tasks) {
        FleetSnapshot.Member base = member("i-9", 1, List.of(service("x")));
        return new FleetSnapshot.Member("i-9", "mi", base.instanceType(), base.pricePerHour(), BIG,
                base.launchedAtMillis(), FleetSnapshot.State.DRAINING, Optional.of(new FleetSnapshot.Drain(
                NOW.toEpochMilli(), DrainCause.UNDERUTILIZED, NOW.toEpochMilli() + DAY)), false, -1, -1,
                base.lastTaskChangeMillis(), tasks);
    }
}
