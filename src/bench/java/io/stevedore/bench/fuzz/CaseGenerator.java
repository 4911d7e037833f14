package io.stevedore.bench.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.bench.fuzz.FuzzCase.Kind;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.core.traits.RequiredTrait;

/**
 * Generates invalid requests for one ECS operation from the service model: the SDK request class's
 * {@link SdkField}s give every member's wire name and type (walked into nested structures and lists of them), the
 * botocore model ({@link ServiceModel}) says which members are required and which strings are enums. For each
 * member: values of every wrong JSON type, out-of-range numbers, odd strings (lone surrogates, RTL overrides, NUL,
 * control characters, 1 MB), deep nesting; for each required member: absent and null; per operation: garbage
 * bodies and a body above the size limit. Each mutated member sits in an otherwise plausible body (required members
 * filled), so the mutation is what the server must judge.
 */
public final class CaseGenerator {
    static final int MAX_DEPTH = 2;
    private static final JsonNodeFactory J = JsonNodeFactory.instance;
    private static final String PLACEHOLDER = "\u0001FUZZ-PLACEHOLDER\u0001";

    private final ServiceModel model;

    public CaseGenerator(ServiceModel model) {
        this.model = model;
    }

    /** The SDK request fields of {@code operation} ({@code software.amazon.awssdk.services.ecs.model.XRequest}). */
    static List<SdkField<?>> requestFields(String operation) {
        try {
            Class<?> c = Class.forName("software.amazon.awssdk.services.ecs.model." + operation + "Request");
            Method builder = c.getMethod("builder");
            return ((SdkPojo) builder.invoke(null)).sdkFields();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("no SDK request class for " + operation, e);
        }
    }

    public List<FuzzCase> cases(String operation, long seed) {
        List<FuzzCase> out = new ArrayList<>();
        List<SdkField<?>> fields = requestFields(operation);
        String shape = model.inputShape(operation);
        ObjectNode base = baseline(fields, shape, 0);
        structure(operation, fields, shape, base, v -> (ObjectNode) v, "", 0, out);
        garbage(operation, base, new Random(seed), out);
        return out;
    }

    /** An object with every required member set to a plausible value. */
    ObjectNode baseline(List<SdkField<?>> fields, String shape, int depth) {
        ObjectNode o = J.objectNode();
        for (SdkField<?> f : fields) {
            if (required(f, shape)) {
                o.set(f.locationName(), plausible(f, model.memberShape(shape, f.locationName()), depth));
            }
        }
        return o;
    }

    private boolean required(SdkField<?> f, String shape) {
        return model.present() ? model.required(shape, f.locationName()) : f.containsTrait(RequiredTrait.class);
    }

    JsonNode plausible(SdkField<?> f, String shape, int depth) {
        MarshallingType<?> t = f.marshallingType();
        if (t == MarshallingType.STRING) {
            List<String> enums = model.enumValues(shape);
            return J.textNode(enums.isEmpty() ? "fuzz" : enums.get(0));
        } else if (t == MarshallingType.INTEGER || t == MarshallingType.LONG || t == MarshallingType.SHORT) {
            return J.numberNode(1);
        } else if (t == MarshallingType.DOUBLE || t == MarshallingType.FLOAT || t == MarshallingType.BIG_DECIMAL) {
            return J.numberNode(1.0);
        } else if (t == MarshallingType.BOOLEAN) {
            return J.booleanNode(true);
        } else if (t == MarshallingType.INSTANT) {
            return J.numberNode(1_700_000_000L);
        } else if (t == MarshallingType.LIST) {
            SdkField<?> member = f.getTrait(ListTrait.class).memberFieldInfo();
            return J.arrayNode().add(plausible(member, model.elementShape(shape), depth + 1));
        } else if (t == MarshallingType.MAP) {
            SdkField<?> value = f.getTrait(MapTrait.class).valueFieldInfo();
            return J.objectNode().set("fuzz", plausible(value, model.elementShape(shape), depth + 1));
        } else if (t == MarshallingType.SDK_POJO && depth < 6) {
            return baseline(f.constructor().get().sdkFields(), shape, depth + 1);
        }
        return J.objectNode();
    }

