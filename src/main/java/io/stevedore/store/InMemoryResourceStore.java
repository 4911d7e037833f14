package io.stevedore.store;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A store that keeps nothing beyond the process: the {@link Database}'s in-memory tables are the only copy. Made
 * for the simulator (hundreds of thousands of transactions per simulated month), where encoding every changed row
 * to JSON and writing it to SQLite would dominate the run; {@link #persists()} is false so the database skips
 * the encoding too. Not durable by design.
 */
public final class InMemoryResourceStore implements ResourceStore {
    @Override
    public SortedMap<String, String> loadAll(String kind) {
        return new TreeMap<>();
    }

    @Override
    public void apply(List<Change> changeList) {
        // nothing is kept: the database's tables are the state
    }

    @Override
    public boolean persists() {
        return false;
    }

    @Override
    public void wipe() {
        // nothing is kept
    }

    @Override
    public void close() {
        // nothing to release
    }
}
