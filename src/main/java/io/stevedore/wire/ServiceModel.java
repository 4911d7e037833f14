package io.stevedore.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.catalog.JsonTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An AWS service's official API model (the JSON shape model every AWS SDK is generated from), used where no AWS
 * SDK for Java v2 model module is available to drive {@link AwsJsonCodec}: Application Auto Scaling, whose
 * {@code applicationautoscaling} module the offline Maven repository does not serve (docs/decisions.md, "Service
 * Auto Scaling"). Requests are checked against the operation's input shape the way AWS's JSON protocol does:
 * wrong JSON types are {@code SerializationException}; missing required members, enum values outside the set,
 * lengths and ranges outside the model's bounds are {@code ValidationException} with AWS's wording. Answers are
 * checked against the output shape, so that no member name the model lacks can be written (a programming error).
 */
public final class ServiceModel {
    private final JsonNode model;
    private final String validationError;
    private final String missingError;
    /** Compiled {@code pattern} constraints, when this model checks them ({@link #checkingPatterns}). */
    private final Map<String, java.util.Optional<java.util.regex.Pattern>> patterns;

    private ServiceModel(JsonNode model, String validationError, String missingError,
                         Map<String, java.util.Optional<java.util.regex.Pattern>> patterns) {
        this.model = model;
        this.validationError = validationError;
        this.missingError = missingError;
        this.patterns = patterns;
    }

    /**
     * The same model, also checking strings against their shape's {@code pattern} (the whole string must match,
     * as AWS's validation does): "Member must satisfy regular expression pattern: ...". A pattern Java cannot
     * compile is not checked.
     */
    public ServiceModel checkingPatterns() {
        return new ServiceModel(model, validationError, missingError,
                new java.util.concurrent.ConcurrentHashMap<>());
    }

    /** Loads a model from the class path ({@code /stevedore/api/models/NAME.json}); one error type for all. */
    public static ServiceModel load(String name, String validationError) {
        return load(name, validationError, validationError);
    }

    /** As {@link #load(String, String)}, with its own error type when a required member is missing. */
    public static ServiceModel load(String name, String validationError, String missingError) {
        String path = "/stevedore/api/models/" + name + ".json";
        try (InputStream in = ServiceModel.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing model " + path);
            }
            return new ServiceModel(JsonTrees.read(new String(in.readAllBytes(), StandardCharsets.UTF_8)),
                    validationError, missingError, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The operation names of the model. */
    public Set<String> operations() {
        Set<String> out = new TreeSet<>();
        model.get("operations").fieldNames().forEachRemaining(out::add);
        return out;
    }

    public String targetPrefix() {
        return model.get("metadata").get("targetPrefix").asText();
    }

    /** Checks a request body against the operation's input shape; throws {@link AwsException}. */
    public void validateInput(String operation, JsonNode body) {
        JsonNode op = model.get("operations").get(operation);
        if (op == null) {
            throw new AwsException("UnknownOperationException", 400, "Unknown operation: " + operation);
        }
        if (!body.isObject()) {
            throw AwsException.serialization("Expected a JSON object at '(request body)'");
        }
        StringBuilder errors = new StringBuilder();
        int[] count = {0, 0};
        check(op.get("input").get("shape").asText(), body, "", errors, count);
        if (count[0] > 0) {
            throw new AwsException(count[1] > 0 ? missingError : validationError, 400, count[0] + " validation error" + (count[0] > 1 ? "s" : "")
                    + " detected: " + errors);
        }
    }

    /** Checks an answer against the operation's output shape (names and types); IllegalStateException if not. */
    public void checkOutput(String operation, JsonNode body) {
        JsonNode op = model.get("operations").get(operation);
        StringBuilder errors = new StringBuilder();
        int[] count = {0, 0};
        if (op.has("output")) {
            check(op.get("output").get("shape").asText(), body, "", errors, count);
        }
        if (count[0] > 0) {
            throw new IllegalStateException("answer of " + operation + " does not match the model: " + errors);
        }
    }

    private void check(String shapeName, JsonNode v, String path, StringBuilder errors, int[] count) {
        JsonNode shape = model.get("shapes").get(shapeName);
        String type = shape.get("type").asText();
        switch (type) {
            case "structure" -> {
                if (!v.isObject()) {
                    throw typeError(path, "an object", v);
                }
                for (JsonNode r : shape.path("required")) {
                    JsonNode m = v.get(r.asText());
                    if (m == null || m.isNull()) {
                        count[1]++;
                        add(errors, count, "Value null at '" + join(path, lowerFirst(r.asText()))
                                + "' failed to satisfy constraint: Member must not be null");
                    }
                }
                JsonNode members = shape.get("members");
                Iterator<Map.Entry<String, JsonNode>> it = v.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode member = members.get(e.getKey());
                    if (member != null && !e.getValue().isNull()) { // unknown members are ignored, as AWS does
                        check(member.get("shape").asText(), e.getValue(), join(path, lowerFirst(e.getKey())), errors,
                                count);
                    }
                }
            }
            case "list" -> {
                if (!v.isArray()) {
                    throw typeError(path, "a list", v);
                }
                bounds(shape, v.size(), "length", path, errors, count);
                int i = 1;
                for (JsonNode e : v) {
                    if (!e.isNull()) {
                        check(shape.get("member").get("shape").asText(), e, path + "." + i + ".member", errors,
                                count);
                    }
                    i++;
                }
            }
            case "map" -> {
                if (!v.isObject()) {
                    throw typeError(path, "a map", v);
                }
                bounds(shape, v.size(), "length", path, errors, count);
                Iterator<Map.Entry<String, JsonNode>> it = v.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    check(shape.get("value").get("shape").asText(), e.getValue(), path + "." + e.getKey(), errors,
                            count);
                }
            }
            case "string" -> {
                if (!v.isTextual()) {
                    throw typeError(path, "a string", v);
                }
                String s = v.asText();
                if (shape.has("enum")) {
                    boolean ok = false;
                    for (JsonNode e : shape.get("enum")) {
                        ok |= e.asText().equals(s);
                    }
                    if (!ok) {
                        add(errors, count, "Value '" + s + "' at '" + path + "' failed to satisfy constraint: Member"
                                + " must satisfy enum value set: " + shape.get("enum").toString().replace("\"", ""));
                    }
                }
                if (shape.has("min") && s.codePointCount(0, s.length()) < shape.get("min").asLong()) {
                    add(errors, count, "Value '" + s + "' at '" + path + "' failed to satisfy constraint: Member"
                            + " must have length greater than or equal to " + shape.get("min").asLong());
                }
                if (shape.has("max") && s.codePointCount(0, s.length()) > shape.get("max").asLong()) {
                    add(errors, count, "Value at '" + path + "' failed to satisfy constraint: Member must have length"
                            + " less than or equal to " + shape.get("max").asLong());
                }
                if (patterns != null && shape.has("pattern") && patterns.computeIfAbsent(shapeName,
                        n -> compile(shape.get("pattern").asText())).map(p -> !p.matcher(s).matches()).orElse(false)) {
                    add(errors, count, "Value '" + s + "' at '" + path + "' failed to satisfy constraint: Member must"
                            + " satisfy regular expression pattern: " + shape.get("pattern").asText());
                }
            }
            case "integer", "long" -> {
                if (!v.isIntegralNumber() || !v.canConvertToLong()
                        || "integer".equals(type) && !v.canConvertToInt()) {
                    throw typeError(path, "an integer", v);
                }
                bounds(shape, v.asLong(), "value", path, errors, count);
            }
            case "double", "float" -> {
                if (!v.isNumber()) {
                    throw typeError(path, "a number", v);
                }
            }
            case "boolean" -> {
                if (!v.isBoolean()) {
                    throw typeError(path, "a boolean", v);
                }
            }
            case "timestamp" -> {
                if (!v.isNumber()) {
                    throw typeError(path, "a timestamp in epoch seconds", v);
                }
            }
            default -> {
                // blobs are not used by these services' operations
            }
        }
    }

    private static java.util.Optional<java.util.regex.Pattern> compile(String pattern) {
        try {
            return java.util.Optional.of(java.util.regex.Pattern.compile(pattern));
        } catch (java.util.regex.PatternSyntaxException e) {
            return java.util.Optional.empty();
        }
    }

    private static void bounds(JsonNode shape, long n, String what, String path, StringBuilder errors, int[] count) {
        if (shape.has("min") && n < shape.get("min").asLong()) {
            add(errors, count, "Value '" + n + "' at '" + path + "' failed to satisfy constraint: Member must have "
                    + what + " greater than or equal to " + shape.get("min").asLong());
        }
        if (shape.has("max") && n > shape.get("max").asLong()) {
            add(errors, count, "Value '" + n + "' at '" + path + "' failed to satisfy constraint: Member must have "
                    + what + " less than or equal to " + shape.get("max").asLong());
        }
    }

    private static void add(StringBuilder errors, int[] count, String message) {
        if (count[0] > 0) {
            errors.append("; ");
        }
        errors.append(message);
        count[0]++;
    }

    private static AwsException typeError(String path, String expected, JsonNode found) {
        return AwsException.serialization("Expected " + expected + " at '"
                + (path.isEmpty() ? "(request body)" : path) + "' but found " + found.getNodeType().toString()
                .toLowerCase());
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** AWS's validation messages name members in lower camel case ({@code resourceId}). */
    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
