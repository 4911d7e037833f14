package io.stevedore.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.placement.PlacementConstraint;
import io.stevedore.placement.PlacementStrategy;
import io.stevedore.wire.AwsException;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.PlacementConstraintType;
import software.amazon.awssdk.services.ecs.model.PlacementStrategyType;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionPlacementConstraint;

class PlacementModelMapperTest {
    @Test
    void constraints_sdkShapes_toDomain() {
        List<PlacementConstraint> c = PlacementModelMapper.constraints(List.of(
                software.amazon.awssdk.services.ecs.model.PlacementConstraint.builder()
                        .type(PlacementConstraintType.DISTINCT_INSTANCE).build(),
                software.amazon.awssdk.services.ecs.model.PlacementConstraint.builder()
                        .type(PlacementConstraintType.MEMBER_OF).expression("attribute:ecs.instance-type =~ c7g.*")
                        .build()));
        assertThat(c.get(0)).isInstanceOf(PlacementConstraint.DistinctInstance.class);
        assertThat(((PlacementConstraint.MemberOf) c.get(1)).text()).isEqualTo("attribute:ecs.instance-type =~ c7g.*");
        assertThat(PlacementModelMapper.taskDefinitionConstraints(List.of(TaskDefinitionPlacementConstraint.builder()
                .type("memberOf").expression("attribute:ecs.availability-zone == us-east-1a").build()))).hasSize(1);
    }

    @Test
    void failure_placementFailure_ecsReasonAndDetail() {
        var why = new io.stevedore.placement.PlacementFailure(2, io.stevedore.placement.ReasonCode.RESOURCE_MEMORY,
                java.util.Map.of(io.stevedore.placement.ReasonCode.RESOURCE_MEMORY, 3),
                new io.stevedore.placement.Rejection("resources", io.stevedore.placement.ReasonCode.RESOURCE_MEMORY,
                        "memoryMiB", "8192", "4000"));
        var f = PlacementModelMapper.failure(why, "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1");
        assertThat(f.reason()).isEqualTo("RESOURCE:MEMORY");
        assertThat(f.detail()).isEqualTo("2 task(s) could not be placed: RESOURCE:MEMORY on 3 instance(s)"
                + " (memoryMiB: asked 8192, best available 4000).");
        assertThat(f.arn()).endsWith("task-definition/web:1");
    }

    @Test
    void taskDefinitionConstraints_distinctInstance_refused() {
        assertThatThrownBy(() -> PlacementModelMapper.taskDefinitionConstraints(List.of(
                TaskDefinitionPlacementConstraint.builder().type("distinctInstance").build())))
                .isInstanceOf(AwsException.class).hasMessageContaining("Valid types: memberOf");
    }

    @Test
    void constraints_badExpression_invalidParameterException() {
        assertThatThrownBy(() -> PlacementModelMapper.constraints(List.of(
                software.amazon.awssdk.services.ecs.model.PlacementConstraint.builder().type("memberOf")
                        .expression("attribute:x =").build()))).isInstanceOf(AwsException.class)
                .extracting(e -> ((AwsException) e).errorType()).isEqualTo("InvalidParameterException");
    }

    @Test
    void strategies_sdkShapes_toDomainInOrder_atMostFive() {
        var binpack = software.amazon.awssdk.services.ecs.model.PlacementStrategy.builder()
                .type(PlacementStrategyType.BINPACK).field("memory").build();
        var spread = software.amazon.awssdk.services.ecs.model.PlacementStrategy.builder()
                .type(PlacementStrategyType.SPREAD).field("instanceId").build();
        assertThat(PlacementModelMapper.strategies(List.of(spread, binpack))).containsExactly(
                new PlacementStrategy.Spread("instanceId"),
                new PlacementStrategy.Binpack(PlacementStrategy.Binpack.Field.MEMORY));
        assertThatThrownBy(() -> PlacementModelMapper.strategies(Collections.nCopies(6, spread)))
                .isInstanceOf(AwsException.class).hasMessageContaining("at most 5");
    }

    @Test
    void capacityProviderStrategy_missingBaseAndWeightAreZero_allZeroRefused() {
        assertThat(PlacementModelMapper.capacityProviderStrategy(List.of(CapacityProviderStrategyItem.builder()
                .capacityProvider("mi").weight(1).build())).distribute(3)).containsEntry("mi", 3);
        assertThatThrownBy(() -> PlacementModelMapper.capacityProviderStrategy(List.of(
                CapacityProviderStrategyItem.builder().capacityProvider("mi").build())))
                .isInstanceOf(AwsException.class).hasMessageContaining("weight greater than zero");
    }
}
