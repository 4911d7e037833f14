package io.stevedore.api.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.api.EcsServerFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.Subnet;

/** The EC2 view on the ECS endpoint, driven by the real AWS SDK for Java v2 {@code Ec2Client}. */
class Ec2ViewApiTest {
    @TempDir
    static Path dir;
    static EcsServerFixture f;
    static Ec2Client ec2;

    @BeforeAll
    static void start() throws Exception {
        f = new EcsServerFixture(dir);
        ec2 = Ec2Client.builder().endpointOverride(f.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        f.miCluster("ec2view");
        f.register(EcsServerFixture.nginx("web"));
        f.ecs.createService(b -> b.cluster("ec2view").serviceName("svc").taskDefinition("web").desiredCount(4)
                .networkConfiguration(f.awsvpc()));
        f.waiter.waitUntilServicesStable(b -> b.cluster("ec2view").services("svc"));
    }

    @AfterAll
    static void stop() {
        ec2.close();
        f.close();
    }

    @Test
    void describeSubnets_defaultVpc_oneSubnetPerZone() {
        List<Subnet> subnets = ec2.describeSubnets().subnets();
        assertThat(subnets).hasSizeGreaterThanOrEqualTo(3);
        assertThat(subnets).extracting(Subnet::availabilityZone).doesNotHaveDuplicates().allMatch(z -> z.startsWith("us-east-1"));
        assertThat(subnets).allMatch(s -> s.subnetId().startsWith("subnet-") && s.defaultForAz());
        String vpc = ec2.describeVpcs().vpcs().get(0).vpcId();
        assertThat(subnets).allMatch(s -> s.vpcId().equals(vpc));
        assertThat(ec2.describeSecurityGroups().securityGroups()).singleElement()
                .satisfies(g -> assertThat(g.groupName()).isEqualTo("default"));
        assertThat(ec2.describeSubnets(b -> b.filters(Filter.builder().name("availability-zone")
                .values("us-east-1b").build())).subnets()).singleElement();
    }

    @Test
    void describeInstances_clusterTagFilter_showsTheManagedFleet() {
        List<Instance> instances = instances(Filter.builder().name("tag:aws:ecs:clusterName").values("ec2view").build(),
                Filter.builder().name("instance-state-name").values("running").build());
        assertThat(instances).isNotEmpty();
        int ecsInstances = f.ecs.listContainerInstances(b -> b.cluster("ec2view")).containerInstanceArns().size();
        assertThat(instances).hasSize(ecsInstances);
        assertThat(instances).allSatisfy(i -> {
            assertThat(i.instanceId()).startsWith("i-");
            assertThat(i.operator().managed()).isTrue();
            assertThat(i.operator().principal()).isEqualTo("ecs.amazonaws.com");
            assertThat(i.architectureAsString()).isEqualTo("arm64");
            assertThat(i.privateIpAddress()).startsWith("172.31.");
            assertThat(i.tags()).anyMatch(t -> t.key().equals("aws:ec2:managed-launch"));
        });
        assertThat(instances(Filter.builder().name("tag:aws:ecs:clusterName").values("other").build())).isEmpty();
        String type = instances.get(0).instanceTypeAsString();
        assertThat(instances(Filter.builder().name("instance-type").values(type).build()))
                .allMatch(i -> i.instanceTypeAsString().equals(type));
        assertThat(instances(Filter.builder().name("instance-type").values(type.substring(0, 3) + "*").build()))
                .isNotEmpty();
    }

    @Test
    void describeInstances_pagination_visitsEveryInstanceOnce() {
        int total = instances().size();
        List<String> ids = ec2.describeInstancesPaginator(b -> b.maxResults(5)).reservations().stream()
                .flatMap(r -> r.instances().stream()).map(Instance::instanceId).collect(Collectors.toList());
        assertThat(ids).hasSize(total).doesNotHaveDuplicates();
    }

    @Test
    void describeInstanceTypes_catalogFacts() {
        InstanceTypeInfo t = ec2.describeInstanceTypes(b -> b.instanceTypesWithStrings("c5.large"))
                .instanceTypes().get(0);
        assertThat(t.vCpuInfo().defaultVCpus()).isEqualTo(2);
        assertThat(t.memoryInfo().sizeInMiB()).isEqualTo(4096);
        assertThat(t.networkInfo().maximumNetworkInterfaces()).isEqualTo(3);
        long arm = ec2.describeInstanceTypesPaginator(b -> b.filters(Filter.builder()
                .name("processor-info.supported-architecture").values("arm64").build())).instanceTypes().stream()
                .count();
        assertThat(arm).isGreaterThan(300);
    }

    @Test
    void mutatingCalls_onManagedInstances_refused() {
        String id = instances().get(0).instanceId();
        assertThatThrownBy(() -> ec2.terminateInstances(b -> b.instanceIds(id)))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("OperationNotPermitted");
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage()).contains(id).contains("ecs.amazonaws.com");
                });
        assertThatThrownBy(() -> ec2.stopInstances(b -> b.instanceIds("i-0000000000000dead")))
                .isInstanceOfSatisfying(AwsServiceException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInstanceID.NotFound"));
        assertThat(instances()).anyMatch(i -> i.instanceId().equals(id) && i.state().nameAsString().equals("running"));
    }

    @Test
    void unknownFilterAndBadMaxResults_clientErrors() {
        Map<String, Runnable> calls = Map.of(
                "InvalidParameterValue", () -> ec2.describeInstances(b -> b.filters(Filter.builder().name("bogus")
                        .values("x").build())),
                "InvalidInstanceType", () -> ec2.describeInstanceTypes(b -> b.instanceTypesWithStrings("zz9.huge")));
        calls.forEach((code, call) -> assertThatThrownBy(call::run).isInstanceOfSatisfying(AwsServiceException.class,
                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code)));
    }

    private static List<Instance> instances(Filter... filters) {
        return ec2.describeInstances(b -> b.filters(filters)).reservations().stream()
                .map(Reservation::instances).flatMap(List::stream).toList();
    }
}
