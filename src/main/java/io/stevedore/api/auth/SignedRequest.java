package io.stevedore.api.auth;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One HTTP request as the signature covers it.
 *
 * @param method   the HTTP method
 * @param rawPath  the request path as sent (still percent-encoded)
 * @param rawQuery the query string as sent (still percent-encoded), or null
 * @param headers  the headers by lower-case name, each with its values in order
 * @param body     the request body
 */
public record SignedRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                            byte[] body) {
    public SignedRequest {
        Objects.requireNonNull(method, "method");
        rawPath = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        Map<String, List<String>> lower = new TreeMap<>();
        headers.forEach((k, v) -> lower.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new java.util.ArrayList<>())
                .addAll(v));
        headers = lower;
        body = body == null ? new byte[0] : body;
    }

    /** The first value of a header (any case), or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
