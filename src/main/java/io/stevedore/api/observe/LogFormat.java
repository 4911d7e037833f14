package io.stevedore.api.observe;

import io.stevedore.control.events.EventJson;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;

/**
 * Log lines of the server: {@link #PLAIN} text or {@link #JSON} (one object a line with {@code time},
 * {@code level}, {@code msg} and the given fields), written to standard error.
 */
public enum LogFormat {
    PLAIN, JSON;

    /** Writes one line; {@code fields} in iteration order (values as strings, numbers or booleans). */
    public void log(PrintStream out, Instant time, String level, String message, Map<String, ?> fields) {
        StringBuilder sb = new StringBuilder(128);
        if (this == JSON) {
            sb.append("{\"time\":\"").append(time).append("\",\"level\":\"").append(level).append("\",\"msg\":");
            quote(sb, message);
            for (Map.Entry<String, ?> e : fields.entrySet()) {
                sb.append(',');
                quote(sb, e.getKey());
                sb.append(':');
                Object v = e.getValue();
                if (v instanceof Number || v instanceof Boolean) {
                    sb.append(v);
                } else {
                    quote(sb, String.valueOf(v));
                }
            }
            sb.append('}');
        } else {
            sb.append(time).append(' ').append(level).append(' ').append(message);
            fields.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        }
        synchronized (out) {
            out.println(sb);
        }
    }

    static void quote(StringBuilder sb, String s) {
        sb.append(EventJson.q(s));
    }
}
