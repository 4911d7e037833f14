package io.stevedore.control.fleet;

import io.stevedore.control.state.Context;
import io.stevedore.control.state.InstanceLifecycleState;
import io.stevedore.lifecycle.LifecycleSettings;
import io.stevedore.store.Index;
import io.stevedore.store.Table;

/**
 * Spot interruptions: a notice is recorded on the instance (the lifecycle drains it), and once the notice's two
 * minutes have passed the cloud takes the instance back, as EC2 reclaims it.
 */
final class SpotNotices {
    private final Context ctx;
    private final LifecycleSettings settings;
    private final Table<InstanceLifecycleState> life;
    /** Instances with a Spot interruption notice. */
    private final Index<InstanceLifecycleState, Boolean> noticed;

    SpotNotices(Context ctx, LifecycleSettings settings) {
        this.ctx = ctx;
        this.settings = settings;
        this.life = ctx.state().instanceLifecycle;
        this.noticed = life.index(l -> l.spotNoticeMillis() >= 0 ? Boolean.TRUE : null);
    }

    /** Records a Spot interruption notice; the instance is drained now and reclaimed after the notice. */
    void notice(String instanceId) {
        InstanceLifecycleState l = life.get(instanceId).orElse(InstanceLifecycleState.of(instanceId));
        if (l.spotNoticeMillis() < 0) {
            life.put(instanceId, l.spotNotice(ctx.now().toEpochMilli()));
        }
    }

    /** Spot notices past their two minutes: the cloud takes the instance (EC2 reclaims it). */
    void reclaim() {
        long limit = ctx.now().toEpochMilli() - settings.spotNotice().toMillis();
        for (InstanceLifecycleState l : noticed.values(Boolean.TRUE)) {
            if (l.spotNoticeMillis() <= limit) {
                ctx.cloud().terminate(l.instanceId());
            }
        }
    }
}
