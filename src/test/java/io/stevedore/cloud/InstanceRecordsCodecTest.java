package io.stevedore.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.store.JsonCodec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The simulated EC2's rows survive a restart: an instance's Spot lifecycle and root volume, an event window's
 * targets, and an instance row written before those fields existed (read as On-Demand without a volume).
 */
class InstanceRecordsCodecTest {
    @Test
    void instance_roundTrip_keepsLifecycleAndVolume_oldRowsReadOnDemand() {
        JsonCodec<Instance> codec = new JsonCodec<>(Instance.class);
        Instance spot = new Instance("i-01", "m7g.large", "subnet-1", "us-east-1a", "172.31.0.4", "running", 5,
                Map.of("k", "v"), Instance.SPOT, 48);
        Instance back = codec.read(codec.write(spot));
        assertThat(back).isEqualTo(spot);
        assertThat(back.spot()).isTrue();
        Instance old = codec.read("{\"id\":\"i-02\",\"instanceType\":\"m7g.large\",\"subnetId\":\"subnet-1\","
                + "\"availabilityZone\":\"us-east-1a\",\"privateIp\":\"172.31.0.5\",\"state\":\"running\","
                + "\"launchedAtMillis\":7,\"tags\":{}}");
        assertThat(old.spot()).isFalse();
        assertThat(old.rootVolumeGiB()).isZero();
        assertThat(old.withState("terminated").instanceType()).isEqualTo("m7g.large");
    }

    @Test
    void eventWindow_roundTrip() {
        JsonCodec<InstanceEventWindow> codec = new JsonCodec<>(InstanceEventWindow.class);
        InstanceEventWindow w = new InstanceEventWindow("iew-01", "n", List.of(new InstanceEventWindow.TimeRange(
                "saturday", 2, "saturday", 6)), null, List.of("i-1"), List.of(new InstanceEventWindow.Tag("a", "b")),
                List.of(), List.of(new InstanceEventWindow.Tag("team", "web")));
        assertThat(codec.read(codec.write(w))).isEqualTo(w);
    }
}
