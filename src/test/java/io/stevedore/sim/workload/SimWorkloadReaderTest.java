package io.stevedore.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SimWorkloadReaderTest {
    private static final String BASE = """
            capacityProviders:
              - name: cp
                subnets: [us-east-1a]
            taskDefinitions:
              - family: web
                cpu: 256
                memory: 512
                containerDefinitions:
                  - {name: web, image: nginx, essential: true}
            """;

    private static SimWorkload read(String text) {
        return new SimWorkloadReader().read("t", text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown top-level field|colour: red|line 10, column 1: colour: unknown field",
        "typo in a service|services:\\n  - name: s\\n    taskDefinition: web\\n    desiredCont: 2|line 13, column 5: services.0.desiredCont: unknown field",
        "unknown task definition|services:\\n  - name: s\\n    taskDefinition: api|line 12, column 5: services.0.taskDefinition: no task definition with family api",
        "bad duration|jobs:\\n  - name: j\\n    taskDefinition: web\\n    arrivals: {perHour: 10}\\n    duration: 5 minutes|line 14, column 5: jobs.0.duration: must be a duration",
        "negative rate|jobs:\\n  - name: j\\n    taskDefinition: web\\n    arrivals: {perHour: -1}\\n    duration: 5s|line 13, column 16: jobs.0.arrivals.perHour: must be between",
        "unknown fault|services:\\n  - {name: s, taskDefinition: web, desiredCount: 1}\\nfaults:\\n  - {at: 1h, type: meteor}|line 13, column 14: faults.0.type: must be one of",
        "amplitude above 1|services:\\n  - name: s\\n    taskDefinition: web\\n    desiredCount: {base: 3, daily: {amplitude: 2}}|line 13, column 37: services.0.desiredCount.daily.amplitude: must be between",
        "scaling range upside down|services:\\n  - name: s\\n    taskDefinition: web\\n    desiredCount: 1\\n    autoScaling: {minCapacity: 5, maxCapacity: 2}|services.0.autoScaling.minCapacity: must not be greater than maxCapacity (2)",
        "scaled service with a varying count|services:\\n  - name: s\\n    taskDefinition: web\\n    desiredCount: {base: 3, daily: {amplitude: 0.2}}\\n    autoScaling: {minCapacity: 1, maxCapacity: 2}|services.0.autoScaling: a scaled service takes a constant desiredCount",
        "queue without a drain rate|services:\\n  - name: s\\n    taskDefinition: web\\n    desiredCount: 1\\n    queue: {perHour: 10}|services.0.queue.drainPerTaskPerMinute",
        "zone outside the region|services:\\n  - {name: s, taskDefinition: web, desiredCount: 1}\\nregion: eu-west-1|line 3, column 15: capacityProviders.0.subnets.0: the simulated eu-west-1 has the zones"})
    void read_invalid_errorNamesFieldLineAndColumn(String name, String extra, String expected) {
        String text = BASE + extra.replace("\\n", "\n") + "\n";
        assertThatThrownBy(() -> read(text)).isInstanceOf(WorkloadError.class).hasMessageContaining(expected);
    }

    @org.junit.jupiter.api.Test
    void read_imageSize_becomesTheDockerLabelTheControlPlaneReads() {
        SimWorkload w = read(BASE.replace("{name: web, image: nginx, essential: true}",
                "{name: web, image: nginx, essential: true, imageSize: 7GiB, dockerLabels: {team: speech}}")
                + "services:\n  - {name: s, taskDefinition: web, desiredCount: 1}\n");
        var c = w.taskDefinitions().get(0).request().path("containerDefinitions").get(0);
        assertThat(c.has("imageSize")).isFalse();
        assertThat(c.path("dockerLabels").path(io.stevedore.ecs.ImageSizes.LABEL).asText()).isEqualTo("7GiB");
        assertThat(c.path("dockerLabels").path("team").asText()).isEqualTo("speech");
    }

    @org.junit.jupiter.api.Test
    void read_unreadableImageSize_errorNamesTheField() {
        assertThatThrownBy(() -> read(BASE.replace("essential: true}", "essential: true, imageSize: huge}")
                + "services:\n  - {name: s, taskDefinition: web, desiredCount: 1}\n"))
                .isInstanceOf(WorkloadError.class)
                .hasMessageContaining("taskDefinitions.0.containerDefinitions.0.imageSize: an image size is a number");
    }

    @org.junit.jupiter.api.Test
    void read_brokenYaml_pointsAtTheLine() {
        assertThatThrownBy(() -> read("capacityProviders:\n  - name: [unclosed\n"))
                .isInstanceOf(WorkloadError.class).hasMessageStartingWith("line 2, column 20: not valid YAML");
    }

    @org.junit.jupiter.api.Test
    void read_fullWorkload_allParts() {
        SimWorkload w = read(BASE + """
                duration: 2d
                services:
                  - name: s
                    taskDefinition: web
                    replicas: 3
                    desiredCount: {base: 2, steps: [{at: 6h, count: 4}], daily: {amplitude: 0.3, peakHour: 12}}
                    deployments: [1h, 1d2h]
                jobs:
                  - name: j
                    taskDefinition: web
                    arrivals: {at: [10m, 90s]}
                    duration: {lognormal: {median: 2m, sigma: 0.5}}
                faults:
                  - {at: 3h, type: capacityShortage, instanceTypes: [m7g.large], duration: 30m}
                """);
        assertThat(w.duration()).isEqualTo(Duration.ofDays(2));
        SimWorkload.ServiceSpec s = w.services().get(0);
        assertThat(s.replicas()).isEqualTo(3);
        assertThat(s.deployments()).containsExactly(Duration.ofHours(1), Duration.ofHours(26));
        assertThat(s.desired().baseAt(Duration.ofHours(7))).isEqualTo(4);
        // noon is the peak: base 4 (the step at 6h) × 1.3 = 5.2; dithering floors 5.2 + u
        assertThat(s.desired().at(Duration.ofHours(12), 0)).isEqualTo(5);
        assertThat(s.desired().at(Duration.ofHours(12), 0.9)).isEqualTo(6);
        assertThat(s.desired().at(Duration.ofHours(0), 0)).isEqualTo(1); // midnight trough: 2 × 0.7 = 1.4
        assertThat(((Arrivals.Times) w.jobs().get(0).arrivals()).at()).containsExactly(Duration.ofSeconds(90),
                Duration.ofMinutes(10));
        assertThat(w.faults().get(0).lasting()).isEqualTo(Duration.ofMinutes(30));
        assertThat(w.taskDefinitions().get(0).request().get("cpu").asText()).isEqualTo("256");
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed-scale-up-a.yaml", "seed-scale-up-b.yaml", "seed-scale-up-c.yaml", "mixed.yaml"})
    void read_planWorkloadFiles_becomeServices(String file) throws Exception {
        SimWorkload w = read(Files.readString(Path.of("examples", file)));
        assertThat(w.services()).isNotEmpty();
        assertThat(w.taskDefinitions()).hasSameSizeAs(w.services());
        assertThat(w.services()).allSatisfy(s -> assertThat(s.desired().varies()).isFalse());
    }

    @org.junit.jupiter.api.Test
    void schema_namesExactlyTheFieldsTheReaderAccepts() throws Exception {
        var schema = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                Path.of("docs/simulation-workload.schema.json").toFile());
        java.util.Set<String> top = new java.util.TreeSet<>();
        schema.path("properties").fieldNames().forEachRemaining(top::add);
        assertThat(top).isEqualTo(new java.util.TreeSet<>(SimWorkloadReader.TOP));
        java.util.Set<String> service = new java.util.TreeSet<>();
        schema.path("$defs").path("service").path("properties").fieldNames().forEachRemaining(service::add);
        assertThat(service).isEqualTo(new java.util.TreeSet<>(SimWorkloadReader.SERVICE));
        java.util.Set<String> job = new java.util.TreeSet<>();
        schema.path("$defs").path("job").path("properties").fieldNames().forEachRemaining(job::add);
        assertThat(job).isEqualTo(new java.util.TreeSet<>(SimWorkloadReader.JOB));
    }
}
