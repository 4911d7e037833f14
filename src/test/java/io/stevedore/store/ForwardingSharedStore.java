package io.stevedore.store;

import java.util.Collection;
import java.util.List;

/** A shared store that hands every call to a real one: tests override the one call they hold or count. */
abstract class ForwardingSharedStore extends ForwardingStore<SharedResourceStore> implements SharedResourceStore {
    ForwardingSharedStore(SharedResourceStore real) {
        super(real);
    }

    @Override
    public Delta changes(long since) {
        return real.changes(since);
    }

    @Override
    public Delta lock(long since) {
        return real.lock(since);
    }

    @Override
    public void unlock() {
        real.unlock();
    }

    @Override
    public long commit(List<Change> changes, Collection<Fence> fences) {
        return real.commit(changes, fences);
    }

    @Override
    public boolean othersWaiting() {
        return real.othersWaiting();
    }

    @Override
    public long newestRevision() {
        return real.newestRevision();
    }
}
