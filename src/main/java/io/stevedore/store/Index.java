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
 * the order of {@link Table#values()}, so switching a scan to an index changes no result.
 *
 * @param <T> the row type
 * @param <K> the key type (equals/hashCode by value)
 */
public final class Index<T, K> implements RowObserver<T> {
    private final Function<? super T, ? extends K> key;
    private final Map<K, TreeMap<String, Row<T>>> rows = new HashMap<>();
    /**
     * Each indexed row's entry, by id: a write that keeps the row's key replaces the value in place (no search of
     * the key's id-ordered map, whose ids are long ARNs with a shared prefix).
     */
    private final Map<String, Row<T>> byId = new HashMap<>();

    /** One indexed row: the key it is filed under and its current value. */
    private static final class Row<T> {
        final Object key;
        T value;

        Row(Object key, T value) {
            this.key = key;
            this.value = value;
        }
    }

    Index(Function<? super T, ? extends K> key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    /** The rows with {@code k}, in id order (a snapshot: safe to modify the table while iterating it). */
    public List<T> values(K k) {
        TreeMap<String, Row<T>> s = rows.get(k);
        if (s == null) {
            return List.of();
        }
        List<T> out = new ArrayList<>(s.size());
        for (Row<T> r : s.values()) {
            out.add(r.value);
        }
        return out;
    }

    /** The rows with {@code k} that pass {@code filter}, in id order (a snapshot, as {@link #values(Object)}). */
    public List<T> values(K k, java.util.function.Predicate<? super T> filter) {
        TreeMap<String, Row<T>> s = rows.get(k);
        if (s == null) {
            return List.of();
        }
        List<T> out = new ArrayList<>();
        for (Row<T> r : s.values()) {
            if (filter.test(r.value)) {
                out.add(r.value);
            }
        }
        return out;
    }

    /** The ids of the rows with {@code k}, in id order (a copy). */
    public List<String> ids(K k) {
        TreeMap<String, Row<T>> s = rows.get(k);
        return s == null ? List.of() : new ArrayList<>(s.keySet());
    }

    /** How many rows have {@code k}. */
    public int count(K k) {
        TreeMap<String, Row<T>> s = rows.get(k);
        return s == null ? 0 : s.size();
    }

    /** The keys some row has (a copy, no order). */
    public List<K> keys() {
        return new ArrayList<>(rows.keySet());
    }

    @Override
    public void changed(String id, T old, T now) {
        K b = now == null ? null : key.apply(now);
        Row<T> filed = byId.get(id);
        if (filed != null && filed.key.equals(b)) {
            filed.value = now; // same key: the row's current value in place
            return;
        }
        if (filed != null) {
            TreeMap<String, Row<T>> s = rows.get(filed.key);
            if (s.remove(id) != null && s.isEmpty()) {
                rows.remove(filed.key);
            }
            byId.remove(id);
        }
        if (b != null) {
            Row<T> r = new Row<>(b, now);
            rows.computeIfAbsent(b, x -> new TreeMap<>()).put(id, r);
            byId.put(id, r);
        }
    }

    @Override
    public void cleared() {
        rows.clear();
        byId.clear();
    }
}
