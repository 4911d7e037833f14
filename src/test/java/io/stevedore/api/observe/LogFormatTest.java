package io.stevedore.api.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogFormatTest {

    static String line(LogFormat f, String msg, Map<String, ?> fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        f.log(new PrintStream(bytes, true, StandardCharsets.UTF_8), Instant.parse("2026-01-02T03:04:05Z"), "INFO",
                msg, fields);
        return bytes.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void json_oneParsableObjectPerLine_withEscapes() throws Exception {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("operation", "RunTask");
        f.put("status", 400);
        f.put("odd", "quote\" newline\n tab\t nul\u0000");
        String s = line(LogFormat.JSON, "request \"x\"", f);
        assertThat(s).doesNotContain("\n");
        JsonNode n = new ObjectMapper().readTree(s);
        assertThat(n.get("time").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(n.get("level").asText()).isEqualTo("INFO");
        assertThat(n.get("msg").asText()).isEqualTo("request \"x\"");
        assertThat(n.get("status").isInt()).isTrue();
        assertThat(n.get("odd").asText()).isEqualTo("quote\" newline\n tab\t nul\u0000");
    }

    @Test
    void plain_keyValuePairs() {
        assertThat(line(LogFormat.PLAIN, "listening", Map.of("port", 8080)))
                .isEqualTo("2026-01-02T03:04:05Z INFO listening port=8080");
    }
}
