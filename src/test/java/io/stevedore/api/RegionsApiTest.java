package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.assembly.ControlPlane;
import io.stevedore.assembly.RegionalPlanes;
import io.stevedore.control.state.PlaneConfig;
import io.stevedore.time.Clock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.waiters.EcsWaiter;

/**
 * Every region at one endpoint: AWS SDK v2 clients configured for us-east-1 and us-west-2 against ONE real server
 * (RegionalPlanes behind ApiServer on loopback). Each region has its own state, ARNs, default network and priced
 * instance types; regions without price data and names that are not regions are refused with clear 4xx answers.
 */
class RegionsApiTest {
    static final Region EAST = Region.US_EAST_1;
    static final Region WEST = Region.US_WEST_2;
    /** A Graviton type priced in us-east-1 and not in us-west-2 (prices-on-demand.json). */
    static final String EAST_ONLY_TYPE = "c8gd.large";

    @TempDir
    static Path dataDir;
    static RegionalPlanes planes;
    static ApiServer server;
    static URI endpoint;

    @BeforeAll
    static void start() throws Exception {
        planes = RegionalPlanes.open(dataDir, EcsServerFixture.config(), Clock.system());
        server = new ApiServer(planes, "127.0.0.1", 0, ApiServer.Options.localDefaults());
        server.start();
        planes.startLoop();
        endpoint = URI.create("http://127.0.0.1:" + server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
        planes.close();
    }

    static EcsClient ecs(URI at, Region region) {
        return EcsClient.builder().endpointOverride(at).region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    static Ec2Client ec2(URI at, Region region) {
        return Ec2Client.builder().endpointOverride(at).region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    static EcsWaiter waiter(EcsClient c) {
        return EcsWaiter.builder().client(c).overrideConfiguration(WaiterOverrideConfiguration.builder()
                .backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(50))).maxAttempts(400).build())
                .build();
    }

    /** An MI provider on the region's own default subnets (read through that region's EC2 view). */
    static CapacityProvider miCluster(EcsClient ecs, Ec2Client ec2, String cluster, String... allowedTypes) {
        List<String> subnets = ec2.describeSubnets().subnets().stream().map(Subnet::subnetId).toList();
        String group = ec2.describeSecurityGroups().securityGroups().get(0).groupId();
        ecs.createCluster(b -> b.clusterName(cluster));
        CapacityProvider p = ecs.createCapacityProvider(b -> b.name(cluster + "-mi").cluster(cluster)
                .managedInstancesProvider(m -> m.infrastructureRoleArn(EcsServerFixture.ROLE)
                        .instanceLaunchTemplate(t -> t.ec2InstanceProfileArn(EcsServerFixture.PROFILE)
                                .networkConfiguration(n -> n.subnets(subnets.subList(0, 2)).securityGroups(group))
                                .instanceRequirements(r -> r.vCpuCount(v -> v.min(2).max(4))
                                        .memoryMiB(v -> v.min(2048).max(16384))
                                        .cpuManufacturersWithStrings("amazon-web-services")
                                        .allowedInstanceTypes(allowedTypes)))))
                .capacityProvider();
        ecs.putClusterCapacityProviders(b -> b.cluster(cluster).capacityProviders(List.of())
                .defaultCapacityProviderStrategy(s -> s.capacityProvider(p.name()).weight(1)));
        ecs.registerTaskDefinition(EcsServerFixture.nginx("web-" + cluster).build());
        return p;
    }

    @Test
    void sameClusterInTwoRegions_eachRegionSeesItsOwnStateAndArns() {
        try (EcsClient east = ecs(endpoint, EAST); EcsClient west = ecs(endpoint, WEST)) {
            Cluster e = east.createCluster(b -> b.clusterName("twin").tags(t -> t.key("side").value("east")))
                    .cluster();
            Cluster w = west.createCluster(b -> b.clusterName("twin")).cluster();
            west.createCluster(b -> b.clusterName("west-only"));

            assertThat(e.clusterArn()).isEqualTo("arn:aws:ecs:us-east-1:000000000000:cluster/twin");
            assertThat(w.clusterArn()).isEqualTo("arn:aws:ecs:us-west-2:000000000000:cluster/twin");
            assertThat(east.listClusters().clusterArns()).contains(e.clusterArn())
                    .noneMatch(a -> a.contains("us-west-2") || a.endsWith("/west-only"));
            assertThat(west.listClusters().clusterArns())
                    .containsExactlyInAnyOrder(w.clusterArn(), "arn:aws:ecs:us-west-2:000000000000:cluster/west-only");
            assertThat(west.listTagsForResource(b -> b.resourceArn(w.clusterArn())).tags()).isEmpty();

            west.deleteCluster(b -> b.cluster("twin"));
            assertThat(west.describeClusters(b -> b.clusters("twin")).clusters()).singleElement()
                    .satisfies(c -> assertThat(c.status()).isEqualTo("INACTIVE"));
            assertThat(east.describeClusters(b -> b.clusters("twin")).clusters()).singleElement()
                    .satisfies(c -> assertThat(c.status()).isEqualTo("ACTIVE"));
            assertThat(east.describeClusters(b -> b.clusters("west-only")).failures()).singleElement()
                    .satisfies(f -> assertThat(f.reason()).isEqualTo("MISSING"));
        }
    }

    static software.amazon.awssdk.services.cloudwatch.CloudWatchClient cloudWatch(URI at, Region region) {
        return software.amazon.awssdk.services.cloudwatch.CloudWatchClient.builder().endpointOverride(at).region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    @Test
    void cloudWatch_metricsBelongToTheRegionOfTheCall() {
        try (var east = cloudWatch(endpoint, EAST); var west = cloudWatch(endpoint, WEST)) {
            west.putMetricData(b -> b.namespace("Stevedore/Regions").metricData(d -> d.metricName("WestOnly")
                    .value(1.0)));
            east.putMetricData(b -> b.namespace("Stevedore/Regions").metricData(d -> d.metricName("EastOnly")
                    .value(2.0)));
            assertThat(west.listMetrics(b -> b.namespace("Stevedore/Regions")).metrics())
                    .extracting(m -> m.metricName()).containsExactly("WestOnly");
            assertThat(east.listMetrics(b -> b.namespace("Stevedore/Regions")).metrics())
                    .extracting(m -> m.metricName()).containsExactly("EastOnly");
        }
    }

    @Test
    void ec2View_eachRegionHasItsOwnDefaultVpcSubnetsAndZones() {
        try (Ec2Client east = ec2(endpoint, EAST); Ec2Client west = ec2(endpoint, WEST)) {
            List<Subnet> e = east.describeSubnets().subnets();
            List<Subnet> w = west.describeSubnets().subnets();
            assertThat(e).extracting(Subnet::availabilityZone).containsExactlyInAnyOrder("us-east-1a", "us-east-1b",
                    "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f");
            assertThat(w).extracting(Subnet::availabilityZone).containsExactlyInAnyOrder("us-west-2a", "us-west-2b",
                    "us-west-2c");
            assertThat(w).allSatisfy(s -> assertThat(s.subnetArn()).startsWith("arn:aws:ec2:us-west-2:000000000000:"));
            assertThat(e.stream().map(Subnet::subnetId).collect(Collectors.toSet()))
                    .doesNotContainAnyElementsOf(w.stream().map(Subnet::subnetId).toList());
            assertThat(east.describeVpcs().vpcs().get(0).vpcId()).isNotEqualTo(west.describeVpcs().vpcs().get(0)
                    .vpcId());
            assertThat(west.describeAvailabilityZones().availabilityZones()).allSatisfy(z ->
                    assertThat(z.regionName()).isEqualTo("us-west-2"));
            // a subnet of one region does not exist in the other
            String eastSubnet = e.get(0).subnetId();
            assertThatThrownBy(() -> west.describeSubnets(b -> b.subnetIds(eastSubnet)))
                    .isInstanceOf(Ec2Exception.class).hasMessageContaining("does not exist");
        }
    }

    @Test
    void tasksInEachRegion_runOnThatRegionsFleetWithRegionalArns() throws Exception {
        java.util.Map<String, String> typeByRegion = new java.util.TreeMap<>();
        try (EcsClient east = ecs(endpoint, EAST); EcsClient west = ecs(endpoint, WEST);
             Ec2Client eastEc2 = ec2(endpoint, EAST); Ec2Client westEc2 = ec2(endpoint, WEST)) {
            for (var side : List.of(List.of(east, eastEc2, "us-east-1"), List.of(west, westEc2, "us-west-2"))) {
                EcsClient ecs = (EcsClient) side.get(0);
                Ec2Client ec2 = (Ec2Client) side.get(1);
                String region = (String) side.get(2);
                miCluster(ecs, ec2, "fleet");
                Set<String> subnets = ec2.describeSubnets().subnets().stream().map(Subnet::subnetId)
                        .collect(Collectors.toSet());
                String group = ec2.describeSecurityGroups().securityGroups().get(0).groupId();
                Task t = ecs.runTask(b -> b.cluster("fleet").taskDefinition("web-fleet").networkConfiguration(n -> n
                        .awsvpcConfiguration(a -> a.subnets(subnets.iterator().next()).securityGroups(group))))
                        .tasks().get(0);
                assertThat(t.taskArn()).startsWith("arn:aws:ecs:" + region + ":000000000000:task/fleet/");
                waiter(ecs).waitUntilTasksRunning(b -> b.cluster("fleet").tasks(t.taskArn()));
                Task running = ecs.describeTasks(b -> b.cluster("fleet").tasks(t.taskArn())).tasks().get(0);
                assertThat(running.availabilityZone()).startsWith(region);
                assertThat(running.containerInstanceArn()).startsWith("arn:aws:ecs:" + region
                        + ":000000000000:container-instance/fleet/");
                ContainerInstance ci = ecs.describeContainerInstances(b -> b.cluster("fleet")
                        .containerInstances(running.containerInstanceArn())).containerInstances().get(0);
                String type = ci.attributes().stream().filter(a -> a.name().equals("ecs.instance-type"))
                        .findFirst().orElseThrow().value();
                typeByRegion.put(region, type);
                // the region's own EC2 view shows the instance, in one of its subnets; the other region's does not
                var instances = ec2.describeInstances(b -> b.filters(Filter.builder().name("tag:aws:ecs:clusterName")
                        .values("fleet").build())).reservations().stream().flatMap(r -> r.instances().stream())
                        .toList();
                assertThat(instances).singleElement().satisfies(i -> {
                    assertThat(i.instanceId()).isEqualTo(ci.ec2InstanceId());
                    assertThat(i.instanceTypeAsString()).isEqualTo(type);
                    assertThat(subnets).contains(i.subnetId());
                    assertThat(i.placement().availabilityZone()).startsWith(region);
                });
                Ec2Client other = ec2 == eastEc2 ? westEc2 : eastEc2;
                assertThatThrownBy(() -> other.describeInstances(b -> b.instanceIds(ci.ec2InstanceId())))
                        .isInstanceOf(Ec2Exception.class);
            }
            // the same cluster name, two fleets: each region counts only its own instance
            assertThat(east.listContainerInstances(b -> b.cluster("fleet")).containerInstanceArns()).hasSize(1)
                    .allSatisfy(a -> assertThat(a).contains(":us-east-1:"));
            assertThat(west.listContainerInstances(b -> b.cluster("fleet")).containerInstanceArns()).hasSize(1)
                    .allSatisfy(a -> assertThat(a).contains(":us-west-2:"));
        }
        // /metrics: the home region's fleet as before, another region's labelled, priced with that region's prices
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        var prices = ((ControlPlane) planes.home()).offerings().selector().prices();
        String westType = typeByRegion.get("us-west-2");
        assertThat(metrics).contains("stevedore_fleet_instances{capacity_provider=\"fleet-mi\",instance_type=\""
                + typeByRegion.get("us-east-1") + "\"} 1\n");
        String westSeries = "stevedore_fleet_hourly_cost_usd{capacity_provider=\"fleet-mi\",instance_type=\""
                + westType + "\",region=\"us-west-2\"} ";
        assertThat(metrics).contains(westSeries);
        double westCost = Double.parseDouble(metrics.substring(metrics.indexOf(westSeries) + westSeries.length(),
                metrics.indexOf('\n', metrics.indexOf(westSeries))));
        assertThat(westCost).isCloseTo(prices.onDemand("us-west-2", westType).getAsDouble()
                + prices.managementFee("us-west-2", westType).getAsDouble(), org.assertj.core.data.Offset.offset(1e-9))
                .isGreaterThan(0);
        assertThat(metrics).contains("stevedore_tasks{last_status=\"RUNNING\",region=\"us-west-2\"} ");
        assertThat(metrics.lines().filter(l -> l.startsWith("# TYPE stevedore_fleet_instances ")).count())
                .isEqualTo(1);
    }

    @Test
    void instanceTypes_pricedPerRegion_aTypeWithoutPriceIsNeitherListedNorLaunched() {
        try (EcsClient east = ecs(endpoint, EAST); EcsClient west = ecs(endpoint, WEST);
             Ec2Client eastEc2 = ec2(endpoint, EAST); Ec2Client westEc2 = ec2(endpoint, WEST)) {
            // the EC2 view lists the types offered (priced) in the caller's region
            assertThat(eastEc2.describeInstanceTypes(b -> b.instanceTypesWithStrings(EAST_ONLY_TYPE)).instanceTypes())
                    .singleElement().satisfies(t -> assertThat(t.instanceTypeAsString()).isEqualTo(EAST_ONLY_TYPE));
            assertThatThrownBy(() -> westEc2.describeInstanceTypes(b -> b.instanceTypesWithStrings(EAST_ONLY_TYPE)))
                    .isInstanceOf(Ec2Exception.class).hasMessageContaining(EAST_ONLY_TYPE);
            assertThat(westEc2.describeInstanceTypes(b -> b.instanceTypesWithStrings("m7g.large")).instanceTypes())
                    .hasSize(1);

            // a provider that allows only that type: east launches it, west has no price for it and says so
            for (EcsClient ecs : List.of(east, west)) {
                miCluster(ecs, ecs == east ? eastEc2 : westEc2, "priced", EAST_ONLY_TYPE);
            }
            Ec2Client[] views = {eastEc2, westEc2};
            Task[] tasks = new Task[2];
            EcsClient[] clients = {east, west};
            for (int i = 0; i < 2; i++) {
                Ec2Client ec2 = views[i];
                String subnet = ec2.describeSubnets().subnets().get(0).subnetId();
                String group = ec2.describeSecurityGroups().securityGroups().get(0).groupId();
                tasks[i] = clients[i].runTask(b -> b.cluster("priced").taskDefinition("web-priced")
                        .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets(subnet).securityGroups(group))))
                        .tasks().get(0);
            }
            waiter(east).waitUntilTasksRunning(b -> b.cluster("priced").tasks(tasks[0].taskArn()));
            String ci = east.describeTasks(b -> b.cluster("priced").tasks(tasks[0].taskArn())).tasks().get(0)
                    .containerInstanceArn();
            assertThat(east.describeContainerInstances(b -> b.cluster("priced").containerInstances(ci))
                    .containerInstances().get(0).attributes()).anySatisfy(a -> {
                        assertThat(a.name()).isEqualTo("ecs.instance-type");
                        assertThat(a.value()).isEqualTo(EAST_ONLY_TYPE);
                    });
            waiter(west).waitUntilTasksStopped(b -> b.cluster("priced").tasks(tasks[1].taskArn()));
            Task stopped = west.describeTasks(b -> b.cluster("priced").tasks(tasks[1].taskArn())).tasks().get(0);
            assertThat(stopped.stopCodeAsString()).isEqualTo("TaskFailedToStart");
            assertThat(stopped.stoppedReason()).contains("(" + EAST_ONLY_TYPE
                    + ") has an On-Demand price in us-west-2");
            assertThat(west.listContainerInstances(b -> b.cluster("priced")).containerInstanceArns()).isEmpty();
        }
        // the prices each region's plane chooses with are that region's own (us-east-1 vs eu-west-1 differ)
        try (EcsClient ireland = ecs(endpoint, Region.EU_WEST_1)) {
            ireland.listClusters();
        }
        ControlPlane east = (ControlPlane) planes.backend("us-east-1");
        ControlPlane ireland = (ControlPlane) planes.backend("eu-west-1");
        var prices = east.offerings().selector().prices();
        double eastPrice = east.offerings().everyType("us-east-1", io.stevedore.catalog.PurchaseOption.ON_DEMAND)
                .stream().filter(o -> o.type().name().equals("m7g.large")).findFirst().orElseThrow().pricePerHour();
        double irelandPrice = ireland.offerings().everyType("eu-west-1",
                io.stevedore.catalog.PurchaseOption.ON_DEMAND).stream().filter(o -> o.type().name().equals("m7g.large"))
                .findFirst().orElseThrow().pricePerHour();
        assertThat(eastPrice).isEqualTo(prices.onDemand("us-east-1", "m7g.large").getAsDouble());
        assertThat(irelandPrice).isEqualTo(prices.onDemand("eu-west-1", "m7g.large").getAsDouble())
                .isNotEqualTo(eastPrice);
    }