    private void structure(String op, List<SdkField<?>> fields, String shape, ObjectNode base,
                           UnaryOperator<JsonNode> embed, String path, int depth, List<FuzzCase> out) {
        for (SdkField<?> f : fields) {
            String name = f.locationName();
            String member = path + name;
            String memberShape = model.memberShape(shape, name);
            MarshallingType<?> t = f.marshallingType();
            for (JsonNode w : wrongTypes(t)) {
                out.add(json(op, Kind.WRONG_TYPE, member + " = " + w, embed.apply(with(base, name, w))));
            }
            if (required(f, shape)) {
                ObjectNode without = base.deepCopy();
                without.remove(name);
                out.add(json(op, Kind.MISSING_REQUIRED, member + " absent", embed.apply(without)));
                out.add(json(op, Kind.MISSING_REQUIRED, member + " = null", embed.apply(with(base, name,
                        J.nullNode()))));
            }
            if (isNumber(t)) {
                for (JsonNode n : outOfRange()) {
                    out.add(json(op, Kind.OUT_OF_RANGE, member + " = " + n, embed.apply(with(base, name, n))));
                }
            }
            if (t == MarshallingType.STRING) {
                oddStrings(op, member, v -> embed.apply(with(base, name, v)), depth == 0 && out.stream()
                        .noneMatch(c -> c.description().contains("1 MB string")), out);
            }
            out.add(deep(op, member, embed.apply(with(base, name, J.textNode(PLACEHOLDER)))));
            if (t == MarshallingType.SDK_POJO && depth < MAX_DEPTH) {
                List<SdkField<?>> child = f.constructor().get().sdkFields();
                ObjectNode childBase = baseline(child, memberShape, depth + 1);
                structure(op, child, memberShape, childBase, v -> embed.apply(with(base, name, v)), member + ".",
                        depth + 1, out);
            } else if (t == MarshallingType.LIST && depth < MAX_DEPTH) {
                list(op, f, memberShape, base, embed, member, depth, out);
            } else if (t == MarshallingType.MAP) {
                out.add(json(op, Kind.WRONG_TYPE, member + " = {\"k\": 1}", embed.apply(with(base, name,
                        J.objectNode().put("k", 1)))));
                out.add(json(op, Kind.WRONG_TYPE, member + " = {\"k\": {}}", embed.apply(with(base, name,
                        J.objectNode().set("k", J.objectNode())))));
            }
        }
    }

    private void list(String op, SdkField<?> f, String listShape, ObjectNode base, UnaryOperator<JsonNode> embed,
                      String member, int depth, List<FuzzCase> out) {
        String name = f.locationName();
        SdkField<?> element = f.getTrait(ListTrait.class).memberFieldInfo();
        String elementShape = model.elementShape(listShape);
        UnaryOperator<JsonNode> inList = v -> embed.apply(with(base, name, J.arrayNode().add(v)));
        for (JsonNode w : wrongTypes(element.marshallingType())) {
            out.add(json(op, Kind.WRONG_TYPE, member + "[0] = " + w, inList.apply(w)));
        }
        if (element.marshallingType() == MarshallingType.STRING) {
            oddStrings(op, member + "[0]", inList, false, out);
        } else if (element.marshallingType() == MarshallingType.SDK_POJO) {
            List<SdkField<?>> child = element.constructor().get().sdkFields();
            structure(op, child, elementShape, baseline(child, elementShape, depth + 1), inList, member + "[0].",
                    depth + 1, out);
        }
    }

    static ObjectNode with(ObjectNode base, String name, JsonNode value) {
        ObjectNode o = base.deepCopy();
        o.set(name, value);
        return o;
    }

    static boolean isNumber(MarshallingType<?> t) {
        return t == MarshallingType.INTEGER || t == MarshallingType.LONG || t == MarshallingType.SHORT
                || t == MarshallingType.DOUBLE || t == MarshallingType.FLOAT || t == MarshallingType.BIG_DECIMAL;
    }

