package io.stevedore.wire;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.CreateClusterRequest;

/** The error names the missing member's path, list positions included. */
class RequiredMembersTest {
    @Test
    void missingMemberInSecondListItem_pathWithIndex() {
        CreateClusterRequest r = CreateClusterRequest.builder().clusterName("c").defaultCapacityProviderStrategy(
                CapacityProviderStrategyItem.builder().capacityProvider("a").weight(1).build(),
                CapacityProviderStrategyItem.builder().weight(1).build()).build();
        assertThatThrownBy(() -> RequiredMembers.ecs().checkNested(r)).isInstanceOf(AwsException.class)
                .hasMessage("defaultCapacityProviderStrategy[1].capacityProvider must be specified.");
    }

    @Test
    void everyRequiredMemberPresent_passes() {
        CreateClusterRequest r = CreateClusterRequest.builder().clusterName("c").defaultCapacityProviderStrategy(
                CapacityProviderStrategyItem.builder().capacityProvider("a").weight(1).build()).build();
        assertThatCode(() -> RequiredMembers.ecs().checkNested(r)).doesNotThrowAnyException();
    }
}
