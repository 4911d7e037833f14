package io.stevedore.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;

/**
 * State in PostgreSQL, shared by every {@code serve} replica on the same database. Schema by Flyway migrations
 * under {@code db/postgresql}. Writers hold the advisory lock {@link #WRITE_LOCK}: a {@link Database} takes it at
 * session level ({@link #lock}) and keeps it across the commits of its groups until nothing is queued
 * ({@link #unlock}), so writes commit one holder after another and the revisions visible in any snapshot are a
 * prefix of the sequence; readers take no lock. One connection, used under this object's lock; a connection that
 * failed is replaced on the next call (and the caller reloads everything, since the outcome of the failed call is
 * unknown), and the write lock is lost with it: {@link #commit} refuses to write until it is taken again. A second
 * connection, under its own lock, answers {@link #newestRevision} while the first one is busy.
 */
public final class PostgresResourceStore implements SharedResourceStore {
    /** The advisory lock key of all writes ("Stevedore" in ASCII, truncated to 8 bytes). */
    public static final long WRITE_LOCK = 0x5374657665646f72L;
    /** Tombstones are purged once they are this many revisions old. */
    static final long TOMBSTONE_RETENTION = 5_000;
    private static final String UPSERT = "INSERT INTO resources (kind, id, json, revision) VALUES (?, ?, ?, "
            + "nextval('resource_revision')) ON CONFLICT (kind, id) DO UPDATE SET json = EXCLUDED.json, "
            + "revision = EXCLUDED.revision";

    /** Held so the level sticks: Flyway's INFO lines are noise on every start. */
    private static final java.util.logging.Logger FLYWAY_LOG = java.util.logging.Logger.getLogger("org.flywaydb");

    static {
        FLYWAY_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final DatabaseUrl url;
    private Connection connection;
    /** This process holds the session-level write lock on {@link #connection}. */
    private boolean locked;
    private long commits;
    private final Object probeLock = new Object();
    private Connection probe;

    private PostgresResourceStore(DatabaseUrl url) {
        this.url = url;
    }

    /** Migrates the schema and connects. */
    public static PostgresResourceStore open(DatabaseUrl url) {
        migrate(url);
        PostgresResourceStore s = new PostgresResourceStore(url);
        s.connection();
        return s;
    }

    static void migrate(DatabaseUrl url) {
        Flyway.configure().dataSource(url.jdbcUrl(), url.user(), url.password())
                .locations("classpath:db/postgresql").load().migrate();
    }

    static Connection connect(DatabaseUrl url) throws SQLException {
        Properties p = new Properties();
        if (url.user() != null) {
            p.setProperty("user", url.user());
        }
        if (url.password() != null) {
            p.setProperty("password", url.password());
        }
        p.setProperty("ApplicationName", "stevedore");
        p.setProperty("tcpKeepAlive", "true");
        Connection c = DriverManager.getConnection(url.jdbcUrl(), p);
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        c.setAutoCommit(false);
        return c;
    }

    private Connection connection() {
        if (connection == null) {
            try {
                connection = connect(url);
            } catch (SQLException e) {
                throw new StoreException("cannot connect to " + url.redacted() + ": " + e.getMessage(), e);
            }
        }
        return connection;
    }

    private StoreException failed(String what, SQLException e) {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // the connection is dropped either way
        }
        connection = null;
        locked = false;
        return new StoreException(what + " (PostgreSQL: " + e.getMessage() + ")", e);
    }

