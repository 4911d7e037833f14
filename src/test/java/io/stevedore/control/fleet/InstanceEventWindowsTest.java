package io.stevedore.control.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.cloud.InstanceEventWindow;
import io.stevedore.cloud.InstanceEventWindow.Tag;
import io.stevedore.cloud.InstanceEventWindow.TimeRange;
import io.stevedore.lifecycle.EventWindow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which EC2 event window each instance has: by id first, then by any one of its tags, lowest window id first. */
class InstanceEventWindowsTest {
    static final Instant MONDAY_1AM = Instant.parse("2026-01-05T01:00:00Z");
    static final Instant TUESDAY_1AM = Instant.parse("2026-01-06T01:00:00Z");
    static final Instant WEDNESDAY_1AM = Instant.parse("2026-01-07T01:00:00Z");

    static InstanceEventWindow window(String id, String cron, List<String> ids, List<Tag> tags) {
        return new InstanceEventWindow(id, null, List.of(), cron, ids, tags, List.of(), List.of());
    }

    @Test
    void byInstance_idBeatsTag_tagMatchesKeyAndValue_lowestIdAmongTags() {
        List<InstanceEventWindow> windows = List.of(
                window("iew-3", "* 0-3 * * 3", List.of(), List.of(new Tag("team", "web"))),
                window("iew-2", "* 0-3 * * 2", List.of(), List.of(new Tag("env", "prod"))),
                window("iew-1", "* 0-3 * * 1", List.of("i-a"), List.of()));
        Map<String, Map<String, String>> tags = Map.of(
                "i-a", Map.of("env", "prod"),
                "i-b", Map.of("env", "prod", "team", "web"),
                "i-c", Map.of("team", "web"),
                "i-d", Map.of("env", "dev"));
        Map<String, EventWindow> w = InstanceEventWindows.byInstance(windows, Set.of("i-a", "i-b", "i-c", "i-d"),
                tags::get);
        assertThat(w).containsOnlyKeys("i-a", "i-b", "i-c");
        assertThat(w.get("i-a").contains(MONDAY_1AM)).as("by id: monday").isTrue();
        assertThat(w.get("i-b").contains(TUESDAY_1AM)).as("two tag windows: the lower id, tuesday").isTrue();
        assertThat(w.get("i-c").contains(WEDNESDAY_1AM)).isTrue();
        assertThat(w.get("i-c").contains(TUESDAY_1AM)).isFalse();
    }

    @Test
    void byInstance_unknownInstancesLeftOut_noWindowsNoEntries() {
        List<InstanceEventWindow> windows = List.of(window("iew-1", "* 0-3 * * 1", List.of("i-gone"), List.of()));
        assertThat(InstanceEventWindows.byInstance(windows, Set.of("i-a"), id -> Map.of())).isEmpty();
        assertThat(InstanceEventWindows.byInstance(List.of(), Set.of("i-a"), id -> Map.of())).isEmpty();
    }

    @Test
    void toLifecycle_rangesAndRules() {
        EventWindow w = InstanceEventWindows.toLifecycle(new InstanceEventWindow("iew-1", "n",
                List.of(new TimeRange("sunday", 22, "monday", 2)), null, List.of(), List.of(), List.of(), List.of()));
        assertThat(w.contains(MONDAY_1AM)).isTrue();
        assertThat(w.contains(TUESDAY_1AM)).isFalse();
        assertThatThrownBy(() -> InstanceEventWindows.toLifecycle(new InstanceEventWindow("iew-1", "n",
                List.of(new TimeRange("monday", 1, "monday", 2)), null, List.of(), List.of(), List.of(), List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 hours");
        assertThatThrownBy(() -> InstanceEventWindows.day("Mon")).isInstanceOf(IllegalArgumentException.class);
    }
}
