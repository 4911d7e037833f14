package io.stevedore.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The concurrency guarantees of {@link Database} over the real SQLite store: a read does not wait for a writer in
 * its commit and does not see that writer's rows before they are durable; one flush acknowledges every writer
 * queued behind it; a flush that fails fails every transaction of its group and after it, and leaves memory equal
 * to the store. A {@link GatedStore} holds a commit inside the store until the test lets it go, so nothing depends
 * on timing (the waits for futures only guard against a hang).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a failure while a writer is held at the
// gate fails the test instead of hanging the run (the held writer keeps the flush lock that close() waits for)
class GroupCommitTest {
    record Doc(String id, int n) {
    }

    @TempDir
    Path dir;

    private GatedStore store;

    private Database open() {
        store = new GatedStore(SqliteResourceStore.open(dir));
        return new Database(store);
    }

    private static Table<Doc> docs(Database db) {
        return db.table("doc", new JsonCodec<>(Doc.class));
    }

    private static <T> T within(CompletableFuture<T> f) throws Exception {
        return f.get(60, TimeUnit.SECONDS); // a hang guard, not a timing assertion
    }

    /** Waits until {@code t} is parked (here: waiting for the flush of its group). */
    private static void parked(Thread t) throws InterruptedException {
        while (t.getState() != Thread.State.WAITING) {
            Thread.sleep(1);
        }
    }

