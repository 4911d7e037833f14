package io.stevedore.api.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.api.EcsServerFixture;
import io.stevedore.assembly.ControlPlane;
import io.stevedore.ecs.Quotas;
import io.stevedore.ecs.ServiceQuota;
import io.stevedore.time.Clock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.LimitExceededException;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * Each ECS service quota reached through the real SDK against a server configured with a low value: the call that
 * would exceed it gets ECS's error, the calls up to it succeed, and the quota counts what it should (per cluster,
 * deregistered revisions included, INACTIVE clusters not).
 */
class ServiceQuotaApiTest {
    @TempDir
    Path dir;

    private EcsServerFixture serve(Map<ServiceQuota, Integer> values, boolean loop) throws Exception {
        Quotas q = Quotas.defaults();
        for (Map.Entry<ServiceQuota, Integer> e : values.entrySet()) {
            q = q.with(e.getKey(), e.getValue());
        }
        return new EcsServerFixture(ControlPlane.open(dir, EcsServerFixture.config().withQuotas(q), Clock.system()),
                loop);
    }

    private static Service service(EcsServerFixture f, String cluster, String name, int desired) {
        return f.ecs.createService(b -> b.cluster(cluster).serviceName(name).taskDefinition("web")
                .desiredCount(desired).networkConfiguration(f.awsvpc())).service();
    }

    private static void assertError(Throwable t, Class<? extends AwsServiceException> type, String code,
                                    String message) {
        assertThat(t).isInstanceOf(type);
        AwsServiceException e = (AwsServiceException) t;
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
    }

    @Test
    void servicesPerCluster_atThree_fourthCreateServiceRefused_otherClusterStillAccepts() throws Exception {
        try (EcsServerFixture f = serve(Map.of(ServiceQuota.SERVICES_PER_CLUSTER, 3), false)) {
            f.miCluster("a");
            f.miCluster("b");
            f.register(EcsServerFixture.nginx("web"));
            for (int i = 1; i <= 3; i++) {
                service(f, "a", "s" + i, 0);
            }
            assertThatThrownBy(() -> service(f, "a", "s4", 0)).satisfies(t -> assertError(t,
                    InvalidParameterException.class, "InvalidParameterException",
                    "The maximum number of services per cluster has been exceeded."));
            assertThat(f.ecs.listServices(b -> b.cluster("a")).serviceArns()).hasSize(3);
            assertThat(service(f, "b", "s4", 0).status()).isEqualTo("ACTIVE");
        }
    }

    @Test
    void tasksPerService_desiredCountAboveQuota_refusedOnCreateAndUpdate() throws Exception {
        try (EcsServerFixture f = serve(Map.of(ServiceQuota.TASKS_PER_SERVICE, 4), false)) {
            f.miCluster("a");
            f.register(EcsServerFixture.nginx("web"));
            assertThatThrownBy(() -> service(f, "a", "big", 5)).satisfies(t -> assertError(t,
                    InvalidParameterException.class, "InvalidParameterException", "Desired count exceeds limit."));
            assertThat(f.ecs.listServices(b -> b.cluster("a")).serviceArns()).isEmpty();
            assertThat(service(f, "a", "web", 4).desiredCount()).isEqualTo(4);
            assertThatThrownBy(() -> f.ecs.updateService(b -> b.cluster("a").service("web").desiredCount(5)))
                    .satisfies(t -> assertError(t, InvalidParameterException.class, "InvalidParameterException",
                            "Desired count exceeds limit."));
            assertThat(f.ecs.describeServices(b -> b.cluster("a").services("web")).services().get(0).desiredCount())
                    .isEqualTo(4);
        }
    }

    @Test
    void clustersPerAccount_atTwo_thirdRefused_sameNameIdempotent_deletedClusterFreesItsPlace() throws Exception {
        try (EcsServerFixture f = serve(Map.of(ServiceQuota.CLUSTERS_PER_ACCOUNT, 2), false)) {
            f.ecs.createCluster(b -> b.clusterName("one"));
            f.ecs.createCluster(b -> b.clusterName("two"));
            assertThat(f.ecs.createCluster(b -> b.clusterName("two")).cluster().status()).isEqualTo("ACTIVE");
            assertThatThrownBy(() -> f.ecs.createCluster(b -> b.clusterName("three"))).satisfies(t -> assertError(t,
                    InvalidParameterException.class, "InvalidParameterException",
                    "The maximum number of clusters per account has been exceeded."));
            assertThat(f.ecs.listClusters().clusterArns()).hasSize(2);
            f.ecs.deleteCluster(b -> b.cluster("one"));
            assertThat(f.ecs.createCluster(b -> b.clusterName("three")).cluster().status()).isEqualTo("ACTIVE");
        }
    }

