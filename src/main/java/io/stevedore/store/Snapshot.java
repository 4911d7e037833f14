package io.stevedore.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rows and indexes of every table as of one durable point, immutable: what {@link Database#read} answers from
 * while writers go on changing the live tables. Built once from the live tables ({@link #of}) and then moved
 * forward by each durable commit's changed rows ({@link #with}), sharing every untouched node with the snapshot
 * before it, so a reader holding an old snapshot keeps a consistent view for as long as it reads.
 *
 * <p>A table or index declared after the snapshot was built has no view in it ({@code null}): reading one ends
 * the read with {@link Database.NeedsLock}, and the read runs as a transaction instead. So does an index whose keys have no
 * natural order ({@link Comparable}), which the snapshot cannot keep sorted.
 */
final class Snapshot {
    /** Orders index keys: by class name across classes, by their natural order within one. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final Comparator<Object> KEY_ORDER = (a, b) -> a.getClass() == b.getClass()
            ? ((Comparable) a).compareTo(b) : a.getClass().getName().compareTo(b.getClass().getName());
    private static final Comparator<String> ID_ORDER = Comparator.naturalOrder();

    /** One table: its rows by id, and its indexes in the order they were declared ({@code null}: not kept). */
    record TableView(PersistentTree<String, Object> rows, IndexView[] indexes) {
    }

    /** One index: row ids (and rows) by key, and the key each row is filed under. */
    record IndexView(PersistentTree<Object, PersistentTree<String, Object>> byKey, PersistentTree<String, Object> keyOf) {
    }

    /** One row a durable commit changed: its value after ({@code null}: removed) and its key in each index. */
    record RowChange(int table, String id, Object after, Object[] keys) {
    }

    private final TableView[] tables;
    /** The shared store's revision these rows are as of ({@code -1} for a store of one process). */
    final long revision;
    /** {@link Database}'s count of declared tables and indexes when this was built from the live tables. */
    final int shape;

    private Snapshot(TableView[] tables, long revision, int shape) {
        this.tables = tables;
        this.revision = revision;
        this.shape = shape;
    }

    /** The live tables as they are now (the caller holds the write lock). */
    static Snapshot of(List<Table<?>> live, long revision, int shape) {
        TableView[] views = new TableView[live.size()];
        for (Table<?> t : live) {
            List<String> ids = new ArrayList<>();
            List<Object> rows = new ArrayList<>();
            t.forEachLive((id, v) -> {
                ids.add(id);
                rows.add(v);
            });
            List<? extends Index<?, ?>> indexes = t.indexes();
            IndexView[] iv = new IndexView[indexes.size()];
            for (int i = 0; i < iv.length; i++) {
                iv[i] = view(indexes.get(i));
            }
            views[t.slot()] = new TableView(PersistentTree.ofSorted(ID_ORDER, ids, rows), iv);
        }
        return new Snapshot(views, revision, shape);
    }

    private static IndexView view(Index<?, ?> index) {
        Map<?, ? extends Map<String, ?>> live = index.live();
        for (Object k : live.keySet()) {
            if (!(k instanceof Comparable)) {
                return null;
            }
        }
        TreeMap<Object, PersistentTree<String, Object>> byKey = new TreeMap<>(KEY_ORDER);
        TreeMap<String, Object> keyOf = new TreeMap<>();
        live.forEach((k, rows) -> {
            byKey.put(k, PersistentTree.ofSorted(ID_ORDER, new ArrayList<>(rows.keySet()),
                    new ArrayList<>(rows.values())));
            rows.keySet().forEach(id -> keyOf.put(id, k));
        });
        return new IndexView(PersistentTree.ofSorted(KEY_ORDER, new ArrayList<>(byKey.keySet()),
                new ArrayList<>(byKey.values())), PersistentTree.ofSorted(ID_ORDER, new ArrayList<>(keyOf.keySet()),
                new ArrayList<>(keyOf.values())));
    }

    /** This snapshot moved forward by {@code changes}, applied in order, as of {@code newRevision}. */
    Snapshot with(List<RowChange> changes, long newRevision) {
        if (changes.isEmpty()) {
            return newRevision == revision ? this : new Snapshot(tables, newRevision, shape);
        }
        TableView[] views = tables.clone();
        boolean[] copied = new boolean[views.length];
        for (RowChange c : changes) {
            if (c.table >= views.length) {
                continue; // a table declared after this snapshot: not in it until it is rebuilt
            }
            TableView v = views[c.table];
            IndexView[] iv = copied[c.table] ? v.indexes : v.indexes.clone();
            copied[c.table] = true;
            for (int i = 0; i < iv.length; i++) {
                iv[i] = iv[i] == null ? null : move(iv[i], c.id, c.after, c.keys[i]);
            }
            views[c.table] = new TableView(c.after == null ? v.rows.remove(c.id) : v.rows.put(c.id, c.after), iv);
        }
        return new Snapshot(views, newRevision, shape);
    }

    /** The index with row {@code id} filed under {@code key} ({@code null}: under none); null if it cannot be kept. */
    private static IndexView move(IndexView v, String id, Object after, Object key) {
        if (key != null && !(key instanceof Comparable)) {
            return null;
        }
        PersistentTree<Object, PersistentTree<String, Object>> byKey = v.byKey;
        PersistentTree<String, Object> keyOf = v.keyOf;
        Object old = keyOf.get(id);
        if (old != null && !old.equals(key)) {
            PersistentTree<String, Object> bucket = byKey.get(old).remove(id);
            byKey = bucket.isEmpty() ? byKey.remove(old) : byKey.put(old, bucket);
            keyOf = keyOf.remove(id);
        }
        if (key != null) {
            PersistentTree<String, Object> bucket = byKey.get(key);
            byKey = byKey.put(key, (bucket == null ? PersistentTree.<String, Object>empty(ID_ORDER) : bucket)
                    .put(id, after));
            keyOf = keyOf.put(id, key);
        }
        return new IndexView(byKey, keyOf);
    }

    /** The rows of table {@code slot}, or null when this snapshot does not hold that table. */
    PersistentTree<String, Object> rows(int slot) {
        return slot < tables.length ? tables[slot].rows : null;
    }

    /** The rows of index {@code index} of table {@code slot} by key, or null when this snapshot does not keep it. */
    PersistentTree<Object, PersistentTree<String, Object>> index(int slot, int index) {
        if (slot >= tables.length || index >= tables[slot].indexes.length || tables[slot].indexes[index] == null) {
            return null;
        }
        return tables[slot].indexes[index].byKey;
    }
}
