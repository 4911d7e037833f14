package io.stevedore.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.catalog.JsonTrees;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import software.amazon.awssdk.utils.builder.Buildable;

/**
 * Converts between AWS JSON 1.1 documents and the official AWS SDK for Java v2 model objects, driven by the
 * model's own field metadata ({@link SdkField}: wire name, marshalling type, list/map member shapes). No shape is
 * written by hand here: the SDK model is the contract (DEVELOPERS.md principle 2).
 *
 * <p>Reading is strict the way AWS's JSON protocol is: a member of the wrong JSON type is a
 * {@code SerializationException}; an enum value outside the model's set is an {@code InvalidParameterException}
 * naming the member. Unknown members are ignored, as AWS services do.
 */
public final class AwsJsonCodec {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<Class<?>, List<EnumGetter>> ENUM_GETTERS = new ConcurrentHashMap<>();

    /** Created on first use: constructing an ObjectMapper costs 150–350 ms of a cold CLI start. */
    private volatile ObjectMapper mapper;

    public ObjectMapper mapper() {
        ObjectMapper m = mapper;
        if (m == null) {
            synchronized (this) {
                if (mapper == null) {
                    mapper = new ObjectMapper();
                }
                m = mapper;
            }
        }
        return m;
    }

    /** Parses a JSON text into the model object built by {@code builder} (e.g. {@code RunTaskRequest::builder}). */
    public <T> T read(String json, Supplier<? extends SdkPojo> builder, Class<T> type) {
        JsonNode node;
        try {
            node = json == null || json.isBlank() ? NODES.objectNode() : JsonTrees.read(json);
        } catch (Exception e) {
            throw AwsException.serialization("The request body is not valid JSON: " + firstLine(e.getMessage()));
        }
        return read(node, builder, type, "");
    }

    /** Converts a JSON tree into a model object; {@code path} prefixes member names in error messages. */
    public <T> T read(JsonNode node, Supplier<? extends SdkPojo> builder, Class<T> type, String path) {
        if (node == null || node.isNull()) {
            node = NODES.objectNode();
        }
        Object built = readStructure(node, builder, path);
        validateEnums(built, path);
        return type.cast(built);
    }

    private Object readStructure(JsonNode node, Supplier<? extends SdkPojo> builderSupplier, String path) {
        if (!node.isObject()) {
            throw AwsException.serialization("Expected a JSON object at '" + display(path) + "' but found " + kind(node));
        }
        SdkPojo builder = builderSupplier.get();
        for (SdkField<?> field : builder.sdkFields()) {
            JsonNode value = node.get(field.locationName());
            if (value == null || value.isNull()) {
                continue;
            }
            field.set(builder, readValue(field, value, join(path, field.locationName())));
        }
        return ((Buildable) builder).build();
    }

