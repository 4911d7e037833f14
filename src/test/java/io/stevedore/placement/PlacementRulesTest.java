package io.stevedore.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The wire-shape rules of placement constraints, strategies and requests. */
class PlacementRulesTest {
    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource(delimiter = ';', nullValues = "null", value = {
        "binpack; cpu; Binpack[field=CPU]",
        "binpack; memory; Binpack[field=MEMORY]",
        "binpack; MEMORY; Binpack[field=MEMORY]",
        "spread; instanceId; Spread[field=instanceId]",
        "spread; host; Spread[field=host]",
        "spread; attribute:ecs.availability-zone; Spread[field=attribute:ecs.availability-zone]",
        "random; null; Random[]",
    })
    void strategyOf_validShapes(String type, String field, String expected) {
        assertThat(PlacementStrategy.of(type, field)).hasToString(expected);
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource(delimiter = ';', nullValues = "null", value = {
        "binpack; gpu; Valid fields: cpu, memory",
        "binpack; null; Valid fields: cpu, memory",
        "spread; null; requires a field",
        "spread; ecs.availability-zone; Valid fields: instanceId, host, attribute:<name>",
        "spread; attribute:; Valid fields",
        "random; cpu; does not take a field",
        "pack; cpu; Valid types: random, spread, binpack",
    })
    void strategyOf_invalid_refused(String type, String field, String message) {
        assertThatThrownBy(() -> PlacementStrategy.of(type, field)).isInstanceOf(PlacementValidationException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource(delimiter = ';', nullValues = "null", value = {
        "distinctInstance; attribute:a == b; cannot be specified for a distinctInstance",
        "memberOf; null; requires an expression",
        "memberOf; attribute:a ==; Invalid placement constraint expression",
        "sameInstance; null; Valid types: distinctInstance, memberOf",
    })
    void constraintOf_invalid_refused(String type, String expression, String message) {
        assertThatThrownBy(() -> PlacementConstraint.of(type, expression))
                .isInstanceOf(PlacementValidationException.class).hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "attribute:ecs.instance-type =~ m5.*; false",
        "ec2InstanceId in [i-1] and agentVersion >= 1.0.0; false",
        "not(task:group == database); true",
        "attribute:a == b or runningTasksCount < 2; true",
    })
    void memberOf_planDependentOnlyWhenReadingGroupsOrCounts(String expression, boolean dependent) {
        assertThat(((PlacementConstraint.MemberOf) PlacementConstraint.memberOf(expression)).planDependent())
                .isEqualTo(dependent);
    }

    @Test
    void request_limits_tenConstraintsFiveStrategies() {
        List<PlacementConstraint> ten = Collections.nCopies(10, PlacementConstraint.distinctInstance());
        PlacementRequest ok = PlacementRequest.of("g", Fleet.task(1, 1)).withConstraints(ten);
        assertThat(ok.constraints()).hasSize(10);
        assertThatThrownBy(() -> ok.withConstraints(Collections.nCopies(11, PlacementConstraint.distinctInstance())))
                .hasMessageContaining("at most 10");
        assertThatThrownBy(() -> ok.withStrategies(Collections.nCopies(6, new PlacementStrategy.Random())))
                .hasMessageContaining("at most 5");
    }

    @Test
    void request_noStrategies_defaultSpreadZonesThenBinpackMemory() {
        assertThat(PlacementRequest.of("g", Fleet.task(1, 1)).strategies()).containsExactly(
                new PlacementStrategy.Spread("attribute:ecs.availability-zone"),
                new PlacementStrategy.Binpack(PlacementStrategy.Binpack.Field.MEMORY));
    }

    @Test
    void scorers_normalizedToUnitInterval() {
        PlanState s = new Fleet().add("m5.large", "us-east-1a").add("m5.4xlarge", "us-east-1b").snapshot().newPlan();
        PlacementRequest r = PlacementRequest.of("g", Fleet.task(256, 512));
        for (PlacementStrategy st : List.of(new PlacementStrategy.Binpack(PlacementStrategy.Binpack.Field.CPU),
                new PlacementStrategy.Binpack(PlacementStrategy.Binpack.Field.MEMORY),
                new PlacementStrategy.Spread("instanceId"), new PlacementStrategy.Random())) {
            for (int i = 0; i < 2; i++) {
                assertThat(PlacementScorer.of(st).score(s, i, r, 0)).isBetween(0.0, 1.0);
            }
        }
        PlacementScorer bin = PlacementScorer.of(new PlacementStrategy.Binpack(PlacementStrategy.Binpack.Field.MEMORY));
        assertThat(bin.score(s, 0, r, 0)).isGreaterThan(bin.score(s, 1, r, 0));
    }
}
