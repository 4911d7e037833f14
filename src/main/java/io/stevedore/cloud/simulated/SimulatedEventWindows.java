package io.stevedore.cloud.simulated;

import io.stevedore.cloud.InstanceEventWindow;
import io.stevedore.store.Database;
import io.stevedore.store.JsonCodec;
import io.stevedore.store.Table;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The simulated region's instance event windows, kept in the control plane's {@link Database} (id order). */
final class SimulatedEventWindows {
    private final String region;
    private final Table<InstanceEventWindow> windows;
    private final Table<SimulatedEc2.Counter> counters;

    SimulatedEventWindows(String region, Database db, Table<SimulatedEc2.Counter> counters) {
        this.region = region;
        this.windows = db.table("ec2.instance-event-window", new JsonCodec<>(InstanceEventWindow.class));
        this.counters = counters;
    }

    List<InstanceEventWindow> list() {
        return windows.values();
    }

    Optional<InstanceEventWindow> get(String id) {
        return windows.get(id);
    }

    void put(InstanceEventWindow w) {
        windows.put(w.id(), w);
    }

    void delete(String id) {
        windows.remove(id);
    }

    /** A new id: {@code iew-} and 17 hex digits, derived from the region and a persisted sequence. */
    String newId() {
        String name = "instance-event-window";
        long v = counters.get(name).map(SimulatedEc2.Counter::value).orElse(0L) + 1;
        counters.put(name, new SimulatedEc2.Counter(name, v));
        UUID u = UUID.nameUUIDFromBytes((region + "/iew/" + v).getBytes(StandardCharsets.UTF_8));
        String h = String.format("%016x%016x", u.getMostSignificantBits(), u.getLeastSignificantBits());
        return "iew-0" + h.substring(0, 16);
    }
}
