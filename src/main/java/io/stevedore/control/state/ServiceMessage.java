package io.stevedore.control.state;

import java.util.List;

/**
 * A service event's message that renders itself when read: the service scheduler's most frequent ones (tasks
 * started, tasks stopped, steady state), kept as the service's name (the row's own string) and the tasks' ids packed
 * as numbers instead of as text. A fleet's service logs hold hundreds of thousands of them; few are ever read.
 * {@link #toString()} is the message exactly as ECS words it.
 */
public final class ServiceMessage implements CharSequence {
    /** The wording around the service's name, the count and the tasks. */
    public enum Kind {
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
    /** The tasks' ids as two numbers each (ids of 32 lowercase hex digits), or null. */
    private final long[] packed;
    /** The tasks' ids as given, when one is not 32 lowercase hex digits; else null. */
    private final String[] ids;

    private ServiceMessage(String serviceName, Kind kind, List<String> taskIds) {
        this.serviceName = serviceName;
        this.kind = kind;
        long[] p = new long[2 * taskIds.size()];
        boolean hex = true;
        for (int i = 0; i < taskIds.size() && hex; i++) {
            String id = taskIds.get(i);
            hex = id.length() == 32 && lowerHex(id);
            if (hex) {
                p[2 * i] = Long.parseUnsignedLong(id, 0, 16, 16);
                p[2 * i + 1] = Long.parseUnsignedLong(id, 16, 32, 16);
            }
        }
        this.packed = hex ? p : null;
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

    private int count() {
        return packed != null ? packed.length / 2 : ids.length;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(64 + 40 * count());
        b.append("(service ").append(serviceName).append(") ").append(kind.before);
        if (kind != Kind.STEADY) {
            b.append(count()).append(kind.after);
            for (int i = 0; i < count(); i++) {
                b.append(i == 0 ? "" : " ").append("(task ");
                if (packed != null) {
                    hex16(b, packed[2 * i]);
                    hex16(b, packed[2 * i + 1]);
                } else {
                    b.append(ids[i]);
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
