package io.stevedore.control.fleet;

import io.stevedore.control.state.Context;
import io.stevedore.control.state.InstanceLifecycleState;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.ecs.DaemonDefinitions;
import io.stevedore.store.Table;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Idle timers and the image cache of each instance. The last task stop starts an instance's idle timer and a new
 * task cancels it (scale-in reads it); an image no task on the instance uses any more is removed
 * {@link #IMAGE_CLEANUP} after its last task there ended, so a later task pulls it cold again. Only instances whose
 * tasks changed, or whose oldest unused image is due, are looked at.
 */
final class InstanceUsage {
    /** Unused images are removed from an instance this long after their last use (docs/decisions.md). */
    static final Duration IMAGE_CLEANUP = io.stevedore.catalog.StartLatencyModel.IMAGE_CACHE_LIFE;

    private final Context ctx;
    private final LifecycleView view;
    private final Table<InstanceLifecycleState> life;
    /** When each instance's next cached image expires (the cleanup visits these, not every instance). */
    private final Map<String, Long> imageExpiry = new HashMap<>();

    InstanceUsage(Context ctx, LifecycleView view) {
        this.ctx = ctx;
        this.view = view;
        this.life = ctx.state().instanceLifecycle;
    }

    /** When cached images expire (wake-ups). */
    Collection<Long> expiries() {
        return imageExpiry.values();
    }

    void run() {
        long now = ctx.now().toEpochMilli();
        Set<String> visit = new TreeSet<>(view.takeUsageChanges(view.rebuildingAll() || ctx.state().db.isShared()));
        imageExpiry.forEach((id, at) -> {
            if (now >= at) {
                visit.add(id);
            }
        });
        for (String id : visit) {
            ManagedInstance mi = ctx.state().instances.get(id).orElse(null);
            imageExpiry.remove(id);
            if (mi == null || mi.containerInstanceArn() == null) {
                continue;
            }
            List<TaskRuntime> on = ctx.state().runtimesByInstance.values(id);
            boolean busy = ctx.state().daemons.size() == 0 ? !on.isEmpty() : on.stream().anyMatch(rt -> !ctx.state()
                    .tasks.get(rt.taskArn()).map(t -> DaemonDefinitions.isDaemonGroup(t.group())).orElse(false));
            ManagedInstance u = mi;
            if (busy && mi.idleSinceMillis() >= 0) {
                u = u.idleSince(-1);
            } else if (!busy && mi.idleSinceMillis() < 0) {
                u = u.idleSince(now);
            }
            InstanceLifecycleState l = life.get(id).orElse(InstanceLifecycleState.of(id));
            Map<String, Long> lastUse = new TreeMap<>();
            long expiry = Long.MAX_VALUE;
            for (String image : mi.imageList()) {
                if (inUse(on, image)) {
                    continue; // in use: no timer
                }
                long last = l.imageLastUse().getOrDefault(image, now);
                if (now - last >= IMAGE_CLEANUP.toMillis()) {
                    u = u.withoutImage(image);
                } else {
                    lastUse.put(image, last);
                    expiry = Math.min(expiry, last + IMAGE_CLEANUP.toMillis());
                }
            }
            if (expiry != Long.MAX_VALUE) {
                imageExpiry.put(id, expiry);
            }
            if (!u.equals(mi)) {
                ctx.state().instances.put(id, u);
            }
            if (!lastUse.equals(l.imageLastUse()) || life.get(id).isEmpty()) {
                life.put(id, l.images(lastUse));
            }
        }
    }

    /** Whether a task on the instance uses {@code image} (most instances run one image: the first task does). */
    private static boolean inUse(List<TaskRuntime> on, String image) {
        for (TaskRuntime rt : on) {
            if (java.util.Objects.equals(image, rt.image())) {
                return true;
            }
        }
        return false;
    }
}
