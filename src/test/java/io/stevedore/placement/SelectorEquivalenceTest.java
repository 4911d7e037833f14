package io.stevedore.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.catalog.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The indexed fast paths must choose exactly what the plain definition chooses: among all feasible instances,
 * the lexicographically smallest ranks in strategy order, then the lowest index. Also: never over-commit.
 */
class SelectorEquivalenceTest {
    private static final String[] TYPES = {"c5.large", "m5.large", "m5.xlarge", "r5.large", "c6g.large",
        "m6g.xlarge", "g4dn.xlarge"};
    private static final PlacementStrategy BIN_MEM = new PlacementStrategy.Binpack(
            PlacementStrategy.Binpack.Field.MEMORY);
    private static final PlacementStrategy BIN_CPU = new PlacementStrategy.Binpack(PlacementStrategy.Binpack.Field.CPU);
    private static final PlacementStrategy SPREAD_AZ = new PlacementStrategy.Spread("attribute:ecs.availability-zone");
    private static final PlacementStrategy SPREAD_ID = new PlacementStrategy.Spread("instanceId");
    private static final PlacementStrategy SPREAD_TEAM = new PlacementStrategy.Spread("attribute:team");

    static Stream<Arguments> cases() {
        List<List<PlacementStrategy>> combos = List.of(List.of(BIN_MEM), List.of(BIN_CPU), List.of(SPREAD_AZ),
                List.of(SPREAD_AZ, BIN_MEM), List.of(SPREAD_AZ, BIN_CPU, SPREAD_ID), List.of(BIN_MEM, SPREAD_ID),
                List.of(SPREAD_ID), List.of(SPREAD_TEAM, BIN_MEM), List.of(new PlacementStrategy.Random()),
                List.of(SPREAD_AZ, new PlacementStrategy.Random()), List.of(SPREAD_AZ, SPREAD_ID),
                List.of(SPREAD_ID, BIN_CPU), List.of(SPREAD_TEAM, SPREAD_ID, BIN_MEM));
        List<Arguments> out = new ArrayList<>();
        for (long seed = 1; seed <= 6; seed++) {
            for (List<PlacementStrategy> c : combos) {
                out.add(Arguments.of(seed, c));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "seed {0} {1}")
    @MethodSource("cases")
    void place_fastPathsEqualDefinitionAndNeverOvercommit(long seed, List<PlacementStrategy> strategies) {
        Random rnd = new Random(seed);
        Fleet f = new Fleet();
        for (int k = 0; k < 60; k++) {
            String type = TYPES[rnd.nextInt(TYPES.length)];
            f.add(type, "us-east-1" + (char) ('a' + rnd.nextInt(3)), rnd.nextBoolean() ? "mi" : "mi2",
                    Map.of("team", "t" + rnd.nextInt(4)));
            int used = rnd.nextInt(4);
            if (used > 0) {
                f.mapLast(v -> v.withRunning(new Resources(used * 256, used * 700L, 0, Math.min(used, v.registered().enis())), Set.of(),
                        Map.of(rnd.nextBoolean() ? "service:web" : "service:db", used)));
            }
            if (rnd.nextInt(10) == 0) {
                f.mapLast(v -> v.withStatus(InstanceStatus.DRAINING));
            }
        }
        ClusterSnapshot snap = f.snapshot();
        PlacementEngine engine = PlacementEngine.standard();
        PlanState fast = snap.newPlan();
        PlanState ref = snap.newPlan();
        for (int batch = 0; batch < 6; batch++) {
            Architecture arch = rnd.nextInt(3) == 0 ? Architecture.ARM64 : Architecture.X86_64;
            PlacementRequest r = new PlacementRequest(rnd.nextBoolean() ? "service:web" : "service:api",
                    TaskDemand.awsvpc(128 * (1 + rnd.nextInt(8)), 256L * (1 + rnd.nextInt(12)), arch),
                    rnd.nextBoolean() ? Set.of() : Set.of("mi"),
                    rnd.nextInt(4) == 0 ? List.of(PlacementConstraint.distinctInstance()) : List.of(),
                    strategies, seed);
            int count = 1 + rnd.nextInt(25);
            List<Integer> got = new ArrayList<>();
            for (TaskPlacement p : engine.place(fast, r, count).placements()) {
                got.add(indexOf(snap, p.containerInstanceId()));
            }
            if (strategies.get(0) instanceof PlacementStrategy.Random) {
                assertFeasibleAndMaximal(engine, ref, r, count, got);
            } else {
                assertThat(got).isEqualTo(reference(engine, ref, r, count));
            }
            for (int i : got) {
                if (rnd.nextInt(3) == 0) { // some tasks stop: both plans give their resources back
                    fast.release(i, r.demand(), r.group());
                    ref.release(i, r.demand(), r.group());
                }
            }
        }
        for (int i = 0; i < snap.size(); i++) {
            assertThat(fast.remaining(i).isNonNegative()).isTrue();
        }
    }

    /** A random first strategy draws instead of ranking: each choice feasible, and it stops only when full. */
    private static void assertFeasibleAndMaximal(PlacementEngine engine, PlanState s, PlacementRequest r, int count,
                                                 List<Integer> got) {
        for (int i : got) {
            assertThat(engine.feasible(s, i, r)).isTrue();
            s.commit(i, r);
        }
        if (got.size() < count) {
            for (int i = 0; i < s.snapshot().size(); i++) {
                assertThat(engine.feasible(s, i, r)).isFalse();
            }
        }
    }

    private static int indexOf(ClusterSnapshot s, String id) {
        for (int i = 0; i < s.size(); i++) {
            if (s.instance(i).containerInstanceId().equals(id)) {
                return i;
            }
        }
        throw new AssertionError(id);
    }

    private static List<Integer> reference(PlacementEngine engine, PlanState s, PlacementRequest r, int count) {
        List<PlacementScorer> scorers = r.strategies().stream().map(PlacementScorer::of).toList();
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int ordinal = s.placedTasks();
            int best = -1;
            for (int i = 0; i < s.snapshot().size(); i++) {
                if (engine.feasible(s, i, r) && (best < 0 || before(s, r, scorers, ordinal, i, best))) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            s.commit(best, r);
            out.add(best);
        }
        return out;
    }

    private static boolean before(PlanState s, PlacementRequest r, List<PlacementScorer> scorers, int ordinal,
                                  int i, int j) {
        for (PlacementScorer sc : scorers) {
            int c = Long.compare(sc.rank(s, i, r, ordinal), sc.rank(s, j, r, ordinal));
            if (c != 0) {
                return c < 0;
            }
        }
        return i < j;
    }
}
