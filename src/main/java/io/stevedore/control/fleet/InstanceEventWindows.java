package io.stevedore.control.fleet;

import io.stevedore.cloud.InstanceEventWindow;
import io.stevedore.lifecycle.EventWindow;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * EC2 instance event windows as the lifecycle's maintenance windows: an instance associated with a window (by its
 * id, or by one of its tags) has its replacement before the maximum lifetime inside that window, whatever its
 * provider's window says (docs/lifecycle.md "Maximum lifetime and maintenance windows").
 */
public final class InstanceEventWindows {
    private InstanceEventWindows() {
    }

    /**
     * The lifecycle's window for an EC2 event window (its ranges or its cron expression); {@link
     * IllegalArgumentException} naming the broken rule when it breaks EC2's (each range at least 2 hours, 4 hours a
     * week).
     */
    public static EventWindow toLifecycle(InstanceEventWindow w) {
        if (w.cronExpression() != null) {
            return EventWindow.parseCron(w.cronExpression());
        }
        List<EventWindow.TimeRange> ranges = new ArrayList<>();
        for (InstanceEventWindow.TimeRange r : w.timeRanges()) {
            ranges.add(new EventWindow.TimeRange(day(r.startWeekDay()), r.startHour(), day(r.endWeekDay()),
                    r.endHour()));
        }
        return new EventWindow(ranges);
    }

    /** An EC2 {@code WeekDay} value ({@code sunday} … {@code saturday}). */
    public static DayOfWeek day(String weekDay) {
        if (weekDay != null) {
            for (DayOfWeek d : DayOfWeek.values()) {
                if (d.name().toLowerCase(Locale.ROOT).equals(weekDay)) {
                    return d;
                }
            }
        }
        throw new IllegalArgumentException("'" + weekDay + "' is not a week day (sunday, monday, tuesday, wednesday,"
                + " thursday, friday, saturday)");
    }

    /**
     * The window of each of {@code instanceIds} that has one: a window that names the instance's id first, else one
     * that names one of its tags ({@code tagsOf}); among several, the lowest window id (EC2 lets a target be in one
     * window only, but an id and a tag of the same instance may be in two). Windows that no longer parse are skipped.
     */
    static Map<String, EventWindow> byInstance(List<InstanceEventWindow> windows, Set<String> instanceIds,
                                              Function<String, Map<String, String>> tagsOf) {
        Map<String, EventWindow> out = new HashMap<>();
        if (windows.isEmpty()) {
            return out;
        }
        List<InstanceEventWindow> byTag = new ArrayList<>();
        Map<String, EventWindow> parsed = new HashMap<>();
        for (InstanceEventWindow w : windows.stream().sorted(Comparator.comparing(InstanceEventWindow::id)).toList()) {
            EventWindow ew;
            try {
                ew = toLifecycle(w);
            } catch (IllegalArgumentException e) {
                continue; // validated when created or modified
            }
            parsed.put(w.id(), ew);
            for (String id : w.instanceIds()) {
                if (instanceIds.contains(id)) {
                    out.putIfAbsent(id, ew);
                }
            }
            if (!w.instanceTags().isEmpty()) {
                byTag.add(w);
            }
        }
        if (byTag.isEmpty()) {
            return out;
        }
        for (String id : instanceIds) {
            if (out.containsKey(id)) {
                continue;
            }
            Map<String, String> tags = tagsOf.apply(id);
            for (InstanceEventWindow w : byTag) {
                if (w.appliesTo(id, tags)) {
                    out.put(id, parsed.get(w.id()));
                    break;
                }
            }
        }
        return out;
    }
}
