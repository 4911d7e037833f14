package io.stevedore.store;

import java.util.Optional;

/**
 * Which process runs the controllers. {@link #current()} is this process's fence while it holds the lease;
 * controller transactions pass it to {@link Database#transaction(Fence, java.util.function.Supplier)}.
 */
public interface Leadership extends AutoCloseable {

    /** This process's fence while it leads, empty otherwise. */
    Optional<Fence> current();

    @Override
    void close();

    /** A single process on an embedded store: always the leader (its data directory is locked to it). */
    static Leadership solo() {
        Optional<Fence> fence = Optional.of(new Fence("solo", 1));
        return new Leadership() {
            @Override
            public Optional<Fence> current() {
                return fence;
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }
}
