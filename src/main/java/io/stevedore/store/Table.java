package io.stevedore.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One kind of resource held in memory in id order, written through to the {@link ResourceStore} when the
 * enclosing {@link Database#transaction} commits. Only use it inside a transaction, or read it inside
 * {@link Database#read}, where every read method answers from the database's durable snapshot instead of the live
 * rows (and a write makes the read run again as a transaction).
 */
public final class Table<T> {
    private final String kind;
    private final Codec<T> codec;
    private final Database db;
    private final int slot;
    /**
     * The live rows in id order, kept lazily ({@link LazyOrder}); a write that keeps a row changes its {@link Row}
     * alone, and a row created or removed is noted.
     */
    private final LazyOrder<Row<T>> rows = new LazyOrder<>();
    /**
     * The same rows by id, for point reads and writes: a hash lookup instead of a walk of {@link #rows}, whose ids
     * (ARNs) share long prefixes that make every comparison slow. {@link #rows} keeps the id order.
     */
    private final HashMap<String, Row<T>> byId = new HashMap<>();
    private final List<RowObserver<? super T>> observers = new ArrayList<>();
    private final List<Index<T, ?>> indexes = new ArrayList<>();
    /** Tells, cheaper than equals, that two values differ (null: equals decides alone); see {@link #differsWhen}. */
    private java.util.function.BiPredicate<? super T, ? super T> differs;

    /** A live row: its value and its cell in each index that files it (by the index's place), or null. */
    static final class Row<T> {
        /** The value; null once the row is removed (a row created again under its id is a new {@link Row}). */
        T value;
        private Object[] cells = NO_CELLS;

        Object cell(int index) {
            return index < cells.length ? cells[index] : null;
        }

        void cell(int index, Object cell) {
            if (index >= cells.length) {
                if (cell == null) {
                    return;
                }
                cells = java.util.Arrays.copyOf(cells, index + 1);
            }
            cells[index] = cell;
        }
    }

    private static final Object[] NO_CELLS = new Object[0];

    Table(String kind, Codec<T> codec, Database db, int slot) {
        this.kind = kind;
        this.codec = codec;
        this.db = db;
        this.slot = slot;
    }

    /** This table's place among the database's tables (its place in a {@link Snapshot}), from 0. */
    public int slot() {
        return slot;
    }

    Database database() {
        return db;
    }

    /** The indexes, in the order they were declared (their places in a {@link Snapshot}). */
    List<Index<T, ?>> indexes() {
        return indexes;
    }

    /** Visits the live rows in id order (the caller holds the write lock). */
    void forEachLive(java.util.function.BiConsumer<String, ? super T> visit) {
        ordered().forEach((id, row) -> visit.accept(id, row.value));
    }

    /** The live rows in id order, brought up to date with the rows created and removed since the last call. */
    private TreeMap<String, Row<T>> ordered() {
        return rows.ordered(byId::get, byId::forEach);
    }

    /** The live row {@code id}, or null (the caller holds the write lock). */
    Row<T> row(String id) {
        return byId.get(id);
    }

    /** Visits the live rows in no order (the caller holds the write lock). */
    void forEachRow(java.util.function.Consumer<Row<T>> visit) {
        byId.values().forEach(visit);
    }

    /** The live value of a row, whatever the thread reads (the caller holds the write lock). */
    T live(String id) {
        return valueOf(byId.get(Objects.requireNonNull(id))); // null ids fail as the id-ordered rows made them fail
    }

    private static <T> T valueOf(Row<T> row) {
        return row == null ? null : row.value;
    }

    /** The rows of this table in the snapshot being read on this thread, or null when reading live rows. */
    @SuppressWarnings("unchecked")
    private PersistentTree<String, T> snapshot() {
        Snapshot s = db.reading();
        if (s == null) {
            return null;
        }
        PersistentTree<String, ?> rows = s.rows(slot);
        if (rows == null) {
            throw db.needsLock();
        }
        return (PersistentTree<String, T>) rows;
    }

    public String kind() {
        return kind;
    }

    /**
     * Adds a secondary index: row ids by {@code key} (a null key leaves a row out), built from the rows now held
     * and kept current from then on. The key must be a function of the row alone.
     */
    public <K> Index<T, K> index(Function<? super T, ? extends K> key) {
        return index(key, null);
    }

    /**
     * An index as {@link #index(Function)}, whose key of a changed row is taken as the old value's without computing
     * it when {@code sameKey} holds on the old and the new value (it must imply the same key, e.g. the fields the key
     * is made of are the same objects).
     */
    public <K> Index<T, K> index(Function<? super T, ? extends K> key, java.util.function.BiPredicate<? super T,
            ? super T> sameKey) {
        Index<T, K> index = db.declared(() -> new Index<>(key, sameKey, this, indexes.size()));
        ordered().forEach((id, row) -> index.changed(row, id, row.value));
        observers.add(index);
        indexes.add(index);
        return index;
    }

    /**
     * A test that proves two values unequal without comparing them field by field (e.g. their versions differ),
     * which {@link #put} asks before it compares the new value with the current one. It must never hold on equal
     * values.
     */
    public void differsWhen(java.util.function.BiPredicate<? super T, ? super T> test) {
        this.differs = test;
    }

    /** Adds an observer of every in-memory change from now on (see {@link RowObserver}). */
    public void observe(RowObserver<? super T> observer) {
        observers.add(observer);
    }

    void load(Map<String, String> stored) {
        clearMemory();
        stored.forEach((id, json) -> set(id, codec.read(json)));
    }

    void clearMemory() {
        rows.clear();
        byId.clear();
        observers.forEach(RowObserver::cleared);
    }

    /** Restores an old value during rollback ({@code null} = absent). */
    void restore(String id, T old) {
        set(id, old);
    }

    /** The one place rows change in memory: the value and every index ({@code null} = absent). */
    private void set(String id, T value) {
        Row<T> row;
        T old = null;
        if (value == null) {
            row = byId.remove(id);
            if (row != null) {
                old = row.value;
                row.value = null;
                rows.note(id, byId.size());
            }
        } else {
            row = byId.get(id);
            if (row == null) {
                row = new Row<>();
                byId.put(id, row);
                rows.note(id, byId.size());
            }
            old = row.value;
            row.value = value;
        }
        observe(row, id, old, value);
    }

    /** Tells the indexes (through the row's cells) and the observers, in the order they were added. */
    @SuppressWarnings("unchecked")
    private void observe(Row<T> row, String id, T old, T value) {
        for (RowObserver<? super T> o : observers) {
            if (o instanceof Index<?, ?> index) {
                ((Index<T, ?>) index).changed(row, id, value);
            } else {
                o.changed(id, old, value);
            }
        }
    }

    T decode(String json) {
        return codec.read(json);
    }

    @SuppressWarnings("unchecked")
    String encode(Object value) {
        return value == null ? null : codec.write((T) value);
    }

    public Optional<T> get(String id) {
        PersistentTree<String, T> s = snapshot();
        return Optional.ofNullable(s == null ? valueOf(byId.get(Objects.requireNonNull(id))) : s.get(id));
    }

    public boolean contains(String id) {
        PersistentTree<String, T> s = snapshot();
        return s == null ? byId.containsKey(Objects.requireNonNull(id)) : s.get(id) != null;
    }

    /** Stores {@code value}; storing a value equal to the current one writes nothing. */
    public void put(String id, T value) {
        db.writing();
        Objects.requireNonNull(id);
        Row<T> row = byId.get(id);
        if (value == null) { // as before: a null value removes the row
            db.touch(this, id, valueOf(row), row);
            set(id, null);
            return;
        }
        T old = valueOf(row);
        if (old != null && (differs == null || !differs.test(old, value)) && old.equals(value)) {
            return;
        }
        boolean created = row == null;
        if (created) {
            row = new Row<>();
        }
        db.touch(this, id, old, row); // before any change: a refused write leaves the row as it was
        if (created) {
            byId.put(id, row);
            rows.note(id, byId.size());
        }
        row.value = value;
        observe(row, id, old, value);
    }

    public void remove(String id) {
        db.writing();
        Objects.requireNonNull(id);
        Row<T> row = byId.get(id);
        T old = valueOf(row);
        if (old != null) {
            db.touch(this, id, old, row);
            set(id, null);
        }
    }

    /** All values in id order (a snapshot: safe to modify the table while iterating it). */
    public List<T> values() {
        PersistentTree<String, T> s = snapshot();
        if (s != null) {
            return s.values();
        }
        List<T> out = new ArrayList<>(byId.size());
        for (Row<T> row : ordered().values()) {
            out.add(row.value);
        }
        return out;
    }

    public List<T> values(Predicate<? super T> filter) {
        PersistentTree<String, T> s = snapshot();
        List<T> out = new ArrayList<>();
        if (s != null) {
            for (T v : s.values()) {
                if (filter.test(v)) {
                    out.add(v);
                }
            }
            return out;
        }
        for (Row<T> row : ordered().values()) {
            if (filter.test(row.value)) {
                out.add(row.value);
            }
        }
        return out;
    }

    public Collection<String> ids() {
        PersistentTree<String, T> s = snapshot();
        return Collections.unmodifiableCollection(s == null ? new ArrayList<>(ordered().keySet()) : s.keys());
    }

    public int size() {
        PersistentTree<String, T> s = snapshot();
        return s == null ? byId.size() : s.size();
    }
}
