package io.stevedore.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secondary indexes and row observers follow every change: writes, key changes, removal, rollback, reload. */
class IndexTest {
    record Item(String id, String color) {
    }

    @TempDir
    Path dir;

    @Test
    void index_followsWritesKeyChangesAndRemovals_inIdOrder() {
        try (Database db = new Database(new InMemoryResourceStore())) {
            Table<Item> t = db.table("item", new JsonCodec<>(Item.class));
            Index<Item, String> byColor = t.index(Item::color);
            db.run(() -> {
                t.put("b", new Item("b", "red"));
                t.put("a", new Item("a", "red"));
                t.put("c", new Item("c", null)); // a null key: not indexed
            });
            assertThat(byColor.values("red")).containsExactly(new Item("a", "red"), new Item("b", "red"));
            assertThat(byColor.values("red", i -> i.id().equals("b"))).containsExactly(new Item("b", "red"));
            assertThat(byColor.values("green", i -> true)).isEmpty();
            db.run(() -> t.put("a", new Item("a", "blue")));
            assertThat(byColor.ids("red")).containsExactly("b");
            assertThat(byColor.values("blue")).containsExactly(new Item("a", "blue"));
            db.run(() -> t.remove("b"));
            assertThat(byColor.count("red")).isZero();
            assertThat(byColor.keys()).containsExactly("blue");
        }
    }

    @Test
    void index_failedTransaction_rolledBackWithTheRows() {
        try (Database db = new Database(new InMemoryResourceStore())) {
            Table<Item> t = db.table("item", new JsonCodec<>(Item.class));
            Index<Item, String> byColor = t.index(Item::color);
            db.run(() -> t.put("a", new Item("a", "red")));
            assertThatThrownBy(() -> db.run(() -> {
                t.put("a", new Item("a", "blue"));
                t.put("z", new Item("z", "red"));
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            assertThat(byColor.values("red")).containsExactly(new Item("a", "red"));
            assertThat(byColor.count("blue")).isZero();
        }
    }

    @Test
    void index_declaredAfterLoad_coversStoredRows() {
        try (Database db = new Database(SqliteResourceStore.open(dir))) {
            Table<Item> t = db.table("item", new JsonCodec<>(Item.class));
            db.run(() -> t.put("a", new Item("a", "red")));
        }
        try (Database db = new Database(SqliteResourceStore.open(dir))) {
            Table<Item> t = db.table("item", new JsonCodec<>(Item.class));
            assertThat(t.index(Item::color).values("red")).containsExactly(new Item("a", "red"));
        }
    }

    @Test
    void observer_seesRollbackAndWipe() {
        try (Database db = new Database(new InMemoryResourceStore())) {
            Table<Item> t = db.table("item", new JsonCodec<>(Item.class));
            List<String> seen = new ArrayList<>();
            t.observe(new RowObserver<>() {
                @Override
                public void changed(String id, Item before, Item after) {
                    seen.add(id + ":" + (before == null ? "-" : before.color()) + ">"
                            + (after == null ? "-" : after.color()));
                }

                @Override
                public void cleared() {
                    seen.add("cleared");
                }
            });
            assertThatThrownBy(() -> db.run(() -> {
                t.put("a", new Item("a", "red"));
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            db.wipe();
            assertThat(seen).containsExactly("a:->red", "a:red>-", "cleared");
        }
    }
}
