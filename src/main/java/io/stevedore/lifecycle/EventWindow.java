package io.stevedore.lifecycle;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A maintenance window in the shape of an EC2 instance event window: weekly UTC time ranges
 * ({@code startWeekDay, startHour, endWeekDay, endHour}) or a cron expression {@code "min hour * * dow"}, with
 * EC2's rules (each range at least 2 hours, at least 4 hours per week, times in UTC). Pure: no clock.
 *
 * @param ranges the weekly ranges, in the order given
 */
public record EventWindow(List<TimeRange> ranges) {
    static final long WEEK_MINUTES = 7 * 24 * 60;

    /**
     * One weekly range; {@code end} is exclusive. A range may wrap over the week's end (saturday 22 → sunday 2).
     */
    public record TimeRange(DayOfWeek startWeekDay, int startHour, DayOfWeek endWeekDay, int endHour) {
        public TimeRange {
            Objects.requireNonNull(startWeekDay, "startWeekDay");
            Objects.requireNonNull(endWeekDay, "endWeekDay");
            if (startHour < 0 || startHour > 23 || endHour < 0 || endHour > 23) {
                throw new IllegalArgumentException("startHour and endHour must be 0-23");
            }
        }

        /** Minutes from sunday 00:00 UTC to the start (EC2 weeks start on sunday). */
        long startMinute() {
            return minuteOfWeek(startWeekDay, startHour);
        }

        long lengthMinutes() {
            long len = Math.floorMod(minuteOfWeek(endWeekDay, endHour) - startMinute(), WEEK_MINUTES);
            return len == 0 ? WEEK_MINUTES : len;
        }
    }

