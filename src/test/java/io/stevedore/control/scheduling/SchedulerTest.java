package io.stevedore.control.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.InstanceType;
import io.stevedore.catalog.Offering;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.control.scheduling.Scheduling.Decisions;
import io.stevedore.control.scheduling.Scheduling.Launch;
import io.stevedore.control.scheduling.Scheduling.PendingTask;
import io.stevedore.control.scheduling.Scheduling.ProviderCapacity;
import io.stevedore.placement.ClusterSnapshot;
import io.stevedore.placement.InstanceReservation;
import io.stevedore.placement.InstanceView;
import io.stevedore.placement.NetworkMode;
import io.stevedore.placement.PlacementConstraint;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.Zone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine as a pure decision: seed requirements, real prices, two zones. */
class SchedulerTest {
    private static final List<Zone> ZONES = List.of(new Zone("subnet-a", "us-east-1a"),
            new Zone("subnet-b", "us-east-1b"));
    private static final TaskDemand SMALL = TaskDemand.awsvpc(512, 1024, Architecture.ARM64);
    private static ProviderCapacity provider;

    private final Scheduler engine = new Scheduler();

    @BeforeAll
    static void offerings() throws Exception {
        List<Offering> o = CapacityOfferings.load().offerings(new ObjectMapper().readTree(
                Files.readString(Path.of("examples/seed-requirements.json"))), "us-east-1", PurchaseOption.ON_DEMAND);
        provider = new ProviderCapacity("p", o, ZONES, Optional.empty());
    }

    private static PendingTask task(String arn, TaskDemand d, List<PlacementConstraint> constraints) {
        return new PendingTask(arn, "service:s", d, "p", constraints, List.of(), Set.of("us-east-1a", "us-east-1b"));
    }

    private static List<PendingTask> tasks(int n, TaskDemand d) {
        List<PendingTask> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(task(String.format("task-%03d", i), d, List.of()));
        }
        return out;
    }

    private static InstanceType type(String name) {
        return provider.offerings().stream().map(Offering::type).filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow();
    }

    private Decisions schedule(List<InstanceView> instances, List<PendingTask> pending) {
        return engine.schedule(ClusterSnapshot.of(instances), Map.of("p", provider), pending);
    }

    @Test
    void schedule_noInstances_everyTaskOnOneLaunchAndFewerInstancesThanTasks() {
        Decisions d = schedule(List.of(), tasks(30, SMALL));
        assertThat(d.placements()).isEmpty();
        assertThat(d.unplaced()).isEmpty();
        Set<String> planned = new HashSet<>();
        d.launches().forEach(l -> planned.addAll(l.taskArns()));
        assertThat(planned).hasSize(30);
        assertThat(d.launches().size()).isLessThan(20);
        assertThat(d.launches()).extracting(l -> l.zone().availabilityZone())
                .contains("us-east-1a", "us-east-1b");
        double cost = d.launches().stream().mapToDouble(l -> l.offerings().get(0).pricePerHour()).sum();
        assertThat(cost).isLessThanOrEqualTo(0.51);
    }

    @Test
    void schedule_launches_fallbacksHoldThePlannedTasksAndCostMore() {
        for (Launch l : schedule(List.of(), tasks(7, SMALL)).launches()) {
            Resources need = Resources.ZERO;
            for (int i = 0; i < l.taskArns().size(); i++) {
                need = need.plus(SMALL.resources());
            }
            Resources finalNeed = need;
            assertThat(l.offerings()).hasSizeBetween(2, 1 + LaunchPlanner.FALLBACKS).allSatisfy(o -> {
                assertThat(InstanceReservation.registered(o.type()).fits(finalNeed)).isTrue();
                assertThat(o.type().supports(Architecture.ARM64)).isTrue();
            });
            assertThat(l.offerings().subList(1, l.offerings().size())).extracting(Offering::effectivePerHour)
                    .isSorted();
        }
    }

    @Test
    void schedule_launchingInstanceWithRoom_reservedInsteadOfLaunchingAgain() {
        InstanceView booting = InstanceView.fresh(SchedulerView.LAUNCHING_PREFIX + "i-1", "i-1",
                type("t4g.medium"), Architecture.ARM64, "us-east-1a", "subnet-a", "p", Instant.EPOCH, Map.of())
                .withRunning(SMALL.resources(), Set.of(), Map.of("service:s", 1));
        Decisions d = schedule(List.of(booting), tasks(1, SMALL));
        assertThat(d.launches()).isEmpty();
        assertThat(d.placements()).singleElement().satisfies(p -> assertThat(p.ec2InstanceId()).isEqualTo("i-1"));
    }

    @Test
    void schedule_memberOfInstanceType_newCapacityOnlyOfThatFamily() {
        List<PendingTask> pending = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pending.add(task("t" + i, SMALL, List.of(PlacementConstraint.memberOf(
                    "attribute:ecs.instance-type =~ m6g.*"))));
        }
        Decisions d = schedule(List.of(), pending);
        assertThat(d.launches()).isNotEmpty().allSatisfy(l -> assertThat(l.offerings())
                .allSatisfy(o -> assertThat(o.type().name()).matches("m6g.*")));
    }

    @Test
    void schedule_distinctInstance_oneNewInstancePerTask() {
        List<PendingTask> pending = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pending.add(task("t" + i, SMALL, List.of(PlacementConstraint.distinctInstance())));
        }
        Decisions d = schedule(List.of(), pending);
        assertThat(d.launches()).hasSize(4).allSatisfy(l -> assertThat(l.taskArns()).hasSize(1));
    }

    @Test
    void schedule_gpuTaskWithoutGpuTypes_unplacedWithReason() {
        TaskDemand gpu = new TaskDemand(512, 1024, 4, NetworkMode.AWSVPC, Set.of(), Architecture.ARM64);
        Decisions d = schedule(List.of(), tasks(2, gpu));
        assertThat(d.launches()).isEmpty();
        assertThat(d.unplaced()).hasSize(2).allSatisfy(u -> assertThat(u.reason())
                .contains("Capacity provider p").contains("4 GPUs"));
    }

    @Test
    void schedule_taskZonesOutsideProvider_unplacedWithReason() {
        PendingTask t = new PendingTask("t", "family:x", SMALL, "p", List.of(), List.of(), Set.of());
        assertThat(schedule(List.of(), List.of(t)).unplaced()).singleElement()
                .satisfies(u -> assertThat(u.reason()).contains("subnets"));
    }
}
