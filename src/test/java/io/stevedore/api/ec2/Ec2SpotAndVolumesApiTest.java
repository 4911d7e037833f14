package io.stevedore.api.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.stevedore.api.EcsServerFixture;
import io.stevedore.catalog.PriceBook;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AttachmentStatus;
import software.amazon.awssdk.services.ec2.model.DeviceType;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.InstanceLifecycleType;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeState;
import software.amazon.awssdk.services.ec2.model.VolumeType;
import software.amazon.awssdk.services.ecs.model.CapacityOptionType;

/**
 * Spot instances and root volumes in the EC2 view, and Spot prices in {@code /metrics}: a SPOT provider with a 48 GiB
 * root volume beside an On-Demand provider with 16 GiB, driven by the real SDK's {@code Ec2Client}.
 */
class Ec2SpotAndVolumesApiTest {
    @TempDir
    static Path dir;
    static EcsServerFixture f;
    static Ec2Client ec2;

    @BeforeAll
    static void start() throws Exception {
        f = new EcsServerFixture(dir);
        ec2 = f.ec2Client();
        f.register(EcsServerFixture.nginx("web"));
        f.miCluster("ondemand");
        f.ecs.createCluster(b -> b.clusterName("spot"));
        var spot = f.miProvider("spot-mi", "spot").build();
        f.ecs.createCapacityProvider(spot.toBuilder().managedInstancesProvider(spot.managedInstancesProvider()
                .toBuilder().instanceLaunchTemplate(spot.managedInstancesProvider().instanceLaunchTemplate()
                        .toBuilder().capacityOptionType(CapacityOptionType.SPOT)
                        .storageConfiguration(s -> s.storageSizeGiB(48)).build()).build()).build());
        f.ecs.putClusterCapacityProviders(b -> b.cluster("spot").capacityProviders(List.of())
                .defaultCapacityProviderStrategy(s -> s.capacityProvider("spot-mi").weight(1)));
        for (String cluster : List.of("ondemand", "spot")) {
            f.ecs.createService(b -> b.cluster(cluster).serviceName("svc").taskDefinition("web").desiredCount(2)
                    .networkConfiguration(f.awsvpc()));
        }
        for (String cluster : List.of("ondemand", "spot")) {
            f.waiter.waitUntilServicesStable(b -> b.cluster(cluster).services("svc"));
        }
    }

    @AfterAll
    static void stop() {
        ec2.close();
        f.close();
    }

    private static List<Instance> instances(Filter... filters) {
        return ec2.describeInstances(b -> b.filters(filters)).reservations().stream()
                .map(Reservation::instances).flatMap(List::stream).toList();
    }

    private static List<Instance> ofCluster(String cluster) {
        return instances(Filter.builder().name("tag:aws:ecs:clusterName").values(cluster).build(),
                Filter.builder().name("instance-state-name").values("running").build());
    }

    @Test
    void describeInstances_spotProvider_instanceLifecycleSpotWithRequestId() {
        List<Instance> spot = ofCluster("spot");
        List<Instance> onDemand = ofCluster("ondemand");
        assertThat(spot).isNotEmpty();
        assertThat(onDemand).isNotEmpty();
        assertThat(spot).allSatisfy(i -> {
            assertThat(i.instanceLifecycle()).isEqualTo(InstanceLifecycleType.SPOT);
            assertThat(i.spotInstanceRequestId()).matches("sir-[0-9a-f]{8}");
        });
        assertThat(onDemand).allSatisfy(i -> {
            assertThat(i.instanceLifecycle()).isNull();
            assertThat(i.spotInstanceRequestId()).isNull();
        });
        assertThat(instances(Filter.builder().name("instance-lifecycle").values("spot").build()))
                .extracting(Instance::instanceId)
                .containsExactlyInAnyOrderElementsOf(spot.stream().map(Instance::instanceId).toList());
    }

