package io.stevedore.control.events;

import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.RowKind;
import io.stevedore.ecs.Statuses;
import io.stevedore.time.Clock;
import io.stevedore.wire.AwsJsonCodec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches committed state and records ECS EventBridge-shaped events in the ring: {@code ECS Task State Change}
 * when a task's lastStatus or desiredStatus changes, {@code ECS Container Instance State Change} when a container
 * instance's status or health changes, {@code ECS Capacity Provider State Change} (Stevedore's, ECS sends none)
 * when a capacity provider's status changes. The detail is the resource's JSON as the ECS API returns it.
 */
public final class StateChangeEvents {
    private final EventRing ring;
    private final Clock clock;
    private final AwsJsonCodec codec = new AwsJsonCodec();
    /** The last state seen per row, by resource and id. */
    private final Map<RowKind<?>, Map<String, State>> seen = new HashMap<>();

    /** A row's state as these events tell it: two status strings (e.g. a task's lastStatus and desiredStatus). */
    private record State(String status, String other) {
    }

    private StateChangeEvents(EventRing ring, Clock clock) {
        this.ring = ring;
        this.clock = clock;
    }

    /** Records the state changes committed to {@code state} in {@code ring}, timed by {@code clock}. */
    public static void attach(EcsState state, EventRing ring, Clock clock) {
        StateChangeEvents e = new StateChangeEvents(ring, clock);
        state.feed.committed()
                .on(RowKind.TASK, (id, before, t) -> {
                    if (e.gone(RowKind.TASK, id, t)) {
                        return;
                    }
                    if (e.record(RowKind.TASK, id, new State(t.lastStatus(), t.desiredStatus()),
                            Statuses.isStopped(t.lastStatus()))) {
                        e.add("ECS Task State Change", t.taskArn(), () -> e.codec.writeString(t));
                    }
                })
                .on(RowKind.CONTAINER_INSTANCE, (id, before, ci) -> {
                    if (e.gone(RowKind.CONTAINER_INSTANCE, id, ci)) {
                        return;
                    }
                    String health = ci.healthStatus() == null ? "" : ci.healthStatus().overallStatusAsString();
                    if (e.record(RowKind.CONTAINER_INSTANCE, id, new State(ci.status(), health),
                            Statuses.INSTANCE_INACTIVE.equals(ci.status()))) {
                        e.add("ECS Container Instance State Change", ci.containerInstanceArn(),
                                () -> e.codec.writeString(ci));
                    }
                })
                .on(RowKind.CAPACITY_PROVIDER, (id, before, p) -> {
                    if (e.gone(RowKind.CAPACITY_PROVIDER, id, p)) {
                        return;
                    }
                    if (e.record(RowKind.CAPACITY_PROVIDER, id, new State(p.statusAsString(),
                            p.updateStatusAsString()), false)) {
                        e.add("ECS Capacity Provider State Change",
                                p.capacityProviderArn() == null ? p.name() : p.capacityProviderArn(),
                                () -> e.codec.writeString(p));
                    }
                });
    }

    private void add(String type, String resource, java.util.function.Supplier<String> detail) {
        ring.add(clock.now().toEpochMilli(), type, List.of(resource), detail);
    }

    /** A removed row is forgotten. */
    private boolean gone(RowKind<?> r, String id, Object after) {
        if (after == null) {
            Map<String, State> rows = seen.get(r);
            if (rows != null) {
                rows.remove(id);
            }
            return true;
        }
        return false;
    }

    /** True when the state is new for the row; final states are forgotten (the map stays bounded). */
    private boolean record(RowKind<?> r, String id, State state, boolean last) {
        Map<String, State> rows = seen.computeIfAbsent(r, k -> new HashMap<>());
        State before = last ? rows.remove(id) : rows.put(id, state);
        return !state.equals(before);
    }
}