    @Test
    void capacityProvidersPerCluster_atOne_secondProviderRefusedByCreateAndPut() throws Exception {
        try (EcsServerFixture f = serve(Map.of(ServiceQuota.CAPACITY_PROVIDERS_PER_CLUSTER, 1), false)) {
            f.miCluster("a");
            String exceeded = "The maximum number of capacity providers per cluster has been exceeded.";
            assertThatThrownBy(() -> f.ecs.createCapacityProvider(f.miProvider("a-mi2", "a").build()))
                    .satisfies(t -> assertError(t, InvalidParameterException.class, "InvalidParameterException",
                            exceeded));
            String asg = f.ecs.createCapacityProvider(b -> b.name("asg").autoScalingGroupProvider(a -> a
                    .autoScalingGroupArn("arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:1:"
                            + "autoScalingGroupName/asg"))).capacityProvider().name();
            assertThatThrownBy(() -> f.ecs.putClusterCapacityProviders(b -> b.cluster("a").capacityProviders(asg)
                    .defaultCapacityProviderStrategy(List.of()))).satisfies(t -> assertError(t,
                    InvalidParameterException.class, "InvalidParameterException", exceeded));
            assertThatThrownBy(() -> f.ecs.createCluster(b -> b.clusterName("b").capacityProviders("FARGATE",
                    "FARGATE_SPOT"))).satisfies(t -> assertError(t, InvalidParameterException.class,
                    "InvalidParameterException", exceeded));
            assertThat(f.ecs.describeClusters(b -> b.clusters("a")).clusters().get(0).capacityProviders())
                    .containsExactly("a-mi");
            assertThat(f.ecs.createCluster(b -> b.clusterName("b").capacityProviders("FARGATE")).cluster()
                    .capacityProviders()).containsExactly("FARGATE");
        }
    }

