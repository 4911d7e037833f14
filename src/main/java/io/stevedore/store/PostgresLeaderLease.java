package io.stevedore.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Leader election through the {@code leader_lease} row: every {@code renewEvery} the holder extends its lease
 * by {@code ttl} and every other replica tries to take it once it has expired (database time). A killed
 * leader is replaced within {@code ttl + renewEvery}; a leader shutting down cleanly releases the lease so
 * another replica takes over at its next attempt. The holder stops claiming leadership locally as soon as a
 * renewal fails or {@code ttl} has passed since its last successful renewal, and the database refuses its
 * fenced writes from the moment the lease expires ({@link LeaseSql#holds}). Its own connection, so renewals
 * never wait behind the state's transactions.
 */
public final class PostgresLeaderLease implements Leadership {
    private final DatabaseUrl url;
    private final String holder;
    private final Duration ttl;
    private final ScheduledExecutorService timer;
    private final Consumer<String> log;
    private Connection connection;
    private volatile Fence fence;
    private volatile long validUntilNanos;

    /**
     * @param holder     this replica's unique name (host, process id and port, say)
     * @param ttl        how long a lease lasts without renewal
     * @param renewEvery how often the holder renews and the others try to take over
     * @param log        receives one line per change of leadership
     */
    public PostgresLeaderLease(DatabaseUrl url, String holder, Duration ttl, Duration renewEvery,
                               Consumer<String> log) {
        if (renewEvery.compareTo(ttl) >= 0 || renewEvery.isNegative() || renewEvery.isZero()) {
            throw new IllegalArgumentException("the lease must be renewed more often than it lasts: renew every "
                    + renewEvery + ", ttl " + ttl);
        }
        this.url = url;
        this.holder = holder;
        this.ttl = ttl;
        this.log = log;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stevedore-leader-lease");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::step, 0, renewEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    public String holder() {
        return holder;
    }

    @Override
    public Optional<Fence> current() {
        Fence f = fence;
        if (f == null || System.nanoTime() - validUntilNanos > 0) {
            return Optional.empty();
        }
        return Optional.of(f);
    }

    /** One renewal or takeover attempt (public for tests that drive the lease by hand). */
    public synchronized void step() {
        long started = System.nanoTime();
        double seconds = ttl.toMillis() / 1000.0;
        try {
            Connection c = connection();
            Fence f = fence;
            if (f != null) {
                if (LeaseSql.renew(c, f, seconds)) {
                    validUntilNanos = started + ttl.toNanos();
                } else {
                    lose(f, "lease expired or taken over");
                }
                return;
            }
            OptionalLong epoch = LeaseSql.acquire(c, holder, seconds);
            if (epoch.isPresent()) {
                validUntilNanos = started + ttl.toNanos();
                fence = new Fence(holder, epoch.getAsLong());
                log.accept("leader: " + holder + " now runs the controllers (epoch " + epoch.getAsLong() + ")");
            }
        } catch (SQLException | RuntimeException e) {
            dropConnection();
            Fence f = fence;
            if (f != null && System.nanoTime() - (validUntilNanos) > 0) {
                lose(f, "cannot renew: " + e.getMessage());
            }
        }
    }

    private void lose(Fence f, String why) {
        fence = null;
        log.accept("leader: " + holder + " stopped running the controllers (epoch " + f.epoch() + "): " + why);
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = PostgresResourceStore.connect(url);
            connection.setAutoCommit(true);
        }
        return connection;
    }

    private void dropConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // dropped either way
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            Fence f = fence;
            fence = null;
            if (f != null) {
                try {
                    LeaseSql.release(connection(), f);
                } catch (SQLException ignored) {
                    // the lease simply expires
                }
            }
            dropConnection();
        }
    }
}
