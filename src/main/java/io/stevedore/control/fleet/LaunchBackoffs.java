package io.stevedore.control.fleet;

import static io.stevedore.control.events.EventJson.q;

import io.stevedore.control.events.EventRing;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.LaunchBackoff;
import io.stevedore.lifecycle.LifecycleSettings;
import io.stevedore.store.Table;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Launch backoff per capacity provider: after insufficient capacity for every offered type, the provider's tasks
 * wait an exponentially growing time before the next launch (docs/lifecycle.md); a success clears it.
 */
public final class LaunchBackoffs {
    private final Context ctx;
    private final LifecycleSettings settings;
    private final EventRing events;
    private final Table<LaunchBackoff> backoff;

    LaunchBackoffs(Context ctx, LifecycleSettings settings, EventRing events) {
        this.ctx = ctx;
        this.settings = settings;
        this.events = events;
        this.backoff = ctx.state().launchBackoff;
    }

    private long now() {
        return ctx.now().toEpochMilli();
    }

    /** False while the provider backs off after launch failures. */
    public boolean mayLaunch(String provider) {
        return backoff.get(provider).map(b -> now() >= b.nextAttemptMillis()).orElse(true);
    }

    public void succeeded(String provider) {
        if (backoff.contains(provider)) {
            backoff.remove(provider);
        }
    }

    public void failed(String provider, String clusterArn, String message) {
        int failures = backoff.get(provider).map(LaunchBackoff::failures).orElse(0) + 1;
        Duration wait = settings.backoff(failures);
        backoff.put(provider, new LaunchBackoff(provider, failures, now() + wait.toMillis(), message));
        events.add(now(), "Stevedore Capacity Provider Launch Failure", List.of(ctx.arn("capacity-provider/"
                + provider)), "{\"capacityProviderName\":" + q(provider) + ",\"clusterArn\":" + q(clusterArn)
                + ",\"failures\":" + failures + ",\"nextAttemptInSeconds\":" + wait.toSeconds() + ",\"reason\":"
                + q(message) + "}");
    }

    /** The launch backoff of a provider, if any. */
    public Optional<LaunchBackoff> of(String provider) {
        return backoff.get(provider);
    }
}
