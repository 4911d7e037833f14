package io.stevedore.control.state;

import java.util.List;

/**
 * A service event's message that renders itself when read: the service scheduler's most frequent ones (tasks
 * started, tasks stopped, steady state), kept as the service's name (the row's own string) and the tasks' ids packed
 * as numbers instead of as text (the first in two fields: most such messages name one task). A fleet's service logs
 * hold hundreds of thousands of them; few are ever read. {@link #toString()} is the message exactly as ECS words it.
 */
public final class ServiceMessage implements CharSequence {
    /** The wording around the service's name, the count and the tasks. */
    private enum Kind {
        STARTED("has started ", " tasks: "),
        STOPPED("has stopped ", " running tasks: "),
        STOPPED_DRAINING("has stopped ", " running tasks on draining container instances: "),
        STEADY("has reached a steady state", "");

        private final String before;
        private final String after;

        Kind(String before, String after) {
            this.before = before;
            this.after = after;
        }
    }

    private final String serviceName;
    private final Kind kind;
    /** How many tasks the message names. */
    private final int count;
    /** The first task's id as two numbers (when every id is 32 lowercase hex digits). */
    private final long firstHigh;
    private final long firstLow;
    /** The other tasks' ids as two numbers each, or null (none, or {@link #ids} holds them). */
    private final long[] more;
    /** The tasks' ids as given, when one is not 32 lowercase hex digits; else null. */
    private final String[] ids;

    private ServiceMessage(String serviceName, Kind kind, List<String> taskIds) {
        this.serviceName = serviceName;
        this.kind = kind;
        this.count = taskIds.size();
        boolean hex = true;
        for (String id : taskIds) {
            hex &= id.length() == 32 && lowerHex(id);
        }
        long[] p = hex && count > 1 ? new long[2 * (count - 1)] : null;
        long high = 0;
        long low = 0;
        for (int i = 0; hex && i < count; i++) {
            String id = taskIds.get(i);
            long h = Long.parseUnsignedLong(id, 0, 16, 16);
            long l = Long.parseUnsignedLong(id, 16, 32, 16);
            if (i == 0) {
                high = h;
                low = l;
            } else {
                p[2 * (i - 1)] = h;
                p[2 * (i - 1) + 1] = l;
            }
        }
        this.firstHigh = high;
        this.firstLow = low;
        this.more = p;
        this.ids = hex ? null : taskIds.toArray(new String[0]);
    }

    /** "(service NAME) has started N tasks: (task ID) …." */
    public static ServiceMessage started(String serviceName, List<String> taskIds) {
        return new ServiceMessage(serviceName, Kind.STARTED, taskIds);
    }

    /** "(service NAME) has stopped N running tasks: (task ID) …." */
    public static ServiceMessage stopped(String serviceName, List<String> taskIds) {
        return new ServiceMessage(serviceName, Kind.STOPPED, taskIds);
    }

    /** "(service NAME) has stopped N running tasks on draining container instances: (task ID) …." */
    public static ServiceMessage stoppedDraining(String serviceName, List<String> taskIds) {
        return new ServiceMessage(serviceName, Kind.STOPPED_DRAINING, taskIds);
    }

    /** "(service NAME) has reached a steady state." */
    public static ServiceMessage steady(String serviceName) {
        return new ServiceMessage(serviceName, Kind.STEADY, List.of());
    }

    private static boolean lowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(64 + 40 * count);
        b.append("(service ").append(serviceName).append(") ").append(kind.before);
        if (kind != Kind.STEADY) {
            b.append(count).append(kind.after);
            for (int i = 0; i < count; i++) {
                b.append(i == 0 ? "" : " ").append("(task ");
                if (ids != null) {
                    b.append(ids[i]);
                } else if (i == 0) {
                    hex16(b, firstHigh);
                    hex16(b, firstLow);
                } else {
                    hex16(b, more[2 * (i - 1)]);
                    hex16(b, more[2 * (i - 1) + 1]);
                }
                b.append(')');
            }
        }
        return b.append('.').toString();
    }

    /** Appends {@code v} as 16 lowercase hex digits, leading zeros kept. */
    private static void hex16(StringBuilder b, long v) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            b.append(Character.forDigit((int) (v >>> shift) & 0xf, 16));
        }
    }

    @Override
    public int length() {
        return toString().length();
    }

    @Override
    public char charAt(int index) {
        return toString().charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return toString().subSequence(start, end);
    }
}
