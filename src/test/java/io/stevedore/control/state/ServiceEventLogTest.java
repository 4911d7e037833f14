package io.stevedore.control.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.store.Database;
import io.stevedore.store.InMemoryResourceStore;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/** A service's events live in their own log: newest first, the latest 100, shown with the service. */
class ServiceEventLogTest {
    private static final String ARN = "arn:aws:ecs:us-east-1:000000000000:service/c/web";

    @Test
    void newestFirst_keepsLatestHundred_shownWithTheService() {
        try (Database db = new Database(new InMemoryResourceStore())) {
            EcsState state = new EcsState(db, PlaneConfig.defaults());
            Service s = Service.builder().serviceArn(ARN).serviceName("web").build();
            db.run(() -> {
                state.services.put(ARN, s);
                for (int i = 0; i < 60; i++) {
                    state.addServiceEvents(s, List.of("m" + (2 * i), "m" + (2 * i + 1)),
                            Instant.ofEpochSecond(1_000 + i));
                }
            });
            Service shown = state.withEvents(state.services.get(ARN).orElseThrow());
            assertThat(shown.events()).hasSize(EcsState.MAX_SERVICE_EVENTS);
            assertThat(shown.events().get(0).message()).isEqualTo("m119");
            assertThat(shown.events().get(1).message()).isEqualTo("m118");
            assertThat(shown.events().get(99).message()).isEqualTo("m20");
            assertThat(shown.events().get(0).createdAt()).isEqualTo(Instant.ofEpochSecond(1_059));
            assertThat(shown.events()).extracting(ServiceEvent::id).doesNotHaveDuplicates();
            assertThat(state.recentEventMessages(shown, 3)).containsExactly("m119", "m118", "m117");
            assertThat(state.services.get(ARN).orElseThrow().events()).isEmpty(); // the row carries none
        }
    }

    @Test
    void serviceStoredWithEventsInItsRow_keepsThemBehindNewOnes() {
        try (Database db = new Database(new InMemoryResourceStore())) {
            EcsState state = new EcsState(db, PlaneConfig.defaults());
            Service old = Service.builder().serviceArn(ARN).serviceName("web").events(ServiceEvent.builder()
                    .id("e1").createdAt(Instant.ofEpochSecond(5)).message("older").build()).build();
            db.run(() -> state.services.put(ARN, old));
            assertThat(state.withEvents(old).events()).extracting(ServiceEvent::message).containsExactly("older");
            assertThat(state.recentEventMessages(old, 5)).containsExactly("older");
            db.run(() -> state.addServiceEvents(old, List.of("newer"), Instant.ofEpochSecond(9)));
            assertThat(state.withEvents(old).events()).extracting(ServiceEvent::message)
                    .containsExactly("newer", "older");
        }
    }

    @Test
    void storedInTheApiShape_readsBackEqual() {
        ServiceEventLog log = new ServiceEventLog(ARN, List.of(ServiceEvent.builder().id("e2")
                .createdAt(Instant.ofEpochSecond(7)).message("newer").build(), ServiceEvent.builder().id("e1")
                .createdAt(Instant.ofEpochSecond(5)).message("older").build()));
        String json = ServiceEventLog.CODEC.write(log);
        assertThat(json).contains("\"serviceArn\":\"" + ARN + "\"").contains("\"message\":\"newer\"");
        assertThat(ServiceEventLog.CODEC.read(json)).isEqualTo(log);
    }
}
