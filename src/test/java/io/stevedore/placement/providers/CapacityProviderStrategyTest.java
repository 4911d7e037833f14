package io.stevedore.placement.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.placement.PlacementValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CapacityProviderStrategyTest {
    private static StrategyItem item(String p, int base, int weight) {
        return new StrategyItem(p, base, weight);
    }

    static Stream<Arguments> distributions() {
        return Stream.of(
                // ECS docs: two providers with weight 1 each → tasks split evenly once the base is satisfied
                Arguments.of(List.of(item("A", 0, 1), item("B", 0, 1)), 10, Map.of("A", 5, "B", 5)),
                // ECS docs: weight 1 for A and 4 for B → for every task on A, four on B
                Arguments.of(List.of(item("A", 0, 1), item("B", 0, 4)), 5, Map.of("A", 1, "B", 4)),
                Arguments.of(List.of(item("A", 0, 1), item("B", 0, 4)), 10, Map.of("A", 2, "B", 8)),
                // ECS Spot workshop: base 2 on on-demand, weights 1:3 → 2 first on on-demand, rest 1:3
                Arguments.of(List.of(item("OD", 2, 1), item("SPOT", 0, 3)), 10, Map.of("OD", 4, "SPOT", 6)),
                // base larger than the request: everything on the base provider
                Arguments.of(List.of(item("FARGATE", 3, 1), item("FARGATE_SPOT", 0, 1)), 2,
                        Map.of("FARGATE", 2, "FARGATE_SPOT", 0)),
                // weight 0 receives nothing beyond its base
                Arguments.of(List.of(item("A", 1, 0), item("B", 0, 1)), 4, Map.of("A", 1, "B", 3)),
                Arguments.of(List.of(item("A", 0, 0), item("B", 0, 2)), 3, Map.of("A", 0, "B", 3)),
                // ties go to the provider listed first
                Arguments.of(List.of(item("A", 0, 1), item("B", 0, 1)), 1, Map.of("A", 1, "B", 0)),
                Arguments.of(List.of(item("A", 0, 2), item("B", 0, 1), item("C", 0, 1)), 7,
                        Map.of("A", 4, "B", 2, "C", 1)),
                Arguments.of(List.of(item("A", 0, 1)), 0, Map.of("A", 0)));
    }

    @ParameterizedTest(name = "[{index}] {0} x{1}")
    @MethodSource("distributions")
    void distribute_docExamples(List<StrategyItem> items, int count, Map<String, Integer> expected) {
        assertThat(new CapacityProviderStrategy(items).distribute(count)).isEqualTo(expected);
    }

    @Test
    void distribute_serviceWithRunningTasks_baseAlreadyMet_newTasksFollowWeights() {
        CapacityProviderStrategy s = CapacityProviderStrategy.of(item("OD", 2, 1), item("SPOT", 0, 3));
        // 2 on OD (the base) and 3 on SPOT already run; 3 more → the weighted share (1:3) needs OD 1, SPOT 2
        assertThat(s.distribute(3, Map.of("OD", 2, "SPOT", 3))).isEqualTo(Map.of("OD", 1, "SPOT", 2));
    }

    @Test
    void distribute_serviceScaledUpOneAtATime_sameAsAllAtOnce() {
        CapacityProviderStrategy s = CapacityProviderStrategy.of(item("A", 1, 2), item("B", 0, 3), item("C", 0, 1));
        Map<String, Integer> running = new java.util.HashMap<>();
        for (int k = 0; k < 25; k++) {
            s.distribute(1, running).forEach((p, n) -> running.merge(p, n, Integer::sum));
        }
        assertThat(running).isEqualTo(s.distribute(25));
    }

    @Test
    void distribute_tasksBeyondBase_withinOneOfExactShare() {
        CapacityProviderStrategy s = CapacityProviderStrategy.of(item("A", 0, 7), item("B", 0, 3), item("C", 0, 11));
        for (int n = 0; n < 200; n++) {
            Map<String, Integer> d = s.distribute(n);
            assertThat(Math.abs(d.get("A") - n * 7.0 / 21)).isLessThanOrEqualTo(1.0);
            assertThat(Math.abs(d.get("B") - n * 3.0 / 21)).isLessThanOrEqualTo(1.0);
            assertThat(d.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(n);
        }
    }

    static Stream<Arguments> invalid() {
        List<StrategyItem> many = new ArrayList<>();
        for (int k = 0; k < 21; k++) {
            many.add(item("cp" + k, 0, 1));
        }
        return Stream.of(
                Arguments.of(List.of(), "at least one capacity provider"),
                Arguments.of(many, "at most 20"),
                Arguments.of(List.of(item("A", 1, 1), item("B", 2, 1)), "Only one capacity provider"),
                Arguments.of(List.of(item("A", 0, 0), item("B", 0, 0)), "weight greater than zero"),
                Arguments.of(List.of(item("A", 0, 1001)), "between 0 and 1000"),
                Arguments.of(List.of(item("A", 0, -1)), "between 0 and 1000"),
                Arguments.of(List.of(item("A", 100_001, 1)), "between 0 and 100000"),
                Arguments.of(List.of(item("A", -1, 1)), "between 0 and 100000"),
                Arguments.of(List.of(item("A", 0, 1), item("A", 0, 2)), "more than once"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("invalid")
    void new_invalidStrategy_refusedWithInvalidParameter(List<StrategyItem> items, String message) {
        assertThatThrownBy(() -> new CapacityProviderStrategy(items))
                .isInstanceOf(PlacementValidationException.class).hasMessageContaining(message)
                .extracting(e -> ((PlacementValidationException) e).errorType())
                .isEqualTo("InvalidParameterException");
    }

    @Test
    void new_twentyItemsAndMaxima_accepted() {
        List<StrategyItem> twenty = new ArrayList<>();
        twenty.add(item("cp0", 100_000, 1000));
        for (int k = 1; k < 20; k++) {
            twenty.add(item("cp" + k, 0, 0));
        }
        assertThat(new CapacityProviderStrategy(twenty).distribute(100_001).get("cp0")).isEqualTo(100_001);
    }

    @Test
    void validateProviders_mixedKinds_refused() {
        Map<String, ProviderKind> kinds = Map.of("mi", ProviderKind.MANAGED_INSTANCES, "asg",
                ProviderKind.AUTO_SCALING_GROUP, "FARGATE", ProviderKind.FARGATE, "FARGATE_SPOT", ProviderKind.FARGATE);
        assertThat(CapacityProviderStrategy.of(item("FARGATE", 1, 1), item("FARGATE_SPOT", 0, 4))
                .validateProviders(kinds::get)).isEqualTo(ProviderKind.FARGATE);
        assertThatThrownBy(() -> CapacityProviderStrategy.of(item("mi", 0, 1), item("FARGATE", 0, 1))
                .validateProviders(kinds::get)).hasMessageContaining("cannot mix capacity provider types");
        assertThatThrownBy(() -> CapacityProviderStrategy.of(item("mi", 0, 1), item("asg", 0, 1))
                .validateProviders(kinds::get)).hasMessageContaining("cannot mix");
        assertThatThrownBy(() -> CapacityProviderStrategy.of(item("nope", 0, 1)).validateProviders(kinds::get))
                .hasMessageContaining("not associated with the cluster: nope");
    }

    @Test
    void effective_noneGiven_clusterDefault_neitherIsAnError() {
        List<StrategyItem> def = List.of(item("mi", 0, 1));
        assertThat(CapacityProviderStrategy.effective(List.of(), def).items()).isEqualTo(def);
        assertThat(CapacityProviderStrategy.effective(List.of(item("x", 0, 1)), def).items())
                .containsExactly(item("x", 0, 1));
        assertThatThrownBy(() -> CapacityProviderStrategy.effective(List.of(), List.of()))
                .hasMessageContaining("no default capacity provider strategy");
    }

    @Test
    void providerKind_reservedFargateNames() {
        assertThat(ProviderKind.ofReservedName("FARGATE")).isEqualTo(ProviderKind.FARGATE);
        assertThat(ProviderKind.ofReservedName("FARGATE_SPOT")).isEqualTo(ProviderKind.FARGATE);
        assertThat(ProviderKind.ofReservedName("fargate")).isNull();
    }
}
