package io.stevedore.cloud.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.cloud.Instance;
import io.stevedore.cloud.LaunchRequest;
import io.stevedore.store.Database;
import io.stevedore.store.InMemoryResourceStore;
import io.stevedore.time.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulated cloud names the instances whose state changed since a state version the caller saw. */
class SimulatedEc2ChangesTest {
    private static Instance launch(SimulatedEc2 ec2) {
        String subnet = ec2.network().subnets().get(0).id();
        return ec2.launch(new LaunchRequest(List.of("m5.large"), subnet, List.of(), Map.of()));
    }

    @Test
    void changedSince_namesLaunchesBootsAndTerminations() {
        VirtualClock clock = new VirtualClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (Database db = new Database(new InMemoryResourceStore())) {
            SimulatedEc2 ec2 = new SimulatedEc2("us-east-1", clock, Duration.ofSeconds(20), db);
            long start = ec2.stateVersion();
            Instance a = db.transaction(() -> launch(ec2));
            Instance b = db.transaction(() -> launch(ec2));
            assertThat(ec2.changedSince(start)).contains(java.util.Set.of(a.id(), b.id()));
            long afterLaunch = ec2.stateVersion();
            assertThat(ec2.changedSince(afterLaunch)).contains(java.util.Set.of());

            clock.set(Instant.parse("2026-01-01T00:00:30Z"));
            db.transaction(() -> ec2.describe(a.id())); // boots with time: pending → running is a change
            assertThat(ec2.changedSince(afterLaunch)).contains(java.util.Set.of(a.id()));
            long afterBoot = ec2.stateVersion();
            db.transaction(() -> {
                ec2.terminate(b.id());
                return null;
            });
            assertThat(ec2.changedSince(afterBoot)).contains(java.util.Set.of(b.id()));
            assertThat(ec2.describe(b.id()).orElseThrow().state()).isEqualTo("terminated");
            // a version it never had, or one from before a wipe: it cannot tell
            assertThat(ec2.changedSince(ec2.stateVersion() + 1)).isEmpty();
            assertThat(ec2.changedSince(-1)).isEmpty();
        }
    }
}
