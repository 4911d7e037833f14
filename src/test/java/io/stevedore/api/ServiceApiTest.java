package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.control.state.EcsState;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.ServiceNotActiveException;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

class ServiceApiTest extends EcsServerTestBase {
    @BeforeEach
    void setUp() {
        f.miCluster("c");
        f.register(EcsServerFixture.nginx("web"));
    }

    private Service describe(String name) {
        return f.ecs.describeServices(b -> b.cluster("c").services(name)).services().get(0);
    }

    private Service create(String name, int desired) {
        return f.ecs.createService(b -> b.cluster("c").serviceName(name).taskDefinition("web")
                .desiredCount(desired).networkConfiguration(f.awsvpc())).service();
    }

    /**
     * The lists ECS always answers on a service come back empty rather than absent (the aws CLI's create-service
     * examples: loadBalancers, serviceRegistries, events, placementConstraints, placementStrategy); the SDK tells an
     * empty list from an absent one with has*().
     */
    @Test
    void createService_answersTheListsEcsAlwaysAnswers() {
        Service created = create("lists", 0);
        Service described = describe("lists");
        for (Service s : List.of(created, described)) {
            assertThat(s.hasLoadBalancers() && s.hasServiceRegistries() && s.hasEvents()
                    && s.hasPlacementConstraints() && s.hasPlacementStrategy())
                    .as("loadBalancers, serviceRegistries, events, placementConstraints, placementStrategy answered")
                    .isTrue();
            assertThat(s.loadBalancers()).isEmpty();
            assertThat(s.serviceRegistries()).isEmpty();
            assertThat(s.placementConstraints()).isEmpty();
            assertThat(s.placementStrategy()).isEmpty();
        }
        assertThat(created.events()).isEmpty();
    }

