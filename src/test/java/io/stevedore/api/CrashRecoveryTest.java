package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.testkit.ServeChild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.waiters.EcsWaiter;

/**
 * kill -9 of a real {@code stevedore serve} process while a service scales, then a restart on the same data
 * directory: everything acknowledged is there and the service converges.
 */
class CrashRecoveryTest {

    @TempDir
    Path dataDir;


    private ServeChild start() throws Exception {
        return ServeChild.start("--data-dir", dataDir.toString(), "--speed", "100");
    }

    private static void kill9(ServeChild s) throws Exception {
        s.process().destroyForcibly(); // SIGKILL on Linux
        assertThat(s.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void killDashNineWhileScaling_restartOnSameDataDir_everythingThereAndConverges() throws Exception {
        ServeChild first = start();
        List<String> taskArnsBefore;
        String instanceBefore;
        try (EcsClient ecs = EcsServerFixture.client(first.endpoint())) {
            ecs.createCluster(b -> b.clusterName("ec2-managed"));
            String subnet = defaultSubnets().get(0);
            ecs.createCapacityProvider(b -> b.name("mi").cluster("ec2-managed").managedInstancesProvider(m -> m
                    .infrastructureRoleArn(EcsServerFixture.ROLE).instanceLaunchTemplate(t -> t
                            .ec2InstanceProfileArn(EcsServerFixture.PROFILE)
                            .networkConfiguration(n -> n.subnets(defaultSubnets()))
                            .instanceRequirements(r -> r.vCpuCount(v -> v.min(2).max(4)).memoryMiB(v -> v.min(2048))
                                    .cpuManufacturersWithStrings("amazon-web-services")))));
            ecs.putClusterCapacityProviders(b -> b.cluster("ec2-managed").capacityProviders(List.of())
                    .defaultCapacityProviderStrategy(s -> s.capacityProvider("mi").weight(1)));
            ecs.registerTaskDefinition(EcsServerFixture.nginx("test-ecs-task").build());
            ecs.createService(b -> b.cluster("ec2-managed").serviceName("svc").taskDefinition("test-ecs-task")
                    .desiredCount(2).networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets(subnet))));
            waiter(ecs).waitUntilServicesStable(b -> b.cluster("ec2-managed").services("svc"));
            instanceBefore = ecs.listContainerInstances(b -> b.cluster("ec2-managed")).containerInstanceArns().get(0);
            ecs.updateService(b -> b.cluster("ec2-managed").service("svc").desiredCount(8));
            taskArnsBefore = ecs.listTasks(b -> b.cluster("ec2-managed")).taskArns();
        }
        kill9(first);

        ServeChild second = start();
        try (EcsClient ecs = EcsServerFixture.client(second.endpoint())) {
            assertThat(ecs.listClusters().clusterArns()).singleElement().asString().endsWith("/ec2-managed");
            assertThat(ecs.describeCapacityProviders(b -> b.capacityProviders("mi")).capacityProviders().get(0)
                    .statusAsString()).isEqualTo("ACTIVE");
            assertThat(ecs.describeTaskDefinition(b -> b.taskDefinition("test-ecs-task:1")).taskDefinition())
                    .isNotNull();
            Service s = ecs.describeServices(b -> b.cluster("ec2-managed").services("svc")).services().get(0);
            assertThat(s.desiredCount()).isEqualTo(8);
            assertThat(ecs.describeTasks(b -> b.cluster("ec2-managed").tasks(taskArnsBefore)).failures()).isEmpty();
            assertThat(ecs.describeContainerInstances(b -> b.cluster("ec2-managed")
                    .containerInstances(instanceBefore)).containerInstances()).hasSize(1);
            waiter(ecs).waitUntilServicesStable(b -> b.cluster("ec2-managed").services("svc"));
            assertThat(ecs.describeServices(b -> b.cluster("ec2-managed").services("svc")).services().get(0)
                    .runningCount()).isEqualTo(8);
            assertThat(ecs.listTasks(b -> b.cluster("ec2-managed").serviceName("svc")).taskArns()).hasSize(8);
        } finally {
            kill9(second);
        }
    }

    private static List<String> defaultSubnets() {
        return io.stevedore.cloud.simulated.SimulatedEc2.defaultSubnetIds("us-east-1");
    }

    private static EcsWaiter waiter(EcsClient ecs) {
        return EcsWaiter.builder().client(ecs).overrideConfiguration(WaiterOverrideConfiguration.builder()
                .backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(100))).maxAttempts(600).build())
                .build();
    }
}
