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
import software.amazon.awssdk.awscore.exception.AwsServiceException;
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
        ec2 = f.ec2Client();
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
        // (another test of this class creates a VPC of its own: look at the default one)
        List<Subnet> subnets = ec2.describeSubnets(b -> b.filters(Filter.builder().name("default-for-az")
                .values("true").build())).subnets();
        assertThat(subnets).hasSizeGreaterThanOrEqualTo(3);
        assertThat(subnets).extracting(Subnet::availabilityZone).doesNotHaveDuplicates().allMatch(z -> z.startsWith("us-east-1"));
        assertThat(subnets).allMatch(s -> s.subnetId().startsWith("subnet-") && s.defaultForAz());
        String vpc = ec2.describeVpcs(b -> b.filters(Filter.builder().name("is-default").values("true").build()))
                .vpcs().get(0).vpcId();
        assertThat(subnets).allMatch(s -> s.vpcId().equals(vpc));
        assertThat(ec2.describeSecurityGroups(b -> b.filters(Filter.builder().name("vpc-id").values(vpc).build()))
                .securityGroups()).singleElement()
                .satisfies(g -> assertThat(g.groupName()).isEqualTo("default"));
        assertThat(ec2.describeAvailabilityZones().availabilityZones())
                .extracting(software.amazon.awssdk.services.ec2.model.AvailabilityZone::zoneName)
                .containsExactlyInAnyOrderElementsOf(subnets.stream().map(Subnet::availabilityZone).toList());
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

    @Test
    void createVpcSubnetSecurityGroup_usableByCapacityProvidersAndTasks() {
        String vpc = ec2.createVpc(b -> b.cidrBlock("10.20.0.0/16")).vpc().vpcId();
        Subnet subnet = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.20.1.0/24").availabilityZone("us-east-1c"))
                .subnet();
        assertThat(subnet.availabilityZone()).isEqualTo("us-east-1c");
        assertThat(subnet.availableIpAddressCount()).isEqualTo(251);
        String sg = ec2.createSecurityGroup(b -> b.vpcId(vpc).groupName("web").description("web tasks")).groupId();
        assertThat(ec2.describeSubnets(b -> b.filters(Filter.builder().name("vpc-id").values(vpc).build())).subnets())
                .extracting(Subnet::subnetId).containsExactly(subnet.subnetId());
        assertThat(ec2.describeSecurityGroups(b -> b.groupIds(sg)).securityGroups().get(0).vpcId()).isEqualTo(vpc);

        Map<String, Runnable> refused = Map.of(
                "InvalidSubnet.Conflict", () -> ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.20.1.128/25")),
                "InvalidSubnet.Range", () -> ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.99.0.0/24")),
                "InvalidVpc.Range", () -> ec2.createVpc(b -> b.cidrBlock("10.0.0.0/8")),
                "InvalidVpcID.NotFound", () -> ec2.createSubnet(b -> b.vpcId("vpc-0000000000000dead")
                        .cidrBlock("10.20.2.0/24")),
                "InvalidGroup.Duplicate", () -> ec2.createSecurityGroup(b -> b.vpcId(vpc).groupName("web")
                        .description("again")));
        refused.forEach((code, call) -> assertThatThrownBy(call::run).as(code)
                .isInstanceOfSatisfying(AwsServiceException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code)));

        f.ecs.createCluster(b -> b.clusterName("custom-net"));
        f.ecs.createCapacityProvider(f.miProvider("custom-net-mi", "custom-net").build().toBuilder()
                .managedInstancesProvider(m -> m.infrastructureRoleArn(EcsServerFixture.ROLE)
                        .instanceLaunchTemplate(t -> t.ec2InstanceProfileArn(EcsServerFixture.PROFILE)
                                .networkConfiguration(n -> n.subnets(subnet.subnetId()).securityGroups(sg))
                                .instanceRequirements(r -> r.vCpuCount(v -> v.min(2).max(4))
                                        .memoryMiB(v -> v.min(2048).max(16384))))).build());
        String task = f.ecs.runTask(b -> b.cluster("custom-net").taskDefinition("web")
                .capacityProviderStrategy(c -> c.capacityProvider("custom-net-mi").weight(1))
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets(subnet.subnetId())
                        .securityGroups(sg)))).tasks().get(0).taskArn();
        f.waiter.waitUntilTasksRunning(b -> b.cluster("custom-net").tasks(task));
        var t = f.ecs.describeTasks(b -> b.cluster("custom-net").tasks(task)).tasks().get(0);
        assertThat(t.availabilityZone()).isEqualTo("us-east-1c");
        assertThat(t.attachments().get(0).details()).anySatisfy(d -> {
            assertThat(d.name()).isEqualTo("privateIPv4Address");
            assertThat(d.value()).startsWith("10.20.1.");
        });
    }

    private static List<Instance> instances(Filter... filters) {
        return ec2.describeInstances(b -> b.filters(filters)).reservations().stream()
                .map(Reservation::instances).flatMap(List::stream).toList();
    }
}
