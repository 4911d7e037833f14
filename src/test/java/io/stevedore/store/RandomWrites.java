package io.stevedore.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;

/** Random writes in one transaction, for the tests of a table's and an index's id order across many changes. */
final class RandomWrites {
    private RandomWrites() {
    }

    /**
     * One transaction of {@code writes} random writes to {@code t} over the ids {@code id-0} to {@code id-(ids-1)}:
     * a remove one time in {@code removeOneIn}, else a put of {@code item(id)}; rolled back at its end when
     * {@code fail}. Returns the rows the table holds after it, given {@code expected} before it.
     */
    static <T> TreeMap<String, T> round(Database db, Table<T> t, Random random, int writes, int ids, int removeOneIn,
                                        Function<String, T> item, boolean fail, TreeMap<String, T> expected) {
        TreeMap<String, T> next = new TreeMap<>(expected);
        Runnable work = () -> {
            for (int i = 0; i < writes; i++) {
                String id = "id-" + random.nextInt(ids);
                if (random.nextInt(removeOneIn) == 0) {
                    t.remove(id);
                    next.remove(id);
                } else {
                    T value = item.apply(id);
                    t.put(id, value);
                    next.put(id, value);
                }
            }
            if (fail) {
                throw new IllegalStateException("rolled back");
            }
        };
        if (fail) {
            assertThatThrownBy(() -> db.run(work)).hasMessage("rolled back");
            return expected;
        }
        db.run(work);
        return next;
    }
}
