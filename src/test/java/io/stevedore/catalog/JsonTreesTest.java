package io.stevedore.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTreesTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"a\":1,\"b\":[true,false,null,\"x\"],\"c\":{\"d\":2.5,\"e\":12345678901,\"f\":123456789012345678901234567890}}",
            "[]", "\"text\"", "0", "-1.5e3", "{}"})
    void read_sameTreeAsObjectMapper(String json) throws IOException {
        assertThat(JsonTrees.read(json)).isEqualTo(new ObjectMapper().readTree(json));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{\"a\":", "{} {}", "{\"a\" 1}", "[1,]"})
    void read_malformed_throws(String json) {
        assertThatThrownBy(() -> JsonTrees.read(json)).isInstanceOf(IOException.class);
    }
}
