package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;

/**
 * What of the fleet engine the wire shows, through the real EcsClient: a placement constraint Managed Instances
 * does not support is refused with the error ECS gives. The fleet's behaviour (seed cost targets, capacity
 * fallback, constraints and strategies on new capacity, no over-commit) is tested on the virtual clock in
 * {@code io.stevedore.control.FleetBehaviourTest}.
 */
class FleetEngineApiTest extends EcsServerTestBase {
    @BeforeEach
    void setUp() {
        f.miCluster("c");
    }

    @Test
    void distinctInstance_runTaskOnManagedInstances_refusedWithTheSupportedAttributes() {
        f.register(EcsServerFixture.nginx("web"));
        assertThatThrownBy(() -> f.ecs.runTask(b -> b.cluster("c").taskDefinition("web").count(4)
                .networkConfiguration(f.awsvpc()).placementConstraints(p -> p.type("distinctInstance"))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("ecs.subnet-id, ecs.availability-zone, ecs.instance-type");
        assertThat(f.ecs.listTasks(b -> b.cluster("c")).taskArns()).isEmpty();
    }
}
