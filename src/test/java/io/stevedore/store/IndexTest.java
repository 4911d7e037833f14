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

    /** Readers that cache a list of ids keep it while the membership number stays: it moves on every add, move, drop. */
    @Test
    void membership_changesWhenARowEntersLeavesOrChangesKey_notWhenOnlyItsValueChanges() {
        try (Database db = new Database(new InMemoryResourceStore())) {
            Table<Item> t = db.table("item", new JsonCodec<>(Item.class));
            Index<Item, String> byColor = t.index(Item::color);
            long m0 = byColor.membership();
            db.run(() -> t.put("a", new Item("a", "red")));
            long m1 = byColor.membership();
            assertThat(m1).isNotEqualTo(m0);
            db.run(() -> t.put("n", new Item("n", null))); // not indexed
            assertThat(byColor.membership()).isEqualTo(m1);
            record Painted(String id, String color, int coats) {
            }
            Table<Painted> p = db.table("painted", new JsonCodec<>(Painted.class));
            Index<Painted, String> paint = p.index(Painted::color);
            db.run(() -> p.put("x", new Painted("x", "red", 1)));
            long p1 = paint.membership();
            db.run(() -> p.put("x", new Painted("x", "red", 2))); // another value, the same key
            assertThat(paint.membership()).isEqualTo(p1);
            assertThat(paint.values("red")).containsExactly(new Painted("x", "red", 2));
            db.run(() -> t.put("a", new Item("a", "blue")));
            long m2 = byColor.membership();
            assertThat(m2).isNotEqualTo(m1);
            assertThatThrownBy(() -> db.run(() -> {
                t.put("z", new Item("z", "red"));
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            long m3 = byColor.membership();
            assertThat(m3).isNotEqualTo(m2); // the rollback took "z" out again
            assertThat(byColor.ids("red")).isEmpty();
            db.run(() -> t.remove("a"));
            assertThat(byColor.membership()).isNotEqualTo(m3);
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

    @Test
    void index_manyMovesRemovalsAndRollbacks_readRarely_inIdOrder() {
        try (Database db = new Database(new InMemoryResourceStore())) {
            Table<Item> t = db.table("item", new JsonCodec<>(Item.class));
            Index<Item, String> byColor = t.index(Item::color);
            String[] colors = {"red", "green", "blue", null};
            java.util.TreeMap<String, Item> expected = new java.util.TreeMap<>();
            java.util.Random random = new java.util.Random(11);
            for (int round = 0; round < 60; round++) {
                expected = RandomWrites.round(db, t, random, 300, 2000, 4,
                        id -> new Item(id, colors[random.nextInt(colors.length)]), round % 7 == 6, expected);
                // "red" is read at every round, "green" now and then, "blue" only at the end: the last two
                // catch up with many changes at once (or are built again from the rows)
                List<String> keys = round == 59 ? java.util.Arrays.asList(colors) : round % 9 == 0
                        ? List.of("red", "green") : List.of("red");
                for (String k : keys) {
                    if (k == null) {
                        continue;
                    }
                    List<Item> want = expected.values().stream().filter(x -> k.equals(x.color())).toList();
                    assertThat(byColor.values(k)).containsExactlyElementsOf(want);
                    assertThat(byColor.ids(k)).containsExactlyElementsOf(want.stream().map(Item::id).toList());
                    assertThat(byColor.count(k)).isEqualTo(want.size());
                    assertThat(byColor.values(k, x -> x.id().endsWith("7")))
                            .containsExactlyElementsOf(want.stream().filter(x -> x.id().endsWith("7")).toList());
                }
            }
            assertThat(expected.values().stream().filter(x -> "blue".equals(x.color())).count())
                    .isGreaterThan(100);
            assertThat(byColor.keys()).containsExactlyInAnyOrder("red", "green", "blue");
        }
    }

    /**
     * An index told that a row keeps its key when its color is the same string object (and computing it otherwise)
     * holds what a scan of the rows gives, over random writes that keep the object, change the color, or give an
     * equal color as another object, with rollbacks: the key taken from the cell is never stale.
     */
    @Test
    void index_withSameKeyHint_matchesAScan_overRandomWritesAndRollbacks() {
        try (Database db = new Database(new InMemoryResourceStore())) {
            record Coat(String id, String color, int coats) {
            }
            Table<Coat> t = db.table("coat", new JsonCodec<>(Coat.class));
            Index<Coat, String> byColor = t.index(Coat::color, (a, b) -> a.color() == b.color());
            String[] colors = {"red", "green", "blue", null};
            java.util.Random random = new java.util.Random(5);
            java.util.TreeMap<String, Coat> expected = new java.util.TreeMap<>();
            int kept = 0;
            for (int round = 0; round < 80; round++) {
                final java.util.TreeMap<String, Coat> before = expected;
                int[] same = new int[1];
                expected = RandomWrites.round(db, t, random, 200, 500, 6, id -> {
                    Coat old = t.get(id).orElse(null);
                    int pick = random.nextInt(3);
                    if (old != null && pick == 0) {
                        same[0]++;
                        return new Coat(id, old.color(), old.coats() + 1); // the same string object
                    }
                    String c = colors[random.nextInt(colors.length)];
                    return new Coat(id, c == null || pick == 1 ? c : new String(c), 1); // an equal key, another object
                }, round % 9 == 8, before);
                kept += same[0];
                for (String k : new String[] {"red", "green", "blue"}) {
                    List<Coat> want = expected.values().stream().filter(x -> k.equals(x.color())).toList();
                    assertThat(byColor.values(k)).containsExactlyElementsOf(want);
                    assertThat(byColor.count(k)).isEqualTo(want.size());
                }
            }
            assertThat(kept).isGreaterThan(1000); // the hint was taken often
            assertThat(byColor.keys()).containsExactlyInAnyOrder("red", "green", "blue");
        }
    }

    /** A table told when two rows differ writes a different row and still skips an equal one (no change heard). */
    @Test
    void differsWhen_skipsNoEqualWrite_andWritesEveryChange() {
        try (Database db = new Database(new InMemoryResourceStore())) {
            record Versioned(String id, long version, String note) {
            }
            Table<Versioned> t = db.table("versioned", new JsonCodec<>(Versioned.class));
            t.differsWhen((a, b) -> a.version() != b.version());
            List<String> heard = new ArrayList<>();
            t.observe((id, before, after) -> heard.add(id + ":" + (after == null ? null : after.note())));
            db.run(() -> t.put("a", new Versioned("a", 1, "one")));
            db.run(() -> t.put("a", new Versioned("a", 1, "one"))); // equal: nothing written
            db.run(() -> t.put("a", new Versioned("a", 2, "two"))); // another version: written without equals
            db.run(() -> t.put("a", new Versioned("a", 2, "again"))); // same version, other value: equals decides
            assertThat(heard).containsExactly("a:one", "a:two", "a:again");
            assertThat(t.get("a")).contains(new Versioned("a", 2, "again"));
        }
    }
}
