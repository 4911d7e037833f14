package io.stevedore.api;

import io.stevedore.assembly.ControlPlane;
import io.stevedore.cloud.Network;
import io.stevedore.control.state.PlaneConfig;
import io.stevedore.time.Clock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.CreateCapacityProviderRequest;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.waiters.EcsWaiter;

/** A real Stevedore server on an ephemeral loopback port plus a real AWS SDK EcsClient pointed at it. */
public final class EcsServerFixture implements AutoCloseable {
    public static final double SPEED = 1000;
    public static final String ROLE = "arn:aws:iam::000000000000:role/ecsInfrastructureRole";
    public static final String PROFILE = "arn:aws:iam::000000000000:instance-profile/ecsInstanceRole";

    public final ControlPlane plane;
    public final ApiServer server;
    public final EcsClient ecs;
    public final EcsWaiter waiter;

    public EcsServerFixture(Path dataDir) throws Exception {
        this(dataDir, true);
    }

    public EcsServerFixture(Path dataDir, boolean loop) throws Exception {
        this(ControlPlane.open(dataDir, config(), Clock.system()), loop);
    }

    /** Serves an already opened control plane (PostgreSQL replicas, say). */
    public EcsServerFixture(ControlPlane plane, boolean loop) throws Exception {
        this.plane = plane;
        server = new ApiServer(plane, "127.0.0.1", 0);
        server.start();
        if (loop) {
            plane.startLoop();
        }
        ecs = client(endpoint());
        waiter = EcsWaiter.builder().client(ecs).overrideConfiguration(WaiterOverrideConfiguration.builder()
                .backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(50))).maxAttempts(400)
                .build()).build();
    }

    public static PlaneConfig config() {
        return new PlaneConfig("us-east-1", "000000000000", SPEED);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    public static EcsClient client(URI endpoint) {
        return EcsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** An SDK v2 EC2 client of this server's EC2 view (test/test, us-east-1, no retries); the caller closes it. */
    public software.amazon.awssdk.services.ec2.Ec2Client ec2Client() {
        return software.amazon.awssdk.services.ec2.Ec2Client.builder().endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    public List<String> subnets() {
        return plane.cloud().network().subnets().stream().map(Network.Subnet::id).toList();
    }

    public String securityGroup() {
        return plane.cloud().network().securityGroups().get(0).id();
    }

    public NetworkConfiguration awsvpc() {
        return NetworkConfiguration.builder().awsvpcConfiguration(a -> a.subnets(subnets().subList(0, 2))
                .securityGroups(securityGroup())).build();
    }

    /** A valid MI capacity provider request (the seed scenario's requirements). */
    public CreateCapacityProviderRequest.Builder miProvider(String name, String cluster) {
        return CreateCapacityProviderRequest.builder().name(name).cluster(cluster).managedInstancesProvider(m -> m
                .infrastructureRoleArn(ROLE).propagateTags("CAPACITY_PROVIDER")
                .instanceLaunchTemplate(t -> t.ec2InstanceProfileArn(PROFILE).monitoring("BASIC")
                        .storageConfiguration(s -> s.storageSizeGiB(16))
                        .networkConfiguration(n -> n.subnets(subnets().subList(0, 2)).securityGroups(securityGroup()))
                        .instanceRequirements(r -> r.vCpuCount(v -> v.min(2).max(4))
                                .memoryMiB(v -> v.min(2048).max(16384))
                                .instanceGenerationsWithStrings("current", "previous")
                                .cpuManufacturersWithStrings("amazon-web-services")
                                .burstablePerformance("included").bareMetal("excluded"))));
    }

    /** A cluster with an MI provider as its default strategy. */
    public CapacityProvider miCluster(String cluster) {
        ecs.createCluster(b -> b.clusterName(cluster));
        CapacityProvider p = ecs.createCapacityProvider(miProvider(cluster + "-mi", cluster).build())
                .capacityProvider();
        ecs.putClusterCapacityProviders(b -> b.cluster(cluster).capacityProviders(List.of())
                .defaultCapacityProviderStrategy(s -> s.capacityProvider(p.name()).weight(100).base(0)));
        return p;
    }

    public static RegisterTaskDefinitionRequest.Builder nginx(String family) {
        return RegisterTaskDefinitionRequest.builder().family(family).cpu("512").memory("1024")
                .networkMode("awsvpc").requiresCompatibilitiesWithStrings("MANAGED_INSTANCES")
                .runtimePlatform(p -> p.operatingSystemFamily("LINUX").cpuArchitecture("ARM64"))
                .containerDefinitions(ContainerDefinition.builder().name("web")
                        .image("public.ecr.aws/nginx/nginx:latest").essential(true)
                        .portMappings(p -> p.containerPort(80).protocol("tcp")).build());
    }

    public TaskDefinition register(RegisterTaskDefinitionRequest.Builder b) {
        return ecs.registerTaskDefinition(b.build()).taskDefinition();
    }

    /** Stops without any clean shutdown of the state (the store is simply abandoned, as on a crash). */
    public void crash() {
        server.close();
        ecs.close();
    }

    @Override
    public void close() {
        server.close();
        ecs.close();
        plane.close();
    }
}