    @Override
    public synchronized SortedMap<String, String> loadAll(String kind) {
        SortedMap<String, String> out = new TreeMap<>();
        Connection c = connection();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, json FROM resources WHERE kind = ? AND json IS NOT NULL")) {
            ps.setString(1, kind);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw failed("cannot read " + kind, e);
        }
        return out;
    }

    @Override
    public synchronized void apply(List<Change> changes) {
        Connection c = connection();
        try {
            takeTransactionLock();
            write(c, changes);
            c.commit();
        } catch (SQLException e) {
            throw failed("cannot write " + changes.size() + " changes (outcome unknown)", e);
        }
    }

    @Override
    public synchronized Delta changes(long since) {
        Delta d = delta(since);
        try {
            connection.commit();
        } catch (SQLException e) {
            throw failed("cannot read changes", e);
        }
        return d;
    }

    @Override
    public synchronized Delta lock(long since) {
        if (!locked) {
            try (PreparedStatement ps = connection().prepareStatement("SELECT pg_advisory_lock(?)")) {
                ps.setLong(1, WRITE_LOCK);
                ps.executeQuery().close();
            } catch (SQLException e) {
                throw failed("cannot take the write lock", e);
            }
            locked = true;
        }
        return changes(since);
    }

    @Override
    public synchronized void unlock() {
        if (!locked) {
            return;
        }
        Connection c = connection;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            c.rollback();
            ps.setLong(1, WRITE_LOCK);
            ps.executeQuery().close();
            c.commit();
            locked = false;
        } catch (SQLException e) {
            throw failed("cannot release the write lock", e); // dropping the connection releases it
        }
    }

    @Override
    public synchronized boolean othersWaiting() {
        if (!locked) {
            return false;
        }
        Connection c = connection;
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE "
                + "locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = "
                + "current_database()) AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 1 "
                + "AND NOT granted)")) {
            ps.setLong(1, WRITE_LOCK >>> 32);
            ps.setLong(2, WRITE_LOCK & 0xffffffffL);
            boolean waiting;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                waiting = rs.getBoolean(1);
            }
            c.commit();
            return waiting;
        } catch (SQLException e) {
            throw failed("cannot read the lock queue", e);
        }
    }

    /** Takes the write lock for the open transaction only (a write outside {@link Database}'s groups). */
    private void takeTransactionLock() throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, WRITE_LOCK);
            ps.executeQuery().close();
        }
    }

    private Delta delta(long since) {
        try {
            if (since >= 0) {
                List<Row> rows = rows("SELECT kind, id, json, revision FROM resources WHERE revision > ? "
                        + "ORDER BY revision", since);
                if (horizon() <= since) {
                    long rev = rows.isEmpty() ? since : rows.get(rows.size() - 1).revision();
                    return new Delta(false, rows, rev);
                }
            }
            List<Row> all = rows("SELECT kind, id, json, revision FROM resources WHERE revision > ? "
                    + "ORDER BY revision", -1);
            long rev = all.isEmpty() ? 0 : all.get(all.size() - 1).revision();
            return new Delta(true, all, Math.max(rev, horizon()));
        } catch (SQLException e) {
            throw failed("cannot read changes", e);
        }
    }

    private List<Row> rows(String sql, long since) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = connection().prepareStatement(sql)) {
            ps.setLong(1, since);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
                }
            }
        }
        return out;
    }

    private long horizon() throws SQLException {
        try (Statement st = connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT value FROM store_meta WHERE name = 'tombstone_horizon'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @Override
    public synchronized long commit(List<Change> changes, Collection<Fence> fences) {
        if (!locked) {
            throw new StoreException("cannot write " + changes.size() + " changes: the write lock was lost with its "
                    + "connection to " + url.redacted(), null);
        }
        Connection c = connection;
        try {
            for (Fence fence : fences) {
                if (!LeaseSql.holds(c, fence)) {
                    c.rollback();
                    throw new FencedException(fence);
                }
            }
            long revision = write(c, changes);
            if (revision >= 0 && ++commits % 500 == 0) {
                purgeTombstones(c, revision - TOMBSTONE_RETENTION);
            }
            c.commit();
            return revision;
        } catch (SQLException e) {
            throw failed("cannot write " + changes.size() + " changes (outcome unknown)", e);
        }
    }

    /** Upserts the changes in the open transaction: the newest revision written, -1 when there are none. */
    private static long write(Connection c, List<Change> changes) throws SQLException {
        if (changes.isEmpty()) {
            return -1;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            for (Change ch : changes) {
                ps.setString(1, ch.kind());
                ps.setString(2, ch.id());
                ps.setString(3, ch.json());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT currval('resource_revision')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** How many commits wrote rows since this store was opened. */
    synchronized long commits() {
        return commits;
    }

    private static void purgeTombstones(Connection c, long below) throws SQLException {
        if (below <= 0) {
            return;
        }
        try (PreparedStatement del = c.prepareStatement("DELETE FROM resources WHERE json IS NULL AND revision <= ?");
             PreparedStatement meta = c.prepareStatement("UPDATE store_meta SET value = GREATEST(value, ?) "
                     + "WHERE name = 'tombstone_horizon'")) {
            del.setLong(1, below);
            del.executeUpdate();
            meta.setLong(1, below);
            meta.executeUpdate();
        }
    }

    @Override
    public long newestRevision() {
        synchronized (probeLock) {
            try {
                if (probe == null) {
                    probe = connect(url);
                    probe.setAutoCommit(true);
                }
                try (Statement st = probe.createStatement();
                     ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(revision), 0) FROM resources")) {
                    rs.next();
                    return rs.getLong(1);
                }
            } catch (SQLException e) {
                closeProbe();
                throw new StoreException("cannot read the newest revision from " + url.redacted() + " (PostgreSQL: "
                        + e.getMessage() + ")", e);
            }
        }
    }

    private void closeProbe() {
        try {
            if (probe != null) {
                probe.close();
            }
        } catch (SQLException ignored) {
            // the probe connection is dropped either way
        }
        probe = null;
    }

    @Override
    public synchronized void wipe() {
        try (Statement st = connection().createStatement()) {
            takeTransactionLock();
            st.executeUpdate("UPDATE resources SET json = NULL, revision = nextval('resource_revision') "
                    + "WHERE json IS NOT NULL");
            connection.commit();
        } catch (SQLException e) {
            throw failed("cannot wipe the store", e);
        }
    }

    @Override
    public synchronized void close() {
        synchronized (probeLock) {
            closeProbe();
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing is best effort
            }
            connection = null;
            locked = false;
        }
    }
}