    private static Thread writer(Database db, Table<Doc> t, Doc d, CompletableFuture<Void> done) {
        Thread th = new Thread(() -> {
            try {
                db.run(() -> t.put(d.id(), d));
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        th.start();
        return th;
    }

    @Test
    void read_whileAWriterIsInsideItsCommit_isNotBlockedAndSeesOnlyDurableRows() throws Exception {
        try (Database db = open()) {
            Table<Doc> t = docs(db);
            db.run(() -> t.put("x", new Doc("x", 1)));
            store.hold();
            CompletableFuture<Void> first = new CompletableFuture<>();
            writer(db, t, new Doc("x", 2), first);
            store.entered.await(); // the writer's flush is inside the store, not durable yet

            Doc seen = within(CompletableFuture.supplyAsync(() -> db.read(() -> t.get("x").orElseThrow())));
            assertThat(seen).isEqualTo(new Doc("x", 1));
            // a second writer runs in memory meanwhile (it needs the write lock, not the flush)
            CountDownLatch ran = new CountDownLatch(1);
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> db.run(() -> {
                t.put("y", new Doc("y", 1));
                ran.countDown();
            }));
            assertThat(ran.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(first).isNotDone();
            assertThat(second).isNotDone();

            store.letGo();
            within(first);
            within(second);
            assertThat(db.<List<Doc>>read(t::values)).containsExactly(new Doc("x", 2), new Doc("y", 1));
        }
    }

    @Test
    void groupCommit_oneFlushAcknowledgesEveryWriterQueuedBehindTheFlushUnderWay() throws Exception {
        int writers = 5;
        try (Database db = open()) {
            Table<Doc> t = docs(db);
            store.hold();
            CompletableFuture<Void> first = new CompletableFuture<>();
            writer(db, t, new Doc("a", 0), first);
            store.entered.await();
            List<CompletableFuture<Void>> queued = new ArrayList<>();
            for (int i = 1; i <= writers; i++) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                parked(writer(db, t, new Doc("q" + i, i), f));
                queued.add(f);
            }
            assertThat(queued).noneMatch(CompletableFuture::isDone);
            store.letGo();
            within(first);
            for (CompletableFuture<Void> f : queued) {
                within(f);
            }
            assertThat(store.batches()).containsExactly(1, writers);
        }
        try (Database db = new Database(SqliteResourceStore.open(dir))) {
            assertThat(docs(db).ids()).containsExactly("a", "q1", "q2", "q3", "q4", "q5");
        }
    }

    @Test
    void failedFlush_failsItsGroupAndEveryLaterTransaction_andMemoryEqualsTheStore() throws Exception {
        try (Database db = open()) {
            Table<Doc> t = docs(db);
            AtomicInteger rollbacks = rollbacksOf(db);
            db.run(() -> t.put("x", new Doc("x", 1)));
            store.hold();
            store.failNext = true;
            CompletableFuture<Void> first = new CompletableFuture<>();
            writer(db, t, new Doc("x", 2), first);
            store.entered.await();
            CompletableFuture<Void> later = new CompletableFuture<>();
            parked(writer(db, t, new Doc("y", 1), later)); // ran on top of x=2, queued behind its flush
            int before = rollbacks.get();
            store.letGo();
            for (CompletableFuture<Void> f : List.of(first, later)) {
                assertThatThrownBy(() -> within(f)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(StoreException.class).hasMessageContaining("disk full");
            }
            assertThat(rollbacks.get()).isGreaterThan(before);
            assertThat(db.<List<Doc>>transaction(t::values)).containsExactly(new Doc("x", 1));
            assertThat(db.<List<Doc>>read(t::values)).containsExactly(new Doc("x", 1));
            db.run(() -> t.put("z", new Doc("z", 3))); // the store takes writes again
            assertThat(db.<List<Doc>>read(t::values)).containsExactly(new Doc("x", 1), new Doc("z", 3));
        }
        try (Database db = new Database(SqliteResourceStore.open(dir))) {
            assertThat(docs(db).values()).containsExactly(new Doc("x", 1), new Doc("z", 3));
        }
    }

    @Test
    void read_answersFromIndexesOfTheSnapshot_andATableDeclaredLaterIsReadUnderTheLock() throws Exception {
        try (Database db = open()) {
            Table<Doc> t = docs(db);
            Index<Doc, Integer> byN = t.index(Doc::n);
            db.run(() -> {
                t.put("a", new Doc("a", 1));
                t.put("b", new Doc("b", 2));
                t.put("c", new Doc("c", 1));
            });
            assertThat(db.read(() -> byN.values(1))).containsExactly(new Doc("a", 1), new Doc("c", 1));
            db.run(() -> t.put("a", new Doc("a", 2)));
            assertThat(db.read(() -> byN.ids(2))).containsExactly("a", "b");
            assertThat(db.read(() -> byN.count(1))).isEqualTo(1);
            assertThat(db.<List<Integer>>read(byN::keys)).containsExactlyInAnyOrder(1, 2);

            Table<Doc> late = db.table("late", new JsonCodec<>(Doc.class));
            assertThat(db.read(() -> late.size() + t.size())).isEqualTo(3);
            // a read that writes runs again as a transaction, and its write is durable when it returns
            assertThat(db.read(() -> {
                late.put("w", new Doc("w", 9));
                return late.size();
            })).isEqualTo(1);
        }
        try (Database db = new Database(SqliteResourceStore.open(dir))) {
            assertThat(db.table("late", new JsonCodec<>(Doc.class)).ids()).containsExactly("w");
        }
    }

    /** How many times {@code db} told its listeners that memory was rolled back, from now on. */
    static AtomicInteger rollbacksOf(Database db) {
        AtomicInteger rollbacks = new AtomicInteger();
        db.addCommitListener(new Database.CommitListener() {
            @Override
            public void changed(String kind, String id, Object value) {
            }

            @Override
            public void rolledBack() {
                rollbacks.incrementAndGet();
            }
        });
        return rollbacks;
    }

    /** A SQLite store whose {@link #apply} can be held at its start, or made to fail, and that records its batches. */
    static final class GatedStore extends ForwardingStore<ResourceStore> {
        volatile CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch release = new CountDownLatch(0);
        volatile boolean failNext;
        final List<Integer> batches = new ArrayList<>();

        GatedStore(ResourceStore real) {
            super(real);
        }

        /** The next apply stops at its start until {@link #letGo}; {@link #entered} opens when it gets there. */
        void hold() {
            entered = new CountDownLatch(1);
            release = new CountDownLatch(1);
        }

        void letGo() {
            release.countDown();
        }

        List<Integer> batches() {
            synchronized (batches) {
                return new ArrayList<>(batches);
            }
        }

        @Override
        public void apply(List<Change> changes) {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            synchronized (batches) {
                batches.add(changes.size());
            }
            if (failNext) {
                failNext = false;
                throw new IllegalStateException("disk full");
            }
            real.apply(changes);
        }
    }
}
