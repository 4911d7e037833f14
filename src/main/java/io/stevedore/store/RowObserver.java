package io.stevedore.store;

/**
 * Told synchronously of every change to the rows of one {@link Table} in memory: writes, rollbacks, loads and a
 * shared store's refreshes alike, inside the database lock. For state derived from rows that must be current
 * within the transaction that changes them (indexes, caches marked dirty); {@link Database.CommitListener} is for
 * what should only see committed changes.
 *
 * @param <T> the row type
 */
public interface RowObserver<T> {
    /** Row {@code id} went from {@code before} to {@code after} ({@code null} = absent). */
    void changed(String id, T before, T after);

    /** Every row was dropped from memory (a wipe or a full reload follows). */
    default void cleared() {
    }

    /** An observer that runs {@code onChange} for each change and {@code onCleared} when every row is dropped. */
    static <T> RowObserver<T> of(RowObserver<T> onChange, Runnable onCleared) {
        return new RowObserver<>() {
            @Override
            public void changed(String id, T before, T after) {
                onChange.changed(id, before, after);
            }

            @Override
            public void cleared() {
                onCleared.run();
            }
        };
    }
}
