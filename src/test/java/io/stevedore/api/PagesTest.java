package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.wire.AwsException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PagesTest {
    private static final List<String> ITEMS = List.of("a", "b", "c", "d", "e");

    @Test
    void page_walksAllItemsOnceInOrder() {
        List<String> seen = new ArrayList<>();
        String token = null;
        do {
            Pages.Page<String> p = Pages.page(ITEMS, s -> s, token, 2, 100);
            seen.addAll(p.items());
            token = p.nextToken();
        } while (token != null);
        assertThat(seen).isEqualTo(ITEMS);
    }

    @Test
    void page_lastPageExact_hasNoToken() {
        assertThat(Pages.page(ITEMS, s -> s, null, 5, 100).nextToken()).isNull();
        assertThat(Pages.page(List.<String>of(), s -> s, null, null, 100).items()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 101})
    void page_maxResultsOutOfRange_invalidParameter(int max) {
        assertThatThrownBy(() -> Pages.page(ITEMS, s -> s, null, max, 100)).isInstanceOf(AwsException.class)
                .hasMessageContaining("maxResults");
    }

    @ParameterizedTest
    @ValueSource(strings = {"!!", "dGhpcyBpcyBub3Q", "djE"})
    void page_foreignToken_invalidParameter(String token) {
        assertThatThrownBy(() -> Pages.page(ITEMS, s -> s, token, 2, 100)).isInstanceOf(AwsException.class)
                .hasMessageContaining("nextToken");
    }
}
