package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.catalog.PriceBook;
import io.stevedore.cloud.Instance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.PlacementConstraint;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The control loop on the real engine, through the real EcsClient: the seed walkthroughs end with a fleet no dearer
 * than the targets (priced from the instances the simulated EC2 runs), constraints hold on new capacity, an
 * impossible task is explained, and scaling never over-commits an instance.
 */
class FleetEngineApiTest extends EcsServerTestBase {
    private static PriceBook prices;

    @BeforeAll
    static void loadPrices() {
        prices = PriceBook.load();
    }

    @AfterAll
    static void dropPrices() {
        prices = null;
    }

    @BeforeEach
    void setUp() {
        f.miCluster("c");
    }

    /** Instance type → count of the cluster's live instances, as the EC2 view lists them. */
    private Map<String, Integer> fleet() {
        Map<String, Integer> out = new TreeMap<>();
        for (Instance i : f.plane.cloud().list()) {
            if ("c".equals(i.tags().get("aws:ecs:clusterName")) && !"terminated".equals(i.state())
                    && !"shutting-down".equals(i.state())) {
                out.merge(i.instanceType(), 1, Integer::sum);
            }
        }
        return out;
    }

    /** us-east-1 On-Demand EC2 dollars per hour of {@code fleet} (management fee excluded, as in the issue). */
    private static double cost(Map<String, Integer> fleet) {
        double sum = 0;
        for (Map.Entry<String, Integer> e : fleet.entrySet()) {
            sum += prices.onDemand("us-east-1", e.getKey()).orElseThrow() * e.getValue();
        }
        return sum;
    }

    private void service(String name, String family, int desired, List<PlacementConstraint> constraints) {
        f.ecs.createService(b -> b.cluster("c").serviceName(name).taskDefinition(family).desiredCount(desired)
                .networkConfiguration(f.awsvpc()).placementConstraints(constraints));
    }

