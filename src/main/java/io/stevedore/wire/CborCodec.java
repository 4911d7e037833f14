package io.stevedore.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORGenerator;

/**
 * The Smithy RPC v2 CBOR protocol's bodies (what the AWS SDK for Java v2 speaks to CloudWatch): a CBOR request is
 * read into the same JSON tree {@link AwsJsonCodec} reads (timestamps are tag-1 epoch seconds, numbers in the
 * tree), and an SDK model object is written as CBOR driven by the model's own fields (timestamps tagged 1).
 * The CBOR parser and generator are the SDK's own (shaded Jackson).
 */
public final class CborCodec {
    private static final CBORFactory CBOR = new CBORFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CborCodec() {
    }

    /** A CBOR document as a JSON tree; an empty body is an empty object. */
    public static JsonNode read(byte[] body) {
        if (body == null || body.length == 0) {
            return NODES.objectNode();
        }
        try (JsonParser p = CBOR.createParser(body)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return NODES.objectNode();
            }
            return value(p, t);
        } catch (IOException | RuntimeException e) {
            throw AwsException.serialization("The request body is not valid CBOR: " + e.getMessage());
        }
    }

    private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    o.set(name, value(p, p.nextToken()));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    a.add(value(p, e));
                }
                return a;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return NODES.numberNode(p.getBigIntegerValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE -> {
                return NODES.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return NODES.booleanNode(false);
            }
            case VALUE_EMBEDDED_OBJECT -> {
                return NODES.binaryNode(p.getBinaryValue());
            }
            default -> {
                return NODES.nullNode();
            }
        }
    }

    /** An SDK model object as CBOR. */
    public static byte[] write(SdkPojo pojo) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = CBOR.createGenerator(out)) {
            writePojo(g, pojo);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** An error body: {@code {"__type": type, "message": message}}. */
    public static byte[] error(String type, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = CBOR.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("__type", type);
            g.writeStringField("message", message == null ? "" : message);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static void writePojo(CBORGenerator g, SdkPojo pojo) throws IOException {
        g.writeStartObject();
        for (SdkField<?> f : pojo.sdkFields()) {
            Object v = f.getValueOrDefault(pojo);
            if (v == null || v instanceof SdkAutoConstructList || v instanceof SdkAutoConstructMap) {
                continue;
            }
            g.writeFieldName(f.locationName());
            writeValue(g, f, v);
        }
        g.writeEndObject();
    }

    private static void writeValue(CBORGenerator g, SdkField<?> f, Object v) throws IOException {
        MarshallingType<?> t = f.marshallingType();
        if (v == null) {
            g.writeNull();
        } else if (t == MarshallingType.STRING) {
            g.writeString(v.toString());
        } else if (t == MarshallingType.INTEGER) {
            g.writeNumber((Integer) v);
        } else if (t == MarshallingType.LONG) {
            g.writeNumber((Long) v);
        } else if (t == MarshallingType.DOUBLE) {
            g.writeNumber((Double) v);
        } else if (t == MarshallingType.FLOAT) {
            g.writeNumber((Float) v);
        } else if (t == MarshallingType.BOOLEAN) {
            g.writeBoolean((Boolean) v);
        } else if (t == MarshallingType.INSTANT) {
            Instant i = (Instant) v;
            g.writeTag(1);
            g.writeNumber(i.getEpochSecond() + i.getNano() / 1e9);
        } else if (t == MarshallingType.SDK_POJO) {
            writePojo(g, (SdkPojo) v);
        } else if (t == MarshallingType.LIST) {
            SdkField<?> member = f.getTrait(ListTrait.class).memberFieldInfo();
            Collection<?> c = (Collection<?>) v;
            g.writeStartArray();
            for (Object e : c) {
                writeValue(g, member, e);
            }
            g.writeEndArray();
        } else if (t == MarshallingType.MAP) {
            SdkField<?> value = f.getTrait(MapTrait.class).valueFieldInfo();
            g.writeStartObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, value, e.getValue());
            }
            g.writeEndObject();
        } else {
            g.writeNull();
        }
    }
}
