package io.stevedore.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The in-memory state model with write-through to a {@link ResourceStore}. Writes happen inside
 * {@link #transaction}, which holds the write lock while its work runs: on any exception the in-memory rows are put
 * back as they were and nothing is written, and a transaction returns only once its changes are durable in the
 * store (so an acknowledged request is durable).
 *
 * <p><b>Group commit</b> (a store that persists, SQLite or PostgreSQL): a write transaction releases the write lock
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
 * <p>Over a {@link SharedResourceStore} (several processes on one PostgreSQL database) writes are group-committed
 * the same way, under the store's write lock held across groups: the first writer takes it and refreshes memory
 * with the rows other processes committed since the last revision this process saw; while it is held no other
 * process commits, so the writers after it run on current memory without a refresh, and each flush commits its
 * group in one store transaction. The flusher that finds nothing queued after its commit releases the lock, and a
 * holder that another process waits for stops taking new transactions after {@link #YIELD_AFTER_NANOS}, drains
 * its queue and releases it, so no process holds it indefinitely. A transaction that starts without the lock
 * refreshes memory without it; if its work turns out to write, memory is rolled back, the lock is taken and the
 * work runs a second time. Work must therefore be a function of the database (plus clock and request): it may run
 * twice. A fenced transaction ({@link #transaction(Fence, Supplier)}, the controllers) commits its writes only
 * while its fence is the current lease, checked inside its group's store transaction: when it is not, the group's
 * transactions before it are committed, it fails with {@link FencedException}, and the ones after it (which ran on
 * top of it) are rolled back in memory and run again. One that writes nothing (an idle reconciler tick) is not
 * checked. A read over a shared store first asks the store for its newest revision: when another process
 * committed after the snapshot, the read runs as a transaction (which refreshes memory and publishes a new
 * snapshot).
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
    /** The rows the transaction changed, in the order they were first touched (each key maps to itself). */
    private Map<Key, Key> touched = new LinkedHashMap<>();
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
    /**
     * A shared store: this process holds the store's write lock, so memory is the store plus the queued
     * transactions (taken by a writer, released by the flusher that finds nothing queued after its commit).
     */
    private boolean holding;
    /** When ({@link System#nanoTime}) the write lock was taken, or last found wanted by no other process. */
    private long heldSince;
    /** Draining the queue to hand the write lock to a waiting process: transactions wait until it is released. */
    private boolean yielding;
    private final Condition released = lock.newCondition();
    /** How long a process keeps the shared store's write lock under load while another process waits for it. */
    static final long YIELD_AFTER_NANOS = 20_000_000;
    /** Transactions that ran in memory and wait for their flush, oldest first (guarded by itself). */
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** The newest queued transaction (under the write lock); what a transaction that writes nothing waits for. */
    private Pending lastQueued;

    /**
     * A row of a table, equal by table and id. A key the transaction touched also holds the row's value before it
     * and the row the id names now, whose value is the row's value after it (no look-up at the commit).
     */
    private static final class Key {
        final Table<?> table;
        final String id;
        final Object before;
        /** The table's row for {@link #id} as of the last write (null when absent); its value is null once removed. */
        Table.Row<?> row;

        Key(Table<?> table, String id) {
            this(table, id, null, null);
        }

        Key(Table<?> table, String id, Object before, Table.Row<?> row) {
            this.table = table;
            this.id = id;
            this.before = before;
            this.row = row;
        }

        /** The row's value now (null: absent). */
        Object after() {
            return row == null ? null : row.value;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.table == table && k.id.equals(id);
        }

        @Override
        public int hashCode() {
            return 31 * table.slot() + id.hashCode();
        }
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
        /** A shared store's controller fence the commit must check; null when none or nothing is written. */
        final Fence fence;
        volatile boolean done;
        volatile Throwable failure;
        /** Rolled back because a transaction before it was fenced off: its work runs again. */
        volatile boolean retry;

        Pending(Key[] keys, Object[] before, Object[] after, List<Snapshot.RowChange> rows, Snapshot full,
                Fence fence) {
            this.keys = keys;
            this.before = before;
            this.after = after;
            this.rows = rows;
            this.full = full;
            this.fence = fence;
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

        /**
         * The same told the row's table (the database calls this one): a listener that handles some tables only can
         * find its handler by {@link Table#slot()} instead of by kind; by default passed on by kind.
         */
        default void changed(Table<?> table, String id, Object before, Object value) {
            changed(table.kind(), id, before, value);
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
            if (shared == null || holding) {
                t.load(store.loadAll(kind)); // holding the write lock: nobody else changes it meanwhile
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
        while (true) {
            Pending wait;
            boolean own;
            R result;
            lock.lock();
            try {
                while (yielding) {
                    released.awaitUninterruptibly();
                }
                inTransaction = true;
                if (!snapshots) {
                    return local(work);
                }
                try {
                    if (shared != null && !holding) {
                        refresh(shared.changes(seen));
                        result = work.get();
                        if (touched.isEmpty()) {
                            return result; // nothing queued while the lock is not held: memory is the store
                        }
                        rollbackMemory();
                        touched.clear();
                        refresh(shared.lock(seen));
                        holding = true;
                        heldSince = System.nanoTime();
                    }
                    result = work.get();
                    Pending before = lastQueued;
                    wait = finish(fence);
                    own = wait != before;
                    releaseIfIdle(); // its run under the lock wrote nothing
                } catch (RuntimeException | Error e) {
                    rollbackMemory();
                    if (shared != null && !holding && e instanceof StoreException) {
                        seen = -1; // a refresh or the lock failed with its connection: reload everything next time
                    }
                    releaseIfIdle(); // its run under the lock failed, or a refresh after taking the lock did
                    throw e;
                }
            } finally {
                clearTouched();
                inTransaction = false;
                lock.unlock();
            }
            if (await(wait, own)) {
                return result;
            }
        }
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
    private Pending finish(Fence fence) {
        int n = touched.size();
        Key[] keys = new Key[n];
        Object[] before = new Object[n];
        Object[] after = new Object[n];
        int i = 0;
        for (Key k : touched.keySet()) {
            keys[i] = k;
            before[i] = k.before;
            after[i++] = k.after();
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
        Pending p = new Pending(keys, before, after, rows, full, shared != null && n > 0 ? fence : null);
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

    /**
     * Waits until {@code p} is durable, flushing the queue when no other caller does; false when the caller's work
     * must run again (it ran on top of a transaction that was fenced off), an exception when the flush failed.
     *
     * @param own whether {@code p} is the caller's transaction, not the newest one before it that it waits for
     */
    private boolean await(Pending p, boolean own) {
        if (p == null) {
            return true;
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
        if (p.failure instanceof FencedException) {
            if (!own) {
                return false; // a transaction that wrote nothing read a controller's refused rows: read again
            }
            throw new FencedException(p.fence);
        }
        if (p.failure != null) {
            throw new StoreException("the store did not take this transaction's group: " + p.failure.getMessage(),
                    p.failure);
        }
        return !p.retry;
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
        if (shared != null) {
            flushShared(batch);
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
            if (shared != null) {
                seen = -1; // the outcome of the commit is unknown: reload everything under the lock
                release();
            }
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

    /**
     * Commits a group over a shared store (the write lock is held): one store transaction, which checks the fences
     * of the group's controller transactions. When a fence is refused the transactions before the first one it
     * fences are committed alone; it and every transaction with a refused fence fail with {@link FencedException},
     * and the others after it are rolled back in memory and run again.
     */
    private void flushShared(List<Pending> batch) {
        int cut = batch.size();
        Set<Fence> refused = new LinkedHashSet<>();
        long revision;
        try {
            while (true) {
                Map<Key, Object> rows = new LinkedHashMap<>();
                Set<Fence> fences = new LinkedHashSet<>();
                for (int p = 0; p < cut; p++) {
                    Pending t = batch.get(p);
                    for (int i = 0; i < t.keys.length; i++) {
                        rows.put(t.keys[i], t.after[i]);
                    }
                    if (t.fence != null) {
                        fences.add(t.fence);
                    }
                }
                List<ResourceStore.Change> changes = new ArrayList<>(rows.size());
                rows.forEach((k, v) -> changes.add(new ResourceStore.Change(k.table.kind(), k.id, k.table.encode(v))));
                try {
                    revision = shared.commit(changes, fences);
                    break;
                } catch (FencedException e) {
                    refused.add(e.fence());
                    int first = 0;
                    while (!e.fence().equals(batch.get(first).fence)) {
                        first++;
                    }
                    cut = first;
                }
            }
        } catch (RuntimeException | Error e) {
            fail(batch, e);
            return;
        }
        lock.lock();
        try {
            if (revision >= 0) {
                seen = revision;
            }
            Snapshot s = published;
            for (int p = 0; p < cut; p++) {
                Pending t = batch.get(p);
                s = t.full != null ? t.full : s == null ? null : s.with(t.rows, -1);
            }
            published = s == null ? null : s.with(List.of(), seen);
            for (int p = 0; p < cut; p++) {
                batch.get(p).done = true;
            }
            if (cut < batch.size()) {
                List<Pending> undone = new ArrayList<>(batch.subList(cut, batch.size()));
                synchronized (queue) {
                    undone.addAll(queue);
                    queue.clear();
                }
                for (int p = undone.size() - 1; p >= 0; p--) {
                    Pending t = undone.get(p);
                    for (int i = t.keys.length - 1; i >= 0; i--) {
                        restore(t.keys[i], t.before[i]);
                    }
                }
                listeners.forEach(CommitListener::rolledBack);
                builtShape = -1;
                lastQueued = null;
                for (Pending t : undone) {
                    if (t.fence != null && refused.contains(t.fence)) {
                        t.failure = new FencedException(t.fence);
                    } else {
                        t.retry = true;
                    }
                    t.done = true;
                }
            }
            boolean empty;
            synchronized (queue) {
                empty = queue.isEmpty();
            }
            if (empty) {
                release();
            } else if (System.nanoTime() - heldSince > YIELD_AFTER_NANOS) {
                try {
                    yielding = shared.othersWaiting();
                } catch (StoreException e) {
                    yielding = true; // the connection is gone with the lock: the next flush fails its group
                }
                heldSince = System.nanoTime();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A shared store's write lock taken by a transaction that queued nothing (its run under the lock wrote nothing
     * or failed) while nothing is queued or committing: no flush will release it, so it is released here (under the
     * write lock). Otherwise the holder would keep it while idle and every other process's writer would wait.
     */
    private void releaseIfIdle() {
        if (shared != null && (lastQueued == null || lastQueued.done)) {
            release();
        }
    }

    /** Releases a shared store's write lock (under the write lock, nothing queued) and wakes who waited for it. */
    private void release() {
        holding = false;
        yielding = false;
        released.signalAll();
        try {
            shared.unlock();
        } catch (StoreException e) {
            // the store dropped the connection, and the lock with it
        }
    }

    /**
     * Refreshes memory with a shared store's changes (the write lock is not held, so nothing is queued) and
     * publishes the snapshot of it: memory is the store at {@link #seen}.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private void refresh(SharedResourceStore.Delta delta) {
        if (delta.full()) {
            tables.values().forEach(Table::clearMemory);
            builtShape = -1;
        }
        List<Key> changed = new ArrayList<>(delta.full() ? 0 : delta.rows().size());
        for (SharedResourceStore.Row row : delta.rows()) {
            Table t = tables.get(row.kind());
            if (t != null) {
                t.restore(row.id(), row.json() == null ? null : t.decode(row.json()));
                if (!delta.full()) {
                    changed.add(new Key(t, row.id()));
                }
            }
        }
        seen = delta.revision();
        Snapshot s = published;
        if (s == null || builtShape != shape) {
            s = Snapshot.of(slots, seen, shape);
            builtShape = shape;
        } else {
            List<Snapshot.RowChange> rows = new ArrayList<>(changed.size());
            for (Key k : changed) {
                rows.add(rowChange(k.table, k.id, k.table.live(k.id)));
            }
            s = s.with(rows, seen);
        }
        published = s;
    }

    /** Deletes everything, in memory and in the store. */
    public void wipe() {
        flushLock.lock();
        lock.lock();
        try {
            flush();
            if (shared != null) {
                release();
            }
            store.wipe();
            tables.values().forEach(Table::clearMemory);
            if (shared != null) {
                seen = -1;
            }
            builtShape = -1;
            published = null;
            lastQueued = null;
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

    /**
     * Row {@code id} of {@code table}, now {@code old}, is about to change, and {@code row} is the table's row for it
     * afterwards (null when it is removed and was absent). Refused outside a transaction, before any change.
     */
    <T> void touch(Table<T> table, String id, T old, Table.Row<T> row) {
        if (!inTransaction || !lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("write to " + table.kind() + " outside a transaction");
        }
        Key k = new Key(table, id, old, row);
        Key first = touched.putIfAbsent(k, k);
        if (first != null) {
            first.row = row; // the value before stays the first one; a row created again is a new row
        }
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
        for (Key k : touched.keySet()) {
            keys[i] = k;
            before[i] = k.before;
            after[i++] = k.after(); // read once, not once per listener
        }
        notify(keys, before, after);
    }

    private void notify(Key[] keys, Object[] before, Object[] after) {
        for (CommitListener l : listeners) {
            for (int i = 0; i < keys.length; i++) {
                l.changed(keys[i].table, keys[i].id, before[i], after[i]);
            }
        }
    }

    private void rollbackMemory() {
        List<Key> keys = new ArrayList<>(touched.keySet());
        for (int i = keys.size() - 1; i >= 0; i--) {
            restore(keys.get(i), keys.get(i).before);
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
            if (shared != null) {
                release();
            }
            store.close();
        } finally {
            lock.unlock();
            flushLock.unlock();
        }
    }
}
