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
    private final Map<K, TreeMap<String, T>> rows = new HashMap<>();

    Index(Function<? super T, ? extends K> key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    /** The rows with {@code k}, in id order (a snapshot: safe to modify the table while iterating it). */
    public List<T> values(K k) {
        TreeMap<String, T> s = rows.get(k);
        return s == null ? List.of() : new ArrayList<>(s.values());
    }

    /** The rows with {@code k} that pass {@code filter}, in id order (a snapshot, as {@link #values(Object)}). */
    public List<T> values(K k, java.util.function.Predicate<? super T> filter) {
        TreeMap<String, T> s = rows.get(k);
        if (s == null) {
            return List.of();
        }
        List<T> out = new ArrayList<>();
        for (T v : s.values()) {
            if (filter.test(v)) {
                out.add(v);
            }
        }
        return out;
    }

    /** The ids of the rows with {@code k}, in id order (a copy). */
    public List<String> ids(K k) {
        TreeMap<String, T> s = rows.get(k);
        return s == null ? List.of() : new ArrayList<>(s.keySet());
    }

    /** How many rows have {@code k}. */
    public int count(K k) {
        TreeMap<String, T> s = rows.get(k);
        return s == null ? 0 : s.size();
    }

    /** The keys some row has (a copy, no order). */
    public List<K> keys() {
        return new ArrayList<>(rows.keySet());
    }

    @Override
    public void changed(String id, T old, T now) {
        K a = old == null ? null : key.apply(old);
        K b = now == null ? null : key.apply(now);
        if (a != null && !a.equals(b)) {
            TreeMap<String, T> s = rows.get(a);
            if (s != null && s.remove(id) != null && s.isEmpty()) {
                rows.remove(a);
            }
        }
        if (b != null) {
            rows.computeIfAbsent(b, x -> new TreeMap<>()).put(id, now); // the row's current value, key unchanged or not
        }
    }

    @Override
    public void cleared() {
        rows.clear();
    }
}
