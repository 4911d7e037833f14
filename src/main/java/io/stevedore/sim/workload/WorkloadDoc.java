package io.stevedore.sim.workload;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed workload file (YAML, or JSON which is YAML too) with the line and column of every value (Jackson YAML
 * token locations), and typed accessors that fail with a {@link WorkloadError} naming the field and its position.
 * Fields are addressed by JSON pointer from the root ({@code /taskGroups/0/cpu}). Shared by the simulator's
 * {@link SimWorkloadReader} and {@code stevedore plan}'s reader, so both accept the same forms (whole numbers may
 * be written as text, {@code "512"}) and report errors the same way ({@code line 3, column 5: field: message}).
 */
public final class WorkloadDoc {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
    private final JsonNode root;
    private final Map<String, int[]> positions;

    private WorkloadDoc(JsonNode root, Map<String, int[]> positions) {
        this.root = root;
        this.positions = positions;
    }

    /** Parses {@code text}; a syntax error is a {@link WorkloadError} at the line and column where it was found. */
    public static WorkloadDoc parse(String text) {
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(text);
            return new WorkloadDoc(root, positions(text));
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            int col = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
            throw new WorkloadError("", line, col, "not valid YAML/JSON: " + e.getOriginalMessage());
        }
    }

    private static Map<String, int[]> positions(String text) throws JsonProcessingException {
        Map<String, int[]> out = new HashMap<>();
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    continue;
                }
                String ptr = p.getParsingContext().pathAsPointer().toString();
                var loc = p.currentTokenLocation();
                out.putIfAbsent(ptr, new int[] {loc.getLineNr(), loc.getColumnNr()});
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The root node, or null for an empty document. */
    public JsonNode root() {
        return root;
    }

    /** Where the value at {@code pointer} (or, when absent, its nearest present parent) starts; 0 when unknown. */
    public int line(String pointer) {
        return position(pointer)[0];
    }

    private int[] position(String pointer) {
        String p = pointer;
        while (true) {
            int[] l = positions.get(p);
            if (l != null) {
                return l;
            }
            if (p.isEmpty()) {
                return new int[] {0, 0};
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }

    /** An error about the field at {@code pointer}, with its dotted path, line and column. */
    public WorkloadError error(String pointer, String message) {
        int[] pos = position(pointer);
        return new WorkloadError(pointer.isEmpty() ? "" : pointer.substring(1).replace('/', '.'), pos[0], pos[1],
                message);
    }

    /** The node at {@code pointer}; a missing node when absent. */
    public JsonNode at(String pointer) {
        return root.at(pointer);
    }

    /** Whether {@code pointer} names a present, non-null value. */
    public boolean has(String pointer) {
        JsonNode n = root.at(pointer);
        return !n.isMissingNode() && !n.isNull();
    }

    /** Fails on the first field of the mapping at {@code at} that is not in {@code allowed}. */
    public void known(String at, Set<String> allowed) {
        JsonNode o = object(at);
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw error(at + "/" + f, "unknown field; expected one of " + new TreeSet<>(allowed));
            }
        }
    }

    /** The mapping at {@code at}. */
    public JsonNode object(String at) {
        JsonNode n = root.at(at);
        if (!n.isObject()) {
            throw error(at, n.isMissingNode() ? "is required" : "must be a mapping");
        }
        return n;
    }

    /** The list at {@code at}; an absent optional list is empty. */
    public JsonNode list(String at, boolean required) {
        JsonNode n = value(at, !required);
        if (n == null) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        }
        if (!n.isArray()) {
            throw error(at, "must be a list");
        }
        return n;
    }

    /**
     * Non-blank text at {@code at}, trimmed. A YAML number or boolean is refused rather than turned into text, as
     * that would silently change it ({@code name: 1.10} would become "1.1"): the message says to quote it.
     */
    public String text(String at) {
        JsonNode n = value(at, false);
        if (n.isValueNode() && !n.isTextual()) {
            throw error(at, "must be a string, was " + n + " (quote it to keep it as written)");
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw error(at, "must be a non-empty string");
        }
        return n.asText().trim();
    }

    /** The value at {@code at}; null when absent and {@code optional}, an "is required" error when absent else. */
    private JsonNode value(String at, boolean optional) {
        JsonNode n = root.at(at);
        if (n.isMissingNode() || n.isNull()) {
            if (optional) {
                return null;
            }
            throw error(at, "is required");
        }
        return n;
    }

    /** {@link #text(String)}, or {@code dflt} when absent. */
    public String text(String at, String dflt) {
        return has(at) ? text(at) : dflt;
    }

    /**
     * A whole number in {@code [min, max]}, given as a number or as text ({@code "512"}, {@code "-1"});
     * {@code dflt} when absent, required when {@code dflt} is null.
     */
    public long integer(String at, long min, long max, Long dflt) {
        JsonNode n = value(at, dflt != null);
        if (n == null) {
            return dflt;
        }
        long v;
        if (n.isIntegralNumber()) {
            v = n.asLong();
        } else if (n.isTextual() && n.asText().trim().matches("-?\\d+")) {
            v = Long.parseLong(n.asText().trim());
        } else {
            throw error(at, "must be a whole number, was " + n);
        }
        if (v < min || v > max) {
            throw error(at, "must be between " + min + " and " + max + ", was " + v);
        }
        return v;
    }

    /** A number in {@code [min, max]}; {@code dflt} when absent, required when {@code dflt} is null. */
    public double number(String at, double min, double max, Double dflt) {
        JsonNode n = value(at, dflt != null);
        if (n == null) {
            return dflt;
        }
        if (!n.isNumber()) {
            throw error(at, "must be a number, was " + n);
        }
        double v = n.asDouble();
        if (!(v >= min && v <= max)) {
            throw error(at, "must be between " + min + " and " + max + ", was " + n);
        }
        return v;
    }

    /** A duration: seconds as a number, or text like {@code 90s}, {@code 15m}, {@code 2h}, {@code 1d12h}. */
    public Duration duration(String at, Duration dflt) {
        JsonNode n = value(at, dflt != null);
        if (n == null) {
            return dflt;
        }
        if (n.isNumber()) {
            if (n.asDouble() < 0) {
                throw error(at, "must not be negative");
            }
            return Duration.ofMillis(Math.round(n.asDouble() * 1000));
        }
        String s = n.asText().trim();
        Matcher m = DURATION.matcher(s);
        long millis = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double v = Double.parseDouble(m.group(1));
            millis += Math.round(v * switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> 86_400_000;
            });
            end = m.end();
        }
        if (end == 0 || end != s.length()) {
            throw error(at, "must be a duration like 90s, 15m, 2h or 1d (or seconds as a number), was " + n);
        }
        return Duration.ofMillis(millis);
    }
}
