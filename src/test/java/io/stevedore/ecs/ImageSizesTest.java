package io.stevedore.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

class ImageSizesTest {
    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource({"7GiB, 7516192768", "7 gib, 7516192768", "1.5GB, 1500000000", "450MiB, 471859200", "20MB, 20000000",
        "1048576, 1048576", "512KiB, 524288", "3B, 3"})
    void parse_sizeWithUnit(String text, long bytes) {
        assertThat(ImageSizes.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "big", "7 GiBs", "-1MB", "0", "2TiB", "1e9"})
    void parse_notASize_refused(String text) {
        assertThatThrownBy(() -> ImageSizes.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void declared_readsTheDockerLabel_zeroWithoutOrUnreadable() {
        ContainerDefinition.Builder c = ContainerDefinition.builder().name("c").image("i");
        assertThat(ImageSizes.declared(c.dockerLabels(Map.of(ImageSizes.LABEL, "2GiB")).build())).isEqualTo(2L << 30);
        assertThat(ImageSizes.declared(c.dockerLabels(Map.of(ImageSizes.LABEL, "huge")).build())).isZero();
        assertThat(ImageSizes.declared(c.dockerLabels(Map.of("other", "1")).build())).isZero();
        assertThat(ImageSizes.declared(ContainerDefinition.builder().name("c").build())).isZero();
    }
}