    @Test
    void createService_seed_steadyWithClusterDefaultStrategy() {
        Service s = create("test-ecs-service", 1);
        assertThat(s.serviceArn()).isEqualTo("arn:aws:ecs:us-east-1:000000000000:service/c/test-ecs-service");
        assertThat(s.capacityProviderStrategy()).singleElement()
                .satisfies(i -> assertThat(i.capacityProvider()).isEqualTo("c-mi"));
        assertThat(s.deploymentConfiguration().maximumPercent()).isEqualTo(200);
        assertThat(s.deploymentConfiguration().minimumHealthyPercent()).isEqualTo(100);
        assertThat(s.deployments()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo("PRIMARY");
            assertThat(d.id()).matches("ecs-svc/\\d{19}");
        });
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("test-ecs-service"));
        Service stable = describe("test-ecs-service");
        assertThat(stable.runningCount()).isEqualTo(1);
        assertThat(stable.deployments().get(0).rolloutStateAsString()).isEqualTo("COMPLETED");
        assertThat(stable.events()).extracting(ServiceEvent::message)
                .anyMatch(m -> m.contains("has reached a steady state."))
                .anyMatch(m -> m.contains("has started 1 tasks"));
        Task t = f.ecs.describeTasks(b -> b.cluster("c").tasks(f.ecs.listTasks(l -> l.cluster("c")
                .serviceName("test-ecs-service")).taskArns())).tasks().get(0);
        assertThat(t.group()).isEqualTo("service:test-ecs-service");
        assertThat(t.startedBy()).isEqualTo(stable.deployments().get(0).id());
    }

    @Test
    void updateService_scaleUpThenDown_convergesAndLaunchesFleet() {
        create("s", 1);
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("s"));
        Service scaled = f.ecs.updateService(b -> b.cluster("c").service("s").desiredCount(12)).service();
        assertThat(scaled.events()).extracting(ServiceEvent::message).first().asString()
                .contains("has reached a steady state.");
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("s"));
        assertThat(describe("s").runningCount()).isEqualTo(12);
        assertThat(f.ecs.listContainerInstances(b -> b.cluster("c")).containerInstanceArns()).isNotEmpty();
        Set<String> zones = new HashSet<>();
        f.ecs.describeTasks(b -> b.cluster("c").tasks(f.ecs.listTasks(l -> l.cluster("c")).taskArns())).tasks()
                .forEach(t -> zones.add(t.availabilityZone()));
        assertThat(zones).hasSizeGreaterThan(1);
        f.ecs.updateService(b -> b.cluster("c").service("s").desiredCount(2));
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("s"));
        assertThat(f.ecs.listTasks(b -> b.cluster("c").serviceName("s")).taskArns()).hasSize(2);
    }

    /**
     * What a rollout looks like on the wire: UpdateService answers the new primary deployment beside the old one, and
     * once the services-stable waiter returns, one deployment of the new revision runs every task. The rollout's
     * limits (minimumHealthyPercent, maximumPercent) are checked at every commit on the virtual clock in
     * {@code io.stevedore.control.ServiceBehaviourTest}.
     */
    @Test
    void updateService_newTaskDefinition_answersBothDeploymentsThenTheNewOne() {
        String v1 = f.register(EcsServerFixture.nginx("web")).taskDefinitionArn();
        f.ecs.createService(b -> b.cluster("c").serviceName("r").taskDefinition(v1).desiredCount(4)
                .networkConfiguration(f.awsvpc()).deploymentConfiguration(d -> d.minimumHealthyPercent(50)
                        .maximumPercent(100)));
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("r"));
        String v2 = f.register(EcsServerFixture.nginx("web")).taskDefinitionArn();
        Service u = f.ecs.updateService(b -> b.cluster("c").service("r").taskDefinition(v2)).service();
        assertThat(u.deployments()).hasSize(2);
        assertThat(u.deployments().get(0).taskDefinition()).isEqualTo(v2);
        assertThat(u.deployments().get(0).status()).isEqualTo("PRIMARY");
        assertThat(u.deployments().get(1).taskDefinition()).isEqualTo(v1);
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("r"));
        Service done = describe("r");
        assertThat(done.deployments()).singleElement().extracting(Deployment::taskDefinition).isEqualTo(v2);
        assertThat(done.taskDefinition()).isEqualTo(v2);
        List<String> arns = f.ecs.listTasks(l -> l.cluster("c").serviceName("r")).taskArns();
        assertThat(arns).hasSize(4);
        assertThat(f.ecs.describeTasks(b -> b.cluster("c").tasks(arns)).tasks())
                .allSatisfy(t -> assertThat(t.taskDefinitionArn()).isEqualTo(v2));
    }

    /**
     * A service's tasks carry the tags ECS gives them: the service's own with propagateTags SERVICE, and with
     * enableECSManagedTags the managed aws:ecs:clusterName and aws:ecs:serviceName; a service with neither leaves its
     * tasks untagged. RunTask with enableECSManagedTags tags its task with the cluster name.
     */
    @Test
    void serviceTasks_propagatedAndManagedTags() {
        f.ecs.createService(b -> b.cluster("c").serviceName("tagged").taskDefinition("web").desiredCount(2)
                .networkConfiguration(f.awsvpc()).propagateTags("SERVICE").enableECSManagedTags(true)
                .tags(t -> t.key("team").value("payments")));
        f.ecs.createService(b -> b.cluster("c").serviceName("plain").taskDefinition("web").desiredCount(1)
                .networkConfiguration(f.awsvpc()));
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("tagged", "plain"));
        assertThat(taskTags("tagged")).hasSize(2).allSatisfy(tags -> assertThat(tags)
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("team", "payments", "aws:ecs:clusterName", "c",
                        "aws:ecs:serviceName", "tagged")));
        assertThat(taskTags("plain")).singleElement().satisfies(tags -> assertThat(tags).isEmpty());
        String arn = f.ecs.runTask(b -> b.cluster("c").taskDefinition("web").enableECSManagedTags(true)
                .networkConfiguration(f.awsvpc())).tasks().get(0).taskArn();
        assertThat(f.ecs.listTagsForResource(b -> b.resourceArn(arn)).tags())
                .extracting(software.amazon.awssdk.services.ecs.model.Tag::key).containsExactly("aws:ecs:clusterName");
    }

    private List<java.util.Map<String, String>> taskTags(String service) {
        List<String> arns = f.ecs.listTasks(l -> l.cluster("c").serviceName(service)).taskArns();
        assertThat(arns).isNotEmpty();
        return f.ecs.describeTasks(b -> b.cluster("c").tasks(arns).includeWithStrings("TAGS")).tasks().stream()
                .map(t -> {
                    java.util.Map<String, String> m = new java.util.TreeMap<>();
                    t.tags().forEach(tag -> m.put(tag.key(), tag.value()));
                    return m;
                }).toList();
    }

    @Test
    void serviceStoredWithEventsInItsRow_eventsMoveToTheLogWithItsNextEvent() {
        create("legacy", 1);
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("legacy"));
        String arn = describe("legacy").serviceArn();
        EcsState state = f.plane.state();
        ServiceEvent old = ServiceEvent.builder().id("legacy-1").createdAt(java.time.Instant.EPOCH)
                .message("(service legacy) an event stored inside the service row.").build();
        f.plane.database().run(() -> { // as an older version stored it: events in the row, no log
            state.serviceEvents.remove(arn);
            state.services.put(arn, state.services.get(arn).orElseThrow().toBuilder().events(old).build());
        });
        assertThat(describe("legacy").events()).containsExactly(old);
        f.ecs.updateService(b -> b.cluster("c").service("legacy").desiredCount(2));
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("legacy"));
        assertThat(describe("legacy").events()).extracting(ServiceEvent::message)
                .contains(old.message()).anyMatch(m -> m.contains("has started 1 tasks"));
        assertThat(state.services.get(arn).orElseThrow().events()).isEmpty(); // the row no longer carries them
    }

    /**
     * {@link EcsApi#send} (the simulator's UpdateService calls, whose answer nobody reads) updates the service as the
     * call does; an in-process {@link EcsApi#invoke} after it still answers the service with its events, and a
     * refused send throws the call's error.
     */
    @Test
    void updateService_sentInProcess_updatesAndLeavesOtherAnswersWhole() {
        create("sent", 1);
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("sent"));
        f.plane.api().send("UpdateService", UpdateServiceRequest.builder().cluster("c").service("sent")
                .desiredCount(2).build());
        assertThat(describe("sent").desiredCount()).isEqualTo(2);
        assertThat(EcsApi.answerRead()).isTrue();
        UpdateServiceResponse read = (UpdateServiceResponse) f.plane.api().invoke("UpdateService",
                UpdateServiceRequest.builder().cluster("c").service("sent").desiredCount(3).build());
        assertThat(read.service().desiredCount()).isEqualTo(3);
        assertThat(read.service().events()).extracting(ServiceEvent::message)
                .anyMatch(m -> m.contains("has reached a steady state."));
        assertThatThrownBy(() -> f.plane.api().send("UpdateService", UpdateServiceRequest.builder().cluster("c")
                .service("missing").desiredCount(1).build()))
                .isInstanceOf(io.stevedore.wire.AwsException.class).hasMessageContaining("Service not found");
        assertThat(EcsApi.answerRead()).isTrue();
    }

    /** forceNewDeployment replaces the service's task: once stable it has one task again, not the one before. */
    @Test
    void updateService_forceNewDeployment_replacesTasks() {
        create("fnd", 1);
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("fnd"));
        String before = f.ecs.listTasks(b -> b.cluster("c").serviceName("fnd")).taskArns().get(0);
        f.ecs.updateService(b -> b.cluster("c").service("fnd").forceNewDeployment(true));
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("fnd"));
        assertThat(f.ecs.listTasks(b -> b.cluster("c").serviceName("fnd")).taskArns()).hasSize(1)
                .doesNotContain(before);
    }

    @Test
    void deleteService_scaledUp_needsForce_thenInactive() {
        create("d", 2);
        assertThatThrownBy(() -> f.ecs.deleteService(b -> b.cluster("c").service("d")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("scaled above 0");
        Service s = f.ecs.deleteService(b -> b.cluster("c").service("d").force(true)).service();
        assertThat(s.status()).isEqualTo("DRAINING");
        f.waiter.waitUntilServicesInactive(b -> b.cluster("c").services("d"));
        assertThat(f.ecs.listServices(b -> b.cluster("c")).serviceArns()).isEmpty();
        assertThatThrownBy(() -> f.ecs.updateService(b -> b.cluster("c").service("d").desiredCount(1)))
                .isInstanceOf(ServiceNotActiveException.class);
        create("d", 0);
        assertThat(describe("d").status()).isEqualTo("ACTIVE");
        assertThat(describe("d").events()).extracting(ServiceEvent::message) // the old service's stay behind
                .noneMatch(m -> m.contains("has started 2 tasks"));
    }

    @Test
    void createService_errors() {
        create("dup", 0);
        assertThatThrownBy(() -> create("dup", 0)).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("idempotent");
        assertThatThrownBy(() -> f.ecs.createService(b -> b.cluster("c").serviceName("x").taskDefinition("web")
                .networkConfiguration(f.awsvpc()))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("desiredCount");
        assertThatThrownBy(() -> f.ecs.createService(b -> b.cluster("c").serviceName("x").taskDefinition("web")
                .desiredCount(1))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Network Configuration");
        assertThatThrownBy(() -> f.ecs.createService(b -> b.cluster("c").serviceName("x").taskDefinition("web")
                .desiredCount(1).networkConfiguration(f.awsvpc()).deploymentConfiguration(d -> d
                        .minimumHealthyPercent(150)))).isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> f.ecs.createService(b -> b.cluster("c").serviceName("x").taskDefinition("web")
                .desiredCount(1).networkConfiguration(f.awsvpc()).launchType("MANAGED_INSTANCES")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("capacity provider strategy");
        assertThatThrownBy(() -> f.ecs.updateService(b -> b.cluster("c").service("ghost").desiredCount(1)))
                .isInstanceOf(ServiceNotFoundException.class);
    }

    @Test
    void listServices_defaultPageOfTen_andDescribeMissing() {
        for (int i = 0; i < 12; i++) {
            create("svc" + i, 0);
        }
        var first = f.ecs.listServices(b -> b.cluster("c"));
        assertThat(first.serviceArns()).hasSize(10);
        assertThat(f.ecs.listServicesPaginator(b -> b.cluster("c")).serviceArns()).hasSize(12);
        String other = "arn:aws:ecs:us-east-1:000000000000:service/c/gone";
        var r = f.ecs.describeServices(b -> b.cluster("c").services("svc1", "nope", other)
                .includeWithStrings("TAGS"));
        assertThat(r.services()).hasSize(1);
        // a missing name is named by the ARN without the cluster, as ECS answers; a missing ARN as given
        assertThat(r.failures()).extracting(x -> x.arn() + " " + x.reason()).containsExactly(
                "arn:aws:ecs:us-east-1:000000000000:service/nope MISSING", other + " MISSING");
    }
}
