package io.stevedore.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Two {@link Database}s (two replicas) over one real PostgreSQL database. */
class PostgresResourceStoreTest extends PostgresReplicasTest {
    private final Map<Table<Doc>, Database> databases = new IdentityHashMap<>();

    private Table<Doc> replica() {
        Database db = replica(PostgresResourceStore.open(url));
        Table<Doc> t = docs(db);
        databases.put(t, db);
        return t;
    }

    private <T> T tx(Table<Doc> t, java.util.function.Supplier<T> work) {
        return dbOf(t).transaction(work);
    }

    private List<Doc> values(Table<Doc> t) {
        return dbOf(t).transaction(t::values);
    }

    private Database dbOf(Table<Doc> t) {
        return databases.get(t);
    }

    private void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), "stevedore", "");
             Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    @Test
    void writeUpdateDelete_onOneReplica_seenByTheOtherAtItsNextTransaction() {
        Table<Doc> a = replica();
        Table<Doc> b = replica();
        tx(a, () -> {
            a.put("x", new Doc("x", 1));
            a.put("y", new Doc("y", 1));
            return null;
        });
        assertThat(values(b)).containsExactly(new Doc("x", 1), new Doc("y", 1));
        tx(a, () -> {
            a.put("x", new Doc("x", 2));
            a.remove("y");
            return null;
        });
        assertThat(values(b)).containsExactly(new Doc("x", 2));
        tx(b, () -> {
            b.put("z", new Doc("z", 3));
            return null;
        });
        assertThat(values(a)).containsExactly(new Doc("x", 2), new Doc("z", 3));
    }

    @Test
    void failedWork_writesNothing_andMemoryStaysAsStored() {
        Table<Doc> a = replica();
        Table<Doc> b = replica();
        assertThatThrownBy(() -> tx(a, () -> {
            a.put("x", new Doc("x", 1));
            throw new IllegalArgumentException("refused");
        })).hasMessage("refused");
        assertThat(values(a)).isEmpty();
        assertThat(values(b)).isEmpty();
    }

    @Test
    void purgedTombstones_replicaBehindTheHorizon_reloadsEverything() throws Exception {
        Table<Doc> a = replica();
        Table<Doc> b = replica();
        tx(a, () -> {
            a.put("x", new Doc("x", 1));
            a.put("y", new Doc("y", 1));
            return null;
        });
        assertThat(values(b)).hasSize(2);
        tx(a, () -> {
            a.remove("y");
            return null;
        });
        sql("DELETE FROM resources WHERE json IS NULL");
        sql("UPDATE store_meta SET value = (SELECT last_value FROM resource_revision) "
                + "WHERE name = 'tombstone_horizon'");
        assertThat(values(b)).containsExactly(new Doc("x", 1));
    }

    @Test
    void readOnlyTransaction_takesNoWriteLock_writeWaitsForIt() throws Exception {
        Table<Doc> a = replica();
        Table<Doc> b = replica();
        tx(a, () -> {
            a.put("x", new Doc("x", 1));
            return null;
        });
        try (Connection holder = DriverManager.getConnection(url.jdbcUrl(), "stevedore", "")) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + PostgresResourceStore.WRITE_LOCK + ")");
            }
            assertThat(values(b)).containsExactly(new Doc("x", 1));
            CompletableFuture<Object> write = CompletableFuture.supplyAsync(() -> tx(b, () -> {
                b.put("y", new Doc("y", 2));
                return null;
            }));
            assertThatThrownBy(() -> write.get(500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            holder.commit();
            write.get(10, TimeUnit.SECONDS);
        }
        assertThat(values(a)).containsExactly(new Doc("x", 1), new Doc("y", 2));
    }

    @Test
    void wipe_onOneReplica_emptiesTheOther() {
        Table<Doc> a = replica();
        Table<Doc> b = replica();
        tx(a, () -> {
            a.put("x", new Doc("x", 1));
            return null;
        });
        assertThat(values(b)).hasSize(1);
        dbOf(a).wipe();
        assertThat(values(b)).isEmpty();
    }

    @Test
    void fencedTransaction_withoutTheLease_isRefusedAndWritesNothing() throws Exception {
        Table<Doc> a = replica();
        Table<Doc> b = replica();
        Fence nobody = new Fence("nobody", 7);
        assertThatThrownBy(() -> dbOf(a).transaction(nobody, () -> {
            a.put("x", new Doc("x", 1));
            return null;
        })).isInstanceOf(FencedException.class);
        assertThat(values(a)).isEmpty();
        assertThat(values(b)).isEmpty();
        sql("UPDATE leader_lease SET holder = 'nobody', epoch = 7, expires_at = clock_timestamp() + interval '1 hour'");
        dbOf(a).transaction(nobody, () -> {
            a.put("x", new Doc("x", 1));
            return null;
        });
        assertThat(values(b)).containsExactly(new Doc("x", 1));
        sql("UPDATE leader_lease SET expires_at = clock_timestamp() - interval '1 second'");
        assertThatThrownBy(() -> dbOf(a).transaction(nobody, () -> {
            a.put("x", new Doc("x", 2));
            return null;
        })).isInstanceOf(FencedException.class);
        assertThat(values(b)).containsExactly(new Doc("x", 1));
    }
}
