package io.stevedore.lifecycle;

import io.stevedore.api.EcsApi;
import io.stevedore.assembly.ControlPlane;
import io.stevedore.cloud.Network;
import io.stevedore.control.state.PlaneConfig;
import io.stevedore.time.VirtualClock;
import io.stevedore.wire.AwsJsonCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.CreateCapacityProviderRequest;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * A control plane on a virtual clock driven in-process through the ECS operations (the simulator's way), for the
 * lifecycle acceptance tests: nothing sleeps; {@link #run} advances the clock and ticks the reconciler.
 */
final class LifecycleHarness implements AutoCloseable {
    static final Instant START = Instant.parse("2026-01-05T00:00:00Z"); // a Monday
    static final String CLUSTER = "lc";
    final VirtualClock clock = new VirtualClock(START);
    final ControlPlane plane = ControlPlane.inMemory(new PlaneConfig("us-east-1", PlaneConfig.DEFAULT_ACCOUNT, 1), clock);
    private final AwsJsonCodec codec = new AwsJsonCodec();

    <T> T call(String op, SdkPojo request, Supplier<? extends SdkPojo> builder, Class<T> type) {
        String out = plane.api().handle(EcsApi.TARGET_PREFIX + op, codec.writeString(request));
        return codec.read(out, builder, type);
    }

    void call(String op, SdkPojo request) {
        plane.api().handle(EcsApi.TARGET_PREFIX + op, codec.writeString(request));
    }

    List<String> subnets() {
        return plane.cloud().network().subnets().stream().map(Network.Subnet::id).limit(3).toList();
    }

    /** A cluster with one MI provider (2-8 vCPU, any manufacturer) as its default strategy. */
    void cluster(String provider, String capacityOption, Integer scaleInAfter, String autoRepair) {
        cluster(provider, capacityOption, scaleInAfter, autoRepair, r -> r.vCpuCount(v -> v.min(2).max(8))
                .memoryMiB(v -> v.min(4096).max(32768)).burstablePerformance("excluded").bareMetal("excluded"));
    }

    void cluster(String provider, String capacityOption, Integer scaleInAfter, String autoRepair,
                 java.util.function.Consumer<software.amazon.awssdk.services.ecs.model.InstanceRequirementsRequest
                         .Builder> requirements) {
        call("CreateCluster", software.amazon.awssdk.services.ecs.model.CreateClusterRequest.builder()
                .clusterName(CLUSTER).build());
        CreateCapacityProviderRequest.Builder b = CreateCapacityProviderRequest.builder().name(provider)
                .cluster(CLUSTER).managedInstancesProvider(m -> {
                    m.infrastructureRoleArn("arn:aws:iam::" + PlaneConfig.DEFAULT_ACCOUNT + ":role/ecsInfrastructureRole")
                            .instanceLaunchTemplate(lt -> lt.ec2InstanceProfileArn("arn:aws:iam::"
                                            + PlaneConfig.DEFAULT_ACCOUNT + ":instance-profile/ecsInstanceRole")
                                    .capacityOptionType(capacityOption)
                                    .networkConfiguration(n -> n.subnets(subnets()).securityGroups(plane.cloud()
                                            .network().securityGroups().get(0).id()))
                                    .instanceRequirements(requirements));
                    if (scaleInAfter != null) {
                        m.infrastructureOptimization(o -> o.scaleInAfter(scaleInAfter));
                    }
                    if (autoRepair != null) {
                        m.autoRepairConfiguration(a -> a.actionsStatus(autoRepair));
                    }
                });
        call("CreateCapacityProvider", b.build());
        call("PutClusterCapacityProviders", software.amazon.awssdk.services.ecs.model
                .PutClusterCapacityProvidersRequest.builder().cluster(CLUSTER).capacityProviders(List.of())
                .defaultCapacityProviderStrategy(s -> s.capacityProvider(provider).weight(1)).build());
        run(Duration.ofSeconds(2), Duration.ofSeconds(1));
    }

    void taskDefinition(String family, String cpu, String memory, String image) {
        call("RegisterTaskDefinition", RegisterTaskDefinitionRequest.builder().family(family).cpu(cpu).memory(memory)
                .networkMode("host").requiresCompatibilitiesWithStrings("MANAGED_INSTANCES")
                .containerDefinitions(ContainerDefinition.builder().name("app").image(image).essential(true)
                        .build()).build());
    }

    void service(String name, String family, int desired) {
        call("CreateService", CreateServiceRequest.builder().cluster(CLUSTER).serviceName(name)
                .taskDefinition(family).desiredCount(desired).build());
    }

    void scale(String name, int desired) {
        call("UpdateService", software.amazon.awssdk.services.ecs.model.UpdateServiceRequest.builder()
                .cluster(CLUSTER).service(name).desiredCount(desired).build());
    }

    /** Advances the clock by {@code total} in steps of {@code step}, ticking after each step. */
    void run(Duration total, Duration step) {
        run(total, step, () -> { });
    }

    void run(Duration total, Duration step, Runnable afterTick) {
        Instant end = clock.now().plus(total);
        while (clock.now().isBefore(end)) {
            clock.advance(step);
            plane.reconciler().tick();
            afterTick.run();
        }
    }

    List<Service> services() {
        return plane.database().transaction(() -> plane.state().services.values(s -> "ACTIVE".equals(s.status())));
    }

    /** RUNNING tasks of a service (from the state, not the API, so it can be checked every tick). */
    long running(String service) {
        return plane.database().transaction(() -> plane.state().tasks.values(t -> ("service:" + service)
                .equals(t.group()) && "RUNNING".equals(t.lastStatus())).size());
    }

    List<Task> tasks() {
        return plane.database().transaction(() -> new ArrayList<>(plane.state().tasks.values()));
    }

    FleetSnapshot fleet() {
        return plane.database().transaction(() -> plane.reconciler().lifecycle().snapshot());
    }

    /** USD per hour of the registered fleet (EC2 prices of the provider's offerings). */
    double cost() {
        return fleet().instances().stream().mapToDouble(FleetSnapshot.Member::pricePerHour).sum();
    }

    @Override
    public void close() {
        plane.close();
    }
}
