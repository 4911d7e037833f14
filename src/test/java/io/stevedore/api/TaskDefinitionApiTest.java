package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

class TaskDefinitionApiTest extends EcsServerTestBase {
    private static ContainerDefinition.Builder web() {
        return ContainerDefinition.builder().name("web").image("nginx").essential(true);
    }

    @Test
    void register_seedDefinition_revisionsAndCompatibilities() {
        TaskDefinition a = f.register(EcsServerFixture.nginx("test-ecs-task"));
        TaskDefinition b = f.register(EcsServerFixture.nginx("test-ecs-task"));
        assertThat(a.taskDefinitionArn()).isEqualTo(
                "arn:aws:ecs:us-east-1:000000000000:task-definition/test-ecs-task:1");
        assertThat(b.revision()).isEqualTo(2);
        assertThat(a.compatibilitiesAsStrings()).contains("MANAGED_INSTANCES", "FARGATE");
        assertThat(a.statusAsString()).isEqualTo("ACTIVE");
        assertThat(a.registeredAt()).isNotNull();
        assertThat(f.ecs.describeTaskDefinition(r -> r.taskDefinition("test-ecs-task")).taskDefinition().revision())
                .isEqualTo(2);
    }

    /**
     * The lists ECS always answers come back empty rather than absent, a container without cpu shows 0 and without
     * essential true, and an EFS volume without a root directory shows "/" (the aws CLI's register-task-definition
     * example; the SDK tells an empty list from an absent one with has*()).
     */
    @Test
    void register_minimalDefinition_answersAsEcsRegistersIt() {
        f.register(RegisterTaskDefinitionRequest.builder().family("minimal").containerDefinitions(
                ContainerDefinition.builder().name("sleep").image("busybox").memory(10).build())
                .volumes(v -> v.name("shared").efsVolumeConfiguration(e -> e.fileSystemId("fs-1"))));
        for (TaskDefinition td : java.util.List.of(
                f.ecs.describeTaskDefinition(b -> b.taskDefinition("minimal")).taskDefinition(),
                f.ecs.deregisterTaskDefinition(b -> b.taskDefinition("minimal:1")).taskDefinition())) {
            assertThat(td.hasPlacementConstraints()).isTrue();
            assertThat(td.placementConstraints()).isEmpty();
            assertThat(td.volumes()).singleElement().satisfies(v ->
                    assertThat(v.efsVolumeConfiguration().rootDirectory()).isEqualTo("/"));
            ContainerDefinition c = td.containerDefinitions().get(0);
            assertThat(c.hasPortMappings() && c.hasEnvironment() && c.hasMountPoints() && c.hasVolumesFrom())
                    .as("portMappings, environment, mountPoints and volumesFrom answered").isTrue();
            assertThat(c.portMappings()).isEmpty();
            assertThat(c.environment()).isEmpty();
            assertThat(c.mountPoints()).isEmpty();
            assertThat(c.volumesFrom()).isEmpty();
            assertThat(c.cpu()).isZero();
            assertThat(c.essential()).isTrue();
            assertThat(c.memory()).isEqualTo(10);
        }
        TaskDefinition noVolumes = f.register(RegisterTaskDefinitionRequest.builder().family("bare")
                .containerDefinitions(ContainerDefinition.builder().name("sleep").image("busybox").memory(10)
                        .essential(false).cpu(10).build()));
        assertThat(noVolumes.hasVolumes()).isTrue();
        assertThat(noVolumes.volumes()).isEmpty();
        assertThat(noVolumes.containerDefinitions().get(0).essential()).isFalse();
        assertThat(noVolumes.containerDefinitions().get(0).cpu()).isEqualTo(10);
    }

    /** A container without a name or an image is a ClientException, with ECS's words. */
    @Test
    void register_containerWithoutNameOrImage_clientException() {
        assertThatThrownBy(() -> f.ecs.registerTaskDefinition(b -> b.family("x").containerDefinitions(
                ContainerDefinition.builder().name("web").memory(10).build())))
                .isInstanceOf(ClientException.class).hasMessageContaining("Container.image should not be null or empty.");
        assertThatThrownBy(() -> f.ecs.registerTaskDefinition(b -> b.family("x").containerDefinitions(
                ContainerDefinition.builder().image("nginx").memory(10).build())))
                .isInstanceOf(ClientException.class).hasMessageContaining("Container.name should not be null or empty.");
    }