    private void scale(String name, int desired) {
        f.ecs.updateService(b -> b.cluster("c").service(name).desiredCount(desired));
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services(name));
    }

    private List<Task> tasks(String service) {
        List<String> arns = f.ecs.listTasksPaginator(b -> b.cluster("c").serviceName(service)).taskArns().stream()
                .toList();
        List<Task> out = new ArrayList<>();
        for (int i = 0; i < arns.size(); i += 100) {
            List<String> page = arns.subList(i, Math.min(arns.size(), i + 100));
            out.addAll(f.ecs.describeTasks(b -> b.cluster("c").tasks(page)).tasks());
        }
        return out;
    }

    private List<ContainerInstance> containerInstances() {
        List<String> arns = f.ecs.listContainerInstancesPaginator(b -> b.cluster("c")).containerInstanceArns()
                .stream().toList();
        return arns.isEmpty() ? List.of() : f.ecs.describeContainerInstances(b -> b.cluster("c")
                .containerInstances(arns)).containerInstances();
    }

    private static String attribute(ContainerInstance ci, String name) {
        return ci.attributes().stream().filter(a -> name.equals(a.name())).map(Attribute::value).findFirst()
                .orElse(null);
    }

    private static int resource(List<Resource> rs, String name) {
        return rs.stream().filter(r -> name.equals(r.name())).mapToInt(Resource::integerValue).findFirst()
                .orElseThrow();
    }

    /** Scales a service of the seed's task definition (with {@code cpu}/{@code memory}) from 1 to {@code tasks}. */
    private void seed(String family, String cpu, String memory, int tasks, double target, int maxInstances) {
        f.register(EcsServerFixture.nginx(family).cpu(cpu).memory(memory));
        service(family, family, 1, List.of());
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services(family));
        scale(family, tasks);
        Map<String, Integer> fleet = fleet();
        System.out.printf("seed %s: %d x %s/%s -> %s, EC2 $%.4f/h%n", family, tasks, cpu, memory, fleet,
                cost(fleet));
        assertThat(tasks(family)).hasSize(tasks).allSatisfy(t -> assertThat(t.lastStatus()).isEqualTo("RUNNING"));
        assertThat(cost(fleet)).isLessThanOrEqualTo(target);
        assertThat(fleet.values().stream().mapToInt(Integer::intValue).sum()).isLessThanOrEqualTo(maxInstances);
    }

    @Test
    void seedA_scaleOneToThirty_fleetCostAtMostTarget() {
        seed("a", "512", "1024", 30, 0.51, 16); // not one instance per task (30 t4g.small cost the same)
    }

    @Test
    void seedB_scaleOneToTen_fleetCostAtMostTarget() {
        seed("b", "1000", "3500", 10, 0.34, 10);
    }

    @Test
    void seedC_scaleOneToTen_fleetCostAtMostTarget() {
        seed("c", "1000", "14000", 10, 1.01, 10);
    }

    @Test
    void insufficientCapacity_plannedType_launchesAFallbackThatHoldsTheTasks() {
        f.plane.cloud().setUnavailableTypes(Set.of("t4g.medium", "t4g.small"));
        f.register(EcsServerFixture.nginx("web"));
        service("ice", "web", 8, List.of());
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("ice"));
        assertThat(fleet()).isNotEmpty().doesNotContainKeys("t4g.medium", "t4g.small");
        assertThat(tasks("ice")).hasSize(8).allSatisfy(t -> assertThat(t.lastStatus()).isEqualTo("RUNNING"));
    }

    @Test
    void launchedInstanceGoneBeforeBoot_itsTasksArePlacedAgain() throws Exception {
        try (EcsServerFixture m = new EcsServerFixture(dir.resolve("manual"), false)) {
            m.miCluster("c");
            m.register(EcsServerFixture.nginx("web"));
            String arn = m.ecs.runTask(b -> b.cluster("c").taskDefinition("web").networkConfiguration(m.awsvpc()))
                    .tasks().get(0).taskArn();
            m.plane.reconciler().tick();
            String first = m.plane.state().runtimes.get(arn).orElseThrow().instanceId();
            assertThat(first).isNotNull();
            m.plane.state().db.run(() -> m.plane.cloud().terminate(first));
            m.plane.reconciler().tick();
            String second = m.plane.state().runtimes.get(arn).orElseThrow().instanceId();
            assertThat(second).isNotNull().isNotEqualTo(first);
        }
    }

    @Test
    void memberOfInstanceType_newCapacity_onlyMatchingTypes() {
        f.register(EcsServerFixture.nginx("web"));
        service("m", "web", 6, List.of(PlacementConstraint.builder().type("memberOf")
                .expression("attribute:ecs.instance-type =~ m6g.*").build()));
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("m"));
        assertThat(fleet()).isNotEmpty().allSatisfy((type, n) -> assertThat(type).matches("m6g.*"));
        Map<String, String> typeOf = new TreeMap<>();
        containerInstances().forEach(ci -> typeOf.put(ci.containerInstanceArn(), attribute(ci, "ecs.instance-type")));
        assertThat(tasks("m")).hasSize(6).allSatisfy(t -> assertThat(typeOf.get(t.containerInstanceArn()))
                .matches("m6g.*"));
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

    @Test
    void gpuTask_requirementsWithoutGpus_stoppedWithReasonAndServiceEvent() {
        f.register(EcsServerFixture.nginx("gpu").containerDefinitions(c -> c.name("train")
                .image("public.ecr.aws/nginx/nginx:latest").essential(true)
                .resourceRequirements(r -> r.type("GPU").value("4"))));
        String arn = f.ecs.runTask(b -> b.cluster("c").taskDefinition("gpu").networkConfiguration(f.awsvpc()))
                .tasks().get(0).taskArn();
        f.waiter.waitUntilTasksStopped(b -> b.cluster("c").tasks(arn));
        Task t = f.ecs.describeTasks(b -> b.cluster("c").tasks(arn)).tasks().get(0);
        assertThat(t.stopCode()).hasToString("TaskFailedToStart");
        assertThat(t.stoppedReason()).contains("c-mi").contains("4 GPUs");
        service("g", "gpu", 1, List.of());
        ServiceEvent event = null;
        for (int i = 0; i < 200 && event == null; i++) {
            event = f.ecs.describeServices(b -> b.cluster("c").services("g")).services().get(0).events().stream()
                    .filter(e -> e.message().contains("was unable to place a task")).findFirst().orElse(null);
        }
        assertThat(event).isNotNull();
        assertThat(event.message()).startsWith("(service g) was unable to place a task").contains("4 GPUs");
        assertThat(fleet()).isEmpty();
    }

    @Test
    void capacityProviderStrategy_twoProviders_baseFirstThenByWeight() {
        f.ecs.createCapacityProvider(f.miProvider("second", "c").build());
        f.register(EcsServerFixture.nginx("web"));
        f.ecs.createService(b -> b.cluster("c").serviceName("w").taskDefinition("web").desiredCount(8)
                .networkConfiguration(f.awsvpc()).capacityProviderStrategy(
                        s -> s.capacityProvider("c-mi").base(2).weight(1),
                        s -> s.capacityProvider("second").weight(2)));
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("w"));
        Map<String, Integer> perProvider = new TreeMap<>();
        tasks("w").forEach(t -> perProvider.merge(t.capacityProviderName(), 1, Integer::sum));
        assertThat(perProvider).containsEntry("c-mi", 4).containsEntry("second", 4);
        Map<String, String> providerOf = new TreeMap<>();
        containerInstances().forEach(ci -> providerOf.put(ci.containerInstanceArn(), ci.capacityProviderName()));
        assertThat(tasks("w")).allSatisfy(t -> assertThat(providerOf.get(t.containerInstanceArn()))
                .isEqualTo(t.capacityProviderName()));
    }

    @Test
    void scaleUpAndDown_neverOverCommitsAnInstance() {
        // infrastructure optimization off: at the fixture's speed a compaction (start-before-stop) may run
        // between two scaling steps and briefly add a replacement task to the exact counts asserted here
        f.ecs.updateCapacityProvider(b -> b.name("c-mi").cluster("c").managedInstancesProvider(m -> m
                .infrastructureRoleArn(EcsServerFixture.ROLE).instanceLaunchTemplate(t -> t.monitoring("BASIC"))
                .infrastructureOptimization(o -> o.scaleInAfter(-1))));
        f.register(EcsServerFixture.nginx("web").cpu("1024").memory("1536"));
        service("s", "web", 1, List.of());
        for (int desired : new int[] {1, 17, 4, 23, 9}) {
            scale("s", desired);
            List<ContainerInstance> cis = containerInstances();
            assertThat(cis).allSatisfy(ci -> {
                assertThat(resource(ci.remainingResources(), "CPU")).isNotNegative();
                assertThat(resource(ci.remainingResources(), "MEMORY")).isNotNegative();
            });
            Map<String, Integer> perInstance = new TreeMap<>();
            for (Task t : tasks("s")) {
                perInstance.merge(t.containerInstanceArn(), 1, Integer::sum);
            }
            for (ContainerInstance ci : cis) {
                int n = perInstance.getOrDefault(ci.containerInstanceArn(), 0);
                assertThat(n * 1024).isLessThanOrEqualTo(resource(ci.registeredResources(), "CPU"));
                assertThat(n * 1536).isLessThanOrEqualTo(resource(ci.registeredResources(), "MEMORY"));
            }
            assertThat(tasks("s")).hasSize(desired);
        }
    }
}
