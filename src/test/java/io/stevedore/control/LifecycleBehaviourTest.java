package io.stevedore.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.control.events.EventRing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.CreateServiceResponse;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.StopTaskRequest;
import software.amazon.awssdk.services.ecs.model.StopTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateContainerInstancesStateRequest;
import software.amazon.awssdk.services.ecs.model.UpdateContainerInstancesStateResponse;

/**
 * The fleet lifecycle on the virtual clock ({@link ControlKit}): drains replace a service's tasks start-before-stop
 * and retire the instance, as the journal of committed transitions shows; the service never drops below its
 * minimumHealthyPercent at any commit.
 */
class LifecycleBehaviourTest {
    private static final String CLUSTER = FleetBehaviourTest.CLUSTER;
    private ControlKit kit;

    @BeforeEach
    void setUp() {
        kit = ControlKit.start();
        FleetBehaviourTest.miCluster(kit);
        FleetBehaviourTest.register(kit, FleetBehaviourTest.nginx("web"));
    }

    @AfterEach
    void tearDown() {
        kit.close();
    }

    /** Service {@code s} of {@code web} (minimumHealthyPercent 100, maximumPercent 200 by default). */
    private void service(int desired) {
        kit.call("CreateService", CreateServiceRequest.builder().cluster("c").serviceName("s").taskDefinition("web")
                .desiredCount(desired).networkConfiguration(FleetBehaviourTest.awsvpc(kit)).build(),
                CreateServiceResponse.class);
    }

    private List<Task> running() {
        return kit.liveTasks(CLUSTER, "s").stream().filter(t -> "RUNNING".equals(t.lastStatus())).toList();
    }

    private boolean steady(int desired) {
        List<Task> live = kit.liveTasks(CLUSTER, "s");
        return live.size() == desired && live.stream().allMatch(t -> "RUNNING".equals(t.lastStatus()));
    }

    /** At every commit: at least {@code desired} RUNNING (minimumHealthyPercent 100), at most twice as many wanted. */
    private void keepsMinimumHealthy(int desired) {
        kit.invariant("minimum healthy", st -> {
            assertThat(running()).as("RUNNING tasks of s at %s", kit.clock().now()).hasSizeGreaterThanOrEqualTo(
                    desired);
            assertThat(kit.liveTasks(CLUSTER, "s").stream().filter(t -> "RUNNING".equals(t.desiredStatus())))
                    .as("tasks of s wanted RUNNING at %s", kit.clock().now()).hasSizeLessThanOrEqualTo(2 * desired);
        });
    }

    private List<ControlKit.Transition> transitions(Predicate<ControlKit.Transition> which) {
        return kit.journal().stream().filter(which).toList();
    }

    /**
     * Start before stop, from the journal: each task of {@code leaving} left RUNNING only after as many tasks not in
     * {@code before} had reached RUNNING, in commit order (the i-th departure after the i-th arrival).
     */
    private void assertStartBeforeStop(Set<String> before, Set<String> leaving) {
        List<ControlKit.Transition> journal = kit.journal();
        List<Integer> arrivals = new ArrayList<>();
        List<Integer> departures = new ArrayList<>();
        for (int i = 0; i < journal.size(); i++) {
            ControlKit.Transition tr = journal.get(i);
            if (!"task".equals(tr.kind())) {
                continue;
            }
            if (!before.contains(tr.arn()) && "RUNNING".equals(tr.to())) {
                arrivals.add(i);
            }
            if (leaving.contains(tr.arn()) && "RUNNING".equals(tr.from())) {
                departures.add(i);
            }
        }
        assertThat(departures).as("the drained tasks leaving RUNNING").hasSize(leaving.size());
        assertThat(arrivals).as("replacements reaching RUNNING").hasSizeGreaterThanOrEqualTo(leaving.size());
        for (int i = 0; i < departures.size(); i++) {
            ControlKit.Transition arrival = journal.get(arrivals.get(i));
            ControlKit.Transition departure = journal.get(departures.get(i));
            assertThat(arrivals.get(i)).as("replacement %s RUNNING at %s before %s left RUNNING at %s",
                    arrival.arn(), arrival.at(), departure.arn(), departure.at()).isLessThan(departures.get(i));
            assertThat(arrival.at()).as("the replacement's tick before the stop's").isBefore(departure.at());
        }
    }

