package io.stevedore.store;

import java.util.Collection;
import java.util.List;

/**
 * A {@link ResourceStore} that several processes write (PostgreSQL). Writers are serialized by a store-wide write
 * lock, and every written row carries a revision from one global sequence, so "every row newer than the last
 * revision seen" is exactly what a process has missed. A {@link Database} over it refreshes its memory with
 * {@link #changes} (no lock) or {@link #lock} (the write lock, held across commits until {@link #unlock}), and
 * while it holds the lock writes groups of transactions with {@link #commit}, one store transaction each.
 */
public interface SharedResourceStore extends ResourceStore {

    /** One stored row; {@code json == null} is a tombstone (the row was deleted). */
    record Row(String kind, String id, String json, long revision) {
    }

    /**
     * The rows changed after a revision.
     *
     * @param full     true: {@code rows} is the whole state (replace memory), false: changes to apply
     * @param rows     in revision order
     * @param revision the newest revision the caller has now seen
     */
    record Delta(boolean full, List<Row> rows, long revision) {
        public Delta {
            rows = List.copyOf(rows);
        }
    }

    /** What changed after {@code since} ({@code since < 0}: everything), read without the write lock. */
    Delta changes(long since);

    /**
     * Takes the write lock for this process, waiting for another holder, and returns what changed after
     * {@code since}. The lock stays held across {@link #commit}s until {@link #unlock}, or until the connection
     * that holds it is lost; while it is held no other process commits a row.
     */
    Delta lock(long since);

    /** Releases the write lock; nothing happens when it is not held (a lost connection released it). */
    void unlock();

    /**
     * Writes the changes of a group of transactions in one store transaction and commits it. Every fence is checked
     * first, inside that transaction, and stays the current lease until the commit (a takeover waits for it).
     *
     * @return the newest revision written, or {@code -1} when there was nothing to write
     * @throws FencedException naming a fence that is not the current lease (nothing is written)
     * @throws StoreException  when the write lock is not held (its connection was lost), or on any failure (the
     *                         outcome of the commit is then unknown)
     */
    long commit(List<Change> changes, Collection<Fence> fences);

    /** True when another process waits for the write lock this process holds. */
    boolean othersWaiting();

    /**
     * The newest revision committed by any process (0 when none), read outside the open transaction and without
     * the write lock: a reader compares it with the revision its snapshot is as of.
     */
    long newestRevision();
}