    public EventWindow {
        ranges = List.copyOf(ranges);
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("an event window needs at least one time range");
        }
        long total = 0;
        for (TimeRange r : ranges) {
            if (r.lengthMinutes() < 120) {
                throw new IllegalArgumentException("each time range of an event window must be at least 2 hours: "
                        + describe(r));
            }
            total += r.lengthMinutes();
        }
        if (total < 240) {
            throw new IllegalArgumentException("the time ranges of an event window must total at least 4 hours per"
                    + " week (got " + total / 60.0 + ")");
        }
    }

    static long minuteOfWeek(DayOfWeek d, int hour) {
        return (d.getValue() % 7) * 24L * 60 + hour * 60L;
    }

    /**
     * Parses the range form: ranges separated by spaces or commas, each {@code day:HH-day:HH} with EC2's day names
     * (sunday … saturday, or three-letter forms), e.g. {@code "sat:02-sat:06 sun:02-sun:06"}.
     */
    public static EventWindow parseRanges(String text) {
        List<TimeRange> out = new ArrayList<>();
        for (String part : text.trim().split("[\\s,]+")) {
            if (part.isEmpty()) {
                continue;
            }
            String[] ends = part.split("-");
            if (ends.length != 2) {
                throw new IllegalArgumentException("time range '" + part + "' must look like sat:02-sat:06");
            }
            String[] a = ends[0].split(":");
            String[] b = ends[1].split(":");
            if (a.length != 2 || b.length != 2) {
                throw new IllegalArgumentException("time range '" + part + "' must look like sat:02-sat:06");
            }
            out.add(new TimeRange(day(a[0]), hour(a[1], part), day(b[0]), hour(b[1], part)));
        }
        return new EventWindow(out);
    }

    /**
     * Parses EC2's cron form {@code "min hour * * dow"}: minute {@code *} or {@code 0}; hour a single hour, a range
     * {@code 1-5} or a list of them; day of month and month {@code *}; day of week {@code *}, numbers 0-6 (0 =
     * sunday) or names, as a single day, a range or a list. Each listed hour span runs to the end of its last hour.
     */
    public static EventWindow parseCron(String expression) {
        String[] f = expression.trim().split("\\s+");
        if (f.length != 5) {
            throw new IllegalArgumentException("cron expression '" + expression + "' must have 5 fields: min hour * *"
                    + " dow");
        }
        if (!"*".equals(f[0]) && !"0".equals(f[0])) {
            throw new IllegalArgumentException("cron expression: the minute must be * or 0");
        }
        if (!"*".equals(f[2]) || !"*".equals(f[3])) {
            throw new IllegalArgumentException("cron expression: day of month and month must be *");
        }
        List<int[]> hours = spans(f[1], 0, 23, false);
        List<int[]> days = spans(f[4], 0, 6, true);
        List<TimeRange> out = new ArrayList<>();
        for (int[] d : days) {
            for (int day = d[0]; day <= d[1]; day++) {
                DayOfWeek dow = DayOfWeek.of(day == 0 ? 7 : day);
                for (int[] h : hours) {
                    int end = h[1] + 1;
                    DayOfWeek endDay = end == 24 ? dow.plus(1) : dow;
                    out.add(new TimeRange(dow, h[0], endDay, end % 24));
                }
            }
        }
        return new EventWindow(out);
    }

    /** Either form: {@code cron(...)}/a 5-field cron expression, or ranges. */
    public static EventWindow parse(String text) {
        String t = text.trim();
        if (t.startsWith("cron(") && t.endsWith(")")) {
            return parseCron(t.substring(5, t.length() - 1));
        }
        return t.split("\\s+").length == 5 && !t.contains(":") ? parseCron(t) : parseRanges(t);
    }

    private static List<int[]> spans(String field, int min, int max, boolean days) {
        List<int[]> out = new ArrayList<>();
        if ("*".equals(field)) {
            out.add(new int[] {min, max});
            return out;
        }
        for (String p : field.split(",")) {
            String[] ab = p.split("-");
            int a = value(ab[0], days);
            int b = ab.length > 1 ? value(ab[1], days) : a;
            if (ab.length > 2 || a < min || b > max || b < a) {
                throw new IllegalArgumentException("cron expression: '" + p + "' is not a valid " + (days
                        ? "day-of-week" : "hour") + " range (" + min + "-" + max + ")");
            }
            out.add(new int[] {a, b});
        }
        return out;
    }

    private static int value(String s, boolean days) {
        if (days && !s.matches("\\d+")) {
            return day(s).getValue() % 7;
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cron expression: '" + s + "' is not a number");
        }
    }

    private static DayOfWeek day(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            String full = d.name().toLowerCase(Locale.ROOT);
            if (full.equals(l) || full.substring(0, 3).equals(l)) {
                return d;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not a day of the week (sunday … saturday)");
    }

    private static int hour(String s, String part) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("time range '" + part + "': '" + s + "' is not an hour");
        }
    }

    private static String describe(TimeRange r) {
        return r.startWeekDay() + " " + r.startHour() + ":00 - " + r.endWeekDay() + " " + r.endHour() + ":00";
    }

    private static long minuteOfWeek(Instant t) {
        ZonedDateTime z = t.atZone(ZoneOffset.UTC);
        return minuteOfWeek(z.getDayOfWeek(), z.getHour()) + z.getMinute();
    }

    /** True when {@code t} lies inside one of the ranges. */
    public boolean contains(Instant t) {
        long m = minuteOfWeek(t);
        for (TimeRange r : ranges) {
            if (Math.floorMod(m - r.startMinute(), WEEK_MINUTES) < r.lengthMinutes()) {
                return true;
            }
        }
        return false;
    }

    /** The first instant at or after {@code t} that lies inside the window ({@code t} itself when inside). */
    public Instant nextOpening(Instant t) {
        if (contains(t)) {
            return t;
        }
        Instant minute = t.truncatedTo(ChronoUnit.MINUTES);
        long m = minuteOfWeek(minute);
        long best = Long.MAX_VALUE;
        for (TimeRange r : ranges) {
            long wait = Math.floorMod(r.startMinute() - m, WEEK_MINUTES);
            best = Math.min(best, wait == 0 ? WEEK_MINUTES : wait);
        }
        return minute.plus(Duration.ofMinutes(best));
    }

    /** The last window opening (range start) at or before {@code t}, looking back at most one week. */
    public Instant lastOpening(Instant t) {
        Instant minute = t.truncatedTo(ChronoUnit.MINUTES);
        long m = minuteOfWeek(minute);
        long best = Long.MAX_VALUE;
        for (TimeRange r : ranges) {
            best = Math.min(best, Math.floorMod(m - r.startMinute(), WEEK_MINUTES));
        }
        return minute.minus(Duration.ofMinutes(best));
    }
}
