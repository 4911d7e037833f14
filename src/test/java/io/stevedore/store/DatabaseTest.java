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
}
