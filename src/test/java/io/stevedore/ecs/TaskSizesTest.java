package io.stevedore.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.wire.AwsException;
import org.junit.jupiter.api.Test;

/** Task-level cpu and memory as ECS reads them: plain numbers, units, and the refusals. */
class TaskSizesTest {
    @Test
    void plainAndUnitForms_readAsUnitsAndMib() {
        assertThat(TaskSizes.cpuUnits("256")).isEqualTo(256);
        assertThat(TaskSizes.cpuUnits("0256")).isEqualTo(256);
        assertThat(TaskSizes.cpuUnits(" 512 ")).isEqualTo(512);
        assertThat(TaskSizes.cpuUnits("1 vCPU")).isEqualTo(1024);
        assertThat(TaskSizes.cpuUnits("0.5 vcpu")).isEqualTo(512);
        assertThat(TaskSizes.cpuUnits("1073741824")).isEqualTo(1 << 30);
        assertThat(TaskSizes.memoryMiB("2048")).isEqualTo(2048);
        assertThat(TaskSizes.memoryMiB("2 GB")).isEqualTo(2048);
        assertThat(TaskSizes.memoryMiB("512 MiB")).isEqualTo(512);
        assertThat(TaskSizes.cpuUnits(null)).isNull();
        assertThat(TaskSizes.memoryMiB(" ")).isNull();
    }

    @Test
    void zeroTooLargeOrMalformed_refused() {
        for (String bad : new String[] {"0", "000", "1073741825", "99999999999", "0.3", "-1", "one"}) {
            assertThatThrownBy(() -> TaskSizes.cpuUnits(bad)).as(bad).isInstanceOf(AwsException.class)
                    .hasMessageContaining("Invalid 'cpu' setting for task: '" + bad + "'");
        }
        assertThatThrownBy(() -> TaskSizes.memoryMiB("0")).isInstanceOf(AwsException.class)
                .hasMessageContaining("is not a positive whole number of MiB.");
    }
}
