package io.stevedore.store;

import java.util.List;
import java.util.SortedMap;

/**
 * Durable key-value documents grouped by kind. {@link #apply} is atomic and durable when it returns: an
 * acknowledged change survives a crash of the process (and, with the SQLite store, of the machine).
 */
public interface ResourceStore extends AutoCloseable {

    /** One change: {@code json == null} deletes the row. */
    record Change(String kind, String id, String json) {
        public Change {
            if (kind == null || kind.isEmpty() || id == null || id.isEmpty()) {
                throw new IllegalArgumentException("a change needs a kind and an id");
            }
        }
    }

    /** Every row of a kind, id order. */
    SortedMap<String, String> loadAll(String kind);

    /** Applies all changes in one transaction. */
    void apply(List<Change> changes);

    /**
     * Whether {@link #apply} keeps the documents. The database neither encodes nor applies changes for a store
     * that does not (the simulator's {@link InMemoryResourceStore}).
     */
    default boolean persists() {
        return true;
    }

    /** Deletes every row (the admin reset). */
    void wipe();

    @Override
    void close();
}
