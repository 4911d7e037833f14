package io.stevedore.control.scaling;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.BitSet;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Application Auto Scaling's schedule expressions: {@code at(yyyy-mm-ddThh:mm:ss)}, {@code rate(N unit)} and
 * {@code cron(minutes hours day-of-month month day-of-week year)} (EventBridge's six fields: {@code *}, {@code ?},
 * lists, ranges, {@code /} steps, month and weekday names, Sunday = 1), in an IANA time zone (UTC by default).
 */
public final class Schedules {
    private static final Pattern AT = Pattern.compile("at\\((\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})\\)");
    private static final Pattern RATE = Pattern.compile("rate\\((\\d+)\\s+(minute|minutes|hour|hours|day|days)\\)");
    private static final Pattern CRON = Pattern.compile("cron\\((.+)\\)");
    private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
        "NOV", "DEC"};
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    private Schedules() {
    }

    /** Why an expression or zone is invalid (the API's ValidationException message), or null when valid. */
    public static String problem(String schedule, String timezone) {
        try {
            zone(timezone);
        } catch (DateTimeException e) {
            return "Timezone " + timezone + " is not a valid time zone.";
        }
        try {
            next(schedule, timezone, 0, 0, 0, 0);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /**
     * The first run strictly after {@code afterMillis}, within {@code [start, end]} (0 = unbounded), or
     * Long.MAX_VALUE when there is none. {@code createdMillis} anchors {@code rate(...)} without a start time.
     */
    public static long next(String schedule, String timezone, long afterMillis, long createdMillis, long startMillis,
                            long endMillis) {
        ZoneId zone = zone(timezone);
        long after = Math.max(afterMillis, startMillis - 1);
        long next;
        Matcher m;
        if (schedule == null) {
            throw new IllegalArgumentException("Schedule is required.");
        } else if ((m = AT.matcher(schedule.trim())).matches()) {
            long at = LocalDateTime.parse(m.group(1)).atZone(zone).toInstant().toEpochMilli();
            next = at > after ? at : Long.MAX_VALUE;
        } else if ((m = RATE.matcher(schedule.trim())).matches()) {
            long n = Long.parseLong(m.group(1));
            if (n <= 0) {
                throw new IllegalArgumentException("The rate value must be a positive integer: " + schedule);
            }
            long unit = m.group(2).startsWith("minute") ? 60_000L : m.group(2).startsWith("hour") ? 3_600_000L
                    : 86_400_000L;
            long step = n * unit;
            long anchor = startMillis > 0 ? startMillis : createdMillis;
            long k = after < anchor ? 1 : Math.floorDiv(after - anchor, step) + 1;
            next = anchor + k * step;
        } else if ((m = CRON.matcher(schedule.trim())).matches()) {
            next = cron(m.group(1), zone, after);
        } else {
            throw new IllegalArgumentException("Unsupported schedule expression: " + schedule
                    + " (use at(yyyy-mm-ddThh:mm:ss), rate(N minutes|hours|days) or cron(fields))");
        }
        return endMillis > 0 && next > endMillis ? Long.MAX_VALUE : next;
    }

    private static ZoneId zone(String timezone) {
        return timezone == null || timezone.isEmpty() ? ZoneId.of("UTC") : ZoneId.of(timezone);
    }

    private static long cron(String expr, ZoneId zone, long afterMillis) {
        String[] f = expr.trim().split("\\s+");
        if (f.length != 6) {
            throw new IllegalArgumentException("A cron expression has six fields (minutes hours day-of-month month"
                    + " day-of-week year): cron(" + expr + ")");
        }
        BitSet minutes = field(f[0], 0, 59, null, 0);
        BitSet hours = field(f[1], 0, 23, null, 0);
        boolean anyDom = f[2].equals("?") || f[2].equals("*");
        boolean anyDow = f[4].equals("?") || f[4].equals("*");
        BitSet dom = field(f[2], 1, 31, null, 0);
        BitSet months = field(f[3], 1, 12, MONTHS, 1);
        BitSet dow = field(f[4], 1, 7, DAYS, 1);
        BitSet years = field(f[5], 1970, 2199, null, 0);
        ZonedDateTime after = java.time.Instant.ofEpochMilli(afterMillis).atZone(zone);
        LocalDate day = after.toLocalDate();
        for (int i = 0; i < 366 * 8; i++, day = day.plusDays(1)) {
            int weekday = day.getDayOfWeek().getValue() % 7 + 1; // Sunday = 1
            boolean dayOk = anyDom && anyDow || (anyDom ? dow.get(weekday) : anyDow ? dom.get(day.getDayOfMonth())
                    : dom.get(day.getDayOfMonth()) || dow.get(weekday));
            if (!dayOk || !months.get(day.getMonthValue()) || !years.get(day.getYear())) {
                continue;
            }
            for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
                for (int mi = minutes.nextSetBit(0); mi >= 0; mi = minutes.nextSetBit(mi + 1)) {
                    long t = day.atTime(h, mi).atZone(zone).toInstant().toEpochMilli();
                    if (t > afterMillis) {
                        return t;
                    }
                }
            }
        }
        return Long.MAX_VALUE;
    }

    private static BitSet field(String text, int lo, int hi, String[] names, int nameBase) {
        BitSet out = new BitSet();
        for (String part : text.toUpperCase(Locale.ROOT).split(",")) {
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = number(part.substring(slash + 1), 1, hi, null, 0, text);
                part = part.substring(0, slash);
            }
            int from;
            int to;
            if (part.equals("*") || part.equals("?")) {
                from = lo;
                to = hi;
            } else if (part.contains("-")) {
                String[] r = part.split("-", 2);
                from = number(r[0], lo, hi, names, nameBase, text);
                to = number(r[1], lo, hi, names, nameBase, text);
            } else {
                from = number(part, lo, hi, names, nameBase, text);
                to = slash >= 0 ? hi : from;
            }
            for (int v = from; v <= to; v += step) {
                out.set(v);
            }
        }
        return out;
    }

    private static int number(String s, int lo, int hi, String[] names, int base, String field) {
        if (names != null) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(s)) {
                    return i + base;
                }
            }
        }
        try {
            int v = Integer.parseInt(s);
            if (v >= lo && v <= hi) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("Invalid cron field '" + field + "': '" + s + "' is not in " + lo + "-"
                + hi);
    }
}
