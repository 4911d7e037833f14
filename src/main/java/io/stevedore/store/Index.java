package io.stevedore.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
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
    private final Table<T> table;
    private final Function<? super T, ? extends K> key;
    private final Map<K, TreeSet<String>> ids = new HashMap<>();

    Index(Table<T> table, Function<? super T, ? extends K> key) {
        this.table = table;
        this.key = Objects.requireNonNull(key, "key");
    }

    /** The rows with {@code k}, in id order (a snapshot: safe to modify the table while iterating it). */
    public List<T> values(K k) {
        Set<String> s = ids.get(k);
        if (s == null) {
            return List.of();
        }
        List<T> out = new ArrayList<>(s.size());
        for (String id : s) {
            table.get(id).ifPresent(out::add);
        }
        return out;
    }

    /** The ids of the rows with {@code k}, in id order (a copy). */
    public List<String> ids(K k) {
        Set<String> s = ids.get(k);
        return s == null ? List.of() : new ArrayList<>(s);
    }

    /** How many rows have {@code k}. */
    public int count(K k) {
        Set<String> s = ids.get(k);
        return s == null ? 0 : s.size();
    }

    /** The keys some row has (a copy, no order). */
    public List<K> keys() {
        return new ArrayList<>(ids.keySet());
    }

    @Override
    public void changed(String id, T old, T now) {
        K a = old == null ? null : key.apply(old);
        K b = now == null ? null : key.apply(now);
        if (Objects.equals(a, b)) {
            return;
        }
        if (a != null) {
            TreeSet<String> s = ids.get(a);
            if (s != null && s.remove(id) && s.isEmpty()) {
                ids.remove(a);
            }
        }
        if (b != null) {
            ids.computeIfAbsent(b, x -> new TreeSet<>()).add(id);
        }
    }

    @Override
    public void cleared() {
        ids.clear();
    }
}
