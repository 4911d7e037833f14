package io.stevedore.store;

import java.util.List;

/**
 * A {@link ResourceStore} that several processes write (PostgreSQL). A {@link Database} over it opens a store
 * transaction with {@link #begin}, refreshes its memory with the rows other processes changed, runs the work,
 * and either {@link #commit}s or {@link #rollback}s. Writers are serialized by a store-wide write lock, and every
 * written row carries a revision from one global sequence, so "every row newer than the last revision seen"
 * is exactly what a process has missed.
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

    /**
     * Opens a transaction; with {@code lock} takes the write lock first. Returns what changed after
     * {@code since} ({@code since < 0}: everything).
     */
    Delta begin(long since, boolean lock);

    /** Takes the write lock inside the open transaction and returns what changed after {@code since}. */
    Delta lock(long since);

    /**
     * Writes the changes (the write lock must be held), checks the fence when one is given, and commits.
     *
     * @return the newest revision written, or {@code -1} when there was nothing to write
     * @throws FencedException when {@code fence} is no longer the current lease (nothing is written)
     */
    long commit(List<Change> changes, Fence fence);

    /** Ends the open transaction without writing. */
    void rollback();

    /**
     * The newest revision committed by any process (0 when none), read outside the open transaction and without
     * the write lock: a reader compares it with the revision its snapshot is as of.
     */
    long newestRevision();
}
