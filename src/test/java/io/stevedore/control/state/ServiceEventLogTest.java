package io.stevedore.control.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.store.Database;
import io.stevedore.store.InMemoryResourceStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
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

    @Test
    void idsAreDrawnOldestFirst_asNewIdMakesThem_andMadeWhenRead() {
        try (Database db = new Database(new InMemoryResourceStore())) {
            PlaneConfig config = PlaneConfig.defaults();
            EcsState state = new EcsState(db, config);
            Service s = Service.builder().serviceArn(ARN).serviceName("web").build();
            db.run(() -> {
                state.services.put(ARN, s);
                state.addServiceEvents(s, List.of("first", "second"), Instant.ofEpochSecond(1));
                state.newId("event"); // a draw in between (as a task's) moves the sequence on
                state.addServiceEvents(s, List.of(ServiceMessage.steady("web")), Instant.ofEpochSecond(2));
            });
            String seed = config.region() + "/" + config.accountId() + "/event/";
            List<ServiceEvent> shown = state.withEvents(s).events();
            assertThat(shown).extracting(ServiceEvent::id).containsExactly(id(seed + 4), id(seed + 2), id(seed + 1));
            assertThat(shown).extracting(ServiceEvent::message).containsExactly(
                    "(service web) has reached a steady state.", "second", "first");
            assertThat(shown.get(0).id()).hasSize(32).matches("[0-9a-f]{32}");
        }
    }

    private static String id(String name) {
        return java.util.UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }

    @Test
    void aThousandSingleEvents_showTheLatestHundred_inOrder() {
        try (Database db = new Database(new InMemoryResourceStore())) {
            EcsState state = new EcsState(db, PlaneConfig.defaults());
            Service s = Service.builder().serviceArn(ARN).serviceName("web").build();
            List<Integer> sizes = new ArrayList<>();
            db.run(() -> {
                state.services.put(ARN, s);
                for (int i = 0; i < 1_000; i++) {
                    state.addServiceEvents(s, List.of("m" + i), Instant.ofEpochSecond(i));
                    sizes.add(state.serviceEvents.get(ARN).orElseThrow().size());
                }
            });
            assertThat(sizes.subList(0, 3)).containsExactly(1, 2, 3);
            assertThat(sizes.subList(99, 1_000)).containsOnly(EcsState.MAX_SERVICE_EVENTS);
            List<ServiceEvent> shown = state.withEvents(s).events();
            assertThat(shown).hasSize(EcsState.MAX_SERVICE_EVENTS);
            for (int i = 0; i < shown.size(); i++) {
                assertThat(shown.get(i).message()).isEqualTo("m" + (999 - i));
                assertThat(shown.get(i).createdAt()).isEqualTo(Instant.ofEpochSecond(999 - i));
            }
            assertThat(shown).extracting(ServiceEvent::id).doesNotHaveDuplicates();
            assertThat(state.recentEventMessages(s, 2)).containsExactly("m999", "m998");
            // more events at once than a service shows: the newest hundred of them
            List<String> many = new ArrayList<>();
            for (int i = 0; i < 130; i++) {
                many.add("b" + i);
            }
            db.run(() -> state.addServiceEvents(s, many, Instant.ofEpochSecond(2_000)));
            assertThat(state.recentEventMessages(s, 200)).hasSize(EcsState.MAX_SERVICE_EVENTS).startsWith("b129")
                    .endsWith("b30");
        }
    }

    @Test
    void surelyDiffers_onlyForOtherNewestNumbers_ofTheSameSequence() {
        ServiceEventLog empty = new ServiceEventLog(ARN, List.of());
        ServiceEventLog one = empty.with(List.of("a"), Instant.ofEpochSecond(1), "p/", () -> 1);
        ServiceEventLog two = one.with(List.of("b"), Instant.ofEpochSecond(2), "p/", () -> 2);
        ServiceEventLog sameAsOne = empty.with(List.of("a"), Instant.ofEpochSecond(1), "p/", () -> 1);
        assertThat(two.surelyDiffers(one)).isTrue();
        assertThat(one.surelyDiffers(sameAsOne)).isFalse();
        assertThat(one).isEqualTo(sameAsOne).hasSameHashCodeAs(sameAsOne);
        assertThat(one.surelyDiffers(empty)).isFalse(); // told by equals
        assertThat(one).isNotEqualTo(empty);
        ServiceEventLog readBack = ServiceEventLog.CODEC.read(ServiceEventLog.CODEC.write(two));
        assertThat(readBack).isEqualTo(two);
        assertThat(readBack.surelyDiffers(two)).isFalse(); // given ids are compared by equals
        assertThat(readBack.events().get(0).id()).isEqualTo(id("p/2"));
    }
}
