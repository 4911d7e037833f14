package io.stevedore.store;

import io.stevedore.testkit.PostgresExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the tests of replicas over one real PostgreSQL database share: a fresh database per test, replicas
 * ({@link Database}s over a {@link SharedResourceStore}) closed after it, a table of {@link Doc}s.
 */
abstract class PostgresReplicasTest {
    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    record Doc(String id, int n) {
    }

    private final List<AutoCloseable> open = new ArrayList<>();
    DatabaseUrl url;

    @BeforeEach
    void database() throws Exception {
        url = new DatabaseUrl(PG.newDatabase(), "stevedore", null);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A replica over {@code store}, closed after the test. */
    Database replica(SharedResourceStore store) {
        Database db = new Database(store);
        open.add(db);
        return db;
    }

    static Table<Doc> docs(Database db) {
        return db.table("doc", new JsonCodec<>(Doc.class));
    }

    static <T> T within(CompletableFuture<T> f) throws Exception {
        return f.get(60, TimeUnit.SECONDS); // a hang guard, not a timing assertion
    }
}