    private Object readValue(SdkField<?> field, JsonNode v, String path) {
        MarshallingType<?> t = field.marshallingType();
        if (t == MarshallingType.STRING) {
            if (!v.isTextual()) {
                throw typeError(path, "a string", v);
            }
            return v.asText();
        } else if (t == MarshallingType.INTEGER) {
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw typeError(path, "an integer", v);
            }
            return v.intValue();
        } else if (t == MarshallingType.LONG) {
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw typeError(path, "a long integer", v);
            }
            return v.longValue();
        } else if (t == MarshallingType.DOUBLE) {
            if (!v.isNumber()) {
                throw typeError(path, "a number", v);
            }
            return v.doubleValue();
        } else if (t == MarshallingType.FLOAT) {
            if (!v.isNumber()) {
                throw typeError(path, "a number", v);
            }
            return v.floatValue();
        } else if (t == MarshallingType.BOOLEAN) {
            if (!v.isBoolean()) {
                throw typeError(path, "a boolean", v);
            }
            return v.booleanValue();
        } else if (t == MarshallingType.INSTANT) {
            if (!v.isNumber()) {
                throw typeError(path, "a timestamp in epoch seconds", v);
            }
            BigDecimal s = v.decimalValue();
            return Instant.ofEpochSecond(s.longValue(), s.remainder(BigDecimal.ONE).movePointRight(9).intValue());
        } else if (t == MarshallingType.SDK_POJO) {
            return readStructure(v, field.constructor(), path);
        } else if (t == MarshallingType.LIST) {
            if (!v.isArray()) {
                throw typeError(path, "a list", v);
            }
            SdkField<?> member = field.getTrait(ListTrait.class).memberFieldInfo();
            List<Object> out = new ArrayList<>(v.size());
            int i = 1;
            for (JsonNode e : v) {
                out.add(e.isNull() ? null : readValue(member, e, path + "." + i + ".member"));
                i++;
            }
            return out;
        } else if (t == MarshallingType.MAP) {
            if (!v.isObject()) {
                throw typeError(path, "a map", v);
            }
            SdkField<?> valueField = field.getTrait(MapTrait.class).valueFieldInfo();
            Map<String, Object> out = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = v.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), e.getValue().isNull() ? null
                        : readValue(valueField, e.getValue(), path + "." + e.getKey()));
            }
            return out;
        }
        throw AwsException.serialization("Unsupported member type at '" + display(path) + "'");
    }

    /** Converts a model object to its JSON tree; unset members are omitted. */
    public ObjectNode write(SdkPojo pojo) {
        ObjectNode out = NODES.objectNode();
        for (SdkField<?> field : pojo.sdkFields()) {
            Object value = field.getValueOrDefault(pojo);
            JsonNode node = writeValue(field, value);
            if (node != null) {
                out.set(field.locationName(), node);
            }
        }
        return out;
    }

    /**
     * The JSON text of a model object: the same text as {@link #write} serialized, written straight to the text
     * (no tree in between: this is every API answer's serialization).
     */
    public String writeString(SdkPojo pojo) {
        try {
            java.io.StringWriter out = new java.io.StringWriter(512);
            try (com.fasterxml.jackson.core.JsonGenerator g = mapper().getFactory().createGenerator(out)) {
                stream(g, pojo);
            }
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void stream(com.fasterxml.jackson.core.JsonGenerator g, SdkPojo pojo) throws java.io.IOException {
        g.writeStartObject();
        for (SdkField<?> field : pojo.sdkFields()) {
            Object value = field.getValueOrDefault(pojo);
            if (written(field, value)) {
                g.writeFieldName(field.locationName());
                streamValue(g, field, value);
            }
        }
        g.writeEndObject();
    }

    /** Whether {@link #writeValue} gives a node for {@code value} (else the member is left out). */
    private static boolean written(SdkField<?> field, Object value) {
        if (value == null || value instanceof SdkAutoConstructList || value instanceof SdkAutoConstructMap) {
            return false;
        }
        MarshallingType<?> t = field.marshallingType();
        return t == MarshallingType.STRING || t == MarshallingType.INTEGER || t == MarshallingType.LONG
                || t == MarshallingType.DOUBLE || t == MarshallingType.FLOAT || t == MarshallingType.BOOLEAN
                || t == MarshallingType.INSTANT || t == MarshallingType.SDK_POJO || t == MarshallingType.LIST
                || t == MarshallingType.MAP;
    }

    private void streamValue(com.fasterxml.jackson.core.JsonGenerator g, SdkField<?> field, Object value)
            throws java.io.IOException {
        if (!written(field, value)) {
            g.writeNull(); // a list or map element writeValue has no node for
            return;
        }
        MarshallingType<?> t = field.marshallingType();
        if (t == MarshallingType.STRING) {
            g.writeString(value.toString());
        } else if (t == MarshallingType.INTEGER) {
            g.writeNumber((Integer) value);
        } else if (t == MarshallingType.LONG) {
            g.writeNumber((Long) value);
        } else if (t == MarshallingType.DOUBLE) {
            g.writeNumber((Double) value);
        } else if (t == MarshallingType.FLOAT) {
            g.writeNumber((Float) value);
        } else if (t == MarshallingType.BOOLEAN) {
            g.writeBoolean((Boolean) value);
        } else if (t == MarshallingType.INSTANT) {
            g.writeTree(writeValue(field, value)); // the node factory's decimal form, exactly as the tree has it
        } else if (t == MarshallingType.SDK_POJO) {
            stream(g, (SdkPojo) value);
        } else if (t == MarshallingType.LIST) {
            SdkField<?> member = field.getTrait(ListTrait.class).memberFieldInfo();
            g.writeStartArray();
            for (Object e : (Collection<?>) value) {
                streamValue(g, member, e);
            }
            g.writeEndArray();
        } else {
            SdkField<?> valueField = field.getTrait(MapTrait.class).valueFieldInfo();
            g.writeStartObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                streamValue(g, valueField, e.getValue());
            }
            g.writeEndObject();
        }
    }

    private JsonNode writeValue(SdkField<?> field, Object value) {
        if (value == null || value instanceof SdkAutoConstructList || value instanceof SdkAutoConstructMap) {
            return null;
        }
        MarshallingType<?> t = field.marshallingType();
        if (t == MarshallingType.STRING) {
            return NODES.textNode(value.toString());
        } else if (t == MarshallingType.INTEGER) {
            return NODES.numberNode((Integer) value);
        } else if (t == MarshallingType.LONG) {
            return NODES.numberNode((Long) value);
        } else if (t == MarshallingType.DOUBLE) {
            return NODES.numberNode((Double) value);
        } else if (t == MarshallingType.FLOAT) {
            return NODES.numberNode((Float) value);
        } else if (t == MarshallingType.BOOLEAN) {
            return NODES.booleanNode((Boolean) value);
        } else if (t == MarshallingType.INSTANT) {
            Instant i = (Instant) value;
            return NODES.numberNode(BigDecimal.valueOf(i.getEpochSecond()).add(BigDecimal.valueOf(i.getNano(), 9))
                    .stripTrailingZeros());
        } else if (t == MarshallingType.SDK_POJO) {
            return write((SdkPojo) value);
        } else if (t == MarshallingType.LIST) {
            SdkField<?> member = field.getTrait(ListTrait.class).memberFieldInfo();
            ArrayNode arr = NODES.arrayNode();
            for (Object e : (Collection<?>) value) {
                JsonNode n = writeValue(member, e);
                arr.add(n == null ? NODES.nullNode() : n);
            }
            return arr;
        } else if (t == MarshallingType.MAP) {
            SdkField<?> valueField = field.getTrait(MapTrait.class).valueFieldInfo();
            ObjectNode obj = NODES.objectNode();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                JsonNode n = writeValue(valueField, e.getValue());
                obj.set(String.valueOf(e.getKey()), n == null ? NODES.nullNode() : n);
            }
            return obj;
        }
        return null;
    }

    // ---- enum validation -----------------------------------------------------------------------------------

    /** A public getter of a model class that returns an SDK enum, or a list of one. */
    private record EnumGetter(Method typed, Method raw, String wireName, Class<?> enumType, boolean list) {
    }

    private static void validateEnums(Object pojo, String path) {
        if (!(pojo instanceof SdkPojo sdk)) {
            return;
        }
        for (EnumGetter g : enumGetters(pojo.getClass())) {
            Object raw = invoke(g.raw, pojo);
            if (raw == null) {
                continue;
            }
            if (g.list) {
                int i = 1;
                for (Object e : (List<?>) raw) {
                    checkEnum(g, e, path, "." + i + ".member");
                    i++;
                }
            } else {
                checkEnum(g, raw, path, "");
            }
        }
        for (SdkField<?> field : sdk.sdkFields()) {
            Object v = field.getValueOrDefault(pojo);
            String p = join(path, field.locationName());
            if (v instanceof SdkPojo) {
                validateEnums(v, p);
            } else if (v instanceof List<?> l) {
                int i = 1;
                for (Object e : l) {
                    validateEnums(e, p + "." + i + ".member");
                    i++;
                }
            } else if (v instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    validateEnums(e.getValue(), p + "." + e.getKey());
                }
            }
        }
    }

    private static void checkEnum(EnumGetter g, Object rawValue, String path, String suffix) {
        String value = String.valueOf(rawValue);
        for (Object c : g.enumType.getEnumConstants()) {
            if (!"UNKNOWN_TO_SDK_VERSION".equals(((Enum<?>) c).name()) && c.toString().equals(value)) {
                return;
            }
        }
        String allowed = Arrays.stream(g.enumType.getEnumConstants())
                .filter(c -> !"UNKNOWN_TO_SDK_VERSION".equals(((Enum<?>) c).name()))
                .map(Object::toString).collect(Collectors.joining(", ", "[", "]"));
        throw AwsException.invalidParameter("1 validation error detected: Value '" + value + "' at '"
                + join(path, g.wireName) + suffix + "' failed to satisfy constraint: Member must satisfy enum value set: "
                + allowed);
    }

    private static List<EnumGetter> enumGetters(Class<?> type) {
        return ENUM_GETTERS.computeIfAbsent(type, AwsJsonCodec::findEnumGetters);
    }

    private static List<EnumGetter> findEnumGetters(Class<?> type) {
        List<EnumGetter> out = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Class<?> enumType = null;
            boolean list = false;
            if (m.getReturnType().isEnum()) {
                enumType = m.getReturnType();
            } else if (m.getReturnType() == List.class) {
                Type g = m.getGenericReturnType();
                if (g instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c && c.isEnum()) {
                    enumType = c;
                    list = true;
                }
            }
            if (enumType == null || !hasUnknownConstant(enumType)) {
                continue;
            }
            try {
                Method raw = type.getMethod(m.getName() + (list ? "AsStrings" : "AsString"));
                out.add(new EnumGetter(m, raw, m.getName(), enumType, list));
            } catch (NoSuchMethodException e) {
                // not a model enum member
            }
        }
        out.sort((a, b) -> a.wireName.compareTo(b.wireName));
        return out;
    }

    private static boolean hasUnknownConstant(Class<?> enumType) {
        for (Object c : enumType.getEnumConstants()) {
            if ("UNKNOWN_TO_SDK_VERSION".equals(((Enum<?>) c).name())) {
                return true;
            }
        }
        return false;
    }

    private static Object invoke(Method m, Object target) {
        try {
            return m.invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static AwsException typeError(String path, String expected, JsonNode found) {
        return AwsException.serialization("Expected " + expected + " at '" + display(path) + "' but found "
                + kind(found));
    }

    private static String kind(JsonNode n) {
        if (n.isObject()) {
            return "an object";
        } else if (n.isArray()) {
            return "a list";
        } else if (n.isTextual()) {
            return "a string";
        } else if (n.isBoolean()) {
            return "a boolean";
        } else if (n.isIntegralNumber()) {
            return n.canConvertToLong() ? "an integer" : "an out-of-range integer";
        } else if (n.isNumber()) {
            return "a decimal number";
        }
        return n.getNodeType().toString().toLowerCase();
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String display(String path) {
        return path.isEmpty() ? "(request body)" : path;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
