package io.stevedore.placement.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.placement.PlacementValidationException;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FargateRulesTest {
    @ParameterizedTest(name = "{0} CPU / {1} MiB -> {2}")
    @CsvSource({
        "256, 512, true", "256, 1024, true", "256, 2048, true", "256, 3072, false", "256, 256, false",
        "512, 1024, true", "512, 4096, true", "512, 5120, false", "512, 1536, false",
        "1024, 2048, true", "1024, 8192, true", "1024, 1024, false",
        "2048, 4096, true", "2048, 16384, true", "2048, 17408, false",
        "4096, 8192, true", "4096, 30720, true", "4096, 31744, false",
        "8192, 16384, true", "8192, 20480, true", "8192, 61440, true", "8192, 17408, false", "8192, 65536, false",
        "16384, 32768, true", "16384, 40960, true", "16384, 122880, true", "16384, 36864, false",
        "16384, 131072, false", "32768, 122880, false", "128, 512, false", "3072, 8192, false",
    })
    void validSize_publishedCombinations(int cpu, int memory, boolean valid) {
        assertThat(FargateRules.validSize(cpu, memory)).isEqualTo(valid);
    }

    @ParameterizedTest(name = "[{index}] {6}")
    @CsvSource(delimiter = ';', value = {
        "1024; 1024; 0; false; ; awsvpc; No Fargate configuration exists for given values: 1024 CPU, 1024 memory."
            + " See the Amazon ECS documentation for the valid values.",
        "; 1024; 0; false; ; awsvpc; Fargate requires that 'cpu' be defined at the task level.",
        "256; ; 0; false; ; awsvpc; Fargate requires that 'memory' be defined at the task level.",
        "1024; 2048; 0; false; ; bridge; Fargate only supports network mode 'awsvpc'.",
        "1024; 2048; 1; false; ; awsvpc; do not support GPU",
        "1024; 2048; 0; true; ; awsvpc; do not support privileged containers",
        "1024; 2048; 0; false; NET_ADMIN; awsvpc; only support adding the 'SYS_PTRACE' kernel capability",
    })
    void validate_violation_clientExceptionWithEcsText(Integer cpu, Integer memory, int gpus, boolean privileged,
                                                       String cap, String mode, String message) {
        FargateTask t = new FargateTask(cpu, memory, gpus, privileged, cap == null ? Set.of() : Set.of(cap), mode);
        assertThatThrownBy(() -> FargateRules.validate(t)).isInstanceOf(PlacementValidationException.class)
                .hasMessageContaining(message)
                .extracting(e -> ((PlacementValidationException) e).errorType()).isEqualTo("ClientException");
    }

    @org.junit.jupiter.api.Test
    void validate_sysPtraceOnly_accepted() {
        assertThatCode(() -> FargateRules.validate(new FargateTask(16384, 122880, 0, false, Set.of("SYS_PTRACE"),
                "awsvpc"))).doesNotThrowAnyException();
    }
}
