package io.stevedore.wire;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.CreateClusterRequest;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TagResourceRequest;

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

    /** Each class's plan reads only required or nesting fields: a structure two levels down is still visited. */
    @Test
    void missingMemberTwoStructuresDown_named() {
        CreateServiceRequest r = CreateServiceRequest.builder().serviceName("s").networkConfiguration(
                NetworkConfiguration.builder().awsvpcConfiguration(AwsVpcConfiguration.builder()
                        .securityGroups("sg-1").build()).build()).build();
        assertThatThrownBy(() -> RequiredMembers.ecs().checkNested(r)).isInstanceOf(AwsException.class)
                .hasMessage("networkConfiguration.awsvpcConfiguration.subnets must be specified.");
    }

    /** A required scalar member of a structure in a list is read (the plan keeps required scalars). */
    @Test
    void missingScalarInListedStructure_named() {
        TagResourceRequest ok = TagResourceRequest.builder().resourceArn("a")
                .tags(Tag.builder().key("k").value("v").build()).build();
        assertThatCode(() -> RequiredMembers.ecs().checkNested(ok)).doesNotThrowAnyException();
        CreateClusterRequest r = CreateClusterRequest.builder().clusterName("c").defaultCapacityProviderStrategy(
                CapacityProviderStrategyItem.builder().weight(1).build()).build();
        assertThatThrownBy(() -> RequiredMembers.ecs().checkNested(r)).isInstanceOf(AwsException.class)
                .hasMessage("defaultCapacityProviderStrategy[0].capacityProvider must be specified.");
        // the same class seen again (its plan now learnt) answers the same
        assertThatThrownBy(() -> RequiredMembers.ecs().checkNested(r)).isInstanceOf(AwsException.class)
                .hasMessage("defaultCapacityProviderStrategy[0].capacityProvider must be specified.");
    }
}
