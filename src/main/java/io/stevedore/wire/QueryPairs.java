package io.stevedore.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code name=value} pairs of a URL query or a form body, split at {@code &} and the first {@code =} and left
 * encoded: the SigV4 canonical query and the EC2 Query protocol each decode them their own way. Empty parts are
 * skipped; a part without {@code =} has the empty value.
 */
public final class QueryPairs {
    private QueryPairs() {
    }

    /** One pair, still percent-encoded. */
    public record Pair(String name, String value) {
    }

    /** The pairs of {@code raw} in order; none for null or empty text. */
    public static List<Pair> split(String raw) {
        List<Pair> out = new ArrayList<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String part : raw.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            out.add(eq < 0 ? new Pair(part, "") : new Pair(part.substring(0, eq), part.substring(eq + 1)));
        }
        return out;
    }
}