    /**
     * A user drain (UpdateContainerInstancesState DRAINING): the service's tasks on the instance are replaced
     * elsewhere, each replacement RUNNING before a drained task stops, never fewer than the desired count RUNNING;
     * the instance goes DRAINING → INACTIVE once its tasks are gone, with both state-change events in the ring.
     */
    @Test
    void updateContainerInstancesState_draining_replacesServiceTasksStartBeforeStopAndRetiresInstance() {
        service(3);
        kit.runUntil("3 RUNNING", () -> steady(3), Duration.ofMinutes(5));
        String victim = running().get(0).containerInstanceArn();
        Set<String> before = kit.liveTasks(CLUSTER, "s").stream().map(Task::taskArn).collect(Collectors.toSet());
        Set<String> onVictim = kit.liveTasks(CLUSTER, "s").stream().filter(t -> victim.equals(t
                .containerInstanceArn())).map(Task::taskArn).collect(Collectors.toSet());
        assertThat(onVictim).isNotEmpty();
        keepsMinimumHealthy(3);

        ContainerInstance drained = kit.call("UpdateContainerInstancesState", UpdateContainerInstancesStateRequest
                .builder().cluster("c").containerInstances(victim).status("DRAINING").build(),
                UpdateContainerInstancesStateResponse.class).containerInstances().get(0);
        assertThat(drained.status()).isEqualTo("DRAINING");
        int checksAtDrain = kit.checks("minimum healthy");
        kit.runUntil("s off the drained instance, 3 RUNNING", () -> steady(3) && kit.liveTasks(CLUSTER, "s").stream()
                .noneMatch(t -> victim.equals(t.containerInstanceArn())), Duration.ofMinutes(5));
        kit.runUntil("the drained instance INACTIVE", () -> kit.containerInstances("INACTIVE").stream()
                .anyMatch(ci -> ci.containerInstanceArn().equals(victim)), Duration.ofMinutes(5));

        assertThat(kit.checks("minimum healthy") - checksAtDrain).as("commits checked during the drain")
                .isGreaterThan(3);
        assertStartBeforeStop(before, onVictim);
        assertThat(transitions(tr -> onVictim.contains(tr.arn()) && "STOPPED".equals(tr.to())))
                .as("the drained tasks stopped").hasSize(onVictim.size());
        assertThat(kit.liveTasks(CLUSTER, "s")).hasSize(3).allSatisfy(t -> {
            assertThat(t.lastStatus()).isEqualTo("RUNNING");
            assertThat(t.containerInstanceArn()).isNotEqualTo(victim);
        });
        assertThat(kit.liveTasks(CLUSTER, "s")).extracting(Task::taskArn).doesNotContainAnyElementsOf(onVictim);

        List<ControlKit.Transition> instance = transitions(tr -> tr.arn().equals(victim) && tr.from() != null);
        assertThat(instance).extracting(tr -> tr.from() + "→" + tr.to())
                .containsExactly("ACTIVE→DRAINING", "DRAINING→INACTIVE");
        ControlKit.Transition lastStop = transitions(tr -> onVictim.contains(tr.arn()) && "STOPPED".equals(tr.to()))
                .get(onVictim.size() - 1);
        assertThat(kit.journal().indexOf(instance.get(1))).as("INACTIVE after the last drained task STOPPED")
                .isGreaterThan(kit.journal().indexOf(lastStop));

        List<EventRing.Event> changes = kit.plane().events().of("ECS Container Instance State Change", 0).stream()
                .filter(e -> e.resources().contains(victim)).toList();
        assertThat(changes).extracting(EventRing.Event::detailJson)
                .anySatisfy(d -> assertThat(d).contains("\"status\":\"DRAINING\""))
                .anySatisfy(d -> assertThat(d).contains("\"status\":\"INACTIVE\""));
    }

