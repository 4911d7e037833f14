package io.stevedore.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A secondary index of a {@link Table}: its row ids grouped by a key computed from each row ({@code null} leaves the
 * row out). The table keeps it current on every write, load, rollback and wipe, so a controller can ask "the tasks
 * on this instance" or "the runtimes waiting for placement" without scanning every row. Ids come back in id order,
 * the order of {@link Table#values()}, so switching a scan to an index changes no result. Inside
 * {@link Database#read} it answers from the durable snapshot, as the table does.
 *
 * @param <T> the row type
 * @param <K> the key type (equals/hashCode by value)
 */
public final class Index<T, K> implements RowObserver<T> {
    private final Function<? super T, ? extends K> key;
    /** When it holds on a row's old and new value, the key is the old one (null: the key is always computed). */
    private final java.util.function.BiPredicate<? super T, ? super T> sameKey;
    /** The live rows by key (a key no row has has no bucket). */
    private final Map<K, Bucket<K, T>> rows = new HashMap<>();
    private final Table<T> table;
    private final int slot;
    /** Counts the live changes of which ids the index holds under which key (not of the rows' values). */
    private long membership;

    Index(Function<? super T, ? extends K> key, java.util.function.BiPredicate<? super T, ? super T> sameKey,
          Table<T> table, int slot) {
        this.key = Objects.requireNonNull(key, "key");
        this.sameKey = sameKey;
        this.table = table;
        this.slot = slot;
    }

    /** The key of a row ({@code null}: not in the index). */
    K keyOf(T row) {
        return row == null ? null : key.apply(row);
    }

    /** A row's key and current value in this index. */
    private static final class Cell<K, T> {
        final String id;
        K key;
        T value;

        Cell(String id, K key, T value) {
            this.id = id;
            this.key = key;
            this.value = value;
        }
    }

    /**
     * The rows under one key: how many, and their cells in id order, kept lazily ({@link LazyOrder}) as the table
     * keeps its rows: some indexes are read rarely, such as the tasks by desired status, which only ListTasks reads,
     * while every task enters and leaves them.
     */
    private static final class Bucket<K, T> {
        final LazyOrder<Cell<K, T>> cells = new LazyOrder<>();
        int size;
    }

    /** The cells under {@code k} in id order, brought up to date with the rows the table holds now. */
    @SuppressWarnings("unchecked")
    private TreeMap<String, Cell<K, T>> ordered(Bucket<K, T> b, K k) {
        return b.cells.ordered(id -> {
            Table.Row<T> row = table.row(id);
            Cell<K, T> c = row == null ? null : (Cell<K, T>) row.cell(slot);
            return c != null && c.key.equals(k) ? c : null;
        }, put -> table.forEachRow(row -> {
            Cell<K, T> c = (Cell<K, T>) row.cell(slot);
            if (c != null && c.key.equals(k)) {
                put.accept(c.id, c);
            }
        }));
    }

    /** The live rows by key, a copy (the caller holds the write lock). */
    Map<K, TreeMap<String, T>> live() {
        Map<K, TreeMap<String, T>> out = new HashMap<>();
        rows.forEach((k, bucket) -> {
            TreeMap<String, T> copy = new TreeMap<>();
            ordered(bucket, k).forEach((id, c) -> copy.put(id, c.value));
            out.put(k, copy);
        });
        return out;
    }

    private static <T> List<T> valuesOf(TreeMap<String, ? extends Cell<?, T>> bucket) {
        List<T> out = new ArrayList<>(bucket.size());
        for (Cell<?, T> c : bucket.values()) {
            out.add(c.value);
        }
        return out;
    }

    /**
     * The rows with key {@code k} in the snapshot read on this thread ({@code null} when reading live rows, an
     * empty tree when no row has that key).
     */
    @SuppressWarnings("unchecked")
    private PersistentTree<String, T> snapshot(Object k) {
        Snapshot s = table.database().reading();
        if (s == null) {
            return null;
        }
        PersistentTree<String, Object> bucket = k == null ? null : view(s).get(k);
        return (PersistentTree<String, T>) (PersistentTree<String, ?>) (bucket == null
                ? PersistentTree.<String, Object>empty(String::compareTo) : bucket);
    }

    private PersistentTree<Object, PersistentTree<String, Object>> view(Snapshot s) {
        PersistentTree<Object, PersistentTree<String, Object>> v = s.index(table.slot(), slot);
        if (v == null) {
            throw table.database().needsLock();
        }
        return v;
    }

    /** The rows with {@code k}, in id order (a snapshot: safe to modify the table while iterating it). */
    public List<T> values(K k) {
        PersistentTree<String, T> snap = snapshot(k);
        if (snap != null) {
            return snap.values();
        }
        Bucket<K, T> s = rows.get(k);
        return s == null ? List.of() : valuesOf(ordered(s, k));
    }

    /** The rows with {@code k} that pass {@code filter}, in id order (a snapshot, as {@link #values(Object)}). */
    public List<T> values(K k, java.util.function.Predicate<? super T> filter) {
        PersistentTree<String, T> snap = snapshot(k);
        Bucket<K, T> b = snap == null ? rows.get(k) : null;
        TreeMap<String, Cell<K, T>> s = b == null ? null : ordered(b, k);
        if (snap == null && s == null) {
            return List.of();
        }
        List<T> out = new ArrayList<>();
        if (snap != null) {
            for (T v : snap.values()) {
                if (filter.test(v)) {
                    out.add(v);
                }
            }
            return out;
        }
        for (Cell<K, T> c : s.values()) {
            if (filter.test(c.value)) {
                out.add(c.value);
            }
        }
        return out;
    }

    /** The ids of the rows with {@code k}, in id order (a copy). */
    public List<String> ids(K k) {
        PersistentTree<String, T> snap = snapshot(k);
        if (snap != null) {
            return snap.keys();
        }
        Bucket<K, T> s = rows.get(k);
        return s == null ? List.of() : new ArrayList<>(ordered(s, k).keySet());
    }

    /** How many rows have {@code k}. */
    public int count(K k) {
        PersistentTree<String, T> snap = snapshot(k);
        if (snap != null) {
            return snap.size();
        }
        Bucket<K, T> s = rows.get(k);
        return s == null ? 0 : s.size;
    }

    /** The keys some row has (a copy, no order). */
    @SuppressWarnings("unchecked")
    public List<K> keys() {
        Snapshot snap = table.database().reading();
        if (snap != null) {
            return (List<K>) view(snap).keys();
        }
        return new ArrayList<>(rows.keySet());
    }

    /**
     * A number that changes whenever the live index gains or loses a row under some key (a row's value changing
     * under the same key leaves it): a reader that derived something from {@link #ids} keeps it while this stays.
     * Not for reads inside {@link Database#read}, which answer from a snapshot.
     */
    public long membership() {
        return membership;
    }

    /** The table tells its indexes through {@link #changed(Table.Row, String, Object)}. */
    @Override
    public void changed(String id, T old, T now) {
        throw new UnsupportedOperationException("an index hears its table's changes with the row");
    }

    /**
     * Row {@code id} (held in {@code row}; null when it never was) now has value {@code now} ({@code null}: gone).
     * The row keeps this index's cell for it (its key and current value): a write that keeps the row's key changes
     * the cell alone, without walking the bucket, computing the old key again or looking the id up.
     */
    @SuppressWarnings("unchecked")
    void changed(Table.Row<T> row, String id, T now) {
        // the index hears every change of the table, so the cell holds the key of the value before
        Cell<K, T> c = row == null ? null : (Cell<K, T>) row.cell(slot);
        if (c != null && now != null && sameKey != null && sameKey.test(c.value, now)) {
            c.value = now; // key unchanged, known without computing it
            return;
        }
        K b = now == null ? null : key.apply(now);
        if (c != null) {
            if (c.key.equals(b)) {
                c.value = now; // key unchanged: the row's current value
                return;
            }
            Bucket<K, T> s = rows.get(c.key);
            if (s != null) {
                s.size--;
                if (s.size == 0) {
                    rows.remove(c.key);
                } else {
                    s.cells.note(id, s.size);
                }
            }
            membership++;
            if (b == null) {
                row.cell(slot, null);
                return;
            }
            c.key = b;
            c.value = now;
        } else {
            if (b == null) {
                return;
            }
            c = new Cell<>(id, b, now);
            row.cell(slot, c);
            membership++;
        }
        Bucket<K, T> s = rows.computeIfAbsent(b, x -> new Bucket<>());
        s.size++;
        s.cells.note(id, s.size);
    }

    @Override
    public void cleared() {
        rows.clear(); // the table drops its rows, and their cells with them
        membership++;
    }
}
