package io.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class PlanCommandTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @ParameterizedTest(name = "seed {0}")
    @CsvSource({
        "a, t4g.medium, 15, 0.5040",
        "c, r6g.large, 10, 1.0080"})
    void plan_seedExample_fleetAndCost(String seed, String type, int count, String ec2) {
        Run r = run("plan", "--workload", "examples/seed-scale-up-" + seed + ".yaml");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern(type + "\\s+" + count + "\\s")
                .contains("EC2 $" + ec2 + " + management fee $").contains("Unplaceable:  none");
    }

    @Test
    void plan_jsonOutput_fleetCostAndTasksPerInstance() throws IOException {
        Run r = run("plan", "--workload", "examples/seed-scale-up-b.yaml", "--output", "json");
        assertThat(r.exit()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.at("/costPerHour/ec2").asDouble()).isLessThanOrEqualTo(0.34);
        assertThat(j.at("/costPerHour/total").asDouble()).isGreaterThan(j.at("/costPerHour/ec2").asDouble());
        int tasks = 0;
        for (JsonNode i : j.at("/capacityProviders/0/instances")) {
            tasks += i.at("/tasks/test-ecs-service").asInt();
            assertThat(i.get("availabilityZone").asText()).startsWith("us-east-1");
        }
        assertThat(tasks).isEqualTo(10);
        assertThat(j.get("unplaceable")).isEmpty();
    }

    @Test
    void plan_mixedExample_unplaceableGroupExplainedExitOne() {
        Run r = run("plan", "--workload", "examples/mixed.yaml");
        assertThat(r.exit()).isEqualTo(PlanCommand.UNPLACEABLE);
        assertThat(r.out()).contains("training: 1 task(s) [gpu] no offered type has 16 GPUs");
    }

    @Test
    void plan_memberOfZone_onlyThatZone() throws IOException {
        Path f = write(workload("""
                  - name: pinned
                    count: 4
                    cpu: 512
                    memory: 1024
                    architecture: ARM64
                    placementConstraints:
                      - {type: memberOf, expression: "attribute:ecs.availability-zone in [us-east-1b]"}
                """));
        Run r = run("plan", "--workload", f.toString(), "--output", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("us-east-1b").doesNotContain("\"us-east-1a\"");
    }

    @Test
    void plan_memberOfInstanceType_onlyThoseTypes() throws IOException {
        Path f = write(workload("""
                  - name: pinned
                    count: 6
                    cpu: 512
                    memory: 1024
                    architecture: ARM64
                    placementConstraints:
                      - {type: memberOf, expression: "attribute:ecs.instance-type in [c6g.large, c7g.large]"}
                """));
        Run r = run("plan", "--workload", f.toString(), "--output", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode fleet = new ObjectMapper().readTree(r.out()).get("fleet");
        assertThat(fleet.fieldNames()).toIterable().isNotEmpty().allMatch(t -> t.equals("c6g.large")
                || t.equals("c7g.large"));
    }

    static String workload(String groups) {
        return """
                capacityProviders:
                  - name: cp
                    instanceRequirements:
                      vCpuCount: {min: 2, max: 4}
                      memoryMiB: {min: 2048, max: 16384}
                      cpuManufacturers: [amazon-web-services]
                      burstablePerformance: included
                    subnets: [us-east-1a, us-east-1b]
                taskGroups:
                """ + groups;
    }

    static Stream<Arguments> invalid() {
        String ok = "  - {name: web, count: 2, cpu: 512, memory: 1024}\n";
        return Stream.of(
                Arguments.of("bad yaml", workload("  - {name: web, count: [\n"), "line 10, column 25: not valid YAML/JSON"),
                Arguments.of("unknown field", workload("  - name: web\n    count: 2\n    cpu: 512\n    memory: 1\n"
                        + "    memroy: 1024\n"), "line 14, column 5: taskGroups.0.memroy: unknown field"),
                Arguments.of("negative count", workload("  - name: web\n    count: -1\n    cpu: 1\n    memory: 1\n"),
                        "line 11, column 5: taskGroups.0.count: must be between 0 and 1000000, was -1"),
                Arguments.of("bridge mode", workload(ok + "  - name: b\n    count: 1\n    cpu: 1\n    memory: 1\n"
                        + "    networkMode: bridge\n"), "line 15, column 5: taskGroups.1.networkMode: Managed Instances supports"),
                Arguments.of("unknown provider", workload("  - {name: web, count: 1, cpu: 1, memory: 1, "
                        + "capacityProvider: nope}\n"), "line 10, column 46: taskGroups.0.capacityProvider: no capacity provider"),
                Arguments.of("host ports in awsvpc", workload("  - {name: web, count: 1, cpu: 1, memory: 1, "
                        + "hostPorts: [80]}\n"), "taskGroups.0.hostPorts: host ports need networkMode host"),
                Arguments.of("bad requirements", workload(ok).replace("min: 2, max: 4", "min: 4, max: 2"),
                        "line 3, column 5: capacityProviders.0.instanceRequirements: instanceRequirements.vCpuCount: min (4)"),
                Arguments.of("bad constraint attribute", workload("  - name: web\n    count: 1\n    cpu: 1\n"
                        + "    memory: 1\n    placementConstraints:\n"
                        + "      - {type: memberOf, expression: \"attribute:stack == prod\"}\n"),
                        "line 14, column 5: taskGroups.0.placementConstraints: The memberOf placement constraint expression"
                        + " 'attribute:stack == prod' uses 'attribute:stack', which Managed Instances capacity"
                        + " providers do not support"),
                Arguments.of("distinctInstance", workload("  - name: web\n    count: 1\n    cpu: 1\n"
                        + "    memory: 1\n    placementConstraints:\n      - {type: distinctInstance}\n"),
                        "line 14, column 5: taskGroups.0.placementConstraints: The distinctInstance placement constraint is"
                        + " not supported for tasks on Managed Instances capacity providers"),
                Arguments.of("bad constraint type", workload("  - name: web\n    count: 1\n    cpu: 1\n"
                        + "    memory: 1\n    placementConstraints:\n      - {type: sometimes}\n"),
                        "taskGroups.0.placementConstraints.0:"),
                Arguments.of("duplicate group", workload(ok + ok), "line 11, column 6: taskGroups.1.name: duplicate task group"),
                Arguments.of("no subnets", workload(ok).replace("subnets: [us-east-1a, us-east-1b]", "subnets: []"),
                        "capacityProviders.0.subnets: a Managed Instances capacity provider needs non-empty subnets"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void plan_invalidWorkload_exitTwoWithFieldLineAndColumn(String name, String text, String message) throws IOException {
        Run r = run("plan", "--workload", write(text).toString());
        assertThat(r.exit()).as(r.out()).isEqualTo(PlanCommand.INVALID_INPUT);
        assertThat(r.err()).contains(message);
    }

    @Test
    void plan_missingFile_exitTwo() {
        Run r = run("plan", "--workload", dir.resolve("nope.yaml").toString());
        assertThat(r.exit()).isEqualTo(PlanCommand.INVALID_INPUT);
        assertThat(r.err()).contains("cannot read");
    }

    private Path write(String text) throws IOException {
        Path f = dir.resolve("w.yaml");
        Files.writeString(f, text);
        return f;
    }
}
