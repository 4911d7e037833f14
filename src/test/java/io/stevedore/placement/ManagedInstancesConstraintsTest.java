package io.stevedore.placement;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ManagedInstancesConstraintsTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "attribute:ecs.subnet-id in [subnet-1, subnet-2]",
        "attribute:ecs.availability-zone == us-east-1a",
        "attribute:ecs.instance-type =~ c7g.*",
        "attribute:ecs.cpu-architecture == arm64",
        "attribute:ecs.availability-zone != us-east-1c and not(attribute:ecs.instance-type =~ t.*)",
    })
    void validateConstraints_memberOfOnTheFourAttributes_accepted(String expression) {
        assertThatCode(() -> ManagedInstancesConstraints.validateConstraints(List.of(
                PlacementConstraint.memberOf(expression)))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "attribute:ecs.os-type == linux; attribute:ecs.os-type",
        "attribute:team == blue; attribute:team",
        "task:group == database; task:group",
        "runningTasksCount < 3; runningTasksCount",
        "attribute:ecs.availability-zone == us-east-1a or ec2InstanceId == i-1; ec2InstanceId",
        "instanceType == c5.large and agentConnected == true; agentConnected",
    })
    void validateConstraints_otherSubject_refusedNamingIt(String expression, String subject) {
        assertThatThrownBy(() -> ManagedInstancesConstraints.validateConstraints(List.of(
                PlacementConstraint.memberOf(expression)))).isInstanceOf(PlacementValidationException.class)
                .hasMessageContaining("uses '" + subject + "'")
                .hasMessageContaining("ecs.subnet-id, ecs.availability-zone, ecs.instance-type and ecs.cpu-architecture");
    }

    @Test
    void validateConstraints_distinctInstance_refused() {
        assertThatThrownBy(() -> ManagedInstancesConstraints.validateConstraints(List.of(
                PlacementConstraint.distinctInstance()))).hasMessageContaining("distinctInstance")
                .hasMessageContaining("not supported");
    }
}
