package io.stevedore.api;

import io.stevedore.ecs.Errors;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * ECS list pagination: {@code maxResults} 1..100 (default 100 unless an operation says otherwise) and an opaque
 * {@code nextToken} that resumes after the last key returned (keys are the sort order of the list).
 */
public final class Pages {
    public static final int MAX = 100;

    private Pages() {
    }

    public record Page<T>(List<T> items, String nextToken) {
    }

    public static <T> Page<T> page(List<T> sorted, Function<T, String> key, String nextToken, Integer maxResults,
                                   int defaultSize) {
        int size = defaultSize;
        if (maxResults != null) {
            Errors.require(maxResults >= 1 && maxResults <= MAX,
                    "maxResults must be between 1 and " + MAX + ", got " + maxResults + ".");
            size = maxResults;
        }
        int start = 0;
        if (nextToken != null) {
            String after = decode(nextToken);
            while (start < sorted.size() && key.apply(sorted.get(start)).compareTo(after) <= 0) {
                start++;
            }
        }
        int end = Math.min(sorted.size(), start + size);
        String token = end < sorted.size() ? encode(key.apply(sorted.get(end - 1))) : null;
        return new Page<>(List.copyOf(sorted.subList(start, end)), token);
    }

    private static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("v1:" + key).getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String token) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (s.startsWith("v1:")) {
                return s.substring(3);
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw Errors.invalid("Invalid nextToken: the token was not returned by a previous call.");
    }
}