    @Test
    void register_cpuInVcpuAndMemoryInGb_normalized() {
        TaskDefinition td = f.register(RegisterTaskDefinitionRequest.builder().family("f").cpu("1 vCPU")
                .memory("2 GB").requiresCompatibilitiesWithStrings("FARGATE").networkMode("awsvpc")
                .containerDefinitions(web().build()));
        assertThat(td.cpu()).isEqualTo("1024");
        assertThat(td.memory()).isEqualTo("2048");
    }

    @Test
    void register_managedInstancesArbitrarySizes_accepted() {
        TaskDefinition td = f.register(EcsServerFixture.nginx("odd").cpu("1234").memory("1234"));
        assertThat(td.compatibilitiesAsStrings()).contains("MANAGED_INSTANCES").doesNotContain("FARGATE");
    }

    @Test
    void register_managedInstancesWithoutNetworkMode_defaultsToAwsvpc() {
        TaskDefinition td = f.register(EcsServerFixture.nginx("nm").networkMode((String) null));
        assertThat(td.networkModeAsString()).isEqualTo("awsvpc");
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("MI bridge", (UnaryOperator<RegisterTaskDefinitionRequest.Builder>)
                        b -> b.networkMode("bridge"), "not supported by Managed Instances"),
                Arguments.of("MI ipcMode", op(b -> b.ipcMode("host")), "ipcMode"),
                Arguments.of("MI hostname", op(b -> b.containerDefinitions(web().hostname("h").build())),
                        "hostname"),
                Arguments.of("MI windows", op(b -> b.runtimePlatform(p -> p.operatingSystemFamily(
                        "WINDOWS_SERVER_2022_CORE"))), "LINUX"),
                Arguments.of("Fargate bad size", op(b -> b.requiresCompatibilitiesWithStrings("FARGATE").cpu("256")
                        .memory("4096")), "No Fargate configuration exists"),
                Arguments.of("Fargate host mode", op(b -> b.requiresCompatibilitiesWithStrings("FARGATE")
                        .networkMode("host")), "awsvpc"),
                Arguments.of("Fargate privileged", op(b -> b.requiresCompatibilitiesWithStrings("FARGATE")
                        .containerDefinitions(web().privileged(true).build())), "privileged"),
                Arguments.of("Fargate NET_ADMIN", op(b -> b.requiresCompatibilitiesWithStrings("FARGATE")
                        .containerDefinitions(web().linuxParameters(l -> l.capabilities(c -> c.add("NET_ADMIN")))
                                .build())), "SYS_PTRACE"),
                Arguments.of("Fargate GPU", op(b -> b.requiresCompatibilitiesWithStrings("FARGATE")
                        .containerDefinitions(web().resourceRequirements(r -> r.type("GPU").value("1")).build())),
                        "GPU"),
                Arguments.of("Fargate no cpu", op(b -> b.requiresCompatibilitiesWithStrings("FARGATE").cpu(null)),
                        "'cpu'"),
                Arguments.of("EC2 no memory", op(b -> b.requiresCompatibilitiesWithStrings("EC2").memory(null)
                        .networkMode("bridge")), "memory"),
                Arguments.of("awsvpc host port differs", op(b -> b.containerDefinitions(web().portMappings(p -> p
                        .containerPort(80).hostPort(8080)).build())), "must match"));
    }

    private static UnaryOperator<RegisterTaskDefinitionRequest.Builder> op(
            UnaryOperator<RegisterTaskDefinitionRequest.Builder> o) {
        return o;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void register_launchTypeRuleBroken_clientError(String label,
                                                   UnaryOperator<RegisterTaskDefinitionRequest.Builder> change,
                                                   String message) {
        RegisterTaskDefinitionRequest r = change.apply(EcsServerFixture.nginx("x")).build();
        assertThatThrownBy(() -> f.ecs.registerTaskDefinition(r)).isInstanceOf(EcsException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((EcsException) e).statusCode()).isEqualTo(400));
    }

    @Test
    void register_missingBasics_errors() {
        assertThatThrownBy(() -> f.ecs.registerTaskDefinition(b -> b.family("x")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("containerDefinitions");
        assertThatThrownBy(() -> f.ecs.registerTaskDefinition(b -> b.containerDefinitions(web().build())))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("Family");
        assertThatThrownBy(() -> f.ecs.registerTaskDefinition(b -> b.family("x").containerDefinitions(
                ContainerDefinition.builder().name("a").build())))
                .isInstanceOf(ClientException.class).hasMessageContaining("image");
        assertThatThrownBy(() -> f.ecs.registerTaskDefinition(b -> b.family("x").containerDefinitions(web().build(),
                web().build()))).isInstanceOf(InvalidParameterException.class).hasMessageContaining("Duplicate");
    }

    /** Stevedore's image-size docker label (start-latency model): a size is kept as sent, anything else refused. */
    @Test
    void register_imageSizeLabel_sizeKept_otherwiseInvalidParameter() {
        TaskDefinition td = f.register(EcsServerFixture.nginx("sized").containerDefinitions(web()
                .dockerLabels(java.util.Map.of(io.stevedore.ecs.ImageSizes.LABEL, "7GiB")).build()));
        assertThat(td.containerDefinitions().get(0).dockerLabels()).containsEntry(io.stevedore.ecs.ImageSizes.LABEL,
                "7GiB");
        assertThatThrownBy(() -> f.ecs.registerTaskDefinition(EcsServerFixture.nginx("typo").containerDefinitions(
                web().dockerLabels(java.util.Map.of(io.stevedore.ecs.ImageSizes.LABEL, "7 GiBs")).build()).build()))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("io.stevedore.image-size").hasMessageContaining("7 GiBs");
    }

    @Test
    void listTaskDefinitions_filtersSortsAndPaginates() {
        for (int i = 0; i < 3; i++) {
            f.register(EcsServerFixture.nginx("alpha"));
        }
        f.register(EcsServerFixture.nginx("beta"));
        // familyPrefix is "the full family name" (ListTaskDefinitions API reference), not a prefix
        assertThat(f.ecs.listTaskDefinitions(b -> b.familyPrefix("alpha")).taskDefinitionArns()).hasSize(3)
                .allSatisfy(a -> assertThat(a).contains(":task-definition/alpha:"));
        assertThat(f.ecs.listTaskDefinitions(b -> b.familyPrefix("alp")).taskDefinitionArns()).isEmpty();
        assertThat(f.ecs.listTaskDefinitionFamilies(b -> b.familyPrefix("alp")).families()).containsExactly("alpha");
        var desc = f.ecs.listTaskDefinitions(b -> b.sort("DESC").maxResults(2));
        assertThat(desc.taskDefinitionArns()).first().asString().endsWith("beta:1");
        assertThat(desc.nextToken()).isNotNull();
        assertThat(f.ecs.listTaskDefinitionsPaginator(b -> b.maxResults(1)).taskDefinitionArns()).hasSize(4);
        assertThat(f.ecs.listTaskDefinitionFamilies(b -> { }).families()).containsExactly("alpha", "beta");
    }

    @Test
    void deregisterThenDelete_lifecycle() {
        f.register(EcsServerFixture.nginx("d"));
        f.register(EcsServerFixture.nginx("d"));
        assertThatThrownBy(() -> f.ecs.deregisterTaskDefinition(b -> b.taskDefinition("d")))
                .isInstanceOf(InvalidParameterException.class);
        var del = f.ecs.deleteTaskDefinitions(b -> b.taskDefinitions("d:1"));
        assertThat(del.failures()).singleElement().satisfies(x -> assertThat(x.reason()).contains("ACTIVE"));
        TaskDefinition dereg = f.ecs.deregisterTaskDefinition(b -> b.taskDefinition("d:2")).taskDefinition();
        assertThat(dereg.statusAsString()).isEqualTo("INACTIVE");
        assertThat(f.ecs.describeTaskDefinition(b -> b.taskDefinition("d")).taskDefinition().revision()).isEqualTo(1);
        assertThat(f.ecs.listTaskDefinitions(b -> b.status("INACTIVE")).taskDefinitionArns()).hasSize(1);
        assertThat(f.ecs.deleteTaskDefinitions(b -> b.taskDefinitions("d:2")).taskDefinitions().get(0)
                .statusAsString()).isEqualTo("DELETE_IN_PROGRESS");
        f.ecs.deregisterTaskDefinition(b -> b.taskDefinition("d:1"));
        assertThat(f.ecs.listTaskDefinitionFamilies(b -> b.status("INACTIVE")).families()).containsExactly("d");
        assertThatThrownBy(() -> f.ecs.describeTaskDefinition(b -> b.taskDefinition("d")))
                .isInstanceOf(ClientException.class);
    }

    @Test
    void describeTaskDefinition_includeTags() {
        f.register(EcsServerFixture.nginx("t").tags(t -> t.key("a").value("b")));
        assertThat(f.ecs.describeTaskDefinition(b -> b.taskDefinition("t:1").includeWithStrings("TAGS")).tags())
                .hasSize(1);
        assertThat(f.ecs.describeTaskDefinition(b -> b.taskDefinition("t:1")).tags()).isEmpty();
    }
}
