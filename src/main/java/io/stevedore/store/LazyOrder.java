package io.stevedore.store;

import java.util.ArrayList;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An id-ordered tree of entries kept lazily, for a {@link Table}'s rows and an {@link Index} bucket's cells: an id that
 * enters or leaves is noted, and the tree catches up with the entries as they are then at its next read in id order
 * (the simulator writes its large tables and some indexes all the time and reads them in id order rarely). After more
 * notes than entries (at least {@value #REPLAY_LIMIT}) the tree is built again from every entry instead.
 */
final class LazyOrder<V> {
    static final int REPLAY_LIMIT = 1024;

    private final TreeMap<String, V> tree = new TreeMap<>();
    /** Ids that entered or left since {@link #tree} was last brought up to date (each may appear more than once). */
    private final ArrayList<String> noted = new ArrayList<>();
    /** {@link #tree} is to be built again from every entry (too many changes were noted). */
    private boolean rebuild;

    /** Id {@code id} entered or left; {@code size}: how many entries there are now. */
    void note(String id, int size) {
        if (rebuild) {
            return;
        }
        if (noted.size() >= REPLAY_LIMIT && noted.size() >= size) {
            noted.clear(); // cheaper to build the tree again than to replay every change
            tree.clear();
            rebuild = true;
            return;
        }
        noted.add(id);
    }

    /**
     * The entries in id order, brought up to date: {@code current} answers an id's entry now (null: none), and
     * {@code all} visits every entry now (for a rebuild).
     */
    TreeMap<String, V> ordered(Function<String, V> current, Consumer<BiConsumer<String, V>> all) {
        if (rebuild) {
            rebuild = false;
            tree.clear();
            all.accept(tree::put);
        } else if (!noted.isEmpty()) {
            for (String id : noted) {
                V v = current.apply(id);
                if (v == null) {
                    tree.remove(id);
                } else {
                    tree.put(id, v);
                }
            }
            noted.clear();
        }
        return tree;
    }

    /** Forgets every entry and note. */
    void clear() {
        tree.clear();
        noted.clear();
        rebuild = false;
    }
}
