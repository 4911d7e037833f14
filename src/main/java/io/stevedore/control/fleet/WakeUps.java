package io.stevedore.control.fleet;

import io.stevedore.lifecycle.FleetSnapshot;
import io.stevedore.lifecycle.LifecycleSettings;
import java.time.Duration;
import java.util.Collection;

/**
 * When the lifecycle next has something to decide that no task or instance event announces: an instance's quiet
 * period for compaction ends, a drain's deadline passes, an idle timer or a cached image expires, a Spot notice runs
 * out; right away after a pass that acted (the next instance to compact). A discrete-event driver (the simulator)
 * ticks then; the server ticks on its own period anyway.
 */
final class WakeUps {
    /**
     * Lifecycle wake-ups are rounded up to this grid (ours): a simulated fleet with hundreds of instances would
     * otherwise tick at every instance's own quiet-period end; the server ticks every 500 ms regardless.
     */
    static final Duration CHECK_GRID = Duration.ofMinutes(1);

    private WakeUps() {
    }

    /** The next check, on the grid; {@code Long.MAX_VALUE} = nothing due. */
    static long next(long now, FleetSnapshot fleet, boolean acted, LifecycleSettings settings,
                     Collection<Long> imageExpiries) {
        long next = nextDue(now, fleet, acted, settings, imageExpiries);
        long grid = CHECK_GRID.toMillis();
        return next == Long.MAX_VALUE ? next : (next + grid - 1) / grid * grid;
    }

    private static long nextDue(long now, FleetSnapshot fleet, boolean acted, LifecycleSettings settings,
                                Collection<Long> imageExpiries) {
        if (acted) {
            return now + 1;
        }
        long next = Long.MAX_VALUE;
        for (FleetSnapshot.Member m : fleet.instances()) {
            FleetSnapshot.Provider p = fleet.providers().get(m.provider());
            long scaleIn = p == null ? -1 : p.scaleInAfterMillis();
            if (m.state() == FleetSnapshot.State.DRAINING) {
                next = later(now, next, m.drain().map(FleetSnapshot.Drain::deadlineMillis).orElse(Long.MAX_VALUE));
            } else if (scaleIn >= 0 && m.tasks().isEmpty() && m.idleSinceMillis() >= 0) {
                next = later(now, next, m.idleSinceMillis() + scaleIn);
            } else if (scaleIn >= 0) {
                next = later(now, next, Math.max(m.lastTaskChangeMillis(), m.launchedAtMillis()) + scaleIn);
            }
            if (m.spotNoticeMillis() >= 0) {
                next = later(now, next, m.spotNoticeMillis() + settings.spotNotice().toMillis());
            }
        }
        for (long at : imageExpiries) {
            next = later(now, next, at);
        }
        return next;
    }

    /** {@code next}, or {@code at} when that is sooner and still ahead. */
    private static long later(long now, long next, long at) {
        return at > now && at < next ? at : next;
    }
}
