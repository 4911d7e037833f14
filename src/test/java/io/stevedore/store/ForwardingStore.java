package io.stevedore.store;

import java.util.List;
import java.util.SortedMap;

/** A store that hands every call to a real one: tests override the call they hold, fail or count. */
abstract class ForwardingStore<S extends ResourceStore> implements ResourceStore {
    protected final S real;

    ForwardingStore(S real) {
        this.real = real;
    }

    @Override
    public SortedMap<String, String> loadAll(String kind) {
        return real.loadAll(kind);
    }

    @Override
    public void apply(List<Change> changes) {
        real.apply(changes);
    }

    @Override
    public void wipe() {
        real.wipe();
    }

    @Override
    public void close() {
        real.close();
    }
}
