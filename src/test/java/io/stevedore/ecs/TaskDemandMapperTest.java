package io.stevedore.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.catalog.Architecture;
import io.stevedore.placement.NetworkMode;
import io.stevedore.placement.TaskDemand;
import io.stevedore.placement.providers.FargateTask;
import io.stevedore.wire.AwsException;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ecs.model.CPUArchitecture;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KernelCapabilities;
import software.amazon.awssdk.services.ecs.model.LinuxParameters;
import software.amazon.awssdk.services.ecs.model.OSFamily;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.ResourceRequirement;
import software.amazon.awssdk.services.ecs.model.ResourceType;
import software.amazon.awssdk.services.ecs.model.RuntimePlatform;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskOverride;

class TaskDemandMapperTest {
    private static ContainerDefinition.Builder container(String name) {
        return ContainerDefinition.builder().name(name).image("nginx");
    }

    private static TaskDefinition td(String cpu, String memory, String mode, ContainerDefinition... cs) {
        return TaskDefinition.builder().family("f").cpu(cpu).memory(memory).networkMode(mode)
                .containerDefinitions(cs).build();
    }

    static Stream<Arguments> reservations() {
        return Stream.of(
                // task level wins
                Arguments.of(td("1024", "2048", "awsvpc", container("a").cpu(256).memory(512).build()), 1024, 2048),
                Arguments.of(td("1 vCPU", "2 GB", "awsvpc", container("a").build()), 1024, 2048),
                Arguments.of(td(".25 vCPU", "0.5GB", "awsvpc", container("a").build()), 256, 512),
                // no task level: sum over containers, memoryReservation (soft) before memory (hard)
                Arguments.of(td(null, null, "awsvpc", container("a").cpu(256).memory(512).build(),
                        container("b").cpu(128).memory(1024).memoryReservation(256).build()), 384, 768),
                Arguments.of(td(null, null, "awsvpc", container("a").memoryReservation(300).build()), 0, 300),
                // task memory set, containers without memory are fine
                Arguments.of(td(null, "4096", "awsvpc", container("a").cpu(512).build()), 512, 4096));
    }

    @ParameterizedTest(name = "[{index}] cpu {1} memory {2}")
    @MethodSource("reservations")
    void toDemand_reservation(TaskDefinition td, int cpu, long memory) {
        TaskDemand d = TaskDemandMapper.toDemand(td);
        assertThat(d.cpu()).isEqualTo(cpu);
        assertThat(d.memoryMiB()).isEqualTo(memory);
    }

    @Test
    void toDemand_gpusFromResourceRequirements_summedOverContainers() {
        TaskDefinition t = td("4096", "16384", "awsvpc",
                container("a").resourceRequirements(ResourceRequirement.builder().type(ResourceType.GPU).value("2")
                        .build()).build(),
                container("b").resourceRequirements(ResourceRequirement.builder().type(ResourceType.GPU).value("1")
                        .build()).build());
        assertThat(TaskDemandMapper.toDemand(t).gpus()).isEqualTo(3);
    }

    @Test
    void toDemand_awsvpc_oneEniNoHostPorts() {
        TaskDemand d = TaskDemandMapper.toDemand(td("256", "512", "awsvpc", container("a")
                .portMappings(PortMapping.builder().containerPort(80).build()).build()));
        assertThat(d.networkMode()).isEqualTo(NetworkMode.AWSVPC);
        assertThat(d.resources().enis()).isEqualTo(1);
        assertThat(d.hostPorts()).isEmpty();
    }

    @Test
    void toDemand_hostMode_hostPortElseContainerPort_andRanges() {
        TaskDemand d = TaskDemandMapper.toDemand(td("256", "512", "host",
                container("a").portMappings(PortMapping.builder().containerPort(80).build(),
                        PortMapping.builder().containerPort(443).hostPort(443).build()).build(),
                container("b").portMappings(PortMapping.builder().containerPortRange("9000-9002").build()).build()));
        assertThat(d.networkMode()).isEqualTo(NetworkMode.HOST);
        assertThat(d.hostPorts()).containsExactlyInAnyOrder(80, 443, 9000, 9001, 9002);
        assertThat(d.resources().enis()).isZero();
    }

    @Test
    void toDemand_missingNetworkMode_awsvpc() {
        assertThat(TaskDemandMapper.toDemand(td("256", "512", null, container("a").build())).networkMode())
                .isEqualTo(NetworkMode.AWSVPC);
    }

    @Test
    void toDemand_runtimePlatform_defaultX86AndArm() {
        assertThat(TaskDemandMapper.toDemand(td("256", "512", "awsvpc", container("a").build())).architecture())
                .isEqualTo(Architecture.X86_64);
        TaskDefinition arm = td("256", "512", "awsvpc", container("a").build()).toBuilder()
                .runtimePlatform(RuntimePlatform.builder().cpuArchitecture(CPUArchitecture.ARM64)
                        .operatingSystemFamily(OSFamily.LINUX).build()).build();
        assertThat(TaskDemandMapper.toDemand(arm).architecture()).isEqualTo(Architecture.ARM64);
    }

