package io.stevedore.control.state;

import io.stevedore.ecs.SdkCodec;
import io.stevedore.store.Codec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * A service's events, newest first, as DescribeServices shows them: the latest {@link #MAX} of them. The stored form
 * is the API's own: a {@code Service} shape with only the ARN and the events.
 *
 * <p>Held compactly, because a fleet's events are most of what a long run keeps: a chain of entries, newest first, so
 * that adding an event adds one entry instead of copying the list. An event the control plane adds keeps the
 * number its id was drawn from, not the id: the id (a name-based UUID's 32 digits) is made when the event is read,
 * and so is the text of a {@link CharSequence} message that renders itself (a {@link ServiceMessage}). The chain
 * grows to {@link #MAX} plus a quarter before its latest {@link #MAX} are copied into a new one, so that a new event
 * costs a few entries, not a hundred.
 *
 * <p>Immutable: logs and their entries are shared with the snapshot readers of other threads.
 */
public final class ServiceEventLog {
    /** How many events a service shows (DescribeServices shows the latest 100). */
    public static final int MAX = 100;
    private static final int KEEP = MAX + MAX / 4;

    private final String serviceArn;
    private final Entry newest;

    /** A log of the given events (newest first), as read back or carried by a service row stored before logs. */
    public ServiceEventLog(String serviceArn, List<ServiceEvent> events) {
        this(serviceArn, chainOf(events));
    }

    private ServiceEventLog(String serviceArn, Entry newest) {
        this.serviceArn = Objects.requireNonNull(serviceArn, "serviceArn");
        this.newest = newest;
    }

    private static Entry chainOf(List<ServiceEvent> events) {
        Entry e = null;
        for (int i = Math.min(events.size(), MAX) - 1; i >= 0; i--) {
            ServiceEvent ev = events.get(i);
            e = new Entry(e, ev.id(), null, 0, ev.createdAt(), ev.message());
        }
        return e;
    }

    public String serviceArn() {
        return serviceArn;
    }

    /** How many events the log shows. */
    public int size() {
        return newest == null ? 0 : Math.min(MAX, newest.depth);
    }

    /** The events, newest first, made on each call (ids and messages included). */
    public List<ServiceEvent> events() {
        List<ServiceEvent> out = new ArrayList<>(size());
        for (Entry e = newest; e != null && out.size() < MAX; e = e.next) {
            out.add(ServiceEvent.builder().id(e.id()).createdAt(e.createdAt).message(e.message()).build());
        }
        return out;
    }

    /** The latest {@code n} messages, newest first. */
    public List<String> messages(int n) {
        int limit = Math.min(n, size());
        List<String> out = new ArrayList<>(limit);
        for (Entry e = newest; out.size() < limit; e = e.next) {
            out.add(e.message());
        }
        return out;
    }

    /**
     * This log with {@code messages} (oldest first) on top, created at {@code at}, their ids drawn one by one, oldest
     * first, from {@code ids}: numbers whose id is {@code EcsState.idOf(idPrefix, number)}, as {@code newId} makes it.
     */
    ServiceEventLog with(List<? extends CharSequence> messages, Instant at, String idPrefix,
                         java.util.function.LongSupplier ids) {
        Entry e = newest;
        if (e != null && e.depth + messages.size() > KEEP) {
            e = latest(e, Math.max(0, MAX - messages.size()));
        }
        for (CharSequence m : messages) {
            e = new Entry(e, null, idPrefix, ids.getAsLong(), at, m);
        }
        return new ServiceEventLog(serviceArn, e);
    }

    /** A new chain of the first {@code n} entries of {@code e}'s. */
    private static Entry latest(Entry e, int n) {
        List<Entry> kept = new ArrayList<>(n);
        for (Entry x = e; x != null && kept.size() < n; x = x.next) {
            kept.add(x);
        }
        Entry out = null;
        for (int i = kept.size() - 1; i >= 0; i--) {
            Entry x = kept.get(i);
            out = new Entry(out, x.id, x.idPrefix, x.number, x.createdAt, x.message);
        }
        return out;
    }

    /**
     * Whether this log and {@code other} surely differ, told without making an id or a message: their newest events'
     * ids were drawn as different numbers of the same sequence. False when that cannot be told so.
     */
    boolean surelyDiffers(ServiceEventLog other) {
        Entry a = newest;
        Entry b = other.newest;
        return a != null && b != null && a.id == null && b.id == null && a.idPrefix.equals(b.idPrefix)
                && a.number != b.number;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof ServiceEventLog l && serviceArn.equals(l.serviceArn)
                && events().equals(l.events());
    }

    @Override
    public int hashCode() {
        return Objects.hash(serviceArn, events());
    }

    @Override
    public String toString() {
        return "ServiceEventLog[serviceArn=" + serviceArn + ", events=" + events() + "]";
    }

    /**
     * One event: its id as given, or the number it was drawn from (the id made from it when read); its message as a
     * string or a message that renders itself.
     */
    private static final class Entry {
        final Entry next;
        /** How many entries the chain holds from this one on. */
        final int depth;
        final String id;
        final String idPrefix;
        final long number;
        final Instant createdAt;
        final CharSequence message;

        Entry(Entry next, String id, String idPrefix, long number, Instant createdAt, CharSequence message) {
            this.next = next;
            this.depth = next == null ? 1 : next.depth + 1;
            this.id = id;
            this.idPrefix = idPrefix;
            this.number = number;
            this.createdAt = createdAt;
            this.message = message;
        }

        String id() {
            return id != null ? id : EcsState.idOf(idPrefix, number);
        }

        String message() {
            return message.toString();
        }
    }

    /** Stores the log as a {@code Service} shape in the AWS JSON form. */
    static final Codec<ServiceEventLog> CODEC = new Codec<>() {
        private final SdkCodec<Service> service = new SdkCodec<>(Service::builder, Service.class);

        @Override
        public String write(ServiceEventLog value) {
            return service.write(Service.builder().serviceArn(value.serviceArn()).events(value.events()).build());
        }

        @Override
        public ServiceEventLog read(String json) {
            Service s = service.read(json);
            return new ServiceEventLog(s.serviceArn(), s.events());
        }
    };
}
