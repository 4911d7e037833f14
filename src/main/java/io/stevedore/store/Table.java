package io.stevedore.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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

    Table(String kind, Codec<T> codec, Database db) {
        this.kind = kind;
        this.codec = codec;
        this.db = db;
    }

    public String kind() {
        return kind;
    }

    void load(Map<String, String> stored) {
        rows.clear();
        stored.forEach((id, json) -> rows.put(id, codec.read(json)));
    }

    void clearMemory() {
        rows.clear();
    }

    /** Restores an old value during rollback ({@code null} = absent). */
    void restore(String id, T old) {
        if (old == null) {
            rows.remove(id);
        } else {
            rows.put(id, old);
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
        rows.put(id, value);
    }

    public void remove(String id) {
        if (rows.containsKey(id)) {
            db.touch(this, id, rows.get(id));
            rows.remove(id);
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
