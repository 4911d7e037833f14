package io.stevedore.control.events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A bounded ring of state-change events in the shape of ECS's EventBridge events (source {@code aws.ecs},
 * {@code detail-type} such as {@code ECS Task State Change}); the oldest are dropped first. Thread-safe.
 */
public final class EventRing {
    /**
     * One event. Its detail is rendered when first read: the control plane records an event for every task state
     * change, and most are never read before the ring drops them.
     */
    public static final class Event {
        private final long seq;
        private final long timeMillis;
        private final String detailType;
        private final List<String> resources;
        private Supplier<String> render;
        private String detailJson;

        Event(long seq, long timeMillis, String detailType, List<String> resources, Supplier<String> render) {
            this.seq = seq;
            this.timeMillis = timeMillis;
            this.detailType = Objects.requireNonNull(detailType, "detailType");
            this.resources = List.copyOf(resources);
            this.render = Objects.requireNonNull(render, "detail");
        }

        /** A per-ring sequence number (for {@code since} paging). */
        public long seq() {
            return seq;
        }

        /** When it happened (the control plane's clock). */
        public long timeMillis() {
            return timeMillis;
        }

        /** EventBridge detail-type. */
        public String detailType() {
            return detailType;
        }

        /** The ARNs it is about. */
        public List<String> resources() {
            return resources;
        }

        /** The detail object as JSON (the Task / ContainerInstance / message). */
        public synchronized String detailJson() {
            if (detailJson == null) {
                detailJson = Objects.requireNonNull(render.get(), "detailJson");
                render = null;
            }
            return detailJson;
        }
    }

    private final int capacity;
    private final Deque<Event> events = new ArrayDeque<>();
    private long seq;

    public EventRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        this.capacity = capacity;
    }

    public Event add(long timeMillis, String detailType, List<String> resources, String detailJson) {
        Objects.requireNonNull(detailJson, "detailJson");
        return add(timeMillis, detailType, resources, () -> detailJson);
    }

    /** Adds an event whose detail JSON is rendered on first read (from immutable values only). */
    public synchronized Event add(long timeMillis, String detailType, List<String> resources,
                                  Supplier<String> detailJson) {
        Event e = new Event(++seq, timeMillis, detailType, resources, detailJson);
        events.addLast(e);
        while (events.size() > capacity) {
            events.removeFirst();
        }
        return e;
    }

    /** Events with a sequence number above {@code afterSeq}, oldest first, at most {@code limit}. */
    public synchronized List<Event> since(long afterSeq, int limit) {
        List<Event> out = new ArrayList<>();
        for (Event e : events) {
            if (e.seq() > afterSeq && out.size() < limit) {
                out.add(e);
            }
        }
        return out;
    }

    /** Events of one detail-type at or after {@code sinceMillis}, oldest first. */
    public synchronized List<Event> of(String detailType, long sinceMillis) {
        List<Event> out = new ArrayList<>();
        for (Event e : events) {
            if (e.detailType().equals(detailType) && e.timeMillis() >= sinceMillis) {
                out.add(e);
            }
        }
        return out;
    }

    public synchronized int size() {
        return events.size();
    }
}