    @Test
    void containersPerTaskDefinition_atTwo_threeContainersRefusedAsTooManyContainers() throws Exception {
        try (EcsServerFixture f = serve(Map.of(ServiceQuota.CONTAINERS_PER_TASK_DEFINITION, 2), false)) {
            List<ContainerDefinition> three = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                three.add(ContainerDefinition.builder().name("c" + i).image("busybox").memory(128).essential(i == 0)
                        .build());
            }
            assertThatThrownBy(() -> f.register(EcsServerFixture.nginx("web").containerDefinitions(three)))
                    .satisfies(t -> assertError(t, ClientException.class, "ClientException", "Too many containers."));
            assertThat(f.register(EcsServerFixture.nginx("web").containerDefinitions(three.subList(0, 2)))
                    .containerDefinitions()).hasSize(2);
        }
    }

    @Test
    void tasksPerRunTask_atThree_countFourRefused() throws Exception {
        try (EcsServerFixture f = serve(Map.of(ServiceQuota.TASKS_PER_RUN_TASK, 3), false)) {
            f.miCluster("a");
            f.register(EcsServerFixture.nginx("web"));
            assertThatThrownBy(() -> f.ecs.runTask(b -> b.cluster("a").taskDefinition("web").count(4)
                    .networkConfiguration(f.awsvpc()))).satisfies(t -> assertError(t,
                    InvalidParameterException.class, "InvalidParameterException",
                    "Task count can not be greater than 3"));
            assertThat(f.ecs.listTasks(b -> b.cluster("a")).taskArns()).isEmpty();
            assertThat(f.ecs.runTask(b -> b.cluster("a").taskDefinition("web").count(3)
                    .networkConfiguration(f.awsvpc())).tasks()).hasSize(3);
        }
    }

    @Test
    void subnetsPerAwsvpcConfiguration_atOne_twoSubnetsRefused_oneRuns() throws Exception {
        try (EcsServerFixture f = serve(Map.of(ServiceQuota.SUBNETS_PER_AWSVPC_CONFIGURATION, 1), false)) {
            f.miCluster("a");
            f.register(EcsServerFixture.nginx("web"));
            assertThat(f.awsvpc().awsvpcConfiguration().subnets()).hasSize(2);
            assertThatThrownBy(() -> f.ecs.runTask(b -> b.cluster("a").taskDefinition("web")
                    .networkConfiguration(f.awsvpc()))).satisfies(t -> assertError(t,
                    InvalidParameterException.class, "InvalidParameterException",
                    "subnets can have at most 1 items."));
            assertThat(f.ecs.runTask(b -> b.cluster("a").taskDefinition("web").networkConfiguration(n -> n
                    .awsvpcConfiguration(a -> a.subnets(f.subnets().get(0)).securityGroups(f.securityGroup()))))
                    .tasks()).hasSize(1);
        }
    }

    @Test
    void revisionsPerFamily_atTwo_thirdRefusedEvenAfterDeregistering() throws Exception {
        try (EcsServerFixture f = serve(Map.of(ServiceQuota.REVISIONS_PER_TASK_DEFINITION_FAMILY, 2), false)) {
            f.register(EcsServerFixture.nginx("web"));
            String second = f.register(EcsServerFixture.nginx("web")).taskDefinitionArn();
            f.ecs.deregisterTaskDefinition(b -> b.taskDefinition(second));
            assertThatThrownBy(() -> f.register(EcsServerFixture.nginx("web"))).satisfies(t -> assertError(t,
                    LimitExceededException.class, "LimitExceededException",
                    "The maximum number of revisions per task definition family has been exceeded."));
            assertThat(f.register(EcsServerFixture.nginx("other")).revision()).isEqualTo(1);
        }
    }

    @Test
    void tagsPerResource_atTwo_thirdTagRefusedOnCreateAndTagResource() throws Exception {
        try (EcsServerFixture f = serve(Map.of(ServiceQuota.TAGS_PER_RESOURCE, 2), false)) {
            String exceeded = "Tags cannot have number of tags exceeding maximum allowed value (2).";
            List<Tag> three = List.of(Tag.builder().key("a").value("1").build(),
                    Tag.builder().key("b").value("2").build(), Tag.builder().key("c").value("3").build());
            assertThatThrownBy(() -> f.ecs.createCluster(b -> b.clusterName("x").tags(three))).satisfies(t ->
                    assertError(t, InvalidParameterException.class, "InvalidParameterException", exceeded));
            String arn = f.ecs.createCluster(b -> b.clusterName("x").tags(three.subList(0, 2))).cluster()
                    .clusterArn();
            assertThatThrownBy(() -> f.ecs.tagResource(b -> b.resourceArn(arn).tags(three.get(2)))).satisfies(t ->
                    assertError(t, InvalidParameterException.class, "InvalidParameterException", exceeded));
            f.ecs.tagResource(b -> b.resourceArn(arn).tags(Tag.builder().key("a").value("replaced").build()));
            assertThat(f.ecs.listTagsForResource(b -> b.resourceArn(arn)).tags()).hasSize(2)
                    .contains(Tag.builder().key("a").value("replaced").build());
        }
    }

    @Test
    void containerInstancesPerCluster_atOne_secondExternalRegistrationRefused() throws Exception {
        try (EcsServerFixture f = serve(Map.of(ServiceQuota.CONTAINER_INSTANCES_PER_CLUSTER, 1), false)) {
            f.ecs.createCluster(b -> b.clusterName("ext"));
            f.ecs.createCluster(b -> b.clusterName("other"));
            register(f, "ext");
            assertThatThrownBy(() -> register(f, "ext")).satisfies(t -> assertError(t,
                    InvalidParameterException.class, "InvalidParameterException",
                    "The maximum number of container instances per cluster has been exceeded."));
            assertThat(f.ecs.listContainerInstances(b -> b.cluster("ext")).containerInstanceArns()).hasSize(1);
            register(f, "other");
            assertThat(f.ecs.listContainerInstances(b -> b.cluster("other")).containerInstanceArns()).hasSize(1);
        }
    }

    @Test
    void containerInstancesPerCluster_atOne_managedInstancesStopAtOne_serviceSaysWhy() throws Exception {
        try (EcsServerFixture f = serve(Map.of(ServiceQuota.CONTAINER_INSTANCES_PER_CLUSTER, 1), true)) {
            f.miCluster("a");
            // 3 vCPU each: two tasks never share one of the provider's instances (at most 4 vCPUs)
            f.register(EcsServerFixture.nginx("web").cpu("3072").memory("4096"));
            service(f, "a", "web", 2);
            String why = "(service web) was unable to place a task because no container instance met all of its"
                    + " requirements. Reason: the cluster has reached its quota of 1 container instances.";
            Service s = null;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline) {
                s = f.ecs.describeServices(b -> b.cluster("a").services("web")).services().get(0);
                if (s.runningCount() == 1 && s.events().stream().anyMatch(e -> why.equals(e.message()))) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(s.runningCount()).isEqualTo(1);
            assertThat(s.events()).extracting(e -> e.message()).contains(why);
            assertThat(f.plane.state().instances.values(mi -> mi.clusterArn().endsWith(":cluster/a"))).hasSize(1);
            assertThat(f.ecs.listContainerInstances(b -> b.cluster("a")).containerInstanceArns()).hasSize(1);
        }
    }

    private static void register(EcsServerFixture f, String cluster) {
        f.ecs.registerContainerInstance(b -> b.cluster(cluster).totalResources(
                Resource.builder().name("CPU").type("INTEGER").integerValue(2048).build(),
                Resource.builder().name("MEMORY").type("INTEGER").integerValue(4096).build()));
    }
}
