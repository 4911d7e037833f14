package io.stevedore.control.state;

import io.stevedore.store.Database;
import io.stevedore.store.RowObserver;
import io.stevedore.store.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The one way to learn what changed in the control plane's state, typed by {@link RowKind}. Every controller or
 * read model that keeps something derived from rows (the scheduler's and the lifecycle's views, the service
 * scheduler's dirty sets, the task timers, the state-change events, the simulator's recorder) subscribes here.
 *
 * <p>Two deliveries:
 * <ul>
 *   <li>{@link #live()}: as each row changes in memory, inside the transaction — writes, rollbacks, a load and a
 *       shared store's refresh alike. For views that must be current within the transaction that changes them.</li>
 *   <li>{@link #committed()}: after each commit, every row the transaction changed once, in the order the rows
 *       were first touched, with the value before the transaction and after it. For what must see only committed
 *       state. Over a server's store the commit is the one in memory, before the group's flush to disk; a flush
 *       that fails undoes the transaction and runs the reset (see {@link Database}).</li>
 * </ul>
 * A subscription's reset runs when whatever it derived is void: every row dropped (a wipe or a full reload), or,
 * for committed subscriptions, a transaction rolled back.
 *
 * <p>A subscriber says what it reads of a row with a projection ({@link Subscription#on(RowKind, Function,
 * Handler)}): it hears of a change only when the projection of the row before and after differ, or the row
 * appeared or went. The projection is the single statement of which fields a consumer depends on; a consumer that
 * starts reading a new field adds it there.
 */
public final class ChangeFeed {
    private final EcsState state;

    ChangeFeed(EcsState state) {
        this.state = state;
    }

    /** One change of one row: {@code before} or {@code after} is null when the row was created or removed. */
    @FunctionalInterface
    public interface Handler<T> {
        void changed(String id, T before, T after);
    }

    /** A subscription to changes as they happen in memory (inside the transaction). */
    public Subscription live() {
        return new Subscription(true);
    }

    /** A subscription to committed changes (after each commit). */
    public Subscription committed() {
        Subscription s = new Subscription(false);
        state.db.addCommitListener(s.listener());
        return s;
    }

    /** No handler for a table's rows (in {@code Subscription.bySlot}). */
    private static final Handler<Object> NONE = (id, before, after) -> {
    };

    @SuppressWarnings("unchecked")
    private static Handler<Object>[] newHandlers(int n) {
        return (Handler<Object>[]) new Handler<?>[n];
    }

    /** What one subscriber listens to; built with {@link #on} calls. */
    public final class Subscription {
        private final boolean live;
        private final Map<String, Handler<Object>> handlers = new HashMap<>();
        /**
         * The committed handlers by their table's {@link Table#slot()}, learnt from {@link #handlers} at the first
         * change of each table ({@link #NONE}: none; null: not looked up yet), so a commit finds them without a
         * look-up by kind for every row and subscriber. A table may be declared after the subscription (the cloud
         * provider's), hence learnt, not resolved by {@link #on}.
         */
        private Handler<Object>[] bySlot = newHandlers(0);
        private final List<Runnable> resets = new ArrayList<>();

        private Subscription(boolean live) {
            this.live = live;
        }

        /** Hears every change of {@code resource}'s rows. */
        @SuppressWarnings("unchecked")
        public <T> Subscription on(RowKind<T> resource, Handler<? super T> handler) {
            if (live) {
                resource.tableIn(state).observe(RowObserver.<T>of(handler::changed, this::reset));
            } else if (handlers.putIfAbsent(resource.table(), (Handler<Object>) handler) != null) {
                throw new IllegalArgumentException("two handlers for " + resource);
            } else {
                bySlot = newHandlers(0); // learnt again
            }
            return this;
        }

        /**
         * Hears the changes of {@code resource}'s rows that change what {@code reads} projects of them (a record of
         * the fields the subscriber reads), and every creation and removal.
         */
        public <T> Subscription on(RowKind<T> resource, Function<? super T, ?> reads, Handler<? super T> handler) {
            return on(resource, (String id, T before, T after) -> {
                if (before == null || after == null || !Objects.equals(reads.apply(before), reads.apply(after))) {
                    handler.changed(id, before, after);
                }
            });
        }

        /** Runs when whatever the subscriber derived from rows is void. */
        public Subscription onReset(Runnable reset) {
            resets.add(reset);
            return this;
        }

        /** The handler of {@code table}'s rows ({@link #NONE}: none), noted in {@link #bySlot}. */
        private Handler<Object> learn(Table<?> table) {
            int slot = table.slot();
            if (slot >= bySlot.length) {
                bySlot = java.util.Arrays.copyOf(bySlot, slot + 1);
            }
            Handler<Object> h = handlers.getOrDefault(table.kind(), NONE);
            bySlot[slot] = h;
            return h;
        }

        private void reset() {
            resets.forEach(Runnable::run);
        }

        private Database.CommitListener listener() {
            return new Database.CommitListener() {
                @Override
                public void changed(String kind, String id, Object value) {
                    throw new AssertionError("the feed passes the value before the change too");
                }

                @Override
                public void changed(String kind, String id, Object before, Object value) {
                    Handler<Object> h = handlers.get(kind);
                    if (h != null) {
                        h.changed(id, before, value);
                    }
                }

                @Override
                public void changed(Table<?> table, String id, Object before, Object value) {
                    int slot = table.slot();
                    Handler<Object> h = slot < bySlot.length ? bySlot[slot] : null;
                    if (h == null) {
                        h = learn(table);
                    }
                    if (h != NONE) {
                        h.changed(id, before, value);
                    }
                }

                @Override
                public void wiped() {
                    reset();
                }

                @Override
                public void rolledBack() {
                    reset();
                }
            };
        }
    }
}
