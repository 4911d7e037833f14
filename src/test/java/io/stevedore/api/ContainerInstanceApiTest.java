package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.TargetNotFoundException;

class ContainerInstanceApiTest extends EcsServerTestBase {
    String ci;

    @BeforeEach
    void setUp() {
        f.miCluster("c");
        f.register(EcsServerFixture.nginx("web"));
        f.ecs.createService(b -> b.cluster("c").serviceName("s").taskDefinition("web").desiredCount(1)
                .networkConfiguration(f.awsvpc()));
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("s"));
        ci = f.ecs.listContainerInstances(b -> b.cluster("c")).containerInstanceArns().get(0);
    }

    private ContainerInstance describe() {
        return f.ecs.describeContainerInstances(b -> b.cluster("c").containerInstances(ci)
                .includeWithStrings("CONTAINER_INSTANCE_HEALTH")).containerInstances().get(0);
    }

    private static int value(java.util.List<Resource> rs, String name) {
        return rs.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow().integerValue();
    }

    @Test
    void describeContainerInstances_managedInstance_hasAttributesAndResources() {
        ContainerInstance c = describe();
        assertThat(c.ec2InstanceId()).matches("i-0[0-9a-f]{16}");
        assertThat(c.capacityProviderName()).isEqualTo("c-mi");
        assertThat(c.status()).isEqualTo("ACTIVE");
        assertThat(c.agentConnected()).isTrue();
        assertThat(c.runningTasksCount()).isEqualTo(1);
        assertThat(c.healthStatus().overallStatusAsString()).isEqualTo("OK");
        assertThat(c.attributes()).extracting(Attribute::name).contains("ecs.instance-type",
                "ecs.availability-zone", "ecs.cpu-architecture", "ecs.os-type", "ecs.subnet-id");
        assertThat(c.attributes()).filteredOn(a -> a.name().equals("ecs.cpu-architecture"))
                .extracting(Attribute::value).containsExactly("arm64");
        assertThat(value(c.registeredResources(), "CPU") - value(c.remainingResources(), "CPU")).isEqualTo(512);
        assertThat(value(c.registeredResources(), "MEMORY") - value(c.remainingResources(), "MEMORY"))
                .isEqualTo(1024);
    }

    /**
     * An empty list is refused as ECS refuses it: InvalidParameterException "Container instance cannot be empty."
     * (an SDK v2 stack trace from ECS in gchq/sleeper issue 3387).
     */
    @Test
    void describeContainerInstances_emptyList_refusedInEcsWords() {
        assertThatThrownBy(() -> f.ecs.describeContainerInstances(b -> b.cluster("c").containerInstances(
                java.util.List.of()))).isInstanceOf(InvalidParameterException.class)
                .hasMessageStartingWith("Container instance cannot be empty.");
    }

    @Test
    void listContainerInstances_filterExpressions() {
        String type = describe().attributes().stream().filter(a -> a.name().equals("ecs.instance-type"))
                .findFirst().orElseThrow().value();
        assertThat(f.ecs.listContainerInstances(b -> b.cluster("c").filter("attribute:ecs.instance-type == " + type))
                .containerInstanceArns()).containsExactly(ci);
        assertThat(f.ecs.listContainerInstances(b -> b.cluster("c").filter("attribute:ecs.instance-type != " + type))
                .containerInstanceArns()).isEmpty();
        assertThat(f.ecs.listContainerInstances(b -> b.cluster("c")
                .filter("attribute:ecs.os-type == linux and attribute:ecs.cpu-architecture in [arm64, x86_64]"))
                .containerInstanceArns()).containsExactly(ci);
        assertThatThrownBy(() -> f.ecs.listContainerInstances(b -> b.cluster("c").filter("what is this")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("filter expression");
    }

    /**
     * UpdateContainerInstancesState over the wire: DRAINING is answered at once, ListContainerInstances filters by
     * it, and an unsupported status is refused. A long standalone task on the instance keeps it DRAINING (standalone
     * tasks run to completion), so the listing cannot race the instance's retirement. What the drain does next
     * (the service task moves start-before-stop, INACTIVE once the standalone task stops) is tested on the virtual
     * clock in {@code io.stevedore.control.LifecycleBehaviourTest}.
     */
    @Test
    void updateContainerInstancesState_draining_answeredListedByStatusAndOtherStatusesRefused() {
        ContainerInstance before = describe();
        String zone = attribute(before, "ecs.availability-zone");
        String type = attribute(before, "ecs.instance-type");
        f.register(EcsServerFixture.nginx("tiny").cpu("256").memory("256"));
        String standalone = f.ecs.runTask(b -> b.cluster("c").taskDefinition("tiny").networkConfiguration(f.awsvpc())
                .placementConstraints(p -> p.type("memberOf").expression("attribute:ecs.availability-zone == " + zone
                        + " and attribute:ecs.instance-type == " + type))
                .overrides(o -> o.containerOverrides(c -> c.name("web").environment(KeyValuePair.builder()
                        .name("STEVEDORE_RUN_SECONDS").value("100000000").build())))).tasks().get(0).taskArn();
        f.waiter.waitUntilTasksRunning(b -> b.cluster("c").tasks(standalone));
        assertThat(f.ecs.describeTasks(b -> b.cluster("c").tasks(standalone)).tasks().get(0).containerInstanceArn())
                .isEqualTo(ci);

        ContainerInstance d = f.ecs.updateContainerInstancesState(b -> b.cluster("c").containerInstances(ci)
                .status("DRAINING")).containerInstances().get(0);
        assertThat(d.status()).isEqualTo("DRAINING");
        assertThat(d.containerInstanceArn()).isEqualTo(ci);
        assertThat(f.ecs.listContainerInstances(b -> b.cluster("c").status("DRAINING")).containerInstanceArns())
                .containsExactly(ci);
        assertThat(f.ecs.listContainerInstances(b -> b.cluster("c").status("ACTIVE")).containerInstanceArns())
                .doesNotContain(ci);
        assertThat(describe().status()).isEqualTo("DRAINING");
        assertThatThrownBy(() -> f.ecs.updateContainerInstancesState(b -> b.cluster("c").containerInstances(ci)
                .status("REGISTERING"))).isInstanceOf(InvalidParameterException.class);
    }

    private static String attribute(ContainerInstance c, String name) {
        return c.attributes().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow().value();
    }

    @Test
    void attributes_putListDelete() {
        f.ecs.putAttributes(b -> b.cluster("c").attributes(a -> a.name("stack").value("prod").targetId(ci)));
        assertThat(f.ecs.listAttributes(b -> b.cluster("c").targetType("container-instance").attributeName("stack"))
                .attributes()).singleElement().satisfies(a -> {
                    assertThat(a.value()).isEqualTo("prod");
                    assertThat(a.targetId()).isEqualTo(ci);
                });
        assertThat(f.ecs.listContainerInstances(b -> b.cluster("c").filter("attribute:stack == prod"))
                .containerInstanceArns()).containsExactly(ci);
        f.ecs.deleteAttributes(b -> b.cluster("c").attributes(a -> a.name("stack").targetId(ci)));
        assertThat(f.ecs.listAttributes(b -> b.cluster("c").targetType("container-instance").attributeName("stack"))
                .attributes()).isEmpty();
        assertThatThrownBy(() -> f.ecs.putAttributes(b -> b.cluster("c").attributes(a -> a.name("ecs.x")
                .targetId(ci)))).isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> f.ecs.putAttributes(b -> b.cluster("c").attributes(a -> a.name("x")
                .targetId("0123456789abcdef0123456789abcdef")))).isInstanceOf(TargetNotFoundException.class);
    }
}
