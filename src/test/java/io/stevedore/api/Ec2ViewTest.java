package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Reservation;

class Ec2ViewTest extends EcsServerTestBase {
    Ec2Client ec2;

    @BeforeEach
    void setUp() {
        ec2 = f.ec2Client();
    }

    @AfterEach
    void closeClients() {
        ec2.close();
    }

    @Test
    void describeNetwork_defaultVpcOneSubnetPerZoneAndDefaultGroup() {
        assertThat(ec2.describeVpcs().vpcs()).singleElement().satisfies(v -> {
            assertThat(v.isDefault()).isTrue();
            assertThat(v.cidrBlock()).isEqualTo("172.31.0.0/16");
        });
        var subnets = ec2.describeSubnets().subnets();
        assertThat(subnets).hasSize(6);
        assertThat(subnets).extracting(s -> s.availabilityZone()).doesNotHaveDuplicates();
        assertThat(ec2.describeSubnets(b -> b.filters(Filter.builder().name("availability-zone")
                .values("us-east-1b").build())).subnets()).hasSize(1);
        assertThat(ec2.describeSecurityGroups().securityGroups()).singleElement()
                .satisfies(g -> assertThat(g.groupName()).isEqualTo("default"));
        assertThatThrownBy(() -> ec2.describeSubnets(b -> b.subnetIds("subnet-0123456789abcdef0")))
                .isInstanceOf(Ec2Exception.class).hasMessageContaining("does not exist");
    }

    @Test
    void describeInstances_managedFleet_filteredByClusterTag_mutationRefused() {
        f.miCluster("ec2-managed");
        f.register(EcsServerFixture.nginx("web"));
        f.ecs.createService(b -> b.cluster("ec2-managed").serviceName("s").taskDefinition("web").desiredCount(3)
                .networkConfiguration(f.awsvpc()));
        f.waiter.waitUntilServicesStable(b -> b.cluster("ec2-managed").services("s"));
        List<Instance> fleet = ec2.describeInstances(b -> b.filters(
                Filter.builder().name("tag:aws:ecs:clusterName").values("ec2-managed").build(),
                Filter.builder().name("instance-state-name").values("running").build())).reservations().stream()
                .flatMap(r -> r.instances().stream()).toList();
        int containerInstances = f.ecs.listContainerInstances(b -> b.cluster("ec2-managed")).containerInstanceArns()
                .size();
        assertThat(fleet).hasSize(containerInstances).isNotEmpty();
        assertThat(fleet).allSatisfy(i -> {
            assertThat(i.architectureAsString()).isEqualTo("arm64");
            assertThat(i.operator().managed()).isTrue();
            assertThat(i.operator().principal()).isEqualTo("ecs.amazonaws.com");
            assertThat(i.tags()).anySatisfy(t -> assertThat(t.key()).isEqualTo("aws:ecs:clusterName"));
            assertThat(i.privateIpAddress()).startsWith("172.31.");
        });
        assertThat(ec2.describeInstances(b -> b.filters(Filter.builder().name("tag:aws:ecs:clusterName")
                .values("other").build())).reservations()).isEmpty();
        String id = fleet.get(0).instanceId();
        assertThat(ec2.describeInstances(b -> b.instanceIds(id)).reservations()).extracting(Reservation::instances)
                .hasSize(1);
        assertThatThrownBy(() -> ec2.terminateInstances(b -> b.instanceIds(id))).isInstanceOf(Ec2Exception.class)
                .hasMessageContaining("ecs.amazonaws.com");
    }

    @Test
    void describeInstanceTypes_fromCatalog_paginated() {
        var t = ec2.describeInstanceTypes(b -> b.instanceTypesWithStrings("t4g.small")).instanceTypes();
        assertThat(t).singleElement().satisfies(x -> {
            assertThat(x.vCpuInfo().defaultVCpus()).isEqualTo(2);
            assertThat(x.memoryInfo().sizeInMiB()).isEqualTo(2048L);
        });
        var page = ec2.describeInstanceTypes(b -> b.maxResults(10));
        assertThat(page.instanceTypes()).hasSize(10);
        assertThat(page.nextToken()).isNotNull();
    }
}
