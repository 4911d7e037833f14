package io.stevedore.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.control.events.EventRing;
import io.stevedore.lifecycle.EventWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.CreateCapacityProviderResponse;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.CreateServiceResponse;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.StopTaskRequest;
import software.amazon.awssdk.services.ecs.model.StopTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateCapacityProviderRequest;
import software.amazon.awssdk.services.ecs.model.UpdateCapacityProviderResponse;
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

    /** The ECS container instances of the service's live tasks. */
    private Set<String> instancesOfService() {
        return kit.liveTasks(CLUSTER, "s").stream().map(Task::containerInstanceArn).collect(Collectors.toSet());
    }

    private String ec2Of(String containerInstanceArn) {
        return kit.inTx(() -> kit.state().containerInstances.get(containerInstanceArn).orElseThrow()).ec2InstanceId();
    }

    /** The lifecycle action events (DRAINING, DEREGISTERING, …) of a container instance with their cause. */
    private List<String> lifecycleActions(String containerInstanceArn) {
        return kit.plane().events().of("Stevedore Instance Lifecycle Action", 0).stream()
                .filter(e -> e.resources().contains(containerInstanceArn)).map(EventRing.Event::detailJson).toList();
    }

    /**
     * A Spot interruption notice: the instance goes DRAINING at once and its service tasks are replaced
     * start-before-stop, all within the two-minute notice (the journal's times), so none is killed by the reclaim
     * (no stopCode SpotInterruption); the instance is INACTIVE and terminated by the end of the notice, and the
     * service never has fewer than its desired count RUNNING.
     */
    @Test
    void spotInterruptionNotice_drainsAndReplacesWithinTheTwoMinutes() {
        var onDemand = FleetBehaviourTest.miProvider(kit, "c-spot").managedInstancesProvider();
        kit.call("CreateCapacityProvider", FleetBehaviourTest.miProvider(kit, "c-spot").toBuilder()
                .managedInstancesProvider(onDemand.toBuilder().instanceLaunchTemplate(onDemand
                        .instanceLaunchTemplate().toBuilder().capacityOptionType("SPOT").build()).build()).build(),
                CreateCapacityProviderResponse.class);
        kit.call("CreateService", CreateServiceRequest.builder().cluster("c").serviceName("s").taskDefinition("web")
                .desiredCount(3).networkConfiguration(FleetBehaviourTest.awsvpc(kit)).capacityProviderStrategy(
                        CapacityProviderStrategyItem.builder().capacityProvider("c-spot").weight(1).build()).build(),
                CreateServiceResponse.class);
        kit.runUntil("3 RUNNING", () -> steady(3), Duration.ofMinutes(5));
        assertThat(kit.liveTasks(CLUSTER, "s")).allSatisfy(t -> assertThat(t.capacityProviderName())
                .isEqualTo("c-spot"));
        String victim = running().get(0).containerInstanceArn();
        String ec2 = ec2Of(victim);
        Set<String> before = kit.liveTasks(CLUSTER, "s").stream().map(Task::taskArn).collect(Collectors.toSet());
        Set<String> onVictim = kit.liveTasks(CLUSTER, "s").stream().filter(t -> victim.equals(t
                .containerInstanceArn())).map(Task::taskArn).collect(Collectors.toSet());
        assertThat(onVictim).isNotEmpty();
        keepsMinimumHealthy(3);

        Instant notice = kit.clock().now();
        Instant reclaim = notice.plus(Duration.ofMinutes(2));
        kit.plane().faults().spotInterruption(ec2);
        kit.runUntil("the interrupted instance INACTIVE", () -> kit.containerInstances("INACTIVE").stream()
                .anyMatch(ci -> ci.containerInstanceArn().equals(victim)), Duration.ofMinutes(5));
        kit.runUntil("3 RUNNING after the notice", () -> steady(3), Duration.ofMinutes(5));
        kit.runFor(Duration.ofMinutes(3)); // past the reclaim: nothing left for it to stop

        List<ControlKit.Transition> instance = transitions(tr -> tr.arn().equals(victim) && tr.from() != null);
        assertThat(instance).extracting(tr -> tr.from() + "→" + tr.to())
                .containsExactly("ACTIVE→DRAINING", "DRAINING→INACTIVE");
        assertThat(instance.get(0).at()).as("DRAINING within a tick of the notice")
                .isBetween(notice, notice.plus(kit.plane().reconciler().timings().tick()));
        assertThat(instance.get(1).at()).as("INACTIVE within the notice").isBefore(reclaim);
        assertStartBeforeStop(before, onVictim);
        List<ControlKit.Transition> stops = transitions(tr -> onVictim.contains(tr.arn())
                && "STOPPED".equals(tr.to()));
        assertThat(stops).hasSize(onVictim.size()).allSatisfy(tr -> assertThat(tr.at()).isBefore(reclaim));
        assertThat(onVictim).allSatisfy(arn -> assertThat(task(arn).stopCodeAsString())
                .isNotEqualTo("SpotInterruption"));
        assertThat(transitions(tr -> !before.contains(tr.arn()) && "task".equals(tr.kind())
                && "RUNNING".equals(tr.to()))).as("replacements RUNNING").hasSizeGreaterThanOrEqualTo(onVictim.size())
                .allSatisfy(tr -> assertThat(tr.at()).isBefore(reclaim));
        assertThat(kit.plane().cloud().describe(ec2).orElseThrow().state()).isEqualTo("terminated");
        assertThat(lifecycleActions(victim)).anySatisfy(d -> assertThat(d).contains("\"action\":\"DRAINING\"")
                .contains("\"cause\":\"SPOT_INTERRUPTION\""));
        assertThat(kit.liveTasks(CLUSTER, "s")).hasSize(3).allSatisfy(t -> assertThat(t.lastStatus())
                .isEqualTo("RUNNING"));
    }

    /**
     * Maximum lifetime with a weekly maintenance window (saturday 02:00-06:00 UTC): the instances launched on
     * monday 5 January are not drained at day 14 (monday 19th) nor in the windows before it (10th, 17th), but at
     * the first window opening after day 14 (saturday 24th 02:00), inside the window, one at a time (the
     * disruption budget), replaced start-before-stop with the service never below its desired count RUNNING. The
     * quiet days are coasted in one-minute steps, as the lifecycle acceptance test does; from the evening before
     * the window the kit ticks at the server's period.
     */
    @Test
    void maximumLifetime_replacedOnlyInsideTheMaintenanceWindow() {
        EventWindow window = EventWindow.parse("sat:02-sat:06");
        kit.plane().faults().eventWindow("c", "c-mi", "sat:02-sat:06");
        kit.call("UpdateCapacityProvider", UpdateCapacityProviderRequest.builder().name("c-mi").cluster("c")
                .managedInstancesProvider(m -> m.infrastructureRoleArn(FleetBehaviourTest.ROLE)
                        .instanceLaunchTemplate(t -> t.monitoring("BASIC"))
                        .infrastructureOptimization(o -> o.scaleInAfter(-1))).build(),
                UpdateCapacityProviderResponse.class); // no compaction: only the lifetime may drain
        service(2);
        kit.runUntil("2 RUNNING", () -> steady(2), Duration.ofMinutes(5));
        Set<String> originals = instancesOfService();
        assertThat(originals).as("the service spread over two instances").hasSize(2);
        Set<String> before = kit.liveTasks(CLUSTER, "s").stream().map(Task::taskArn).collect(Collectors.toSet());
        Map<String, Instant> launched = new HashMap<>();
        originals.forEach(ci -> launched.put(ci, Instant.ofEpochMilli(kit.plane().cloud().describe(ec2Of(ci))
                .orElseThrow().launchedAtMillis())));
        keepsMinimumHealthy(2);

        Instant eve = Instant.parse("2026-01-23T23:00:00Z");
        while (kit.clock().now().isBefore(eve)) {
            kit.clock().advance(Duration.ofMinutes(1));
            kit.tick();
        }
        assertThat(transitions(tr -> "DRAINING".equals(tr.to()))).as("drains before the window after day 14")
                .isEmpty();
        assertThat(kit.containerInstances("ACTIVE")).extracting(ContainerInstance::containerInstanceArn)
                .containsExactlyInAnyOrderElementsOf(originals);
        int checksBefore = kit.checks("minimum healthy");

        kit.runUntil("the original instances INACTIVE", () -> kit.containerInstances("INACTIVE").stream()
                .map(ContainerInstance::containerInstanceArn).toList().containsAll(originals), Duration.ofDays(1));

        List<ControlKit.Transition> drains = transitions(tr -> "DRAINING".equals(tr.to()));
        assertThat(drains).extracting(ControlKit.Transition::arn).containsExactlyInAnyOrderElementsOf(originals);
        assertThat(drains).allSatisfy(tr -> {
            assertThat(window.contains(tr.at())).as("drain of %s at %s inside the window", tr.arn(), tr.at())
                    .isTrue();
            assertThat(tr.at()).as("drain at least 14 days after launch")
                    .isAfterOrEqualTo(launched.get(tr.arn()).plus(Duration.ofDays(14)));
            assertThat(tr.at()).isAfterOrEqualTo(Instant.parse("2026-01-24T02:00:00Z"));
        });
        ControlKit.Transition firstRetired = transitions(tr -> "INACTIVE".equals(tr.to())).get(0);
        assertThat(drains.get(1).at()).as("the second drain after the first instance left (budget of one)")
                .isAfterOrEqualTo(firstRetired.at());
        assertStartBeforeStop(before, before);
        assertThat(kit.checks("minimum healthy") - checksBefore).as("commits checked in the window")
                .isGreaterThan(5);
        assertThat(originals).allSatisfy(ci -> assertThat(lifecycleActions(ci)).anySatisfy(d -> assertThat(d)
                .contains("\"action\":\"DRAINING\"").contains("\"cause\":\"MAX_LIFETIME\"")));
        assertThat(kit.liveTasks(CLUSTER, "s")).hasSize(2).allSatisfy(t -> {
            assertThat(t.lastStatus()).isEqualTo("RUNNING");
            assertThat(originals).doesNotContain(t.containerInstanceArn());
        });
    }
}
