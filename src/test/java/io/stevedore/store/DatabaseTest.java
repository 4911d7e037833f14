package io.stevedore.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    record Item(String id, int n) {
    }

    @TempDir
    Path dir;

    /** What a listener that takes the value before hears. */
    private interface Heard {
        void changed(String kind, String id, Object before, Object value);
    }

    /** A commit listener that takes the value before; the database must never call its other form. */
    private static Database.CommitListener withBefore(Heard heard) {
        return new Database.CommitListener() {
            @Override
            public void changed(String kind, String id, Object value) {
                throw new AssertionError("the database passes the value before");
            }

            @Override
            public void changed(String kind, String id, Object before, Object value) {
                heard.changed(kind, id, before, value);
            }
        };
    }

    @Test
    void transaction_committed_survivesReopen() {
        try (Database db = new Database(SqliteResourceStore.open(dir))) {
            Table<Item> t = db.table("item", new JsonCodec<>(Item.class));
            db.run(() -> {
                t.put("a", new Item("a", 1));
                t.put("b", new Item("b", 2));
            });
            db.run(() -> t.remove("b"));
        }
        try (Database db = new Database(SqliteResourceStore.open(dir))) {
            Table<Item> t = db.table("item", new JsonCodec<>(Item.class));
            assertThat(t.values()).containsExactly(new Item("a", 1));
        }
    }

    @Test
    void transaction_failing_rollsBackMemoryAndWritesNothing() {
        try (Database db = new Database(SqliteResourceStore.open(dir))) {
            Table<Item> t = db.table("item", new JsonCodec<>(Item.class));
            db.run(() -> t.put("a", new Item("a", 1)));
            assertThatThrownBy(() -> db.run(() -> {
                t.put("a", new Item("a", 99));
                t.put("c", new Item("c", 3));
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            assertThat(t.values()).containsExactly(new Item("a", 1));
        }
        try (Database db = new Database(SqliteResourceStore.open(dir))) {
            assertThat(db.table("item", new JsonCodec<>(Item.class)).values()).containsExactly(new Item("a", 1));
        }
    }

    @Test
    void put_outsideTransaction_refused() {
        try (Database db = new Database(SqliteResourceStore.open(dir))) {
            Table<Item> t = db.table("item", new JsonCodec<>(Item.class));
            assertThatThrownBy(() -> t.put("a", new Item("a", 1))).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void wipe_removesEverything() {
        try (Database db = new Database(SqliteResourceStore.open(dir))) {
            Table<Item> t = db.table("item", new JsonCodec<>(Item.class));
            db.run(() -> t.put("a", new Item("a", 1)));
            db.wipe();
            assertThat(t.values()).isEmpty();
        }
        try (Database db = new Database(SqliteResourceStore.open(dir))) {
            assertThat(db.table("item", new JsonCodec<>(Item.class)).values()).isEmpty();
        }
    }

    @Test
    void values_afterManyCreationsRemovalsAndRollbacks_inIdOrder() {
        try (Database db = new Database(new InMemoryResourceStore())) {
            Table<Item> t = db.table("item", new JsonCodec<>(Item.class));
            java.util.TreeMap<String, Item> expected = new java.util.TreeMap<>();
            java.util.Random random = new java.util.Random(7);
            for (int round = 0; round < 40; round++) {
                expected = RandomWrites.round(db, t, random, 200, 3000, 3, id -> new Item(id, random.nextInt(5)),
                        round % 5 == 4, expected);
                if (round % 3 == 0 && (round == 0 || round > 10)) { // ordered reads now and then (a long pause
                    // first: the order is built again from the rows), catching up with what changed between
                    java.util.List<Item> values = db.transaction(t::values);
                    java.util.Collection<String> ids = db.transaction(t::ids);
                    assertThat(values).containsExactlyElementsOf(expected.values());
                    assertThat(ids).containsExactlyElementsOf(expected.keySet());
                }
            }
            assertThat(expected).hasSizeGreaterThan(1000);
            java.util.List<Item> zeros = db.transaction(() -> t.values(x -> x.n() == 0));
            assertThat(zeros).isNotEmpty();
            assertThat(zeros).containsExactlyElementsOf(expected.values().stream().filter(x -> x.n() == 0).toList());
        }
    }

    @Test
    void commitListener_rowRemovedAndCreatedAgainInOneTransaction_heardOnceWithFirstBeforeAndLastAfter() {
        try (Database db = new Database(new InMemoryResourceStore())) {
            Table<Item> t = db.table("item", new JsonCodec<>(Item.class));
            db.run(() -> t.put("a", new Item("a", 1)));
            java.util.List<String> heard = new java.util.ArrayList<>();
            db.addCommitListener(withBefore((kind, id, before, value) -> heard.add(kind + " " + id + " " + before + " -> "
                    + value)));
            db.run(() -> {
                t.remove("a");
                t.put("a", new Item("a", 2));
                t.put("b", new Item("b", 1));
                t.remove("b");
                t.put("c", new Item("c", 1));
                t.put("c", null);
                t.put("c", new Item("c", 3));
            });
            assertThat(heard).containsExactly("item a Item[id=a, n=1] -> Item[id=a, n=2]",
                    "item b null -> null", "item c null -> Item[id=c, n=3]");
            java.util.List<Item> values = db.transaction(t::values);
            assertThat(values).containsExactly(new Item("a", 2), new Item("c", 3));
        }
    }

    /**
     * A row written again in the same transaction finds its entry through its mark: heard once with the value
     * before the transaction; the next transactions (the mark of an old one left on the row) are heard again, and a
     * rollback after several writes of one row restores the value before the transaction.
     */
    @Test
    void commitListener_rowWrittenAgainWithinAndAcrossTransactions_heardOncePerTransaction() {
        try (Database db = new Database(new InMemoryResourceStore())) {
            Table<Item> t = db.table("item", new JsonCodec<>(Item.class));
            java.util.List<String> heard = new java.util.ArrayList<>();
            db.addCommitListener((kind, id, value) -> heard.add(id + " " + value));
            db.addCommitListener(withBefore((kind, id, before, value) -> heard.add(id + " " + before + " -> " + value)));
            db.run(() -> {
                t.put("a", new Item("a", 1));
                t.put("a", new Item("a", 2));
                t.put("b", new Item("b", 1));
                t.put("a", new Item("a", 3));
            });
            assertThat(heard).containsExactly("a Item[id=a, n=3]", "b Item[id=b, n=1]",
                    "a null -> Item[id=a, n=3]", "b null -> Item[id=b, n=1]");
            heard.clear();
            db.run(() -> {
                t.put("b", new Item("b", 2));
                t.put("a", new Item("a", 4));
                t.put("b", new Item("b", 3));
            });
            assertThat(heard).containsExactly("b Item[id=b, n=3]", "a Item[id=a, n=4]",
                    "b Item[id=b, n=1] -> Item[id=b, n=3]", "a Item[id=a, n=3] -> Item[id=a, n=4]");
            heard.clear();
            assertThatThrownBy(() -> db.run(() -> {
                t.put("a", new Item("a", 5));
                t.put("a", new Item("a", 6));
                t.remove("a");
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            assertThat(heard).isEmpty();
            db.run(() -> t.put("a", new Item("a", 7)));
            assertThat(heard).containsExactly("a Item[id=a, n=7]", "a Item[id=a, n=4] -> Item[id=a, n=7]");
            java.util.List<Item> values = db.transaction(t::values);
            assertThat(values).containsExactly(new Item("a", 7), new Item("b", 3));
        }
    }
}
