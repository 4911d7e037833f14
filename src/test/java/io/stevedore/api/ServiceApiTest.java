package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.control.state.EcsState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.ServiceNotActiveException;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.Task;

class ServiceApiTest extends EcsServerTestBase {
    @BeforeEach
    void setUp() {
        f.miCluster("c");
        f.register(EcsServerFixture.nginx("web"));
    }

    private Service describe(String name) {
        return describe(f, name);
    }

    private Service create(String name, int desired) {
        return f.ecs.createService(b -> b.cluster("c").serviceName(name).taskDefinition("web")
                .desiredCount(desired).networkConfiguration(f.awsvpc())).service();
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
     * A new task definition rolls out within the deployment limits (minimumHealthyPercent 50, maximumPercent 100 of
     * 4): never fewer than 2 RUNNING nor more than 4 tasks. The server's loop is off and the test ticks it, sampling
     * the tasks through the API after every tick, so every state of the rollout is seen; at least one sample shows
     * old and new tasks side by side (it was taken during the rollout, not before or after it).
     */
    @Test
    void updateService_newTaskDefinition_rollsWithinMinHealthy() throws Exception {
        try (EcsServerFixture m = new EcsServerFixture(dir.resolve("ticked"), false)) {
            m.miCluster("c");
            String v1 = m.register(EcsServerFixture.nginx("web")).taskDefinitionArn();
            m.ecs.createService(b -> b.cluster("c").serviceName("r").taskDefinition(v1).desiredCount(4)
                    .networkConfiguration(m.awsvpc()).deploymentConfiguration(d -> d.minimumHealthyPercent(50)
                            .maximumPercent(100)));
            tickUntil(m, () -> steady(m, "r"));
            String v2 = m.register(EcsServerFixture.nginx("web")).taskDefinitionArn();
            Service u = m.ecs.updateService(b -> b.cluster("c").service("r").taskDefinition(v2)).service();
            assertThat(u.deployments()).hasSize(2);
            assertThat(u.deployments().get(0).taskDefinition()).isEqualTo(v2);
            List<List<Task>> samples = new ArrayList<>();
            tickUntil(m, () -> {
                samples.add(tasks(m, "r"));
                return steady(m, "r");
            });
            assertThat(samples).as("a sample during the rollout, with old and new tasks").anySatisfy(live ->
                    assertThat(live).extracting(Task::taskDefinitionArn).contains(v1, v2));
            assertThat(samples).allSatisfy(live -> {
                assertThat(live).filteredOn(t -> "RUNNING".equals(t.lastStatus())).hasSizeGreaterThanOrEqualTo(2);
                assertThat(live).hasSizeLessThanOrEqualTo(4);
            });
            Service done = describe(m, "r");
            assertThat(done.deployments()).singleElement().extracting(Deployment::taskDefinition).isEqualTo(v2);
            assertThat(done.taskDefinition()).isEqualTo(v2);
            assertThat(tasks(m, "r")).hasSize(4).allSatisfy(t -> assertThat(t.taskDefinitionArn()).isEqualTo(v2));
        }
    }

    private static Service describe(EcsServerFixture m, String name) {
        return m.ecs.describeServices(b -> b.cluster("c").services(name)).services().get(0);
    }

    /** The service's tasks whose desired status is RUNNING. */
    private static List<Task> tasks(EcsServerFixture m, String service) {
        List<String> arns = m.ecs.listTasks(l -> l.cluster("c").serviceName(service)).taskArns();
        return arns.isEmpty() ? List.of() : m.ecs.describeTasks(b -> b.cluster("c").tasks(arns)).tasks();
    }

    /** One deployment, COMPLETED, with all its desired tasks RUNNING (what the services-stable waiter waits for). */
    private static boolean steady(EcsServerFixture m, String service) {
        Service s = describe(m, service);
        return s.deployments().size() == 1 && "COMPLETED".equals(s.deployments().get(0).rolloutStateAsString())
                && s.runningCount() == s.desiredCount();
    }

    /** Ticks a server whose loop is off, a few simulated seconds apart, until {@code done} (at most 20 s). */
    private static void tickUntil(EcsServerFixture m, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        boolean reached;
        do {
            Thread.sleep(5);
            m.plane.reconciler().tick();
            reached = done.getAsBoolean();
        } while (!reached && System.nanoTime() < deadline);
        assertThat(reached).as("done within 20 s").isTrue();
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
        var r = f.ecs.describeServices(b -> b.cluster("c").services("svc1", "nope").includeWithStrings("TAGS"));
        assertThat(r.services()).hasSize(1);
        assertThat(r.failures()).singleElement().satisfies(x -> assertThat(x.reason()).isEqualTo("MISSING"));
    }
}
