package io.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.sim.workload.SimWorkloadReader;
import io.stevedore.sim.workload.WorkloadError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkloadReaderTest {
    private static final String PROVIDERS = """
            capacityProviders:
              - name: cp
                subnets: [us-east-1a]
            taskGroups:
            """;

    private static Workload read(String groups) {
        return new WorkloadReader().read(PROVIDERS + groups, "us-east-1");
    }

    @Test
    void read_wholeNumbersAsText_sameAsNumbers() {
        Workload text = read("  - {name: web, count: \"4\", cpu: \"512\", memory: \" 1024 \", gpu: \"0\"}\n");
        Workload number = read("  - {name: web, count: 4, cpu: 512, memory: 1024, gpu: 0}\n");
        assertThat(text.groups().get(0).count()).isEqualTo(4);
        assertThat(text.groups().get(0).demand()).isEqualTo(number.groups().get(0).demand());
    }

    @Test
    void read_hostPortsAsText_parsed() {
        Workload w = read("  - {name: web, count: 1, cpu: 1, memory: 1, networkMode: host, hostPorts: [\"80\", 443]}\n");
        assertThat(w.groups().get(0).demand().hostPorts()).containsExactlyInAnyOrder(80, 443);
    }

    /** Each row's group: {@code \n} separates lines, {@code '} stands for {@code "}; line 5 is "- name: web". */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "negative count as text|count: '-1'\\n    cpu: 1\\n    memory: 1|line 6, column 5: taskGroups.0.count: must be between 0 and 1000000, was -1",
        "not a number|count: 1\\n    cpu: lots\\n    memory: 1|line 7, column 5: taskGroups.0.cpu: must be a whole number, was 'lots'",
        "fraction|count: 1\\n    cpu: 1\\n    memory: 1.5|line 8, column 5: taskGroups.0.memory: must be a whole number, was 1.5",
        "typo|count: 1\\n    cpu: 1\\n    memroy: 1|line 8, column 5: taskGroups.0.memroy: unknown field; expected one of [architecture,",
        "missing memory|count: 1\\n    cpu: 1|line 5, column 5: taskGroups.0.memory: is required",
        "port out of range|count: 1\\n    cpu: 1\\n    memory: 1\\n    networkMode: host\\n    hostPorts: [80, 70000]|line 10, column 21: taskGroups.0.hostPorts.1: must be between 1 and 65535, was 70000"})
    void read_invalid_errorHasLineAndColumn(String name, String rest, String expected) {
        String group = "  - name: web\n    " + rest.replace("\\n", "\n").replace('\'', '"') + "\n";
        assertThatThrownBy(() -> read(group)).isInstanceOf(WorkloadError.class)
                .hasMessageStartingWith(expected.replace('\'', '"'));
    }

    @Test
    void read_numberWhereTextIsExpected_refusedWithHint() {
        assertThatThrownBy(() -> read("  - name: 1.10\n    count: 1\n    cpu: 1\n    memory: 1\n"))
                .isInstanceOf(WorkloadError.class).hasMessage("line 5, column 5: taskGroups.0.name: must be a string,"
                        + " was 1.1 (quote it to keep it as written)");
        assertThat(read("  - name: \"1.10\"\n    count: 1\n    cpu: 1\n    memory: 1\n").groups().get(0).name())
                .isEqualTo("1.10");
    }

    @Test
    void read_brokenYaml_lineAndColumn() {
        assertThatThrownBy(() -> read("  - {name: web, count: [\n"))
                .isInstanceOfSatisfying(WorkloadError.class, e -> {
                    assertThat(e.line()).isEqualTo(5);
                    assertThat(e.column()).isPositive();
                })
                .hasMessageStartingWith("line 5, column ");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "negative count|  - {name: web, count: \"-1\", cpu: 1, memory: 1}",
        "bad network mode|  - {name: web, count: 1, cpu: 1, memory: 1, networkMode: bridge}",
        "typo|  - {name: web, count: 1, cpu: 1, memroy: 1}",
        "number as a name|  - {name: 2024, count: 1, cpu: 1, memory: 1}",
        "unknown provider|  - {name: web, count: 1, cpu: 1, memory: 1, capacityProvider: nope}"})
    void read_invalidPlanFile_sameErrorAsTheSimulatorsReader(String name, String groups) {
        String text = PROVIDERS + groups + "\n";
        WorkloadError plan = catchError(() -> new WorkloadReader().read(text, "us-east-1"));
        WorkloadError sim = catchError(() -> new SimWorkloadReader().read("t", text));
        assertThat(plan.getMessage()).isEqualTo(sim.getMessage());
        assertThat(plan.column()).isPositive();
    }

    private static WorkloadError catchError(Runnable read) {
        try {
            read.run();
        } catch (WorkloadError e) {
            return e;
        }
        throw new AssertionError("no WorkloadError");
    }
}
