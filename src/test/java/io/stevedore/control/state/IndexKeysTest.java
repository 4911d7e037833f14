package io.stevedore.control.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The task indexes' keys: "cluster value", one string object per pair while the cache holds it. */
class IndexKeysTest {
    private static final String CLUSTER = "arn:aws:ecs:us-east-1:000000000000:cluster/default";

    @Test
    void keys_equalTheConcatenation_sameObjectWhenAskedAgain() {
        String a = EcsState.groupKey(CLUSTER, "service:web");
        assertThat(a).isEqualTo(CLUSTER + " service:web");
        assertThat(EcsState.groupKey(new String(CLUSTER), new String("service:web"))).isSameAs(a);
        assertThat(EcsState.desiredKey(CLUSTER, "RUNNING")).isEqualTo(CLUSTER + " RUNNING");
        assertThat(EcsState.groupKey(CLUSTER, null)).isEqualTo(CLUSTER + " null");
        assertThat(EcsState.groupKey(null, "x")).isEqualTo("null x");
    }

    @Test
    void pairKeys_beyondTheBound_startAfreshAndStayEqual() {
        EcsState.PairKeys keys = new EcsState.PairKeys();
        String first = keys.of(CLUSTER, "g0");
        for (int i = 1; i <= EcsState.PairKeys.MAX; i++) {
            assertThat(keys.of(CLUSTER, "g" + i)).hasSize(CLUSTER.length() + 2 + String.valueOf(i).length());
        }
        String again = keys.of(CLUSTER, "g0");
        assertThat(again).isEqualTo(first).isNotSameAs(first); // dropped with the rest, made again
        assertThat(keys.of(CLUSTER, "g0")).isSameAs(again);
    }
}
