package io.stevedore.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.Offering;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.control.scheduling.CapacityOfferings;
import io.stevedore.lifecycle.Decision.StartDrain;
import io.stevedore.placement.InstanceReservation;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.LaunchPlan;
import io.stevedore.provisioning.PendingGroup;
import io.stevedore.provisioning.PlannedInstance;
import io.stevedore.provisioning.Provisioner;
import io.stevedore.provisioning.ProvisioningRequest;
import io.stevedore.provisioning.TaskAssignment;
import io.stevedore.provisioning.Zone;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Consolidation by replacement on hand-made snapshots: a CPU-bound instance and a memory-bound one whose tasks one
 * cheaper instance holds are drained together; not when the saving is under the threshold, not when the provider
 * did not enable it, not past the disruption budget, and never for a set whose re-plan is the same types.
 */
class ConsolidationTest {
    static final Instant NOW = Instant.parse("2026-02-02T12:00:00Z");
    static final TaskDemand CPU_BOUND = TaskDemand.awsvpc(1024, 512, Architecture.ARM64);
    static final TaskDemand MEMORY_BOUND = TaskDemand.awsvpc(256, 6144, Architecture.ARM64);
    static List<Offering> offerings;

    @BeforeAll
    static void load() {
        offerings = CapacityOfferings.load().everyType("us-east-1", PurchaseOption.ON_DEMAND);
    }

    final LifecycleController controller = new LifecycleController(LifecycleSettings.defaults(),
            new Compaction(new Provisioner()), new Consolidation(new Provisioner()));

    static FleetSnapshot.Provider provider(ConsolidationPolicy policy, String budget) {
        return new FleetSnapshot.Provider("mi", 300_000, true, Optional.empty(), DisruptionBudget.parse(budget),
                offerings, List.of(new Zone("subnet-1", "us-east-1a")), true, policy,
                io.stevedore.placement.Resources.ZERO);
    }

    static Offering offering(String type) {
        return offerings.stream().filter(o -> o.type().name().equals(type)).findFirst().orElseThrow();
    }

