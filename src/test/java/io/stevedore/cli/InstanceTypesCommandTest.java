package io.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InstanceTypesCommandTest {
    private static final String SEED = "{\"vCpuCount\":{\"min\":2,\"max\":4},\"memoryMiB\":{\"min\":2048,\"max\":16384},"
            + "\"cpuManufacturers\":[\"amazon-web-services\"],\"instanceGenerations\":[\"current\",\"previous\"],"
            + "\"burstablePerformance\":\"included\",\"bareMetal\":\"excluded\"}";

    private record Result(int exit, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void table_seedArm64_cheapestFirstWithPricesFeesAndTaskLimits() {
        Result r = run("instance-types", "--requirements", SEED, "--architecture", "ARM64");
        assertThat(r.exit).isZero();
        List<String> lines = r.out.lines().toList();
        assertThat(lines.get(0)).contains("TYPE", "VCPU", "MEMORY", "AWSVPC", "GPUS", "ARCHITECTURE", "EC2 $/H", "FEE $/H",
                "EFFECTIVE $/H");
        assertThat(lines.get(1).split("\\s+")).containsExactly("t4g.small", "2", "2", "GiB", "2", "0", "ARM64", "0.0168",
                "0.0020", "0.0188");
        assertThat(r.out).contains("t4g.medium", "im4gn.large", "is4gen.large", "r6g.large")
                .contains("price protection: onDemandMaxPricePercentageOverLowestPrice 20% over c6g.large")
                .contains("EC2 default, not applied")
                .doesNotContain("c6i.", ".metal");
        assertThat(r.err).isEmpty();
    }

    @Test
    void table_requirementsFromFile_sameAsInline(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("req.json");
        Files.writeString(file, SEED);
        assertThat(run("instance-types", "--requirements", "@" + file, "--architecture", "arm64").out)
                .isEqualTo(run("instance-types", "--requirements", SEED, "--architecture", "ARM64").out);
    }

    @Test
    void table_examplesSeedFile_parses() {
        Result r = run("instance-types", "--requirements", "@examples/seed-requirements.json", "--architecture", "ARM64");
        assertThat(r.exit).isZero();
        assertThat(r.out).contains("t4g.small");
    }

    @Test
    void json_seedArm64_machineReadable() throws Exception {
        Result r = run("instance-types", "--requirements", SEED, "--architecture", "ARM64", "--output", "json");
        assertThat(r.exit).isZero();
        JsonNode doc = new ObjectMapper().readTree(r.out);
        assertThat(doc.get("region").asText()).isEqualTo("us-east-1");
        assertThat(doc.get("capacityOption").asText()).isEqualTo("ON_DEMAND");
        JsonNode first = doc.get("instanceTypes").get(0);
        assertThat(first.get("instanceType").asText()).isEqualTo("t4g.small");
        assertThat(first.get("awsvpcTasks").asInt()).isEqualTo(2);
        assertThat(first.get("ec2PricePerHour").asDouble()).isEqualTo(0.0168);
        assertThat(first.get("effectivePricePerHour").asDouble())
                .isEqualTo(first.get("ec2PricePerHour").asDouble() + first.get("feePerHour").asDouble());
        List<String> types = new ArrayList<>();
        doc.get("instanceTypes").forEach(n -> types.add(n.get("instanceType").asText()));
        assertThat(types).contains("im4gn.large", "is4gen.large", "r6g.large");
        assertThat(doc.get("priceProtection").get("applied").asBoolean()).isFalse();
        JsonNode lastStage = doc.get("funnel").get(doc.get("funnel").size() - 1);
        assertThat(lastStage.get("remaining").asInt()).isEqualTo(doc.get("instanceTypes").size());
    }

    @Test
    void json_typeWithoutPrice_reportedAsNoPrice() throws Exception {
        Result r = run("instance-types", "--requirements",
                "{\"vCpuCount\":{\"min\":0},\"memoryMiB\":{\"min\":0},\"allowedInstanceTypes\":[\"hpc7a.*\",\"c6g.large\"]}",
                "--output", "json");
        JsonNode doc = new ObjectMapper().readTree(r.out);
        assertThat(doc.get("withoutPrice").get(0).get("instanceType").asText()).isEqualTo("hpc7a.12xlarge");
        assertThat(doc.get("withoutPrice").get(0).get("price").asText()).isEqualTo("no price");
        assertThat(doc.get("instanceTypes")).hasSize(1);
    }

    @Test
    void spot_pricesAreEstimatesBelowOnDemand() throws Exception {
        JsonNode od = new ObjectMapper().readTree(run("instance-types", "--requirements", SEED, "--architecture", "ARM64",
                "--output", "json").out);
        JsonNode spot = new ObjectMapper().readTree(run("instance-types", "--requirements", SEED, "--architecture", "ARM64",
                "--capacity-option", "SPOT", "--output", "json").out);
        assertThat(spot.get("capacityOption").asText()).isEqualTo("SPOT");
        assertThat(spot.get("ec2PriceBasis").asText()).isEqualTo("spot-estimate");
        assertThat(od.get("ec2PriceBasis").asText()).isEqualTo("on-demand");
        double odMin = od.get("instanceTypes").get(0).get("ec2PricePerHour").asDouble();
        assertThat(spot.get("instanceTypes").get(0).get("ec2PricePerHour").asDouble()).isLessThan(odMin);
    }

    @Test
    void otherRegion_pricesDiffer() {
        Result r = run("instance-types", "--requirements", SEED, "--architecture", "ARM64", "--region", "eu-west-1");
        assertThat(r.exit).isZero();
        assertThat(r.out).contains("in eu-west-1 (ON_DEMAND)");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"vCpuCount\":{\"min\":8,\"max\":4},\"memoryMiB\":{\"min\":1}}|InvalidParameterException: instanceRequirements.vCpuCount: min (8) must not be greater than max (4)",
            "{\"vCpuCount\":{\"min\":1},\"memoryMiB\":{\"min\":1},\"bareMetal\":\"maybe\"}|InvalidParameterException: 1 validation error detected: Value 'maybe' at 'instanceRequirements.bareMetal'",
            "{\"vCpuCount\":{\"min\":1}|SerializationException: The instance requirements are not valid JSON",
            "@/nonexistent/req.json|InvalidParameterException: --requirements: cannot read /nonexistent/req.json"})
    void invalidInput_exit2WithAwsMessageOnStderr(String requirements, String message) {
        Result r = run("instance-types", "--requirements", requirements);
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).startsWith(message);
        assertThat(r.out).isEmpty();
    }

    @Test
    void invalidOption_exit2() {
        assertThat(run("instance-types", "--requirements", SEED, "--architecture", "SPARC").exit).isEqualTo(2);
        assertThat(run("instance-types", "--requirements", SEED, "--region", "mars-1").err)
                .contains("--region mars-1 has no prices");
    }

    @Test
    void noMatch_exit1WithEcsMessageAndReason() {
        Result r = run("instance-types", "--requirements",
                "{\"vCpuCount\":{\"min\":2,\"max\":4},\"memoryMiB\":{\"min\":2048},\"acceleratorNames\":[\"a100\"]}",
                "--architecture", "ARM64");
        assertThat(r.exit).isEqualTo(1);
        assertThat(r.err).startsWith("No instance types satisfy the instance requirements specified in the Amazon ECS"
                + " Managed Instances capacity provider: acceleratorNames [a100] excludes every one of the");
    }

    @Test
    void noMatch_json_carriesReasonAndEmptyList() throws Exception {
        Result r = run("instance-types", "--requirements",
                "{\"vCpuCount\":{\"min\":2,\"max\":4},\"memoryMiB\":{\"min\":2048},\"bareMetal\":\"required\"}",
                "--output", "json");
        assertThat(r.exit).isEqualTo(1);
        JsonNode doc = new ObjectMapper().readTree(r.out);
        assertThat(doc.get("instanceTypes")).isEmpty();
        assertThat(doc.get("noMatchReason").asText()).startsWith("bareMetal required excludes every one of the");
    }
}