    @Test
    void describeInstances_rootVolume_blockDeviceMappingOfTheProvidersStorage() {
        List<Instance> all = new java.util.ArrayList<>(ofCluster("spot"));
        all.addAll(ofCluster("ondemand"));
        assertThat(all).hasSizeGreaterThanOrEqualTo(2);
        for (Instance i : all) {
            assertThat(i.rootDeviceName()).isEqualTo("/dev/xvda");
            assertThat(i.rootDeviceType()).isEqualTo(DeviceType.EBS);
            assertThat(i.blockDeviceMappings()).singleElement().satisfies(m -> {
                assertThat(m.deviceName()).isEqualTo("/dev/xvda");
                assertThat(m.ebs().volumeId()).matches("vol-[0-9a-f]{17}");
                assertThat(m.ebs().status()).isEqualTo(AttachmentStatus.ATTACHED);
                assertThat(m.ebs().attachTime()).isEqualTo(i.launchTime());
                assertThat(m.ebs().deleteOnTermination()).isTrue();
            });
        }
        String spotVolume = ofCluster("spot").get(0).blockDeviceMappings().get(0).ebs().volumeId();
        String spotInstance = ofCluster("spot").get(0).instanceId();
        Volume v = ec2.describeVolumes(b -> b.volumeIds(spotVolume)).volumes().get(0);
        assertThat(v.size()).isEqualTo(48);
        assertThat(v.volumeType()).isEqualTo(VolumeType.GP3);
        assertThat(v.state()).isEqualTo(VolumeState.IN_USE);
        assertThat(v.attachments()).singleElement().satisfies(a -> {
            assertThat(a.instanceId()).isEqualTo(spotInstance);
            assertThat(a.device()).isEqualTo("/dev/xvda");
            assertThat(a.deleteOnTermination()).isTrue();
        });
        Instance od = ofCluster("ondemand").get(0);
        String odVolume = od.blockDeviceMappings().stream().map(InstanceBlockDeviceMapping::ebs).findFirst()
                .orElseThrow().volumeId();
        assertThat(ec2.describeVolumes(b -> b.filters(Filter.builder().name("attachment.instance-id")
                .values(od.instanceId()).build())).volumes()).singleElement()
                .satisfies(x -> {
                    assertThat(x.volumeId()).isEqualTo(odVolume);
                    assertThat(x.size()).isEqualTo(16);
                });
        assertThat(ec2.describeVolumes(b -> b.filters(Filter.builder().name("size").values("48").build()))
                .volumes()).extracting(Volume::volumeId).contains(spotVolume).doesNotContain(odVolume);
    }

    @Test
    void describeVolumes_unknownVolumeAndFilter_clientErrors() {
        assertThatThrownBy(() -> ec2.describeVolumes(b -> b.volumeIds("vol-0000000000000dead")))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidVolume.NotFound");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
        assertThatThrownBy(() -> ec2.describeVolumes(b -> b.filters(Filter.builder().name("bogus").values("x")
                .build()))).isInstanceOfSatisfying(AwsServiceException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue"));
    }

    @Test
    void metrics_spotFleet_pricedAtSpotRates() throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(f.endpoint().resolve("/metrics")).GET()
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        PriceBook prices = PriceBook.load();
        Matcher m = Pattern.compile("(?m)^stevedore_fleet_instances\\{capacity_provider=\"spot-mi\",instance_type=\""
                + "([^\"]+)\"} (\\d+)").matcher(body);
        int groups = 0;
        while (m.find()) {
            groups++;
            String type = m.group(1);
            int n = Integer.parseInt(m.group(2));
            double spot = prices.spotEstimate("us-east-1", type).orElseThrow();
            double onDemand = prices.onDemand("us-east-1", type).orElseThrow();
            double fee = prices.managementFee("us-east-1", type).orElseThrow();
            assertThat(spot).isLessThan(onDemand); // the two figures differ, so the check below tells them apart
            Matcher cost = Pattern.compile("(?m)^stevedore_fleet_hourly_cost_usd\\{capacity_provider=\"spot-mi\","
                    + "instance_type=\"" + Pattern.quote(type) + "\"} (\\S+)$").matcher(body);
            assertThat(cost.find()).as("cost of %s", type).isTrue();
            assertThat(Double.parseDouble(cost.group(1))).isCloseTo(n * (spot + fee), within(1e-9));
        }
        assertThat(groups).isPositive();
    }
}
