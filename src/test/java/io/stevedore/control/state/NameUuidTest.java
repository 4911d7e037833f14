package io.stevedore.control.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Ids keep their digits: the fast name-based id is the JDK's name-based UUID without its dashes. */
class NameUuidTest {
    @Test
    void nameUuidHex_isTheJdksNameUuidWithoutDashes() {
        int checked = 0;
        for (String kind : new String[] {"task", "service-event", "container-instance", "deployment", ""}) {
            for (int n = 0; n < 2_000; n += 7) {
                byte[] name = ("us-east-1/000000000000/" + kind + "/" + n).getBytes(StandardCharsets.UTF_8);
                assertThat(EcsState.nameUuidHex(name))
                        .isEqualTo(UUID.nameUUIDFromBytes(name).toString().replace("-", ""));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(5 * 286);
    }
}
