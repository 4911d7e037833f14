package io.stevedore.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.lifecycle.Decision.StartDrain;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The maximum-lifetime drain with per-instance windows (EC2 instance event windows) in the snapshot: an instance's
 * own window decides, over its provider's; an instance without one keeps the provider's. NOW is monday noon.
 */
class InstanceWindowControllerTest {
    final LifecycleController controller = new LifecycleController(LifecycleSettings.defaults(),
            new Compaction(new io.stevedore.provisioning.Provisioner()));
    static final EventWindow MONDAY_NOON = EventWindow.parseCron("* 10-13 * * 1");
    static final EventWindow SATURDAY = EventWindow.parse("sat:02-sat:06");

    private List<Decision> run(Optional<EventWindow> providerWindow, Map<String, EventWindow> instanceWindows,
                               FleetSnapshot.Member... members) {
        FleetSnapshot.Provider p = LifecycleControllerTest.provider(DisruptionBudget.parse("10"), true,
                providerWindow);
        return controller.reconcile(new FleetSnapshot(LifecycleControllerTest.NOW, Map.of("mi", p),
                List.of(members), instanceWindows));
    }

    private static FleetSnapshot.Member expired(String id) {
        return LifecycleControllerTest.member(id, 15, List.of(LifecycleControllerTest.service("t-" + id)));
    }

    private static List<String> drained(List<Decision> d) {
        return d.stream().filter(StartDrain.class::isInstance).map(StartDrain.class::cast)
                .filter(s -> s.cause() == DrainCause.MAX_LIFETIME).map(StartDrain::instanceId).toList();
    }

    @Test
    void reconcile_ownWindowOpen_providerWindowClosed_drainsOnlyThatInstance() {
        List<Decision> d = run(Optional.of(SATURDAY), Map.of("i-1", MONDAY_NOON), expired("i-1"), expired("i-2"));
        assertThat(drained(d)).containsExactly("i-1");
        assertThat(d).filteredOn(StartDrain.class::isInstance).map(x -> ((StartDrain) x).reason())
                .singleElement().asString().contains("inside the maintenance window");
    }

    @Test
    void reconcile_ownWindowClosed_providerWindowNone_onlyTheOtherDrains() {
        List<Decision> d = run(Optional.empty(), Map.of("i-1", SATURDAY), expired("i-1"), expired("i-2"));
        assertThat(drained(d)).containsExactly("i-2");
    }

    @Test
    void reconcile_noInstanceWindows_providerWindowDecides() {
        assertThat(drained(run(Optional.of(MONDAY_NOON), Map.of(), expired("i-1"), expired("i-2"))))
                .containsExactly("i-1", "i-2");
        assertThat(drained(run(Optional.of(SATURDAY), Map.of(), expired("i-1"), expired("i-2")))).isEmpty();
    }
}
