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
 *
 * <p>Over a {@link SharedResourceStore} (several processes on one PostgreSQL database) every transaction first
 * refreshes memory with the rows other processes committed since the last revision this process saw, so no
 * answer comes from stale memory. A transaction starts without the store's write lock; if its work turns out to
 * write, memory is rolled back, the write lock is taken, memory is refreshed again and the work runs a second
 * time on the now-current state. Work must therefore be a function of the database (plus clock and request):
 * it may run twice. A fenced transaction ({@link #transaction(Fence, Supplier)}, the controllers) commits its
 * writes only while its fence is the current lease; one that writes nothing (an idle reconciler tick) takes no
 * lock at all.
 */
public final class Database implements AutoCloseable {
    private final ResourceStore store;
    private final SharedResourceStore shared;
    private final Map<String, Table<?>> tables = new LinkedHashMap<>();
    private final Map<Key, Object> touched = new LinkedHashMap<>();
    private final List<CommitListener> listeners = new ArrayList<>();
    private boolean inTransaction;
    /** Newest revision of a shared store reflected in memory; -1 = reload everything. */
    private long seen = -1;

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

        /**
         * The same with the row's value before the transaction ({@code null} when it was created), for listeners
         * that keep something keyed by a field that may have changed; by default the value alone is passed on.
         */
        default void changed(String kind, String id, Object before, Object value) {
            changed(kind, id, value);
        }

        /** Every row was deleted ({@link #wipe}); whatever the listener derived from rows is void. */
        default void wiped() {
        }

        /**
         * A transaction's changes were undone in memory (it failed, or it runs again under the write lock): what a
         * component derived from rows during that transaction may describe rows that no longer exist.
         */
        default void rolledBack() {
        }
    }

    /** Adds a listener; it runs inside the database lock and must not start transactions. */
    public synchronized void addCommitListener(CommitListener listener) {
        listeners.add(listener);
    }

    public Database(ResourceStore store) {
        this.store = store;
        this.shared = store instanceof SharedResourceStore s ? s : null;
    }

    /** True when other processes write the same store. */
    public boolean isShared() {
        return shared != null;
    }

    /** Declares a table and loads its rows from the store. */
    public synchronized <T> Table<T> table(String kind, Codec<T> codec) {
        if (tables.containsKey(kind)) {
            throw new IllegalArgumentException("table " + kind + " declared twice");
        }
        Table<T> t = new Table<>(kind, codec, this);
        if (shared == null) {
            t.load(store.loadAll(kind));
        } else {
            seen = -1; // the next transaction loads every table, this one included
        }
        tables.put(kind, t);
        return t;
    }

    /** Runs {@code work} atomically; nested calls join the outer transaction. */
    public <R> R transaction(Supplier<R> work) {
        return transaction(null, work);
    }

    /**
     * Runs controller {@code work} atomically, committing only while {@code fence} is the current controller
     * lease ({@link FencedException} otherwise, nothing written). Nested calls join the outer transaction.
     */
    public synchronized <R> R transaction(Fence fence, Supplier<R> work) {
        if (inTransaction) {
            return work.get();
        }
        inTransaction = true;
        try {
            return shared == null ? local(work) : sharedTransaction(fence, work);
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

    private <R> R local(Supplier<R> work) {
        try {
            R result = work.get();
            commitLocal();
            return result;
        } catch (RuntimeException | Error e) {
            rollbackMemory();
            throw e;
        }
    }

    private <R> R sharedTransaction(Fence fence, Supplier<R> work) {
        boolean locked = false;
        try {
            refresh(shared.begin(seen, locked));
            R result = work.get();
            if (!locked && !touched.isEmpty()) {
                rollbackMemory();
                touched.clear();
                refresh(shared.lock(seen));
                result = work.get();
            }
            List<ResourceStore.Change> changes = changes();
            long revision = shared.commit(changes, fence);
            if (revision >= 0) {
                seen = revision;
            }
            notifyCommitted();
            return result;
        } catch (RuntimeException | Error e) {
            rollbackMemory();
            try {
                shared.rollback();
            } catch (RuntimeException ignored) {
                seen = -1; // the connection failed: reload everything next time
            }
            if (e instanceof StoreException) {
                seen = -1; // a store failure: the outcome of the commit is unknown
            }
            throw e;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void refresh(SharedResourceStore.Delta delta) {
        if (delta.full()) {
            tables.values().forEach(Table::clearMemory);
        }
        for (SharedResourceStore.Row row : delta.rows()) {
            Table t = tables.get(row.kind());
            if (t != null) {
                t.restore(row.id(), row.json() == null ? null : t.decode(row.json()));
            }
        }
        seen = delta.revision();
    }

    /** Deletes everything, in memory and in the store. */
    public synchronized void wipe() {
        store.wipe();
        tables.values().forEach(Table::clearMemory);
        if (shared != null) {
            seen = -1;
        }
        listeners.forEach(CommitListener::wiped);
    }

    <T> void touch(Table<T> table, String id, T old) {
        if (!inTransaction) {
            throw new IllegalStateException("write to " + table.kind() + " outside a transaction");
        }
        touched.putIfAbsent(new Key(table, id), old);
    }

    private List<ResourceStore.Change> changes() {
        List<ResourceStore.Change> changes = new ArrayList<>(touched.size());
        for (Key k : touched.keySet()) {
            changes.add(new ResourceStore.Change(k.table.kind(), k.id, k.table.encode(k.id)));
        }
        return changes;
    }

    private void commitLocal() {
        if (store.persists()) {
            store.apply(changes());
        }
        notifyCommitted();
    }

    private void notifyCommitted() {
        if (listeners.isEmpty() || touched.isEmpty()) {
            return;
        }
        int n = touched.size();
        Key[] keys = new Key[n];
        Object[] before = new Object[n];
        Object[] after = new Object[n];
        int i = 0;
        for (Map.Entry<Key, Object> e : touched.entrySet()) {
            keys[i] = e.getKey();
            before[i] = e.getValue();
            after[i++] = e.getKey().table.get(e.getKey().id).orElse(null); // read once, not once per listener
        }
        for (CommitListener l : listeners) {
            for (i = 0; i < n; i++) {
                l.changed(keys[i].table.kind(), keys[i].id, before[i], after[i]);
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void rollbackMemory() {
        List<Map.Entry<Key, Object>> entries = new ArrayList<>(touched.entrySet());
        for (int i = entries.size() - 1; i >= 0; i--) {
            Key k = entries.get(i).getKey();
            ((Table) k.table).restore(k.id, entries.get(i).getValue());
        }
        listeners.forEach(CommitListener::rolledBack);
    }

    @Override
    public synchronized void close() {
        store.close();
    }
}
