package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.control.state.Context;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.ServiceQuota;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.model.Tag;

/** Validations shared by several operations. */
final class Checks {
    /**
     * AWS's default tags per resource, for code that has no {@link Context}; operations check the configured value
     * with {@link #tags(Context, List)}.
     */
    static final int MAX_TAGS = ServiceQuota.TAGS_PER_RESOURCE.defaultValue();
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,255}");
    private static final Pattern TAG_CHARS = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

    private Checks() {
    }

    static void name(String value, String field) {
        require(value != null && !value.isEmpty(), field + " must not be blank.");
        require(NAME.matcher(value).matches(), field + " '" + value + "' is invalid: up to 255 letters (uppercase"
                + " and lowercase), numbers, hyphens, and underscores are allowed.");
    }

    /** {@link #tags(Context, List, ServiceQuota)} against the configured tags per resource. */
    static void tags(Context ctx, List<Tag> tags) {
        tags(ctx, tags, ServiceQuota.TAGS_PER_RESOURCE);
    }

    /** Tags as ECS checks them (keys 1-128, values 0-256, no aws: prefix, unique keys, at most the quota's). */
    static void tags(Context ctx, List<Tag> tags, ServiceQuota quota) {
        if (tags != null) {
            ctx.config().quotas().check(quota, tags.size());
        }
        tagsWithin(tags, Integer.MAX_VALUE);
    }

    /**
     * Tags checked against a fixed bound instead of the configured quota: kept for call sites written before the
     * quota table (other branches); use {@link #tags(Context, List)}.
     */
    @Deprecated
    static void tags(List<Tag> tags, int max) {
        tagsWithin(tags, max);
    }

    private static void tagsWithin(List<Tag> tags, int max) {
        if (tags == null) {
            return;
        }
        if (tags.size() > max) {
            throw ServiceQuota.TAGS_PER_RESOURCE.exceeded(max);
        }
        Set<String> keys = tags.size() > 1 ? new HashSet<>() : null; // one tag cannot repeat a key
        for (Tag t : tags) { // each message built only to be thrown
            if (t == null || t.key() == null) {
                throw Errors.invalid("Tags can not be null or have null elements");
            }
            if (t.key().isEmpty() || t.key().length() > 128) {
                throw Errors.invalid("Tag key '" + t.key() + "' must be 1 to 128 characters long.");
            }
            if (t.value() != null && t.value().length() > 256) {
                throw Errors.invalid("Tag value for key '" + t.key() + "' must be at most 256 characters long.");
            }
            if (!tagChars(t.key()) || t.value() != null && !tagChars(t.value())) {
                throw Errors.invalid("Tag '" + t.key() + "' contains characters that are not allowed.");
            }
            if (t.key().regionMatches(true, 0, "aws:", 0, 4) && t.key().toLowerCase().startsWith("aws:")) {
                throw Errors.invalid("Tag keys cannot start with the reserved prefix 'aws:' (key '" + t.key()
                        + "').");
            }
            if (keys != null && !keys.add(t.key())) {
                throw Errors.invalid("Duplicate tag key '" + t.key() + "'.");
            }
        }
    }

    /**
     * Whether {@code s} matches {@link #TAG_CHARS}: a string of ASCII letters, digits, spaces and {@code _.:/=+-@}
     * (every tag the simulator writes) passes without the pattern; any other string is matched by it.
     */
    static boolean tagChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ' || c == '_'
                    || c == '.' || c == ':' || c == '/' || c == '=' || c == '+' || c == '-' || c == '@')) {
                return TAG_CHARS.matcher(s).matches();
            }
        }
        return true;
    }

    static void range(Integer value, int min, int max, String field) {
        if (value != null && (value < min || value > max)) { // the message built only to be thrown
            throw Errors.invalid(field + " must be between " + min + " and " + max + ", got " + value + ".");
        }
    }

    /** {@link #range} of the member {@code field + member}, the name joined only for the error. */
    static void range(Integer value, int min, int max, String field, String member) {
        if (value != null && (value < min || value > max)) {
            range(value, min, max, field + member);
        }
    }

    static <T> void maxItems(List<T> list, int max, String field) {
        if (list != null && list.size() > max) {
            throw Errors.invalid(field + " can have at most " + max + " items, got " + list.size() + ".");
        }
    }

    static void nonEmpty(List<?> list, String field) {
        if (list == null || list.isEmpty()) {
            throw Errors.invalid(field + " must not be empty.");
        }
    }
}
