package io.stevedore.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: one SQLite database file {@code stevedore.db} in the data directory, WAL journal with
 * {@code synchronous=FULL} (a committed transaction survives {@code kill -9} and power loss), schema managed by
 * Flyway migrations under {@code db/migration}. One connection, used under this object's lock. One process at a
 * time: the data directory is locked ({@code stevedore.lock}, released by the operating system when the process
 * ends, however it ends), so a second {@code serve} on the same directory is refused instead of diverging.
 */
public final class SqliteResourceStore implements ResourceStore {
    public static final String FILE = "stevedore.db";
    /** Held so the level sticks: Flyway's INFO lines are noise on every start. */
    private static final java.util.logging.Logger FLYWAY_LOG = java.util.logging.Logger.getLogger("org.flywaydb");

    static {
        FLYWAY_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    public static final String LOCK_FILE = "stevedore.lock";

    private final Connection connection;
    private final FileChannel lockChannel;

    private SqliteResourceStore(Connection connection, FileChannel lockChannel) {
        this.connection = connection;
        this.lockChannel = lockChannel;
    }

    /**
     * Locks the data directory for this process. Within one JVM a directory may be reopened while an earlier,
     * abandoned store still holds it (the in-process crash tests do exactly that).
     */
    private static FileChannel lockDirectory(Path dataDir) {
        Path file = dataDir.resolve(LOCK_FILE);
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                if (ch.tryLock() == null) {
                    ch.close();
                    throw new IllegalStateException("another Stevedore process uses the data directory " + dataDir
                            + " (" + file + " is locked); stop it or choose another --data-dir");
                }
            } catch (OverlappingFileLockException sameJvm) {
                // held by an abandoned store of this JVM: keep this channel open without a lock of its own
            }
            return ch;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }

    public static SqliteResourceStore open(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir, e);
        }
        FileChannel lock = lockDirectory(dataDir);
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + dataDir.resolve(FILE).toAbsolutePath());
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        try {
            Connection c = ds.getConnection();
            c.setAutoCommit(false);
            return new SqliteResourceStore(c, lock);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open " + dataDir.resolve(FILE), e);
        }
    }

    @Override
    public synchronized SortedMap<String, String> loadAll(String kind) {
        SortedMap<String, String> out = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT id, json FROM resources WHERE kind = ?")) {
            ps.setString(1, kind);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + kind, e);
        }
        return out;
    }

    @Override
    public synchronized void apply(List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        try (PreparedStatement del = connection.prepareStatement("DELETE FROM resources WHERE kind = ? AND id = ?");
             PreparedStatement ins = connection.prepareStatement(
                     "INSERT INTO resources (kind, id, json) VALUES (?, ?, ?)")) {
            for (Change c : changes) {
                del.setString(1, c.kind());
                del.setString(2, c.id());
                del.executeUpdate();
                if (c.json() != null) {
                    ins.setString(1, c.kind());
                    ins.setString(2, c.id());
                    ins.setString(3, c.json());
                    ins.executeUpdate();
                }
            }
            connection.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw new IllegalStateException("cannot write " + changes.size() + " changes", e);
        }
    }

    @Override
    public synchronized void wipe() {
        try (Statement st = connection.createStatement()) {
            st.executeUpdate("DELETE FROM resources");
            connection.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw new IllegalStateException("cannot wipe the store", e);
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the original failure is what matters
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing is best effort
        }
        try {
            lockChannel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }
}
