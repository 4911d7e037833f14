package io.stevedore.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.CpuManufacturer;
import software.amazon.awssdk.services.ecs.model.InstanceRequirementsRequest;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.Task;

class AwsJsonCodecTest {
    private final AwsJsonCodec codec = new AwsJsonCodec();

    @Test
    void writeString_streamed_isTheTextOfTheTree() throws Exception {
        Task task = Task.builder().taskArn("arn:aws:ecs:us-east-1:000000000000:task/c/abc").lastStatus("RUNNING")
                .createdAt(Instant.ofEpochSecond(1_700_000_000L, 123_000_000)).startedAt(Instant.ofEpochSecond(5))
                .cpu("256").memory("512").launchType(LaunchType.FARGATE).version(7L).enableExecuteCommand(false)
                .containers(c -> c.name("app").exitCode(0).networkInterfaces(n -> n.privateIpv4Address("10.0.0.1")),
                        c -> c.name("side"))
                .overrides(o -> o.containerOverrides(c -> c.name("app").environment(e -> e.name("A").value("\"é\""))))
                .tags(t -> t.key("k").value("v")).attributes(java.util.List.of()).build();
        RegisterTaskDefinitionRequest withMap = RegisterTaskDefinitionRequest.builder().family("f")
                .containerDefinitions(c -> c.name("a").dockerLabels(java.util.Map.of("x", "1"))
                        .logConfiguration(l -> l.logDriver("awslogs").options(java.util.Map.of("k", "v"))))
                .build();
        for (software.amazon.awssdk.core.SdkPojo pojo : java.util.List.of(task, withMap, Task.builder().build())) {
            assertThat(codec.writeString(pojo)).isEqualTo(codec.mapper().writeValueAsString(codec.write(pojo)));
        }
        assertThat(codec.writeString(task)).contains("\"createdAt\":1700000000.123", "\"startedAt\":5",
                "\"attributes\":[]", "\"version\":7");
    }

    @Test
    void read_nestedStructuresListsAndMaps_populateSdkModel() {
        RunTaskRequest r = codec.read("""
                {"cluster":"c1","count":3,"taskDefinition":"web:1",
                 "capacityProviderStrategy":[{"capacityProvider":"mi","weight":2,"base":1}],
                 "overrides":{"containerOverrides":[{"name":"app","environment":[{"name":"A","value":"1"}]}]},
                 "tags":[{"key":"k","value":"v"}],"enableECSManagedTags":true,"unknownMember":42}
                """, RunTaskRequest::builder, RunTaskRequest.class);
        assertThat(r.cluster()).isEqualTo("c1");
        assertThat(r.count()).isEqualTo(3);
        assertThat(r.capacityProviderStrategy()).singleElement()
                .satisfies(i -> assertThat(i.base()).isEqualTo(1));
        assertThat(r.overrides().containerOverrides().get(0).environment().get(0).value()).isEqualTo("1");
        assertThat(r.enableECSManagedTags()).isTrue();
    }

    @Test
    void read_instanceRequirements_enumListsAndDoubles() {
        InstanceRequirementsRequest r = codec.read("""
                {"vCpuCount":{"min":2,"max":4},"memoryMiB":{"min":2048},"cpuManufacturers":["amazon-web-services"],
                 "memoryGiBPerVCpu":{"min":0.5},"burstablePerformance":"included"}
                """, InstanceRequirementsRequest::builder, InstanceRequirementsRequest.class);
        assertThat(r.vCpuCount().max()).isEqualTo(4);
        assertThat(r.memoryGiBPerVCpu().min()).isEqualTo(0.5);
        assertThat(r.cpuManufacturers()).containsExactly(CpuManufacturer.AMAZON_WEB_SERVICES);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"count\":\"three\"}                 | SerializationException | Expected an integer at 'count' but found a string",
        "{\"count\":1.5}                       | SerializationException | Expected an integer at 'count' but found a decimal number",
        "{\"count\":99999999999}               | SerializationException | Expected an integer at 'count'",
        "{\"cluster\":{}}                      | SerializationException | Expected a string at 'cluster' but found an object",
        "{\"tags\":{}}                         | SerializationException | Expected a list at 'tags'",
        "{\"overrides\":[]}                    | SerializationException | Expected a JSON object at 'overrides'",
        "[1,2]                                 | SerializationException | Expected a JSON object at '(request body)'",
        "{not json                             | SerializationException | not valid JSON",
        "{\"launchType\":\"FARGATEX\"}         | InvalidParameterException | Value 'FARGATEX' at 'launchType' failed to satisfy constraint",
        "{\"overrides\":{\"containerOverrides\":[{\"resourceRequirements\":[{\"type\":\"TPU\",\"value\":\"1\"}]}]}} | InvalidParameterException | at 'overrides.containerOverrides.1.member.resourceRequirements.1.member.type'",
    })
    void read_badInput_awsErrorNamingTheMember(String json, String type, String message) {
        assertThatThrownBy(() -> codec.read(json, RunTaskRequest::builder, RunTaskRequest.class))
                .isInstanceOfSatisfying(AwsException.class, e -> {
                    assertThat(e.errorType()).isEqualTo(type);
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    @Test
    void read_enumList_unknownValueNamesIndex() {
        assertThatThrownBy(() -> codec.read("{\"family\":\"f\",\"requiresCompatibilities\":[\"FARGATE\",\"LAMBDA\"]}",
                RegisterTaskDefinitionRequest::builder, RegisterTaskDefinitionRequest.class))
                .hasMessageContaining("Value 'LAMBDA' at 'requiresCompatibilities.2.member'")
                .hasMessageContaining("MANAGED_INSTANCES");
    }

    @Test
    void write_roundTrip_keepsValuesAndTimestampsAsEpochSeconds() {
        Task t = Task.builder().taskArn("arn:aws:ecs:us-east-1:1:task/c/abc").launchType(LaunchType.FARGATE)
                .createdAt(Instant.ofEpochSecond(1_700_000_000L, 250_000_000)).cpu("256").build();
        String json = codec.writeString(t);
        assertThat(json).contains("\"createdAt\":1700000000.25").contains("\"launchType\":\"FARGATE\"")
                .doesNotContain("containers");
        Task back = codec.read(json, Task::builder, Task.class);
        assertThat(back).isEqualTo(t);
    }

    @Test
    void read_nullMembers_ignored() {
        RegisterTaskDefinitionRequest r = codec.read("{\"family\":\"f\",\"cpu\":null,\"requiresCompatibilities\":null}",
                RegisterTaskDefinitionRequest::builder, RegisterTaskDefinitionRequest.class);
        assertThat(r.cpu()).isNull();
        assertThat(r.hasRequiresCompatibilities()).isFalse();
        assertThat(Compatibility.fromValue("MANAGED_INSTANCES")).isEqualTo(Compatibility.MANAGED_INSTANCES);
    }
}
