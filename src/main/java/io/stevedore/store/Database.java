package io.stevedore.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The in-memory state model with write-through to a {@link ResourceStore}. Writes happen inside
 * {@link #transaction}, which holds the write lock while its work runs: on any exception the in-memory rows are put
 * back as they were and nothing is written, and a transaction returns only once its changes are durable in the
 * store (so an acknowledged request is durable).
 *
 * <p><b>Group commit</b> (a store of one process that persists, SQLite): a write transaction releases the write lock
 * as soon as its work is done and queues its changed rows; it then waits for a flush. Whichever waiting caller
 * finds no flush under way writes every queued transaction in one store transaction (one fsync) and wakes them
 * all, so the next writers run in memory while the store flushes the previous ones. Transactions are queued in the
 * order they ran, each on top of the ones before, so a flush that fails fails its whole group and every
 * transaction queued after it: memory is rolled back, newest first, to the last durable state, and each caller
 * gets a {@link StoreException}. A transaction that writes nothing still waits until the rows it may have read are
 * durable, so nothing returns a state that could still be lost.
 *
 * <p><b>Reads</b> ({@link #read}) run on a {@link Snapshot}: the tables and indexes as of the last durable commit,
 * immutable and published after each flush, so a read takes no lock, never waits for a writer or a flush, and
 * never sees a row that is not durable yet. The guarantee is read-your-acknowledged-writes: once a write was
 * acknowledged, every read that starts afterwards sees it. Work that turns out to need more than the snapshot (it
 * writes, or reads a table or index the snapshot does not hold) runs again as a transaction.
 *
 * <p>Over a {@link SharedResourceStore} (several processes on one PostgreSQL database) every transaction first
 * refreshes memory with the rows other processes committed since the last revision this process saw, so no
 * answer comes from stale memory. A transaction starts without the store's write lock; if its work turns out to
 * write, memory is rolled back, the write lock is taken, memory is refreshed again and the work runs a second
 * time on the now-current state. Work must therefore be a function of the database (plus clock and request):
 * it may run twice. A fenced transaction ({@link #transaction(Fence, Supplier)}, the controllers) commits its
 * writes only while its fence is the current lease; one that writes nothing (an idle reconciler tick) takes no
 * lock at all. Its commit happens under the write lock (no group commit); the snapshot is published after it.
 * A read over a shared store first asks the store for its newest revision: when another process committed after
 * the snapshot, the read runs as a transaction (which refreshes memory and publishes a new snapshot).
 *
 * <p>A store that does not persist (the simulator's {@link InMemoryResourceStore}) keeps no snapshot and no queue:
 * a read is a transaction, and a transaction commits before it returns.
 */
public final class Database implements AutoCloseable {
    private final ResourceStore store;
    private final SharedResourceStore shared;
    /** Snapshots and group commit: only for a store that persists (a server's). */
    private final boolean snapshots;
    private final ReentrantLock lock = new ReentrantLock();
    /** Held by the caller that flushes queued transactions; taken before {@link #lock} when both are needed. */
    private final ReentrantLock flushLock = new ReentrantLock();
    private final Map<String, Table<?>> tables = new LinkedHashMap<>();
    private final List<Table<?>> slots = new ArrayList<>();
    private Map<Key, Object> touched = new LinkedHashMap<>();
    private final List<CommitListener> listeners = new ArrayList<>();
    private boolean inTransaction;
    /** Newest revision of a shared store reflected in memory; -1 = reload everything. */
    private long seen = -1;
    /** Reads in progress on this thread (a snapshot and whether the work needed the lock). */
    private final ThreadLocal<Reading> readings = new ThreadLocal<>();
    /** The newest durable snapshot; null until one is built. */
    private volatile Snapshot published;
    /** How many tables and indexes are declared; a snapshot of another shape is rebuilt. */
    private int shape;
    /** The shape of the last snapshot built (published or queued); -1: rebuild at the next transaction. */
    private int builtShape = -1;
    /** Rows of a shared store a refresh changed and no published snapshot holds yet. */
    private final Set<Key> refreshed = new LinkedHashSet<>();
    /** Transactions that ran in memory and wait for their flush, oldest first (guarded by itself). */
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** The newest queued transaction (under the write lock); what a transaction that writes nothing waits for. */
    private Pending lastQueued;

    private record Key(Table<?> table, String id) {
    }

    private static final class Reading {
        final Snapshot snapshot;
        boolean needsLock;

        Reading(Snapshot snapshot) {
            this.snapshot = snapshot;
        }
    }

    /** One transaction that ran in memory: the rows it changed, before and after, waiting for its flush. */
    private static final class Pending {
        final Key[] keys;
        final Object[] before;
        final Object[] after;
        final List<Snapshot.RowChange> rows;
        /** A snapshot of memory right after this transaction, when one had to be built from the live tables. */
        final Snapshot full;
        volatile boolean done;
        volatile Throwable failure;

        Pending(Key[] keys, Object[] before, Object[] after, List<Snapshot.RowChange> rows, Snapshot full) {
            this.keys = keys;
            this.before = before;
            this.after = after;
            this.rows = rows;
            this.full = full;
        }
    }

    /**
     * Thrown inside {@link #read} when the work needs more than the snapshot; the read runs again as a
     * transaction. Never seen outside this package's read path.
     */
    static final class NeedsLock extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NeedsLock() {
            super("this work needs the write lock", null, false, false);
        }
    }

    /**
     * Told about every row a committed transaction changed, in the order they were first touched, after the
     * commit (the simulator's recorder watches the control plane this way instead of scanning its tables). With
     * group commit "committed" means committed in memory: the listener hears of a transaction when its work
     * ends, before its flush, and of a failed flush through {@link #rolledBack}.
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
         * A transaction's changes were undone in memory (it failed, it runs again under the write lock, or the
         * flush of its group failed): what a component derived from rows during that transaction may describe rows
         * that no longer exist.
         */
        default void rolledBack() {
        }
    }

    /** Adds a listener; it runs inside the write lock and must not start transactions. */
    public void addCommitListener(CommitListener listener) {
        lock.lock();
        try {
            listeners.add(listener);
        } finally {
            lock.unlock();
        }
    }

    public Database(ResourceStore store) {
        this.store = store;
        this.shared = store instanceof SharedResourceStore s ? s : null;
        this.snapshots = store.persists();
    }

    /** True when other processes write the same store. */
    public boolean isShared() {
        return shared != null;
    }

    /** Declares a table and loads its rows from the store. */
    public <T> Table<T> table(String kind, Codec<T> codec) {
        lock.lock();
        try {
            if (tables.containsKey(kind)) {
                throw new IllegalArgumentException("table " + kind + " declared twice");
            }
            Table<T> t = declared(() -> new Table<>(kind, codec, this, slots.size()));
            if (shared == null) {
                t.load(store.loadAll(kind));
            } else {
                seen = -1; // the next transaction loads every table, this one included
            }
            tables.put(kind, t);
            slots.add(t);
            return t;
        } finally {
            lock.unlock();
        }
    }

    /** Creates a table or index under the write lock; a snapshot holding it is built at the next transaction. */
    <X> X declared(Supplier<X> make) {
        lock.lock();
        try {
            shape++;
            return make.get();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} atomically; nested calls join the outer transaction. */
    public <R> R transaction(Supplier<R> work) {
        return transaction(null, work);
    }

    /**
     * Runs controller {@code work} atomically, committing only while {@code fence} is the current controller
     * lease ({@link FencedException} otherwise, nothing written). Nested calls join the outer transaction.
     */
    public <R> R transaction(Fence fence, Supplier<R> work) {
        if (snapshots && readings.get() != null) {
            throw needsLock();
        }
        if (inTransaction && lock.isHeldByCurrentThread()) {
            return work.get();
        }
        Pending wait;
        R result;
        lock.lock();
        try {
            inTransaction = true;
            if (!snapshots) {
                return local(work);
            }
            if (shared != null) {
                return sharedTransaction(fence, work);
            }
            try {
                result = work.get();
                wait = finish();
            } catch (RuntimeException | Error e) {
                rollbackMemory();
                throw e;
            }
        } finally {
            clearTouched();
            inTransaction = false;
            lock.unlock();
        }
        await(wait);
        return result;
    }

    public void run(Runnable work) {
        transaction(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs work that only reads, on the newest durable snapshot, without the write lock: it neither waits for a
     * writer or a flush nor makes one wait. Work that writes a row, starts a transaction or reads a table or index
     * the snapshot does not hold runs again as a {@link #transaction} (so it may run twice, as a shared store's
     * transaction may). Inside a transaction, or over a store that keeps no snapshot, it is a transaction.
     */
    public <R> R read(Supplier<R> work) {
        Snapshot s = published;
        if (s == null || readings.get() != null || lock.isHeldByCurrentThread()
                || (shared != null && shared.newestRevision() > s.revision)) {
            return transaction(work);
        }
        Reading r = new Reading(s);
        readings.set(r);
        R result;
        try {
            result = work.get();
        } catch (NeedsLock e) {
            r.needsLock = true;
            result = null;
        } catch (RuntimeException | Error e) {
            if (!r.needsLock) {
                throw e;
            }
            result = null;
        } finally {
            readings.remove();
        }
        return r.needsLock ? transaction(work) : result;
    }

    /** The snapshot read on this thread, or null when this thread reads live rows. */
    Snapshot reading() {
        if (!snapshots) {
            return null;
        }
        Reading r = readings.get();
        return r == null ? null : r.snapshot;
    }

    /** Marks the read on this thread as needing the write lock and returns the exception that ends it. */
    NeedsLock needsLock() {
        Reading r = readings.get();
        if (r != null) {
            r.needsLock = true;
        }
        return new NeedsLock();
    }

    /** Called before a row changes: refused while reading a snapshot (the read runs again as a transaction). */
    void writing() {
        if (reading() != null) {
            throw needsLock();
        }
    }

    /** A transaction over a store that does not persist: nothing to write, nothing to wait for. */
    private <R> R local(Supplier<R> work) {
        try {
            R result = work.get();
            notifyCommitted();
            return result;
        } catch (RuntimeException | Error e) {
            rollbackMemory();
            throw e;
        }
    }

    /**
     * Ends a transaction's work on a store of one process (under the write lock): tells the listeners, builds what
     * the snapshot needs and queues the changes. Returns what the caller must wait for before it answers.
     */
    private Pending finish() {
        int n = touched.size();
        Key[] keys = new Key[n];
        Object[] before = new Object[n];
        Object[] after = new Object[n];
        int i = 0;
        for (Map.Entry<Key, Object> e : touched.entrySet()) {
            keys[i] = e.getKey();
            before[i] = e.getValue();
            after[i++] = e.getKey().table.live(e.getKey().id);
        }
        notify(keys, before, after);
        Snapshot full = builtShape != shape ? Snapshot.of(slots, -1, shape) : null;
        if (n == 0 && full == null) {
            return lastQueued;
        }
        List<Snapshot.RowChange> rows = new ArrayList<>(n);
        for (i = 0; i < n; i++) {
            rows.add(rowChange(keys[i].table, keys[i].id, after[i]));
        }
        Pending p = new Pending(keys, before, after, rows, full);
        if (full != null) {
            builtShape = shape;
        }
        synchronized (queue) {
            queue.add(p);
        }
        lastQueued = p;
        return p;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Snapshot.RowChange rowChange(Table<?> table, String id, Object after) {
        List<? extends Index<?, ?>> indexes = table.indexes();
        Object[] keys = new Object[indexes.size()];
        for (int j = 0; j < keys.length; j++) {
            keys[j] = ((Index) indexes.get(j)).keyOf(after);
        }
        return new Snapshot.RowChange(table.slot(), id, after, keys);
    }

    /** Waits until {@code p} is durable, flushing the queue when no other caller does; throws if its flush failed. */
    private void await(Pending p) {
        if (p == null) {
            return;
        }
        while (!p.done) {
            flushLock.lock();
            try {
                if (!p.done) {
                    flush();
                }
            } finally {
                flushLock.unlock();
            }
        }
        if (p.failure != null) {
            throw new StoreException("the store did not take this transaction's group: " + p.failure.getMessage(),
                    p.failure);
        }
    }

    /** Writes every queued transaction in one store transaction and publishes the snapshot after them. */
    private void flush() {
        List<Pending> batch;
        synchronized (queue) {
            batch = new ArrayList<>(queue);
            queue.clear();
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            Map<Key, Object> rows = new LinkedHashMap<>();
            for (Pending p : batch) {
                for (int i = 0; i < p.keys.length; i++) {
                    rows.put(p.keys[i], p.after[i]);
                }
            }
            List<ResourceStore.Change> changes = new ArrayList<>(rows.size());
            rows.forEach((k, v) -> changes.add(new ResourceStore.Change(k.table.kind(), k.id, k.table.encode(v))));
            if (!changes.isEmpty()) {
                store.apply(changes);
            }
        } catch (RuntimeException | Error e) {
            fail(batch, e);
            return;
        }
        Snapshot s = published;
        for (Pending p : batch) {
            s = p.full != null ? p.full : s == null ? null : s.with(p.rows, -1);
        }
        published = s;
        for (Pending p : batch) {
            p.done = true;
        }
    }

    /**
     * A flush failed: undoes in memory, newest first, the group and every transaction queued after it (each ran on
     * top of the group), so memory is the durable state again, and fails them all.
     */
    private void fail(List<Pending> batch, Throwable cause) {
        lock.lock();
        try {
            synchronized (queue) {
                batch.addAll(queue);
                queue.clear();
            }
            for (int p = batch.size() - 1; p >= 0; p--) {
                Pending t = batch.get(p);
                for (int i = t.keys.length - 1; i >= 0; i--) {
                    restore(t.keys[i], t.before[i]);
                }
            }
            listeners.forEach(CommitListener::rolledBack);
            builtShape = -1; // a snapshot built with the failed group is gone with it
            lastQueued = null;
            for (Pending t : batch) {
                t.failure = cause;
                t.done = true;
            }
        } finally {
            lock.unlock();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void restore(Key k, Object value) {
        ((Table) k.table).restore(k.id, value);
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
            publishShared();
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

    /** After a shared store's commit (memory = the store at revision {@link #seen}): the snapshot of it. */
    private void publishShared() {
        Snapshot s = published;
        if (s == null || builtShape != shape) {
            s = Snapshot.of(slots, seen, shape);
            builtShape = shape;
        } else {
            Set<Key> changed = new LinkedHashSet<>(refreshed);
            changed.addAll(touched.keySet());
            List<Snapshot.RowChange> rows = new ArrayList<>(changed.size());
            for (Key k : changed) {
                rows.add(rowChange(k.table, k.id, k.table.live(k.id)));
            }
            s = s.with(rows, seen);
        }
        refreshed.clear();
        published = s;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void refresh(SharedResourceStore.Delta delta) {
        if (delta.full()) {
            tables.values().forEach(Table::clearMemory);
            builtShape = -1;
            refreshed.clear();
        }
        for (SharedResourceStore.Row row : delta.rows()) {
            Table t = tables.get(row.kind());
            if (t != null) {
                t.restore(row.id(), row.json() == null ? null : t.decode(row.json()));
                if (!delta.full()) {
                    refreshed.add(new Key(t, row.id()));
                }
            }
        }
        seen = delta.revision();
    }

    /** Deletes everything, in memory and in the store. */
    public void wipe() {
        flushLock.lock();
        lock.lock();
        try {
            flush();
            store.wipe();
            tables.values().forEach(Table::clearMemory);
            if (shared != null) {
                seen = -1;
            }
            builtShape = -1;
            published = null;
            lastQueued = null;
            refreshed.clear();
            listeners.forEach(CommitListener::wiped);
        } finally {
            lock.unlock();
            flushLock.unlock();
        }
    }

    /**
     * Forgets the rows the transaction touched. Clearing a hash map costs its capacity, not its size, so after a
     * transaction that touched many rows (the first tick of a large plane) a fresh map replaces it: otherwise every
     * later transaction, however small, would pay for that one.
     */
    private void clearTouched() {
        if (touched.size() > 1024) {
            touched = new LinkedHashMap<>();
        } else {
            touched.clear();
        }
    }

    <T> void touch(Table<T> table, String id, T old) {
        if (!inTransaction || !lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("write to " + table.kind() + " outside a transaction");
        }
        touched.putIfAbsent(new Key(table, id), old);
    }

    private List<ResourceStore.Change> changes() {
        List<ResourceStore.Change> changes = new ArrayList<>(touched.size());
        for (Key k : touched.keySet()) {
            changes.add(new ResourceStore.Change(k.table.kind(), k.id, k.table.encode(k.table.live(k.id))));
        }
        return changes;
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
            after[i++] = e.getKey().table.live(e.getKey().id); // read once, not once per listener
        }
        notify(keys, before, after);
    }

    private void notify(Key[] keys, Object[] before, Object[] after) {
        for (CommitListener l : listeners) {
            for (int i = 0; i < keys.length; i++) {
                l.changed(keys[i].table.kind(), keys[i].id, before[i], after[i]);
            }
        }
    }

    private void rollbackMemory() {
        List<Map.Entry<Key, Object>> entries = new ArrayList<>(touched.entrySet());
        for (int i = entries.size() - 1; i >= 0; i--) {
            restore(entries.get(i).getKey(), entries.get(i).getValue());
        }
        listeners.forEach(CommitListener::rolledBack);
    }

    /** Flushes what is queued and closes the store. */
    @Override
    public void close() {
        flushLock.lock();
        lock.lock();
        try {
            flush();
            store.close();
        } finally {
            lock.unlock();
            flushLock.unlock();
        }
    }
}
