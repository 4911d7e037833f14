package io.stevedore.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The in-memory state model with write-through to a {@link ResourceStore}. All reads and writes happen inside
 * {@link #transaction}, which holds one lock: the changed rows are written to the store before the
 * transaction returns (so an acknowledged request is durable), and on any exception the in-memory rows are
 * put back as they were and nothing is written.
 */
public final class Database implements AutoCloseable {
    private final ResourceStore store;
    private final Map<String, Table<?>> tables = new LinkedHashMap<>();
    private final Map<Key, Object> touched = new LinkedHashMap<>();
    private final List<CommitListener> listeners = new ArrayList<>();
    private boolean inTransaction;

    private record Key(Table<?> table, String id) {
    }

    /**
     * Told about every row a committed transaction changed, in the order they were first touched, after the
     * commit (the simulator's recorder watches the control plane this way instead of scanning its tables).
     */
    @FunctionalInterface
    public interface CommitListener {
        /** {@code value} is the row's new value, {@code null} when it was removed. */
        void changed(String kind, String id, Object value);
    }

    /** Adds a listener; it runs inside the database lock and must not start transactions. */
    public synchronized void addCommitListener(CommitListener listener) {
        listeners.add(listener);
    }

    public Database(ResourceStore store) {
        this.store = store;
    }

    /** Declares a table and loads its rows from the store. */
    public synchronized <T> Table<T> table(String kind, Codec<T> codec) {
        if (tables.containsKey(kind)) {
            throw new IllegalArgumentException("table " + kind + " declared twice");
        }
        Table<T> t = new Table<>(kind, codec, this);
        t.load(store.loadAll(kind));
        tables.put(kind, t);
        return t;
    }

    /** Runs {@code work} atomically; nested calls join the outer transaction. */
    public synchronized <R> R transaction(Supplier<R> work) {
        if (inTransaction) {
            return work.get();
        }
        inTransaction = true;
        try {
            R result = work.get();
            commit();
            return result;
        } catch (RuntimeException | Error e) {
            rollback();
            throw e;
        } finally {
            touched.clear();
            inTransaction = false;
        }
    }

    public void run(Runnable work) {
        transaction(() -> {
            work.run();
            return null;
        });
    }

    /** Deletes everything, in memory and in the store. */
    public synchronized void wipe() {
        store.wipe();
        tables.values().forEach(Table::clearMemory);
    }

    <T> void touch(Table<T> table, String id, T old) {
        if (!inTransaction) {
            throw new IllegalStateException("write to " + table.kind() + " outside a transaction");
        }
        touched.putIfAbsent(new Key(table, id), old);
    }

    private void commit() {
        if (store.persists()) {
            List<ResourceStore.Change> changes = new ArrayList<>(touched.size());
            for (Key k : touched.keySet()) {
                changes.add(new ResourceStore.Change(k.table.kind(), k.id, k.table.encode(k.id)));
            }
            store.apply(changes);
        }
        for (CommitListener l : listeners) {
            for (Key k : touched.keySet()) {
                l.changed(k.table.kind(), k.id, k.table.get(k.id).orElse(null));
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void rollback() {
        List<Map.Entry<Key, Object>> entries = new ArrayList<>(touched.entrySet());
        for (int i = entries.size() - 1; i >= 0; i--) {
            Key k = entries.get(i).getKey();
            ((Table) k.table).restore(k.id, entries.get(i).getValue());
        }
    }

    @Override
    public synchronized void close() {
        store.close();
    }
}
