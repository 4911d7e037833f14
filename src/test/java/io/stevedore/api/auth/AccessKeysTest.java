package io.stevedore.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessKeysTest {
    @TempDir
    Path dir;

    @Test
    void load_nothingConfigured_localDefaultOnly() throws Exception {
        AccessKeys k = AccessKeys.load(null, null);
        assertThat(k.configured()).isFalse();
        assertThat(k.keys()).containsExactlyEntriesOf(java.util.Map.of("test", "test"));
    }

    @Test
    void load_fileAndEnvironment_bothAccepted() throws Exception {
        Path file = Files.writeString(dir.resolve("keys"), "# operators\nAKIDONE:secret/one+\n\n  AKIDTWO : two \n");
        AccessKeys k = AccessKeys.load(file, "AKIDENV:env-secret");
        assertThat(k.configured()).isTrue();
        assertThat(k.keys()).containsOnlyKeys("AKIDONE", "AKIDTWO", "AKIDENV");
        assertThat(k.secretOf("AKIDTWO")).contains("two");
        assertThat(k.secretOf("test")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "no-colon-here|expected accessKeyId:secretAccessKey",
        ":secret|expected accessKeyId:secretAccessKey",
        "id:|expected accessKeyId:secretAccessKey",
        "a b:secret|no spaces",
        "dup:one\\ndup:two|configured twice"})
    void load_badLine_refusedNamingTheLine(String content, String message) throws Exception {
        Path file = Files.writeString(dir.resolve("bad"), content.replace("\\n", "\n"));
        assertThatThrownBy(() -> AccessKeys.load(file, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void load_fileWithOnlyComments_refused() throws Exception {
        Path file = Files.writeString(dir.resolve("empty"), "# nothing\n");
        assertThatThrownBy(() -> AccessKeys.load(file, null)).hasMessageContaining("holds no");
    }
}
