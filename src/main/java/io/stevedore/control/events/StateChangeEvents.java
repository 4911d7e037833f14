package io.stevedore.control.events;

import io.stevedore.wire.AwsJsonCodec;
import io.stevedore.store.Database;
import io.stevedore.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Watches committed state and records ECS EventBridge-shaped events in the ring: {@code ECS Task State Change}
 * when a task's lastStatus or desiredStatus changes, {@code ECS Container Instance State Change} when a container
 * instance's status or health changes, {@code ECS Capacity Provider State Change} (Stevedore's, ECS sends none)
 * when a capacity provider's status changes. The detail is the resource's JSON as the ECS API returns it.
 */
public final class StateChangeEvents implements Database.CommitListener {
    private final EventRing ring;
    private final Clock clock;
    private final AwsJsonCodec codec = new AwsJsonCodec();
    private final Map<String, String> seen = new HashMap<>();

    public StateChangeEvents(EventRing ring, Clock clock) {
        this.ring = ring;
        this.clock = clock;
    }

    @Override
    public void changed(String kind, String id, Object value) {
        if (value == null) {
            seen.remove(kind + "|" + id);
            return;
        }
        String key = kind + "|" + id;
        if (value instanceof Task t) {
            String state = t.lastStatus() + "/" + t.desiredStatus();
            if (record(key, state, "STOPPED".equals(t.lastStatus()))) {
                ring.add(clock.now().toEpochMilli(), "ECS Task State Change", List.of(t.taskArn()),
                        () -> codec.writeString(t));
            }
        } else if (value instanceof ContainerInstance ci) {
            String state = ci.status() + "/" + (ci.healthStatus() == null ? "" : ci.healthStatus()
                    .overallStatusAsString());
            if (record(key, state, "INACTIVE".equals(ci.status()))) {
                ring.add(clock.now().toEpochMilli(), "ECS Container Instance State Change",
                        List.of(ci.containerInstanceArn()), () -> codec.writeString(ci));
            }
        } else if (value instanceof CapacityProvider p) {
            if (record(key, p.statusAsString() + "/" + p.updateStatusAsString(), false)) {
                ring.add(clock.now().toEpochMilli(), "ECS Capacity Provider State Change",
                        List.of(p.capacityProviderArn() == null ? p.name() : p.capacityProviderArn()),
                        () -> codec.writeString(p));
            }
        }
    }

    /** True when the state is new for the row; final states are forgotten (the map stays bounded). */
    private boolean record(String key, String state, boolean last) {
        String before = last ? seen.remove(key) : seen.put(key, state);
        return !state.equals(before);
    }
}
