package io.stevedore.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.catalog.Architecture;
import io.stevedore.placement.NetworkMode;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProvisionerTest {
    static final List<Zone> THREE = List.of(new Zone("subnet-a", "us-east-1a"), new Zone("subnet-b", "us-east-1b"),
            new Zone("subnet-c", "us-east-1c"));
    static final List<Zone> ONE = List.of(new Zone("subnet-a", "us-east-1a"));

    static TaskDemand arm(int cpu, long mem) {
        return TaskDemand.awsvpc(cpu, mem, Architecture.ARM64);
    }

    static TaskDemand x86(int cpu, long mem) {
        return TaskDemand.awsvpc(cpu, mem, Architecture.X86_64);
    }

    static TaskDemand host(int cpu, long mem, Integer... ports) {
        return new TaskDemand(cpu, mem, 0, NetworkMode.HOST, Set.of(ports), Architecture.X86_64);
    }

    static TaskDemand gpu(int gpus) {
        return new TaskDemand(1024, 4096, gpus, NetworkMode.AWSVPC, Set.of(), Architecture.X86_64);
    }

    /** Random mixed workloads incl. host ports and both architectures, against the whole priced catalog. */
    static ProvisioningRequest random(long seed, List<Zone> zones) {
        Random r = new Random(seed);
        List<PendingGroup> groups = new ArrayList<>();
        int shapes = 3 + r.nextInt(6);
        for (int i = 0; i < shapes; i++) {
            int cpu = 256 << r.nextInt(5);
            long mem = 512L * (1 + r.nextInt(16));
            Architecture a = r.nextBoolean() ? Architecture.ARM64 : Architecture.X86_64;
            TaskDemand d = r.nextInt(4) == 0 ? new TaskDemand(cpu, mem, 0, NetworkMode.HOST, Set.of(80 + i % 2), a)
                    : TaskDemand.awsvpc(cpu, mem, a);
            groups.add(new PendingGroup("svc-" + i, d, 1 + r.nextInt(60)));
        }
        return new ProvisioningRequest(groups, TestOfferings.where(t -> true), zones);
    }

    static Stream<Arguments> workloads() {
        return Stream.of(
                Arguments.of("seed A", new ProvisioningRequest(List.of(new PendingGroup("web", arm(512, 1024), 30)),
                        TestOfferings.seed(), THREE)),
                Arguments.of("seed C", new ProvisioningRequest(List.of(new PendingGroup("db", arm(1000, 14000), 10)),
                        TestOfferings.seed(), THREE)),
                Arguments.of("host ports", new ProvisioningRequest(List.of(
                        new PendingGroup("a", host(256, 256, 80), 5), new PendingGroup("b", host(256, 256, 80, 443), 4),
                        new PendingGroup("c", x86(256, 512), 9)), TestOfferings.named("m5.large", "m5.xlarge"), ONE)),
                Arguments.of("gpus", new ProvisioningRequest(List.of(new PendingGroup("ml", gpu(1), 5),
                        new PendingGroup("big", gpu(4), 1), new PendingGroup("web", x86(512, 1024), 7)),
                        TestOfferings.named("g4dn.xlarge", "g4dn.12xlarge", "c5.large"), THREE)),
                Arguments.of("with unplaceable", new ProvisioningRequest(List.of(new PendingGroup("ok", arm(512, 1024), 7),
                        new PendingGroup("huge", arm(1024, 20000), 3), new PendingGroup("x86", x86(512, 512), 2)),
                        TestOfferings.seed(), THREE)),
                Arguments.of("random 1", random(1, THREE)),
                Arguments.of("random 2", random(2, ONE)),
                Arguments.of("random 3", random(3, List.of(THREE.get(0), THREE.get(1)))),
                Arguments.of("random 4", random(4, THREE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("workloads")
    void plan_anyWorkload_neverOvercommitsAnyResource(String name, ProvisioningRequest req) {
        LaunchPlan plan = new Provisioner().plan(req);
        Map<String, TaskDemand> demand = demands(req);
        for (PlannedInstance i : plan.instances()) {
            Resources sum = Resources.ZERO;
            Set<Integer> ports = new HashSet<>();
            for (TaskAssignment a : i.tasks()) {
                TaskDemand d = demand.get(a.groupKey());
                Resources r = d.resources();
                sum = sum.plus(new Resources(r.cpu() * a.count(), r.memoryMiB() * a.count(), r.gpus() * a.count(),
                        r.enis() * a.count()));
                assertThat(i.offering().type().supports(d.architecture())).as(name).isTrue();
                for (int k = 0; k < a.count(); k++) {
                    for (int p : d.hostPorts()) {
                        assertThat(ports.add(p)).as("%s: host port %d twice on one instance", name, p).isTrue();
                    }
                }
            }
            assertThat(sum).isEqualTo(i.allocated());
            assertThat(i.registered().fits(sum)).as(name + " " + i.offering().type().name()).isTrue();
            assertThat(i.tasks()).isNotEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("workloads")
    void plan_anyWorkload_placesOrExplainsEveryTask(String name, ProvisioningRequest req) {
        LaunchPlan plan = new Provisioner().plan(req);
        Map<String, Integer> seen = new HashMap<>();
        plan.instances().forEach(i -> i.tasks().forEach(a -> seen.merge(a.groupKey(), a.count(), Integer::sum)));
        for (Unplaceable u : plan.unplaceable()) {
            assertThat(u.reason()).isNotBlank();
            seen.merge(u.groupKey(), u.count(), Integer::sum);
        }
        for (PendingGroup g : req.groups()) {
            assertThat(seen.getOrDefault(g.key(), 0)).as(name + " " + g.key()).isEqualTo(g.count());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("workloads")
    void plan_anyWorkload_spreadsEachGroupEvenlyOverZones(String name, ProvisioningRequest req) {
        LaunchPlan plan = new Provisioner().plan(req);
        Map<String, Map<Zone, Integer>> perZone = new HashMap<>();
        plan.instances().forEach(i -> i.tasks().forEach(a -> perZone.computeIfAbsent(a.groupKey(),
                k -> new HashMap<>()).merge(i.zone(), a.count(), Integer::sum)));
        for (Map.Entry<String, Map<Zone, Integer>> e : perZone.entrySet()) {
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (Zone z : req.zones()) {
                int n = e.getValue().getOrDefault(z, 0);
                min = Math.min(min, n);
                max = Math.max(max, n);
            }
            assertThat(max - min).as(name + " " + e.getKey()).isLessThanOrEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("workloads")
    void plan_sameInput_samePlan(String name, ProvisioningRequest req) {
        assertThat(new Provisioner().plan(req)).isEqualTo(new Provisioner().plan(req));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("workloads")
    void plan_costs_splitEc2AndFeeAndSumInstances(String name, ProvisioningRequest req) {
        LaunchPlan plan = new Provisioner().plan(req);
        double ec2 = plan.instances().stream().mapToDouble(i -> i.offering().pricePerHour()).sum();
        double fee = plan.instances().stream().mapToDouble(i -> i.offering().feePerHour()).sum();
        assertThat(plan.ec2PerHour()).isCloseTo(ec2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(plan.feePerHour()).isCloseTo(fee, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(plan.cpuUtilization()).isBetween(0.0, 1.0);
        assertThat(plan.memoryUtilization()).isBetween(0.0, 1.0);
    }

    private static Map<String, TaskDemand> demands(ProvisioningRequest req) {
        Map<String, TaskDemand> m = new HashMap<>();
        req.groups().forEach(g -> m.put(g.key(), g.demand()));
        return m;
    }
}