    /** An instance of {@code type}, launched a day ago, quiet for an hour, running {@code n} tasks of {@code d}. */
    static FleetSnapshot.Member member(String id, String type, TaskDemand d, int n) {
        Offering o = offering(type);
        List<FleetSnapshot.Work> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(FleetSnapshot.Work.running(id + "-t" + i, d == CPU_BOUND ? "cpu" : "memory", d));
        }
        long now = NOW.toEpochMilli();
        return new FleetSnapshot.Member(id, "mi", type, o.pricePerHour(), InstanceReservation.registered(o.type()),
                now - Duration.ofDays(1).toMillis(), FleetSnapshot.State.ACTIVE, Optional.empty(), false, -1, -1,
                now - Duration.ofHours(1).toMillis(), tasks);
    }

    /** i-1: c7g.xlarge with three CPU-bound tasks (memory idle); i-2: r7g.large with two memory-bound ones. */
    static List<FleetSnapshot.Member> complementary() {
        return List.of(member("i-1", "c7g.xlarge", CPU_BOUND, 3), member("i-2", "r7g.large", MEMORY_BOUND, 2));
    }

    private List<Decision> run(FleetSnapshot.Provider p, List<FleetSnapshot.Member> members) {
        return controller.reconcile(new FleetSnapshot(NOW, Map.of("mi", p), members));
    }

    private static List<StartDrain> replacements(List<Decision> decisions) {
        return decisions.stream().filter(d -> d instanceof StartDrain s && s.cause() == DrainCause.REPLACEMENT)
                .map(d -> (StartDrain) d).toList();
    }

    @Test
    void complementaryInstances_drainedTogetherForOneCheaperInstance() {
        List<StartDrain> drains = replacements(run(provider(ConsolidationPolicy.on(), "10"), complementary()));
        assertThat(drains).extracting(StartDrain::instanceId).containsExactly("i-1", "i-2");
        assertThat(drains.get(0).reason()).contains("consolidation by replacement").contains("saves");
        assertThat(drains.get(0).deadlineMillis()).isEqualTo(NOW.toEpochMilli()
                + LifecycleSettings.defaults().compactionTimeout().toMillis());
    }

    @Test
    void move_savesWhatThePlanSays() {
        FleetSnapshot.Provider p = provider(ConsolidationPolicy.on(), "10");
        Optional<Consolidation.Move> move = new Consolidation(new Provisioner()).pick(NOW.toEpochMilli(), p,
                complementary(), List.of(), 10);
        assertThat(move).isPresent();
        double before = offering("c7g.xlarge").pricePerHour() + offering("c7g.xlarge").feePerHour()
                + offering("r7g.large").pricePerHour() + offering("r7g.large").feePerHour();
        assertThat(move.get().beforePerHour()).isCloseTo(before, org.assertj.core.data.Offset.offset(1e-9));
        double after = 0;
        for (Map.Entry<String, Integer> e : move.get().newFleet().entrySet()) {
            after += e.getValue() * (offering(e.getKey()).pricePerHour() + offering(e.getKey()).feePerHour());
        }
        assertThat(move.get().afterPerHour()).isCloseTo(after, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(move.get().savingPerHour()).isGreaterThan(0.01 * before);
    }

    @Test
    void savingBelowThreshold_noMove() {
        FleetSnapshot.Provider on = provider(ConsolidationPolicy.on(), "10");
        double share = new Consolidation(new Provisioner()).pick(NOW.toEpochMilli(), on, complementary(),
                List.of(), 10).map(m -> m.savingPerHour() / m.beforePerHour()).orElseThrow();
        String above = Math.round(100 * share + 1) + "pct";
        assertThat(replacements(run(provider(ConsolidationPolicy.parse("enabled " + above), "10"), complementary())))
                .as("a threshold of %s, above the %.1f%% the move saves", above, 100 * share).isEmpty();
        String below = Math.round(100 * share - 1) + "pct";
        assertThat(replacements(run(provider(ConsolidationPolicy.parse("enabled " + below), "10"), complementary())))
                .as("a threshold of %s, below it", below).hasSize(2);
        assertThat(replacements(run(provider(ConsolidationPolicy.parse("enabled 1000/h"), "10"), complementary())))
                .as("a saving of at least 1000 USD/h").isEmpty();
    }

    /**
     * A move whose fleet costs no less once it finished (here: the same two instances, ACTIVE, nothing waiting) stops
     * consolidation of the provider until its tasks change.
     */
    @Test
    void moveThatDidNotDeliver_blocksConsolidationUntilTheTasksChange() {
        FleetSnapshot.Provider p = provider(ConsolidationPolicy.on(), "10");
        assertThat(replacements(run(p, complementary()))).hasSize(2);
        assertThat(controller.optimizationBlocked("mi", DrainCause.REPLACEMENT)).isFalse();
        assertThat(replacements(run(p, complementary()))).isEmpty();
        assertThat(controller.optimizationBlocked("mi", DrainCause.REPLACEMENT)).isTrue();
        List<FleetSnapshot.Member> changed = List.of(member("i-1", "c7g.xlarge", CPU_BOUND, 2),
                member("i-2", "r7g.large", MEMORY_BOUND, 2));
        assertThat(replacements(run(p, changed))).as("a task fewer: moves again").hasSize(2);
        assertThat(controller.optimizationBlocked("mi", DrainCause.REPLACEMENT)).isFalse();
    }

    @Test
    void disabledOrBudgetOfOne_noMove() {
        assertThat(replacements(run(provider(ConsolidationPolicy.off(), "10"), complementary()))).isEmpty();
        assertThat(replacements(run(provider(ConsolidationPolicy.on(), "1"), complementary()))).isEmpty();
    }

    @Test
    void recentTaskChange_waitsForQuietPeriod_andSaysWhen() {
        FleetSnapshot.Member fresh = member("i-2", "r7g.large", MEMORY_BOUND, 2);
        long changed = NOW.toEpochMilli() - 60_000;
        fresh = new FleetSnapshot.Member(fresh.instanceId(), fresh.provider(), fresh.instanceType(),
                fresh.pricePerHour(), fresh.registered(), fresh.launchedAtMillis(), fresh.state(), fresh.drain(), false,
                -1, -1, changed, fresh.tasks());
        List<Decision> d = run(provider(ConsolidationPolicy.on(), "10"),
                List.of(member("i-1", "c7g.xlarge", CPU_BOUND, 3), fresh));
        assertThat(replacements(d)).isEmpty();
        assertThat(controller.nextConsolidationMillis()).isEqualTo(changed + 300_000);
    }

    @Test
    void fleetAsPlanned_staysPut() {
        // the provisioner's own plan for the tasks of complementary(): no set of it re-plans cheaper
        List<PendingGroup> groups = List.of(new PendingGroup("cpu", CPU_BOUND, 3),
                new PendingGroup("memory", MEMORY_BOUND, 2), new PendingGroup("more", CPU_BOUND, 9));
        LaunchPlan plan = new Provisioner().plan(new ProvisioningRequest(groups, offerings,
                List.of(new Zone("subnet-1", "us-east-1a"))));
        List<FleetSnapshot.Member> members = new ArrayList<>();
        for (PlannedInstance pi : plan.instances()) {
            List<FleetSnapshot.Work> tasks = new ArrayList<>();
            for (TaskAssignment a : pi.tasks()) {
                TaskDemand d = groups.stream().filter(g -> g.key().equals(a.groupKey())).findFirst().orElseThrow()
                        .demand();
                for (int i = 0; i < a.count(); i++) {
                    tasks.add(FleetSnapshot.Work.running("t" + members.size() + "-" + a.groupKey() + i, a.groupKey(),
                            d));
                }
            }
            FleetSnapshot.Member m = member("i-" + members.size(), pi.offering().type().name(), CPU_BOUND, 0);
            members.add(new FleetSnapshot.Member(m.instanceId(), "mi", m.instanceType(), m.pricePerHour(),
                    m.registered(), m.launchedAtMillis(), m.state(), m.drain(), false, -1, -1,
                    m.lastTaskChangeMillis(), tasks));
        }
        assertThat(members).as("a fleet of several instances").hasSizeGreaterThan(1);
        assertThat(replacements(run(provider(ConsolidationPolicy.on(), "100"), members))).isEmpty();
    }

    @Test
    void policy_parsesTagValues() {
        assertThat(ConsolidationPolicy.parse("enabled").enabled()).isTrue();
        assertThat(ConsolidationPolicy.parse("disabled").enabled()).isFalse();
        ConsolidationPolicy p = ConsolidationPolicy.parse("enabled 3pct 0.05/h");
        assertThat(p.minShare()).isEqualTo(0.03);
        assertThat(p.minPerHour()).isEqualTo(0.05);
        assertThatThrownBy(() -> ConsolidationPolicy.parse("sometimes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'disabled' or 'enabled'");
        assertThatThrownBy(() -> ConsolidationPolicy.parse("enabled lots")).hasMessageContaining("3pct");
        // the move must repay its double running within the payback time
        assertThat(ConsolidationPolicy.on().worthIt(1.0, 0.5)).isTrue();
        assertThat(ConsolidationPolicy.on().worthIt(1.0, 0.995)).as("0.5 % saving").isFalse();
        assertThat(ConsolidationPolicy.on().worthIt(100.0, 99.0)).as("1 %: 24 h × 1 USD ≥ 99 × 10 min")
                .isTrue();
    }
}
