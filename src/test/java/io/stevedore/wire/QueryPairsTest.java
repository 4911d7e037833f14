package io.stevedore.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class QueryPairsTest {
    @Test
    void split_mixedParts_rawPairsInOrder() {
        assertThat(QueryPairs.split("b=2&&a&c=x=y&sp=x%20y+z&=v")).containsExactly(
                new QueryPairs.Pair("b", "2"), new QueryPairs.Pair("a", ""), new QueryPairs.Pair("c", "x=y"),
                new QueryPairs.Pair("sp", "x%20y+z"), new QueryPairs.Pair("", "v"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    void split_nothing_noPairs(String raw) {
        assertThat(QueryPairs.split(raw)).isEqualTo(List.of());
    }
}
