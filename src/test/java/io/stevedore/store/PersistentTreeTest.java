package io.stevedore.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PersistentTreeTest {
    @Test
    void putAndRemove_matchATreeMap_andEveryOlderVersionStaysAsItWas() {
        Random random = new Random(7);
        TreeMap<Integer, Integer> expected = new TreeMap<>();
        PersistentTree<Integer, Integer> tree = PersistentTree.empty(Comparator.naturalOrder());
        List<PersistentTree<Integer, Integer>> versions = new ArrayList<>();
        List<TreeMap<Integer, Integer>> copies = new ArrayList<>();
        for (int step = 0; step < 5_000; step++) {
            int k = random.nextInt(300);
            if (random.nextInt(3) == 0) {
                expected.remove(k);
                tree = tree.remove(k);
            } else {
                expected.put(k, step);
                tree = tree.put(k, step);
            }
            if (step % 500 == 0) {
                versions.add(tree);
                copies.add(new TreeMap<>(expected));
            }
            assertThat(tree.size()).isEqualTo(expected.size());
            assertThat(tree.get(k)).isEqualTo(expected.get(k));
        }
        assertThat(tree.keys()).containsExactlyElementsOf(expected.keySet());
        assertThat(tree.values()).containsExactlyElementsOf(expected.values());
        for (int i = 0; i < versions.size(); i++) {
            assertThat(versions.get(i).keys()).containsExactlyElementsOf(copies.get(i).keySet());
            assertThat(versions.get(i).values()).containsExactlyElementsOf(copies.get(i).values());
        }
    }

    @Test
    void ofSorted_buildsTheSameMap() {
        List<String> keys = List.of("a", "b", "c", "d", "e", "f", "g");
        List<Integer> values = List.of(1, 2, 3, 4, 5, 6, 7);
        PersistentTree<String, Integer> t = PersistentTree.ofSorted(Comparator.naturalOrder(), keys, values);
        assertThat(t.keys()).containsExactlyElementsOf(keys);
        assertThat(t.get("e")).isEqualTo(5);
        assertThat(t.remove("a").remove("g").put("h", 8).keys()).containsExactly("b", "c", "d", "e", "f", "h");
        assertThat(t.remove("zz")).isSameAs(t);
    }
}