    private static String attribute(ContainerInstance ci, String name) {
        return ci.attributes().stream().filter(a -> name.equals(a.name())).findFirst().orElseThrow().value();
    }

    private Task task(String arn) {
        return kit.inTx(() -> kit.state().tasks.get(arn).orElseThrow());
    }

    /**
     * A user drain has no deadline: a standalone task keeps the instance DRAINING (it runs to completion) after the
     * service's task moved off start-before-stop; once the standalone task is stopped the instance goes INACTIVE.
     */
    @Test
    void userDrain_standaloneTaskKeepsTheInstanceDraining_untilItStops() {
        service(1);
        kit.runUntil("1 RUNNING", () -> steady(1), Duration.ofMinutes(5));
        Task serviceTask = running().get(0);
        String ci = serviceTask.containerInstanceArn();
        ContainerInstance before = kit.inTx(() -> kit.state().containerInstances.get(ci).orElseThrow());
        FleetBehaviourTest.register(kit, FleetBehaviourTest.nginx("tiny").cpu("256").memory("256"));
        String standalone = kit.call("RunTask", RunTaskRequest.builder().cluster("c").taskDefinition("tiny")
                .networkConfiguration(FleetBehaviourTest.awsvpc(kit)).placementConstraints(p -> p.type("memberOf")
                        .expression("attribute:ecs.availability-zone == " + attribute(before, "ecs.availability-zone")
                                + " and attribute:ecs.instance-type == " + attribute(before, "ecs.instance-type")))
                .overrides(o -> o.containerOverrides(c -> c.name("web").environment(KeyValuePair.builder()
                        .name("STEVEDORE_RUN_SECONDS").value("100000000").build()))).build(),
                RunTaskResponse.class).tasks().get(0).taskArn();
        kit.runUntil("the standalone task RUNNING", () -> "RUNNING".equals(task(standalone).lastStatus()),
                Duration.ofMinutes(2));
        assertThat(task(standalone).containerInstanceArn()).as("existing capacity is used before new capacity")
                .isEqualTo(ci);
        keepsMinimumHealthy(1);

        kit.call("UpdateContainerInstancesState", UpdateContainerInstancesStateRequest.builder().cluster("c")
                .containerInstances(ci).status("DRAINING").build(), UpdateContainerInstancesStateResponse.class);
        kit.runUntil("the service task moved", () -> steady(1) && !ci.equals(running().get(0)
                .containerInstanceArn()), Duration.ofMinutes(5));
        assertStartBeforeStop(Set.of(serviceTask.taskArn(), standalone), Set.of(serviceTask.taskArn()));
        kit.runFor(Duration.ofHours(1));
        assertThat(transitions(tr -> tr.arn().equals(ci) && tr.from() != null)).as("the instance an hour on")
                .extracting(tr -> tr.from() + "→" + tr.to()).containsExactly("ACTIVE→DRAINING");
        assertThat(task(standalone).lastStatus()).isEqualTo("RUNNING");
        assertThat(steady(1)).isTrue();

        kit.call("StopTask", StopTaskRequest.builder().cluster("c").task(standalone).build(), StopTaskResponse.class);
        kit.runUntil("the instance INACTIVE", () -> kit.containerInstances("INACTIVE").stream()
                .anyMatch(i -> i.containerInstanceArn().equals(ci)), Duration.ofMinutes(5));
        List<ControlKit.Transition> instance = transitions(tr -> tr.arn().equals(ci) && tr.from() != null);
        assertThat(instance).extracting(tr -> tr.from() + "→" + tr.to())
                .containsExactly("ACTIVE→DRAINING", "DRAINING→INACTIVE");
        ControlKit.Transition stopped = transitions(tr -> tr.arn().equals(standalone) && "STOPPED".equals(tr.to()))
                .get(0);
        assertThat(kit.journal().indexOf(instance.get(1))).as("INACTIVE after the standalone task STOPPED")
                .isGreaterThan(kit.journal().indexOf(stopped));
        assertThat(kit.checks("minimum healthy")).isGreaterThan(5);
    }
}
