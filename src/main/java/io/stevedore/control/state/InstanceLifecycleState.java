package io.stevedore.control.state;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The lifecycle's per-instance state (table {@code lifecycle.instance}): the drain in progress, a Spot notice, an
 * impairment already reported, and when each cached image was last used (the 15-minute image cleanup).
 *
 * @param instanceId         EC2 id
 * @param drainStartedMillis when the drain started, -1 = not draining
 * @param drainCause         {@link io.stevedore.lifecycle.DrainCause} name, or null
 * @param drainDeadlineMillis when what is left is forced out
 * @param spotNoticeMillis   Spot interruption notice time, -1 = none
 * @param impairedReported   an IMPAIRED state was reported (auto repair DISABLED)
 * @param imageLastUse       image → last time a task on the instance used it (epoch ms)
 */
public record InstanceLifecycleState(String instanceId, long drainStartedMillis, String drainCause,
                                     long drainDeadlineMillis, long spotNoticeMillis, boolean impairedReported,
                                     Map<String, Long> imageLastUse) {
    public InstanceLifecycleState {
        Objects.requireNonNull(instanceId, "instanceId");
        imageLastUse = imageLastUse == null ? Map.of() : new TreeMap<>(imageLastUse);
    }

    public static InstanceLifecycleState of(String instanceId) {
        return new InstanceLifecycleState(instanceId, -1, null, -1, -1, false, Map.of());
    }

    public InstanceLifecycleState draining(long started, String cause, long deadline) {
        return new InstanceLifecycleState(instanceId, started, cause, deadline, spotNoticeMillis, impairedReported,
                imageLastUse);
    }

    public InstanceLifecycleState notDraining() {
        return new InstanceLifecycleState(instanceId, -1, null, -1, spotNoticeMillis, impairedReported, imageLastUse);
    }

    public InstanceLifecycleState spotNotice(long at) {
        return new InstanceLifecycleState(instanceId, drainStartedMillis, drainCause, drainDeadlineMillis, at,
                impairedReported, imageLastUse);
    }

    public InstanceLifecycleState reported(boolean r) {
        return new InstanceLifecycleState(instanceId, drainStartedMillis, drainCause, drainDeadlineMillis,
                spotNoticeMillis, r, imageLastUse);
    }

    public InstanceLifecycleState images(Map<String, Long> lastUse) {
        return new InstanceLifecycleState(instanceId, drainStartedMillis, drainCause, drainDeadlineMillis,
                spotNoticeMillis, impairedReported, lastUse);
    }
}
