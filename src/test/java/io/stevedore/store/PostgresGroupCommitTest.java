package io.stevedore.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Group commit over a real PostgreSQL database: one COMMIT acknowledges every writer queued behind the flush under
 * way; a flush whose connection is killed fails its group and every transaction after it, memory rolled back to
 * what the database holds; a fence refused inside a group fails only the fenced transaction, the ones before it
 * committed and the ones after it run again; replicas writing the same row concurrently lose no update; a replica
 * that another replica waits for hands the write lock over before running more. Gates hold commits until
 * the test lets them go, so the grouping does not depend on timing (the waits for futures only guard against a
 * hang).
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PostgresGroupCommitTest extends PostgresReplicasTest {

    /** Waits until {@code t} is parked (here: waiting for the flush of its group). */
    private static void parked(Thread t) throws InterruptedException {
        while (t.getState() != Thread.State.WAITING) {
            Thread.sleep(1);
        }
    }

    private static <T> Thread start(Supplier<T> work, CompletableFuture<T> done) {
        Thread th = new Thread(() -> {
            try {
                done.complete(work.get());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        th.start();
        return th;
    }

    private static Thread writer(Database db, Table<Doc> t, Doc d, CompletableFuture<Void> done) {
        return start(() -> {
            db.run(() -> t.put(d.id(), d));
            return null;
        }, done);
    }

    private void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), "stevedore", "");
             Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    @Test
    void groupCommit_oneCommitAcknowledgesEveryWriterQueuedBehindTheFlushUnderWay() throws Exception {
        int writers = 5;
        PostgresResourceStore real = PostgresResourceStore.open(url);
        PostgresSnapshotReadTest.GatedStore store = new PostgresSnapshotReadTest.GatedStore(real);
        Database db = replica(store);
        Table<Doc> t = docs(db);
        store.hold();
        CompletableFuture<Void> first = new CompletableFuture<>();
        writer(db, t, new Doc("a", 0), first);
        store.entered.await(); // its commit is held: it holds the write lock
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        for (int i = 1; i <= writers; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            parked(writer(db, t, new Doc("q" + i, i), f));
            queued.add(f);
        }
        assertThat(queued).noneMatch(CompletableFuture::isDone);
        assertThat(real.commits()).isZero();
        store.letGo();
        within(first);
        for (CompletableFuture<Void> f : queued) {
            within(f);
        }
        assertThat(real.commits()).isEqualTo(2); // the first writer's, then one for the five queued behind it

        Database other = replica(PostgresResourceStore.open(url));
        Table<Doc> o = docs(other);
        assertThat(other.read(o::ids)).containsExactly("a", "q1", "q2", "q3", "q4", "q5");
    }

    @Test
    void killedConnection_failsTheGroupAndEveryLaterTransaction_memoryEqualsTheDatabase() throws Exception {
        PostgresSnapshotReadTest.GatedStore store = new PostgresSnapshotReadTest.GatedStore(
                PostgresResourceStore.open(url));
        Database db = replica(store);
        Table<Doc> t = docs(db);
        AtomicInteger rollbacks = GroupCommitTest.rollbacksOf(db);
        Database other = replica(PostgresResourceStore.open(url));
        Table<Doc> o = docs(other);
        db.run(() -> t.put("x", new Doc("x", 1)));
        store.hold();
        CompletableFuture<Void> first = new CompletableFuture<>();
        writer(db, t, new Doc("x", 2), first);
        store.entered.await();
        CompletableFuture<Void> later = new CompletableFuture<>();
        parked(writer(db, t, new Doc("y", 1), later)); // ran on top of x=2, queued behind its flush
        int before = rollbacks.get();
        // the write connection is the one session holding the write lock
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), "stevedore", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = "
                     + "'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = "
                     + "current_database())")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).isTrue();
            assertThat(rs.next()).isFalse();
        }
        store.letGo();
        for (CompletableFuture<Void> f : List.of(first, later)) {
            assertThatThrownBy(() -> within(f)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(StoreException.class);
        }
        assertThat(rollbacks.get()).isGreaterThan(before);
        assertThat(db.<List<Doc>>transaction(t::values)).containsExactly(new Doc("x", 1));
        assertThat(db.<List<Doc>>read(t::values)).containsExactly(new Doc("x", 1));
        assertThat(other.<List<Doc>>read(o::values)).containsExactly(new Doc("x", 1));
        // the killed session's lock went with it: the other replica writes, and this one writes again
        other.run(() -> o.put("z", new Doc("z", 3)));
        db.run(() -> t.put("w", new Doc("w", 4)));
        List<Doc> all = List.of(new Doc("w", 4), new Doc("x", 1), new Doc("z", 3));
        assertThat(db.<List<Doc>>read(t::values)).containsExactlyElementsOf(all);
        assertThat(other.<List<Doc>>read(o::values)).containsExactlyElementsOf(all);
    }

    @Test
    void refusedFenceInAGroup_failsOnlyItsTransaction_theOnesBeforeCommit_theOnesAfterRunAgain() throws Exception {
        PostgresSnapshotReadTest.GatedStore store = new PostgresSnapshotReadTest.GatedStore(
                PostgresResourceStore.open(url));
        sql("UPDATE leader_lease SET holder = 'leader', epoch = 3, expires_at = clock_timestamp() + interval '1 hour'");
        Fence leader = new Fence("leader", 3);
        Fence deposed = new Fence("deposed", 2);
        Database db = replica(store);
        Table<Doc> t = docs(db);
        store.hold();
        CompletableFuture<Void> w0 = new CompletableFuture<>();
        writer(db, t, new Doc("a", 0), w0);
        store.entered.await();
        CompletableFuture<Void> w1 = new CompletableFuture<>();
        parked(writer(db, t, new Doc("b", 1), w1));
        CompletableFuture<Void> w2 = new CompletableFuture<>();
        parked(start(() -> db.transaction(deposed, () -> {
            t.put("c", new Doc("c", 2));
            return null;
        }), w2));
        CompletableFuture<Boolean> reader = new CompletableFuture<>(); // writes nothing, waits for the fenced one
        parked(start(() -> db.transaction(() -> t.get("c").isPresent()), reader));
        CompletableFuture<Void> w3 = new CompletableFuture<>();
        parked(start(() -> db.transaction(leader, () -> {
            t.put("e", new Doc("e", 3));
            return null;
        }), w3));
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<Void> w4 = new CompletableFuture<>();
        parked(start(() -> db.transaction(() -> {
            runs.incrementAndGet();
            t.put("d", new Doc("d", t.get("c").isPresent() ? 1 : 0)); // ran first on top of the fenced row
            return null;
        }), w4));
        store.letGo();
        within(w0);
        within(w1);
        assertThatThrownBy(() -> within(w2)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(FencedException.class);
        assertThat(within(reader)).isFalse(); // read again after the fenced row was rolled back
        within(w3);
        within(w4);
        assertThat(runs.get()).isGreaterThanOrEqualTo(2);
        List<Doc> expected = List.of(new Doc("a", 0), new Doc("b", 1), new Doc("d", 0), new Doc("e", 3));
        assertThat(db.<List<Doc>>read(t::values)).containsExactlyElementsOf(expected);
        Database other = replica(PostgresResourceStore.open(url));
        Table<Doc> o = docs(other);
        assertThat(other.<List<Doc>>read(o::values)).containsExactlyElementsOf(expected);
    }

    @Test
    void concurrentReadModifyWrites_onTwoReplicas_loseNoUpdate() throws Exception {
        int threads = 6;
        int increments = 30;
        Database a = replica(PostgresResourceStore.open(url));
        Database b = replica(PostgresResourceStore.open(url));
        Table<Doc> ta = docs(a);
        Table<Doc> tb = docs(b);
        a.run(() -> ta.put("c", new Doc("c", 0)));
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            for (Database db : List.of(a, b)) {
                Table<Doc> t = db == a ? ta : tb;
                all.add(CompletableFuture.runAsync(() -> {
                    for (int k = 0; k < increments; k++) {
                        db.run(() -> t.put("c", new Doc("c", t.get("c").orElseThrow().n() + 1)));
                    }
                }, r -> new Thread(r).start()));
            }
        }
        for (CompletableFuture<Void> f : all) {
            within(f);
        }
        int total = 2 * threads * increments;
        assertThat(a.read(() -> ta.get("c").orElseThrow().n())).isEqualTo(total);
        assertThat(b.read(() -> tb.get("c").orElseThrow().n())).isEqualTo(total);
    }

    @Test
    void holderThatAnotherReplicaWaitsFor_drainsItsQueueAndHandsTheLockOver_beforeRunningMore() throws Exception {
        TurnstileStore store = new TurnstileStore(PostgresResourceStore.open(url));
        Database a = replica(store);
        Database b = replica(PostgresResourceStore.open(url));
        Table<Doc> ta = docs(a);
        Table<Doc> tb = docs(b);
        CompletableFuture<Void> w0 = new CompletableFuture<>();
        writer(a, ta, new Doc("w0", 0), w0);
        store.awaitEntries(1); // a holds the write lock, its first commit held
        CompletableFuture<Void> w1 = new CompletableFuture<>();
        parked(writer(a, ta, new Doc("w1", 1), w1)); // queued behind it
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> b.run(() -> tb.put("b", new Doc("b", 1))));
        while (!waitingForTheWriteLock()) {
            Thread.sleep(1);
        }
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Database.YIELD_AFTER_NANOS) + 10); // a's streak is older
        store.pass.release(); // w0 commits; w1 still queued and b waiting: a yields
        store.awaitEntries(2); // w1's commit, held
        CompletableFuture<Void> w2 = new CompletableFuture<>();
        parked(start(() -> {
            a.run(() -> ta.put("w2", new Doc("w2", ta.get("b").isPresent() ? 1 : 0)));
            return null;
        }, w2));
        assertThat(other).isNotDone();
        store.pass.release(1000);
        within(w0);
        within(w1);
        within(other);
        within(w2);
        // w2 waited for the hand-over instead of running on a's streak: it ran after b's write, and saw it
        assertThat(a.read(() -> ta.get("w2"))).contains(new Doc("w2", 1));
        assertThat(b.read(() -> tb.ids())).containsExactly("b", "w0", "w1", "w2");
    }

    @Test
    void writerWhoseRunUnderTheLockWritesNothing_releasesTheLock_theOtherReplicaWrites() throws Exception {
        Race r = bCreatesXBeforeALocks();
        // a's first run (without the lock) creates x; before a takes the lock b creates it, so a's run under the
        // lock finds x and writes nothing: nothing is queued, no flush will release the lock
        r.a().run(() -> {
            if (r.ta().get("x").isEmpty()) {
                r.ta().put("x", new Doc("x", 2));
            }
        });
        bWritesAndASeesIt(r);
    }

    /** Replicas a and b over one database; before a takes the write lock, b creates row x. */
    private record Race(Database a, Database b, Table<Doc> ta, Table<Doc> tb) {
    }

    private Race bCreatesXBeforeALocks() {
        BeforeLockStore store = new BeforeLockStore(PostgresResourceStore.open(url));
        Database a = replica(store);
        Database b = replica(PostgresResourceStore.open(url));
        Race r = new Race(a, b, docs(a), docs(b));
        store.beforeLock = () -> b.run(() -> r.tb().put("x", new Doc("x", 1)));
        return r;
    }

    /** b can still write (a does not keep the lock), and a reads b's rows. */
    private static void bWritesAndASeesIt(Race r) throws Exception {
        within(CompletableFuture.runAsync(() -> r.b().run(() -> r.tb().put("y", new Doc("y", 1)))));
        assertThat(r.a().<List<Doc>>read(r.ta()::values)).containsExactly(new Doc("x", 1), new Doc("y", 1));
    }

    @Test
    void writerWhoseRunUnderTheLockFails_releasesTheLock_theOtherReplicaWrites() throws Exception {
        Race r = bCreatesXBeforeALocks();
        // as an API create whose name another replica took meanwhile: the run under the lock throws
        assertThatThrownBy(() -> r.a().run(() -> {
            if (r.ta().get("x").isPresent()) {
                throw new IllegalStateException("x exists");
            }
            r.ta().put("x", new Doc("x", 2));
        })).isInstanceOf(IllegalStateException.class);
        bWritesAndASeesIt(r);
    }

    private boolean waitingForTheWriteLock() throws Exception {
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), "stevedore", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT "
                     + "granted")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    /** A PostgreSQL store that runs {@link #beforeLock} (once) when a writer is about to take the write lock. */
    static final class BeforeLockStore extends ForwardingSharedStore {
        volatile Runnable beforeLock;

        BeforeLockStore(SharedResourceStore real) {
            super(real);
        }

        @Override
        public Delta lock(long since) {
            Runnable r = beforeLock;
            beforeLock = null;
            if (r != null) {
                r.run();
            }
            return real.lock(since);
        }
    }

    /** A PostgreSQL store whose commits with rows each wait for a permit of {@link #pass}, counted as they arrive. */
    static final class TurnstileStore extends ForwardingSharedStore {
        final Semaphore pass = new Semaphore(0);
        private final AtomicInteger entries = new AtomicInteger();

        TurnstileStore(SharedResourceStore real) {
            super(real);
        }

        void awaitEntries(int n) throws InterruptedException {
            while (entries.get() < n) {
                Thread.sleep(1);
            }
        }

        @Override
        public long commit(List<Change> changes, Collection<Fence> fences) {
            if (!changes.isEmpty()) {
                entries.incrementAndGet();
                pass.acquireUninterruptibly();
            }
            return real.commit(changes, fences);
        }
    }
}