    @Test
    void toDemand_overrides_taskAndContainerLevel() {
        TaskDefinition t = td(null, null, "awsvpc", container("a").cpu(256).memory(512).build(),
                container("b").cpu(256).memory(512).build());
        TaskOverride o = TaskOverride.builder().containerOverrides(ContainerOverride.builder().name("b").cpu(1024)
                .memoryReservation(128).resourceRequirements(ResourceRequirement.builder().type(ResourceType.GPU)
                        .value("1").build()).build()).build();
        TaskDemand d = TaskDemandMapper.toDemand(t, o);
        assertThat(d.cpu()).isEqualTo(1280);
        assertThat(d.memoryMiB()).isEqualTo(640);
        assertThat(d.gpus()).isEqualTo(1);
        TaskDemand whole = TaskDemandMapper.toDemand(t, TaskOverride.builder().cpu("2048").memory("4096").build());
        assertThat(whole.cpu()).isEqualTo(2048);
        assertThat(whole.memoryMiB()).isEqualTo(4096);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(td(null, null, "awsvpc", container("web").cpu(256).build()), "ClientException",
                        "Invalid setting for container 'web'. At least one of 'memory' or 'memoryReservation' must be"
                                + " specified."),
                Arguments.of(td("256", "512", "awsvpc", container("worker").memory(1024).build()), "ClientException",
                        "The 'memory' setting for container 'worker' is greater than for the task."),
                Arguments.of(td(null, null, "awsvpc", container("a").memory(256).memoryReservation(512).build()),
                        "ClientException", "'memoryReservation' (512) must be less than or equal to 'memory' (256)"),
                Arguments.of(td("256", "2048", "awsvpc", container("a").cpu(200).build(), container("b").cpu(200)
                        .build()), "ClientException", "(400) is greater than the task 'cpu' (256)"),
                Arguments.of(td("256", "1024", "awsvpc", container("a").memoryReservation(600).build(),
                        container("b").memoryReservation(600).build()), "ClientException", "(1200 MiB) is greater"),
                Arguments.of(td("lots", "512", "awsvpc", container("a").build()), "ClientException",
                        "Invalid 'cpu' setting for task"),
                Arguments.of(td("256", "1.5 MiB", "awsvpc", container("a").build()), "ClientException",
                        "not a positive whole number"),
                Arguments.of(td("256", "512", "bridge", container("a").build()), "InvalidParameterException",
                        "supports only the 'awsvpc' and 'host' network modes"),
                Arguments.of(td("256", "512", "awsvpc", container("a").portMappings(PortMapping.builder()
                        .containerPort(80).hostPort(8080).build()).build()), "ClientException",
                        "When networkMode=awsvpc, the host ports and container ports in port mappings must match"),
                Arguments.of(td("256", "512", "host", container("a").portMappings(PortMapping.builder()
                        .containerPort(80).hostPort(8080).build()).build()), "ClientException",
                        "When networkMode=host"),
                Arguments.of(td("256", "512", "awsvpc", container("a").resourceRequirements(ResourceRequirement
                        .builder().type(ResourceType.GPU).value("two").build()).build()), "ClientException",
                        "Invalid GPU value 'two'"),
                Arguments.of(td("256", "512", "awsvpc", container("a").resourceRequirements(ResourceRequirement
                        .builder().type(ResourceType.INFERENCE_ACCELERATOR).value("dev1").build()).build()),
                        "InvalidParameterException", "InferenceAccelerator"),
                Arguments.of(td("256", "512", "awsvpc"), "ClientException", "at least one container definition"),
                Arguments.of(td("256", "512", "awsvpc", container("a").build()).toBuilder().runtimePlatform(
                        RuntimePlatform.builder().operatingSystemFamily(OSFamily.WINDOWS_SERVER_2022_CORE).build())
                        .build(), "InvalidParameterException", "LINUX tasks only"),
                Arguments.of(td("256", "512", "awsvpc", container("a").build()).toBuilder().runtimePlatform(
                        RuntimePlatform.builder().cpuArchitecture("RISCV").build()).build(),
                        "InvalidParameterException", "Valid values: X86_64, ARM64"));
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @MethodSource("invalid")
    void toDemand_invalid_awsErrorWithEcsMessage(TaskDefinition td, String type, String message) {
        assertThatThrownBy(() -> TaskDemandMapper.toDemand(td)).isInstanceOf(AwsException.class)
                .hasMessageContaining(message).extracting(e -> ((AwsException) e).errorType()).isEqualTo(type);
    }

    @Test
    void toDemand_overrideForUnknownContainer_invalidParameter() {
        TaskOverride o = TaskOverride.builder().containerOverrides(ContainerOverride.builder().name("ghost")
                .build()).build();
        assertThatThrownBy(() -> TaskDemandMapper.toDemand(td("256", "512", "awsvpc", container("a").build()), o))
                .isInstanceOf(AwsException.class).hasMessageContaining("[ghost]");
    }

    @Test
    void toFargateTask_collectsPrivilegedCapabilitiesGpus() {
        TaskDefinition t = td("1024", "2048", "awsvpc", container("a").privileged(true).linuxParameters(
                LinuxParameters.builder().capabilities(KernelCapabilities.builder().add("SYS_PTRACE", "NET_ADMIN")
                        .build()).build()).build());
        FargateTask f = TaskDemandMapper.toFargateTask(t, null);
        assertThat(f).isEqualTo(new FargateTask(1024, 2048, 0, true, Set.of("SYS_PTRACE", "NET_ADMIN"), "awsvpc"));
    }

    @ParameterizedTest
    @CsvSource({"1024,1024", "0.5 vcpu,512", "2 vCPU,2048", "4vcpu,4096"})
    void cpuUnits_bothSpellings(String raw, int units) {
        assertThat(TaskSizes.cpuUnits(raw)).isEqualTo(units);
    }

    @ParameterizedTest
    @CsvSource({"512,512", "1 GB,1024", "2GB,2048", "0.5 GB,512", "3072 MiB,3072", "1gib,1024"})
    void memoryMiB_bothSpellings(String raw, int mib) {
        assertThat(TaskSizes.memoryMiB(raw)).isEqualTo(mib);
    }

    @Test
    void cpuUnits_blank_null() {
        assertThat(TaskSizes.cpuUnits(null)).isNull();
        assertThat(TaskSizes.memoryMiB(" ")).isNull();
        assertThat(List.of()).isEmpty();
    }
}
