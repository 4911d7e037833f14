package io.stevedore.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.testkit.PostgresExtension;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link Database#read} over a real PostgreSQL database: a read does not wait for a writer inside its commit (which
 * holds the write lock) and sees only committed rows; a replica's read sees what another replica committed before
 * the read began. A {@link GatedStore} holds a commit until the test lets it go, so nothing depends on timing.
 */
class PostgresSnapshotReadTest {
    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    record Doc(String id, int n) {
    }

    private final List<AutoCloseable> open = new ArrayList<>();
    private DatabaseUrl url;

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

    /** A PostgreSQL store whose {@link #commit} can be held at its start until {@link #letGo}. */
    static final class GatedStore extends ForwardingSharedStore {
        volatile CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch release = new CountDownLatch(0);

        GatedStore(SharedResourceStore real) {
            super(real);
        }

        void hold() {
            entered = new CountDownLatch(1);
            release = new CountDownLatch(1);
        }

        void letGo() {
            release.countDown();
        }

        @Override
        public long commit(List<Change> changes, Collection<Fence> fences) {
            if (!changes.isEmpty()) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return real.commit(changes, fences);
        }
    }

    private Database replica(SharedResourceStore store) {
        Database db = new Database(store);
        open.add(db);
        return db;
    }

    private static <T> T within(CompletableFuture<T> f) throws Exception {
        return f.get(60, TimeUnit.SECONDS); // a hang guard, not a timing assertion
    }

    @Test
    void read_whileAWriterIsInsideItsCommit_isNotBlockedAndSeesOnlyCommittedRows() throws Exception {
        GatedStore store = new GatedStore(PostgresResourceStore.open(url));
        Database db = replica(store);
        Table<Doc> t = db.table("doc", new JsonCodec<>(Doc.class));
        db.run(() -> t.put("x", new Doc("x", 1)));
        store.hold();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> db.run(() -> t.put("x", new Doc("x", 2))));
        store.entered.await(); // the writer holds the write lock, its commit not done

        Doc seen = within(CompletableFuture.supplyAsync(() -> db.read(() -> t.get("x").orElseThrow())));
        assertThat(seen).isEqualTo(new Doc("x", 1));
        assertThat(writer).isNotDone();
        store.letGo();
        within(writer);
        assertThat(db.read(() -> t.get("x").orElseThrow())).isEqualTo(new Doc("x", 2));
    }

    @Test
    void read_onAnotherReplica_seesWhatWasCommittedBeforeItBegan() {
        Database a = replica(PostgresResourceStore.open(url));
        Database b = replica(PostgresResourceStore.open(url));
        Table<Doc> ta = a.table("doc", new JsonCodec<>(Doc.class));
        Table<Doc> tb = b.table("doc", new JsonCodec<>(Doc.class));
        Index<Doc, Integer> byN = tb.index(Doc::n);
        a.run(() -> ta.put("x", new Doc("x", 1)));
        assertThat(b.read(() -> tb.get("x"))).contains(new Doc("x", 1));
        a.run(() -> {
            ta.put("x", new Doc("x", 2));
            ta.put("y", new Doc("y", 2));
        });
        assertThat(b.read(() -> byN.values(2))).containsExactly(new Doc("x", 2), new Doc("y", 2));
        a.run(() -> ta.remove("x"));
        assertThat(b.read(() -> byN.ids(2))).containsExactly("y");
        assertThat(b.read(() -> tb.ids())).containsExactly("y");
    }
}
