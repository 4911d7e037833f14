package io.stevedore.lifecycle;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * A bounded ring of state-change events in the shape of ECS's EventBridge events (source {@code aws.ecs},
 * {@code detail-type} such as {@code ECS Task State Change}); the oldest are dropped first. Thread-safe.
 */
public final class EventRing {
    /**
     * One event.
     *
     * @param seq        a per-ring sequence number (for {@code since} paging)
     * @param timeMillis when it happened (the control plane's clock)
     * @param detailType EventBridge detail-type
     * @param resources  the ARNs it is about
     * @param detailJson the detail object as JSON (the Task / ContainerInstance / message)
     */
    public record Event(long seq, long timeMillis, String detailType, List<String> resources, String detailJson) {
        public Event {
            Objects.requireNonNull(detailType, "detailType");
            resources = List.copyOf(resources);
            Objects.requireNonNull(detailJson, "detailJson");
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

    public synchronized Event add(long timeMillis, String detailType, List<String> resources, String detailJson) {
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
