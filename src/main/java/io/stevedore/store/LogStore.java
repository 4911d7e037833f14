package io.stevedore.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * CloudWatch Logs' durable rows of one region: log groups (with tags and retention), log streams (with running
 * totals) and their events, in SQL tables of their own ({@code db/logs-sqlite}, {@code db/logs-postgresql}) and
 * under a lock of their own, so that ingestion never waits for the control loop's transaction. Every write is one
 * SQL transaction, committed before the method returns: an acknowledged PutLogEvents survives {@code kill -9}
 * (SQLite: WAL with {@code synchronous=FULL}; PostgreSQL: its commit).
 *
 * <p>Bounds: each stream keeps at most {@link Limits#maxStreamBytes} bytes and {@link Limits#maxStreamEvents}
 * events; an append that crosses either drops the stream's oldest events down to 90 % of the bound (so that a
 * stream at its bound is not trimmed on every append). Events older than their group's retention are deleted by
 * {@link #purgeExpired}; readers filter them out until then.
 */
public final class LogStore implements AutoCloseable {
    /** Held so the level sticks: Flyway's INFO lines are noise on every start. */
    private static final java.util.logging.Logger FLYWAY_LOG = java.util.logging.Logger.getLogger("org.flywaydb");

    static {
        FLYWAY_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    /** The size PutLogEvents counts per event on top of its message's UTF-8 bytes. */
    public static final int EVENT_OVERHEAD = 26;

    /**
     * How much one stream may keep.
     *
     * @param maxStreamBytes  stored bytes per stream (messages in UTF-8 plus 26 per event)
     * @param maxStreamEvents events per stream
     */
    public record Limits(long maxStreamBytes, long maxStreamEvents) {
        /** 64 MiB and 1,000,000 events per stream. */
        public static final Limits DEFAULT = new Limits(64L << 20, 1_000_000);

        public Limits {
            if (maxStreamBytes < 1 << 20 || maxStreamEvents < 10_000) {
                throw new IllegalArgumentException("a log stream must be allowed at least one full PutLogEvents"
                        + " batch (1 MiB, 10000 events): " + maxStreamBytes + " bytes, " + maxStreamEvents + " events");
            }
        }
    }

    /** A log group; {@code retentionDays} null = never expire. */
    public record Group(String name, long createdMillis, Integer retentionDays, String logGroupClass,
                        String kmsKeyId, long storedBytes) {
    }

    /** A log stream; the event timestamps are null until it has events. */
    public record Stream(long id, String group, String name, long createdMillis, Long firstEvent, Long lastEvent,
                         Long lastIngestion, long storedBytes, long storedEvents, long uploads) {
    }

    /** An event to store. */
    public record Input(long timestamp, String message) {
    }

    /** A stored event; {@code id} grows with ingestion and is never reused. */
    public record Event(long id, long streamId, long timestamp, long ingestionTime, String message) {
        /** The bytes it counts for (message in UTF-8 plus {@link #EVENT_OVERHEAD}). */
        public int size() {
            return utf8Length(message) + EVENT_OVERHEAD;
        }
    }

    /** A point in a stream's order (timestamp, then id); timestamps are not negative, so START precedes all. */
    public record Position(long timestamp, long id) {
        public static final Position START = new Position(-1, 0);
    }

    /**
     * The events of one read; {@code more} when the query had rows it did not return, and then {@code resume} is
     * the position after which the next read goes on (the last row this one consumed).
     */
    public record Page(List<Event> events, boolean more, Position resume) {
    }

    /** Appends waiting for the next group commit ({@link #append}). */
    private final java.util.ArrayDeque<PendingAppend> queue = new java.util.ArrayDeque<>();
    /** The open connection; null until {@link #connection()} opens it (a store in memory opens on first use). */
    private Connection connection;
    private final Opener opener;
    private boolean closed;
    private final boolean postgres;
    private final Limits limits;

    @FunctionalInterface
    private interface Opener {
        Connection open() throws SQLException;
    }

    private LogStore(Connection connection, boolean postgres, Limits limits) {
        this(() -> connection, postgres, limits);
        this.connection = connection;
    }

    private LogStore(Opener opener, boolean postgres, Limits limits) {
        this.opener = opener;
        this.postgres = postgres;
        this.limits = limits;
    }

    /** The connection, opened by the first statement of a lazily opened store (callers hold this store's lock). */
    private synchronized Connection connection() throws SQLException {
        if (connection == null) {
            if (closed) {
                throw new SQLException("The log store is closed");
            }
            connection = opener.open();
        }
        return connection;
    }

    /** The embedded store: {@code file} (SQLite, WAL, synchronous=FULL), created and migrated if need be. */
    public static LogStore sqlite(Path file, Limits limits) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + file.getParent(), e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        Flyway.configure().dataSource(ds).locations("classpath:db/logs-sqlite").load().migrate();
        try {
            Connection c = ds.getConnection();
            c.setAutoCommit(false);
            return new LogStore(c, false, limits);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the log store " + file, e);
        }
    }

    /**
     * A store in memory only (the simulator and tests): the same schema and SQL on an in-memory SQLite database,
     * created from the migration scripts directly (no Flyway: a simulation opens many planes). The database is made
     * by the first statement: a simulation, which never ships logs, does not load SQLite at all (about 0.2 s of its
     * start).
     */
    public static LogStore memory(Limits limits) {
        return new LogStore(LogStore::openMemory, false, limits);
    }

    private static Connection openMemory() {
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
            for (String script : List.of("V1__log_events.sql")) {
                String sql;
                try (var in = LogStore.class.getResourceAsStream("/db/logs-sqlite/" + script)) {
                    sql = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
                try (java.sql.Statement st = c.createStatement()) {
                    for (String statement : sql.split(";")) {
                        if (!statement.replaceAll("(?m)^--.*$", "").isBlank()) {
                            st.executeUpdate(statement);
                        }
                    }
                }
            }
            c.setAutoCommit(false);
            return c;
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("cannot create an in-memory log store", e);
        }
    }

    /** The log tables in a PostgreSQL database (replicas share them), versioned in {@code logs_schema_history}. */
    public static LogStore postgres(DatabaseUrl url, Limits limits) {
        Flyway.configure().dataSource(url.jdbcUrl(), url.user(), url.password()).locations("classpath:db/logs-postgresql")
                .table("logs_schema_history").baselineOnMigrate(true).baselineVersion("0").load().migrate();
        try {
            java.util.Properties p = new java.util.Properties();
            if (url.user() != null) {
                p.setProperty("user", url.user());
            }
            if (url.password() != null) {
                p.setProperty("password", url.password());
            }
            p.setProperty("ApplicationName", "stevedore-logs");
            Connection c = DriverManager.getConnection(url.jdbcUrl(), p);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            c.setAutoCommit(false);
            return new LogStore(c, true, limits);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + url, e);
        }
    }

    public Limits limits() {
        return limits;
    }

    // ---- groups ----------------------------------------------------------------------------------------------

    /** Creates a group with its tags; false when it exists. */
    public synchronized boolean createGroup(String name, long createdMillis, String logGroupClass, String kmsKeyId,
                                            Map<String, String> tags) {
        return write(() -> {
            if (groupRow(name).isPresent()) {
                return false;
            }
            try (PreparedStatement ps = connection().prepareStatement("INSERT INTO log_groups (name, created,"
                    + " retention_days, log_group_class, kms_key_id) VALUES (?, ?, NULL, ?, ?)")) {
                ps.setString(1, name);
                ps.setLong(2, createdMillis);
                ps.setString(3, logGroupClass);
                ps.setString(4, kmsKeyId);
                ps.executeUpdate();
            }
            putTags(name, tags);
            return true;
        });
    }

    /** Deletes a group, its tags, streams and events; false when it does not exist. */
    public synchronized boolean deleteGroup(String name) {
        return write(() -> {
            if (groupRow(name).isEmpty()) {
                return false;
            }
            update("DELETE FROM log_events WHERE stream_id IN (SELECT id FROM log_streams WHERE group_name = ?)",
                    name);
            update("DELETE FROM log_streams WHERE group_name = ?", name);
            update("DELETE FROM log_group_tags WHERE group_name = ?", name);
            update("DELETE FROM log_groups WHERE name = ?", name);
            return true;
        });
    }

    public synchronized Optional<Group> group(String name) {
        return read(() -> groupRow(name));
    }

    /** Every group whose name passes {@code filter}, by name, with its stored bytes. */
    public synchronized List<Group> groups(Predicate<String> filter) {
        return read(() -> {
            List<Group> out = new ArrayList<>();
            try (PreparedStatement ps = connection().prepareStatement("SELECT g.name, g.created, g.retention_days,"
                    + " g.log_group_class, g.kms_key_id, (SELECT COALESCE(SUM(s.stored_bytes), 0) FROM log_streams s"
                    + " WHERE s.group_name = g.name) FROM log_groups g ORDER BY g.name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (filter.test(rs.getString(1))) {
                        out.add(group(rs));
                    }
                }
            }
            out.sort(java.util.Comparator.comparing(Group::name)); // code-point order whatever the collation
            return out;
        });
    }

    /** Sets (or, with null, removes) a group's retention; false when the group does not exist. */
    public synchronized boolean setRetention(String name, Integer days) {
        return write(() -> {
            try (PreparedStatement ps = connection().prepareStatement(
                    "UPDATE log_groups SET retention_days = ? WHERE name = ?")) {
                if (days == null) {
                    ps.setNull(1, java.sql.Types.INTEGER);
                } else {
                    ps.setInt(1, days);
                }
                ps.setString(2, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** A group's tags, by key. */
    public synchronized Map<String, String> tags(String name) {
        return read(() -> {
            Map<String, String> out = new TreeMap<>();
            try (PreparedStatement ps = connection().prepareStatement(
                    "SELECT tag_key, tag_value FROM log_group_tags WHERE group_name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Adds or replaces {@code put} and removes {@code remove} among a group's tags, unless the result would have
     * more than {@code maxTags}; returns the tag count after the change, -1 when the group does not exist, and
     * changes nothing when the count would exceed {@code maxTags} (the count it would have is returned).
     */
    public synchronized int changeTags(String name, Map<String, String> put, Collection<String> remove, int maxTags) {
        return write(() -> {
            if (groupRow(name).isEmpty()) {
                return -1;
            }
            Map<String, String> now = new TreeMap<>(tagsOf(name));
            remove.forEach(now::remove);
            now.putAll(put);
            if (now.size() > maxTags) {
                return now.size();
            }
            for (String k : remove) {
                update("DELETE FROM log_group_tags WHERE group_name = ? AND tag_key = ?", name, k);
            }
            putTags(name, put);
            return now.size();
        });
    }

    // ---- streams ---------------------------------------------------------------------------------------------

    /** Creates a stream; false when it exists (the caller checked that the group exists). */
    public synchronized boolean createStream(String group, String name, long createdMillis) {
        return write(() -> {
            if (groupRow(group).isEmpty()) {
                throw new IllegalStateException("no log group " + group);
            }
            if (streamRow(group, name).isPresent()) {
                return false;
            }
            try (PreparedStatement ps = connection().prepareStatement(
                    "INSERT INTO log_streams (group_name, name, created) VALUES (?, ?, ?)")) {
                ps.setString(1, group);
                ps.setString(2, name);
                ps.setLong(3, createdMillis);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** Deletes a stream and its events; false when it does not exist. */
    public synchronized boolean deleteStream(String group, String name) {
        return write(() -> {
            Optional<Stream> s = streamRow(group, name);
            if (s.isEmpty()) {
                return false;
            }
            update("DELETE FROM log_events WHERE stream_id = ?", s.get().id());
            update("DELETE FROM log_streams WHERE id = ?", s.get().id());
            return true;
        });
    }

    public synchronized Optional<Stream> stream(String group, String name) {
        return read(() -> streamRow(group, name));
    }

    /** A group's streams whose names pass {@code filter}, by name. */
    public synchronized List<Stream> streams(String group, Predicate<String> filter) {
        return read(() -> {
            List<Stream> out = new ArrayList<>();
            try (PreparedStatement ps = connection().prepareStatement(STREAM_COLUMNS + " WHERE group_name = ?")) {
                ps.setString(1, group);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (filter.test(rs.getString(3))) {
                            out.add(stream(rs));
                        }
                    }
                }
            }
            out.sort(java.util.Comparator.comparing(Stream::name));
            return out;
        });
    }

    // ---- events ----------------------------------------------------------------------------------------------

    /**
     * Appends a chronological batch to a stream and trims the stream to its {@link Limits}; returns the stream after
     * the append, or empty when the stream no longer exists (nothing written). Durable when it returns.
     *
     * <p>Group commit: appends that arrive while another commits wait for the store's lock, and the first of them to
     * get it commits every waiting append in one SQL transaction (one disk sync for all), so that many containers
     * shipping at once share the cost of a durable commit. A failed transaction fails every append in it; none of
     * them is written.
     */
    public Optional<Stream> append(long streamId, List<Input> events, long ingestedMillis) {
        PendingAppend mine = new PendingAppend(streamId, events, ingestedMillis);
        synchronized (queue) {
            queue.add(mine);
        }
        synchronized (this) {
            if (!mine.done) {
                List<PendingAppend> batch;
                synchronized (queue) {
                    batch = new ArrayList<>(queue);
                    queue.clear();
                }
                commitAppends(batch);
            }
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.result;
    }

    /** One append waiting for a group commit, and its outcome. */
    private static final class PendingAppend {
        final long streamId;
        final List<Input> events;
        final long ingestedMillis;
        boolean done;
        Optional<Stream> result;
        RuntimeException failure;

        PendingAppend(long streamId, List<Input> events, long ingestedMillis) {
            this.streamId = streamId;
            this.events = events;
            this.ingestedMillis = ingestedMillis;
        }
    }

    /** Commits {@code batch} in one transaction (the caller holds the store's lock). */
    private void commitAppends(List<PendingAppend> batch) {
        try {
            List<Optional<Stream>> results = write(() -> {
                List<Optional<Stream>> out = new ArrayList<>(batch.size());
                for (PendingAppend p : batch) {
                    out.add(appendOne(p.streamId, p.events, p.ingestedMillis));
                }
                return out;
            });
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result = results.get(i);
            }
        } catch (RuntimeException e) {
            batch.forEach(p -> p.failure = e);
        } finally {
            batch.forEach(p -> p.done = true);
        }
    }

    private Optional<Stream> appendOne(long streamId, List<Input> events, long ingestedMillis) throws SQLException {
        long bytes = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (Input e : events) {
            bytes += utf8Length(e.message()) + EVENT_OVERHEAD;
            first = Math.min(first, e.timestamp());
            last = Math.max(last, e.timestamp());
        }
        int updated;
        try (PreparedStatement ps = connection().prepareStatement("UPDATE log_streams SET"
                + " first_event = CASE WHEN first_event IS NULL OR first_event > ? THEN ? ELSE first_event END,"
                + " last_event = CASE WHEN last_event IS NULL OR last_event < ? THEN ? ELSE last_event END,"
                + " last_ingestion = ?, stored_bytes = stored_bytes + ?, stored_events = stored_events + ?,"
                + " uploads = uploads + 1 WHERE id = ?")) {
            ps.setLong(1, first);
            ps.setLong(2, first);
            ps.setLong(3, last);
            ps.setLong(4, last);
            ps.setLong(5, ingestedMillis);
            ps.setLong(6, bytes);
            ps.setLong(7, events.size());
            ps.setLong(8, streamId);
            updated = ps.executeUpdate();
        }
        if (updated == 0) {
            return Optional.empty();
        }
        try (PreparedStatement ps = connection().prepareStatement("INSERT INTO log_events (stream_id, ts, ingested,"
                + " bytes, message) VALUES (?, ?, ?, ?, ?)")) {
            for (Input e : events) {
                ps.setLong(1, streamId);
                ps.setLong(2, e.timestamp());
                ps.setLong(3, ingestedMillis);
                ps.setInt(4, utf8Length(e.message()) + EVENT_OVERHEAD);
                ps.setString(5, postgres ? e.message().replace('\0', '\uFFFD') : e.message());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        Stream s = streamById(streamId).orElseThrow();
        if (s.storedBytes() > limits.maxStreamBytes() || s.storedEvents() > limits.maxStreamEvents()) {
            trim(s);
            s = streamById(streamId).orElseThrow();
        }
        return Optional.of(s);
    }

    /** Drops a stream's oldest events down to 90 % of both bounds. */
    private void trim(Stream s) throws SQLException {
        long freeBytes = s.storedBytes() - limits.maxStreamBytes() * 9 / 10;
        long freeEvents = s.storedEvents() - limits.maxStreamEvents() * 9 / 10;
        long bytes = 0;
        long count = 0;
        Position until = null;
        try (PreparedStatement ps = connection().prepareStatement(
                "SELECT ts, id, bytes FROM log_events WHERE stream_id = ? ORDER BY ts, id")) {
            ps.setFetchSize(1000);
            ps.setLong(1, s.id());
            try (ResultSet rs = ps.executeQuery()) {
                while ((bytes < freeBytes || count < freeEvents) && rs.next()) {
                    until = new Position(rs.getLong(1), rs.getLong(2));
                    bytes += rs.getInt(3);
                    count++;
                }
            }
        }
        if (until == null) {
            return;
        }
        update("DELETE FROM log_events WHERE stream_id = ? AND (ts < ? OR (ts = ? AND id <= ?))", s.id(),
                until.timestamp(), until.timestamp(), until.id());
        recount(s.id());
    }

    /**
     * One stream's events in (timestamp, id) order within {@code [from, to)}: {@code forward}, those after
     * {@code position}, oldest first; else those before it, newest first. At most {@code limit} events and
     * {@code maxBytes} bytes (at least one event).
     */
    public synchronized Page read(long streamId, Position position, boolean forward, long from, long to, int limit,
                                  long maxBytes) {
        return read(() -> {
            String sql = "SELECT id, stream_id, ts, ingested, message FROM log_events WHERE stream_id = ? AND ts >= ?"
                    + " AND ts < ? AND " + (forward ? "(ts > ? OR (ts = ? AND id > ?)) ORDER BY ts, id"
                    : "(ts < ? OR (ts = ? AND id < ?)) ORDER BY ts DESC, id DESC") + " LIMIT ?";
            try (PreparedStatement ps = connection().prepareStatement(sql)) {
                ps.setLong(1, streamId);
                ps.setLong(2, from);
                ps.setLong(3, to);
                ps.setLong(4, position.timestamp());
                ps.setLong(5, position.timestamp());
                ps.setLong(6, position.id());
                ps.setInt(7, limit + 1);
                return page(ps, limit, maxBytes);
            }
        });
    }

    /**
     * Events of a group's streams {@code streamIds} in (timestamp, id) order within {@code [from, to)} after
     * {@code position}, that pass {@code match}: at most {@code limit} of them and {@code maxBytes} bytes, looking
     * at no more than {@code scanLimit} rows; {@link Page#more} says whether the scan stopped early.
     */
    public synchronized Page scan(Collection<Long> streamIds, Position position, long from, long to,
                                  Predicate<Event> match, int limit, long maxBytes, int scanLimit) {
        if (streamIds.isEmpty()) {
            return new Page(List.of(), false, position);
        }
        return read(() -> {
            StringBuilder in = new StringBuilder();
            for (int i = 0; i < streamIds.size(); i++) {
                in.append(i == 0 ? "?" : ", ?");
            }
            String sql = "SELECT id, stream_id, ts, ingested, message FROM log_events WHERE stream_id IN (" + in
                    + ") AND ts >= ? AND ts < ? AND (ts > ? OR (ts = ? AND id > ?)) ORDER BY ts, id LIMIT ?";
            try (PreparedStatement ps = connection().prepareStatement(sql)) {
                int i = 1;
                for (long id : streamIds) {
                    ps.setLong(i++, id);
                }
                ps.setLong(i++, from);
                ps.setLong(i++, to);
                ps.setLong(i++, position.timestamp());
                ps.setLong(i++, position.timestamp());
                ps.setLong(i++, position.id());
                ps.setInt(i, scanLimit + 1);
                ps.setFetchSize(1000);
                List<Event> out = new ArrayList<>();
                long bytes = 0;
                int scanned = 0;
                Position consumed = position;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (scanned == scanLimit) {
                            return new Page(out, true, consumed);
                        }
                        scanned++;
                        Event e = event(rs);
                        if (match.test(e)) {
                            if (out.size() == limit || (!out.isEmpty() && bytes + e.size() > maxBytes)) {
                                return new Page(out, true, consumed);
                            }
                            out.add(e);
                            bytes += e.size();
                        }
                        consumed = new Position(e.timestamp(), e.id());
                    }
                }
                return new Page(out, false, consumed);
            }
        });
    }

    /**
     * Deletes the events older than their group's retention ({@code nowMillis} minus the retention days) and
     * updates the streams' totals; returns how many events went.
     */
    public synchronized long purgeExpired(long nowMillis) {
        return write(() -> {
            long deleted = 0;
            Map<Long, Long> expiring = new LinkedHashMap<>();
            try (PreparedStatement ps = connection().prepareStatement("SELECT s.id, g.retention_days FROM log_streams s"
                    + " JOIN log_groups g ON g.name = s.group_name WHERE g.retention_days IS NOT NULL"
                    + " AND s.first_event IS NOT NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    expiring.put(rs.getLong(1), nowMillis - rs.getInt(2) * 86_400_000L);
                }
            }
            for (Map.Entry<Long, Long> e : expiring.entrySet()) {
                int n = update("DELETE FROM log_events WHERE stream_id = ? AND ts < ?", e.getKey(), e.getValue());
                if (n > 0) {
                    deleted += n;
                    recount(e.getKey());
                }
            }
            return deleted;
        });
    }

    /** Deletes every group, stream and event (the admin reset). */
    public synchronized void wipe() {
        write(() -> {
            for (String t : List.of("log_events", "log_streams", "log_group_tags", "log_groups")) {
                update("DELETE FROM " + t);
            }
            return null;
        });
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing is best effort
        }
    }

    // ---- SQL helpers -----------------------------------------------------------------------------------------

    private static final String STREAM_COLUMNS = "SELECT id, group_name, name, created, first_event, last_event,"
            + " last_ingestion, stored_bytes, stored_events, uploads FROM log_streams";

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> T write(Work<T> work) {
        try {
            T result = work.run();
            connection().commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                if (connection != null) {
                    connection.rollback();
                }
            } catch (SQLException ignored) {
                // the original failure is what matters
            }
            throw e instanceof RuntimeException r ? r : new StoreException("log store: " + e.getMessage(), e);
        }
    }

    private <T> T read(Work<T> work) {
        return write(work); // a read ends its transaction too, so the next one sees new commits
    }

    private int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    private void putTags(String name, Map<String, String> tags) throws SQLException {
        for (Map.Entry<String, String> t : tags.entrySet()) {
            update("DELETE FROM log_group_tags WHERE group_name = ? AND tag_key = ?", name, t.getKey());
            update("INSERT INTO log_group_tags (group_name, tag_key, tag_value) VALUES (?, ?, ?)", name, t.getKey(),
                    t.getValue());
        }
    }

    private Map<String, String> tagsOf(String name) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (PreparedStatement ps = connection().prepareStatement(
                "SELECT tag_key, tag_value FROM log_group_tags WHERE group_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    private void recount(long streamId) throws SQLException {
        update("UPDATE log_streams SET stored_bytes = (SELECT COALESCE(SUM(bytes), 0) FROM log_events WHERE"
                + " stream_id = ?), stored_events = (SELECT COUNT(*) FROM log_events WHERE stream_id = ?),"
                + " first_event = (SELECT MIN(ts) FROM log_events WHERE stream_id = ?) WHERE id = ?",
                streamId, streamId, streamId, streamId);
    }

    private Optional<Group> groupRow(String name) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT g.name, g.created, g.retention_days,"
                + " g.log_group_class, g.kms_key_id, (SELECT COALESCE(SUM(s.stored_bytes), 0) FROM log_streams s"
                + " WHERE s.group_name = g.name) FROM log_groups g WHERE g.name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(group(rs)) : Optional.empty();
            }
        }
    }

    private static Group group(ResultSet rs) throws SQLException {
        int days = rs.getInt(3);
        Integer retention = rs.wasNull() ? null : days;
        return new Group(rs.getString(1), rs.getLong(2), retention, rs.getString(4), rs.getString(5), rs.getLong(6));
    }

    private Optional<Stream> streamRow(String group, String name) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(STREAM_COLUMNS + " WHERE group_name = ? AND name = ?")) {
            ps.setString(1, group);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(stream(rs)) : Optional.empty();
            }
        }
    }

    private Optional<Stream> streamById(long id) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(STREAM_COLUMNS + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(stream(rs)) : Optional.empty();
            }
        }
    }

    private static Stream stream(ResultSet rs) throws SQLException {
        return new Stream(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), longOrNull(rs, 5),
                longOrNull(rs, 6), longOrNull(rs, 7), rs.getLong(8), rs.getLong(9), rs.getLong(10));
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Event event(ResultSet rs) throws SQLException {
        return new Event(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5));
    }

    private static Page page(PreparedStatement ps, int limit, long maxBytes) throws SQLException {
        List<Event> out = new ArrayList<>();
        long bytes = 0;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Event e = event(rs);
                if (out.size() == limit || (!out.isEmpty() && bytes + e.size() > maxBytes)) {
                    return new Page(out, true, null);
                }
                out.add(e);
                bytes += e.size();
            }
        }
        return new Page(out, false, null);
    }

    /** The UTF-8 length of {@code s} without encoding it. */
    public static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
