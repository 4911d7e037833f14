package io.stevedore.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One kind of resource held in memory in id order, written through to the {@link ResourceStore} when the
 * enclosing {@link Database#transaction} commits. Only use it inside a transaction.
 */
public final class Table<T> {
    private final String kind;
    private final Codec<T> codec;
    private final Database db;
    private final TreeMap<String, T> rows = new TreeMap<>();
    private final List<RowObserver<? super T>> observers = new ArrayList<>();

    Table(String kind, Codec<T> codec, Database db) {
        this.kind = kind;
        this.codec = codec;
        this.db = db;
    }

    public String kind() {
        return kind;
    }

    /**
     * Adds a secondary index: row ids by {@code key} (a null key leaves a row out), built from the rows now held
     * and kept current from then on. The key must be a function of the row alone.
     */
    public <K> Index<T, K> index(Function<? super T, ? extends K> key) {
        Index<T, K> index = new Index<>(key);
        rows.forEach((id, v) -> index.changed(id, null, v));
        observers.add(index);
        return index;
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
        observers.forEach(RowObserver::cleared);
    }

    /** Restores an old value during rollback ({@code null} = absent). */
    void restore(String id, T old) {
        set(id, old);
    }

    /** The one place rows change in memory: the value and every index ({@code null} = absent). */
    private void set(String id, T value) {
        T old = value == null ? rows.remove(id) : rows.put(id, value);
        for (RowObserver<? super T> o : observers) {
            o.changed(id, old, value);
        }
    }

    T decode(String json) {
        return codec.read(json);
    }

    String encode(String id) {
        T v = rows.get(id);
        return v == null ? null : codec.write(v);
    }

    public Optional<T> get(String id) {
        return Optional.ofNullable(rows.get(id));
    }

    public boolean contains(String id) {
        return rows.containsKey(id);
    }

    /** Stores {@code value}; storing a value equal to the current one writes nothing. */
    public void put(String id, T value) {
        T old = rows.get(id);
        if (old != null && old.equals(value)) {
            return;
        }
        db.touch(this, id, old);
        set(id, value);
    }

    public void remove(String id) {
        if (rows.containsKey(id)) {
            db.touch(this, id, rows.get(id));
            set(id, null);
        }
    }

    /** All values in id order (a snapshot: safe to modify the table while iterating it). */
    public List<T> values() {
        return new ArrayList<>(rows.values());
    }

    public List<T> values(Predicate<? super T> filter) {
        List<T> out = new ArrayList<>();
        for (T v : rows.values()) {
            if (filter.test(v)) {
                out.add(v);
            }
        }
        return out;
    }

    public Collection<String> ids() {
        return Collections.unmodifiableCollection(new ArrayList<>(rows.keySet()));
    }

    public int size() {
        return rows.size();
    }
}