    @Test
    void regionWithoutPriceData_refusedWithClear4xxNamingWhatIsMissing() {
        try (EcsClient beijing = ecs(endpoint, Region.CN_NORTH_1); Ec2Client beijingEc2 = ec2(endpoint,
                Region.CN_NORTH_1)) {
            assertThatThrownBy(beijing::listClusters).isInstanceOfSatisfying(AwsServiceException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnsupportedFeatureException");
                assertThat(e.awsErrorDetails().errorMessage()).contains("'cn-north-1'")
                        .contains("no EC2 On-Demand prices").contains("prices-on-demand.json")
                        .contains("us-west-2");
            });
            assertThatThrownBy(beijingEc2::describeSubnets).isInstanceOfSatisfying(Ec2Exception.class, e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnsupportedOperation");
                assertThat(e.awsErrorDetails().errorMessage()).contains("cn-north-1").contains("no EC2 On-Demand");
            });
        }
        assertThat(planes.opened()).noneMatch(b -> b.config().region().equals("cn-north-1"));
    }

    @Test
    void unknownRegion_refusedWithClear4xx() {
        try (EcsClient moon = ecs(endpoint, Region.of("xx-moon-1")); Ec2Client moonEc2 = ec2(endpoint,
                Region.of("xx-moon-1")); EcsClient malformed = ecs(endpoint, Region.of("moon"))) {
            assertThatThrownBy(moon::listClusters).isInstanceOfSatisfying(AwsServiceException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                assertThat(e.awsErrorDetails().errorMessage())
                        .contains("Credential should be scoped to a valid region, not 'xx-moon-1'")
                        .contains("not an AWS Region").contains("us-east-1");
            });
            assertThatThrownBy(moonEc2::describeSubnets).isInstanceOfSatisfying(Ec2Exception.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorMessage()).contains("not an AWS Region");
            });
            assertThatThrownBy(malformed::listClusters).isInstanceOfSatisfying(AwsServiceException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorMessage()).contains("not 'moon'");
            });
        }
        assertThat(planes.opened()).noneMatch(b -> b.config().region().contains("moon"));
    }

    /** Other regions persist under regions/R, reopen (loops running) after a restart; the reset wipes them all. */
    @Test
    void restart_reopensEveryRegionsState_andResetWipesEveryRegion(@TempDir Path dir) throws Exception {
        PlaneConfig config = EcsServerFixture.config();
        RegionalPlanes first = RegionalPlanes.open(dir, config, Clock.system());
        try (ApiServer s = new ApiServer(first, "127.0.0.1", 0, ApiServer.Options.localDefaults())) {
            s.start();
            URI at = URI.create("http://127.0.0.1:" + s.port());
            try (EcsClient east = ecs(at, EAST); EcsClient west = ecs(at, WEST)) {
                east.createCluster(b -> b.clusterName("kept-east"));
                west.createCluster(b -> b.clusterName("kept-west"));
            }
        } finally {
            first.close();
        }
        assertThat(dir.resolve("stevedore.db")).exists(); // the home region keeps the data directory's layout
        assertThat(dir.resolve("regions/us-west-2/stevedore.db")).exists();
        assertThat(Files.exists(dir.resolve("regions/us-east-1"))).isFalse();

        RegionalPlanes second = RegionalPlanes.open(dir, config, Clock.system());
        try (ApiServer s = new ApiServer(second, "127.0.0.1", 0, ApiServer.Options.localDefaults())) {
            s.start();
            second.startLoop();
            assertThat(second.opened()).extracting(b -> b.config().region()).containsExactly("us-east-1",
                    "us-west-2");
            assertThat(second.opened()).allSatisfy(b -> assertThat(b.looping()).isTrue());
            URI at = URI.create("http://127.0.0.1:" + s.port());
            try (EcsClient east = ecs(at, EAST); EcsClient west = ecs(at, WEST)) {
                assertThat(east.listClusters().clusterArns()).containsExactly(
                        "arn:aws:ecs:us-east-1:000000000000:cluster/kept-east");
                assertThat(west.listClusters().clusterArns()).containsExactly(
                        "arn:aws:ecs:us-west-2:000000000000:cluster/kept-west");
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        at.resolve("/_stevedore/reset")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(east.listClusters().clusterArns()).isEmpty();
                assertThat(west.listClusters().clusterArns()).isEmpty();
            }
        } finally {
            second.close();
        }
    }

    /** A data directory stays its home region's: opening it with another --region is refused before any change. */
    @Test
    void dataDirectory_openedWithAnotherHomeRegion_refused(@TempDir Path dir) {
        RegionalPlanes.open(dir, EcsServerFixture.config(), Clock.system()).close();
        assertThat(dir.resolve(RegionalPlanes.HOME_REGION_FILE)).hasContent("us-east-1");
        PlaneConfig west = new PlaneConfig("us-west-2", "000000000000", EcsServerFixture.SPEED);
        assertThatThrownBy(() -> RegionalPlanes.open(dir, west, Clock.system()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds the state of home region us-east-1")
                .hasMessageContaining("start with --region us-east-1");
        assertThat(dir.resolve(RegionalPlanes.REGIONS_DIR)).doesNotExist();
        RegionalPlanes.open(dir, EcsServerFixture.config(), Clock.system()).close(); // the right region still opens
    }

    /** A store that holds one region (PostgreSQL's choice) names the reason for any other region. */
    @Test
    void oneRegionStore_refusesOtherRegionsWithItsReason(@TempDir Path dir) throws Exception {
        RegionalPlanes only = RegionalPlanes.only(ControlPlane.open(dir, EcsServerFixture.config(), Clock.system()),
                "this store holds one region.");
        try (ApiServer s = new ApiServer(only, "127.0.0.1", 0, ApiServer.Options.localDefaults())) {
            s.start();
            URI at = URI.create("http://127.0.0.1:" + s.port());
            try (EcsClient east = ecs(at, EAST); EcsClient west = ecs(at, WEST)) {
                assertThat(east.listClusters().clusterArns()).isEmpty();
                assertThatThrownBy(west::listClusters).isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnsupportedFeatureException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(
                            "Region 'us-west-2' is not served here: this store holds one region.");
                });
            }
        } finally {
            only.close();
        }
    }
}
