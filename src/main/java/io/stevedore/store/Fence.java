package io.stevedore.store;

import java.util.Objects;

/**
 * The proof a controller write carries: the lease holder and the epoch it was granted. A store shared by
 * several processes commits a fenced transaction only while the lease still names this holder and epoch and
 * has not expired (checked inside the same database transaction), so a deposed leader cannot write.
 *
 * @param holder the process that holds the controller lease
 * @param epoch  the lease's epoch (grows with every change of holder)
 */
public record Fence(String holder, long epoch) {
    public Fence {
        Objects.requireNonNull(holder, "holder");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0: " + epoch);
        }
    }
}