    static List<JsonNode> wrongTypes(MarshallingType<?> t) {
        List<JsonNode> all = List.of(J.textNode("wrong"), J.numberNode(7), J.numberNode(1.5), J.booleanNode(true),
                J.objectNode().put("x", 1), J.arrayNode().add(1));
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : all) {
            boolean fits = (t == MarshallingType.STRING && n.isTextual())
                    || ((t == MarshallingType.INTEGER || t == MarshallingType.LONG || t == MarshallingType.SHORT)
                    && n.isIntegralNumber())
                    || ((t == MarshallingType.DOUBLE || t == MarshallingType.FLOAT || t == MarshallingType.BIG_DECIMAL
                    || t == MarshallingType.INSTANT) && n.isNumber())
                    || (t == MarshallingType.BOOLEAN && n.isBoolean())
                    || ((t == MarshallingType.SDK_POJO || t == MarshallingType.MAP) && n.isObject())
                    || (t == MarshallingType.LIST && n.isArray())
                    || t == MarshallingType.DOCUMENT || t == MarshallingType.SDK_BYTES;
            if (!fits) {
                out.add(n);
            }
        }
        return out;
    }

    static List<JsonNode> outOfRange() {
        return List.of(J.numberNode(-1), J.numberNode(0), J.numberNode(2147483648L), J.numberNode(-2147483649L),
                J.numberNode(new java.math.BigInteger("92233720368547758070")), J.numberNode(1e308),
                J.numberNode(-1e308));
    }

    private static void oddStrings(String op, String member, UnaryOperator<JsonNode> embed, boolean oneMegabyte,
                                   List<FuzzCase> out) {
        String[][] values = {
            {"empty", ""}, {"blank", "   "}, {"lone high surrogate", "a\ud800b"}, {"lone low surrogate", "\udc00"},
            {"RTL override", "abc\u202edef"}, {"NUL", "a\u0000b"}, {"control characters", "\u0001\u001f\u007f"},
            {"emoji", "\ud83d\udea2 ship"}, {"combining marks", "e\u0301\u0301\u0301"}, {"path traversal",
                "../../etc/passwd"}, {"format string", "%s%n%x"}, {"SQL", "' OR 1=1 --"}, {"long ARN",
                "arn:aws:ecs:us-east-1:000000000000:cluster/" + "x".repeat(3000)}, {"64 KiB string", "y".repeat(65_536)}};
        for (String[] v : values) {
            out.add(json(op, Kind.ODD_STRING, member + " = " + v[0], embed.apply(J.textNode(v[1]))));
        }
        if (oneMegabyte) {
            out.add(json(op, Kind.ODD_STRING, member + " = 1 MB string", embed.apply(J.textNode(
                    "z".repeat(1_000_000)))));
        }
    }

    private static FuzzCase deep(String op, String member, JsonNode root) {
        String text = root.toString();
        String nested = "[".repeat(5_000) + "]".repeat(5_000);
        String quoted = J.textNode(PLACEHOLDER).toString();
        return new FuzzCase(op, Kind.DEEP_NESTING, member + " nested 5,000 deep", text.replace(quoted, nested)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void garbage(String op, ObjectNode base, Random random, List<FuzzCase> out) {
        String text = base.toString();
        out.add(raw(op, Kind.GARBAGE, "truncated JSON", text.substring(0, Math.max(1, text.length() - 1))));
        out.add(raw(op, Kind.GARBAGE, "top-level array", "[" + text + "]"));
        out.add(raw(op, Kind.GARBAGE, "top-level string", "\"" + op + "\""));
        out.add(raw(op, Kind.GARBAGE, "top-level number", "42"));
        out.add(raw(op, Kind.GARBAGE, "trailing garbage", text + "}}"));
        out.add(raw(op, Kind.GARBAGE, "object nested 100,000 deep", "{\"a\":".repeat(100_000) + "1"
                + "}".repeat(100_000)));
        out.add(raw(op, Kind.GARBAGE, "XML body", "<Request><cluster>x</cluster></Request>"));
        for (int i = 0; i < 3; i++) {
            byte[] b = new byte[1 + random.nextInt(2048)];
            random.nextBytes(b);
            b[0] = (byte) '{';
            out.add(new FuzzCase(op, Kind.GARBAGE, "random bytes #" + i, b));
        }
        byte[] invalidUtf8 = ("{\"x\":\"" + "\u0000").getBytes(StandardCharsets.UTF_8);
        byte[] withBad = java.util.Arrays.copyOf(invalidUtf8, invalidUtf8.length + 4);
        withBad[invalidUtf8.length] = (byte) 0xff;
        withBad[invalidUtf8.length + 1] = (byte) 0xfe;
        withBad[invalidUtf8.length + 2] = (byte) '"';
        withBad[invalidUtf8.length + 3] = (byte) '}';
        out.add(new FuzzCase(op, Kind.ODD_STRING, "invalid UTF-8 bytes", withBad));
        StringBuilder huge = new StringBuilder(text.length() + 1_100_000).append("{\"pad\":\"");
        huge.append("p".repeat(1_100_000)).append("\",").append(text.substring(1));
        out.add(raw(op, Kind.HUGE_BODY, "body of 1.1 MB", huge.toString()));
    }

    private static FuzzCase raw(String op, Kind kind, String description, String body) {
        return new FuzzCase(op, kind, description, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Serializes; lone surrogates (which UTF-8 cannot carry) are written as JSON escapes, as a client would. */
    private static FuzzCase json(String op, Kind kind, String description, JsonNode root) {
        String text = root.toString();
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (Character.isSurrogate(c) && !paired && !(Character.isLowSurrogate(c) && i > 0
                    && Character.isHighSurrogate(text.charAt(i - 1)))) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        String d = description.length() > 120 ? description.substring(0, 117) + "..." : description;
        return new FuzzCase(op, kind, d, sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
