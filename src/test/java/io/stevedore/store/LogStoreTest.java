package io.stevedore.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.store.LogStore.Input;
import io.stevedore.store.LogStore.Page;
import io.stevedore.store.LogStore.Position;
import io.stevedore.store.LogStore.Stream;
import io.stevedore.testkit.PostgresExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log store's bounds and reads on SQLite (a file, as {@code serve} keeps it; in memory, as the simulator's
 * planes do) and on a real PostgreSQL: a
 * stream over its event or byte bound loses its oldest events down to 90 % of the bound with its totals kept
 * right, reads page in both directions by (timestamp, id), and the retention purge deletes what is past it.
 */
class LogStoreTest {
    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();
    private static final LogStore.Limits SMALL = new LogStore.Limits(1 << 20, 10_000);

    @TempDir
    Path dir;
    private final List<LogStore> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(LogStore::close);
    }

    private List<Supplier<LogStore>> stores() {
        return List.of(() -> track(LogStore.sqlite(dir.resolve("logs.db"), SMALL)),
                () -> track(LogStore.memory(SMALL)), () -> {
            try {
                return track(LogStore.postgres(new DatabaseUrl(PG.newDatabase(), "stevedore", null), SMALL));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private LogStore track(LogStore s) {
        opened.add(s);
        return s;
    }

    private static Stream stream(LogStore store) {
        assertThat(store.createGroup("g", 0, "STANDARD", null, Map.of())).isTrue();
        assertThat(store.createStream("g", "s", 0)).isTrue();
        return store.stream("g", "s").orElseThrow();
    }

    @Test
    void eventBound_dropsTheOldestDownTo90Percent() {
        for (Supplier<LogStore> make : stores()) {
            LogStore store = make.get();
            Stream s = stream(store);
            for (int batch = 0; batch < 11; batch++) {
                List<Input> events = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    events.add(new Input(batch * 1000L + i, "event " + (batch * 1000 + i)));
                }
                store.append(s.id(), events, 1);
            }
            Stream after = store.stream("g", "s").orElseThrow();
            assertThat(after.storedEvents()).isEqualTo(9000);
            assertThat(after.firstEvent()).isEqualTo(2000L);
            assertThat(after.lastEvent()).isEqualTo(10_999L);
            Page head = store.read(s.id(), Position.START, true, 0, Long.MAX_VALUE, 10_000, Long.MAX_VALUE);
            assertThat(head.events()).hasSize(9000);
            assertThat(head.events().get(0).message()).isEqualTo("event 2000");
            long bytes = head.events().stream().mapToLong(LogStore.Event::size).sum();
            assertThat(after.storedBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void byteBound_dropsTheOldestEvents() {
        for (Supplier<LogStore> make : stores()) {
            LogStore store = make.get();
            Stream s = stream(store);
            String big = "é".repeat(300_000); // 600,000 bytes in UTF-8
            store.append(s.id(), List.of(new Input(1, big)), 1);
            Stream after = store.append(s.id(), List.of(new Input(2, big)), 2).orElseThrow();
            assertThat(after.storedEvents()).isEqualTo(1);
            assertThat(after.storedBytes()).isEqualTo(600_026);
            assertThat(after.firstEvent()).isEqualTo(2L);
            assertThat(store.group("g").orElseThrow().storedBytes()).isEqualTo(600_026);
        }
    }

    @Test
    void reads_pageBothWaysAndScanAcrossStreamsByTimestamp() {
        for (Supplier<LogStore> make : stores()) {
            LogStore store = make.get();
            Stream a = stream(store);
            store.createStream("g", "b", 0);
            Stream b = store.stream("g", "b").orElseThrow();
            store.append(a.id(), List.of(new Input(10, "a10"), new Input(30, "a30"), new Input(30, "a30bis")), 100);
            store.append(b.id(), List.of(new Input(20, "b20"), new Input(30, "b30")), 100);
            Page backward = store.read(a.id(), new Position(Long.MAX_VALUE - 1, Long.MAX_VALUE), false, 0,
                    Long.MAX_VALUE, 2, Long.MAX_VALUE);
            assertThat(backward.events()).extracting(LogStore.Event::message).containsExactly("a30bis", "a30");
            assertThat(backward.more()).isTrue();
            Page scan = store.scan(List.of(a.id(), b.id()), Position.START, 0, Long.MAX_VALUE,
                    e -> !e.message().equals("a30"), 10, Long.MAX_VALUE, 3);
            assertThat(scan.events()).extracting(LogStore.Event::message).containsExactly("a10", "b20");
            assertThat(scan.more()).isTrue();
            Page rest = store.scan(List.of(a.id(), b.id()), scan.resume(), 0, Long.MAX_VALUE,
                    e -> !e.message().equals("a30"), 10, Long.MAX_VALUE, 3);
            assertThat(rest.events()).extracting(LogStore.Event::message).containsExactly("a30bis", "b30");
            assertThat(rest.more()).isFalse();
        }
    }

    @Test
    void purgeExpired_deletesPastRetentionAndKeepsTotals() {
        for (Supplier<LogStore> make : stores()) {
            LogStore store = make.get();
            Stream s = stream(store);
            long day = 86_400_000L;
            long now = 100 * day;
            store.append(s.id(), List.of(new Input(now - 5 * day, "old"), new Input(now - day / 2, "new")), now);
            assertThat(store.purgeExpired(now)).as("no retention: nothing expires").isZero();
            store.setRetention("g", 3);
            assertThat(store.purgeExpired(now)).isEqualTo(1);
            Stream after = store.stream("g", "s").orElseThrow();
            assertThat(after.storedEvents()).isEqualTo(1);
            assertThat(after.storedBytes()).isEqualTo(26 + 3);
            assertThat(after.firstEvent()).isEqualTo(now - day / 2);
            assertThat(store.deleteGroup("g")).isTrue();
            assertThat(store.groups(n -> true)).isEmpty();
        }
    }
}
