package io.stevedore.api.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.wire.AwsException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Tag;

/** The tag checks: the ASCII shortcut of the character check answers as the pattern does. */
class ChecksTest {
    private static final Pattern TAG_CHARS = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

    @Test
    void tagChars_answersAsThePattern() {
        List<String> samples = new ArrayList<>(List.of("", "stevedore:cpu-load", "150.0", "a b_c.d:e/f=g+h-i@j",
                "Team A", "caf\u00e9", "\u65e5\u672c", "x\u00a0y", "\u0663\u0664", "\ud835\udc00", "\ud83d\ude00",
                "a\ud800b", "tab\there", "semi;colon", "hash#", "quote'", "star*", "tilde~", "pct%", "A\u2028B"));
        for (char c = 0; c < 128; c++) {
            samples.add(String.valueOf(c));
            samples.add("key" + c + "tail");
        }
        int allowed = 0;
        for (String s : samples) {
            boolean expected = TAG_CHARS.matcher(s).matches();
            assertThat(Checks.tagChars(s)).as("%s", s).isEqualTo(expected);
            allowed += expected ? 1 : 0;
        }
        assertThat(allowed).isGreaterThan(100).isLessThan(samples.size());
    }

    @Test
    @SuppressWarnings("deprecation")
    void tags_errorsAsBefore() {
        assertThatCode(() -> Checks.tags(List.of(tag("stevedore:cpu-load", "150.0")), 50))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Checks.tags(List.of(tag("a", "1"), tag("a", "2")), 50))
                .isInstanceOf(AwsException.class).hasMessage("Duplicate tag key 'a'.");
        assertThatThrownBy(() -> Checks.tags(List.of(tag("AWS:x", "1")), 50))
                .isInstanceOf(AwsException.class)
                .hasMessage("Tag keys cannot start with the reserved prefix 'aws:' (key 'AWS:x').");
        assertThatThrownBy(() -> Checks.tags(List.of(tag("k", "v#")), 50))
                .isInstanceOf(AwsException.class).hasMessage("Tag 'k' contains characters that are not allowed.");
        assertThatThrownBy(() -> Checks.tags(List.of(tag("", "v")), 50))
                .isInstanceOf(AwsException.class).hasMessage("Tag key '' must be 1 to 128 characters long.");
        assertThatThrownBy(() -> Checks.tags(List.of(tag("k", "v".repeat(257))), 50))
                .isInstanceOf(AwsException.class).hasMessage("Tag value for key 'k' must be at most 256 characters"
                        + " long.");
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }
}
