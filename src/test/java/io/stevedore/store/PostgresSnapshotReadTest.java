package io.stevedore.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@link Database#read} over a real PostgreSQL database: a read does not wait for a writer inside its commit (which
 * holds the write lock) and sees only committed rows; a replica's read sees what another replica committed before
 * the read began. A {@link GatedStore} holds a commit until the test lets it go, so nothing depends on timing.
 */
class PostgresSnapshotReadTest extends PostgresReplicasTest {

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

    @Test
    void read_whileAWriterIsInsideItsCommit_isNotBlockedAndSeesOnlyCommittedRows() throws Exception {
        GatedStore store = new GatedStore(PostgresResourceStore.open(url));
        Database db = replica(store);
        Table<Doc> t = docs(db);
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
        Table<Doc> ta = docs(a);
        Table<Doc> tb = docs(b);
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
