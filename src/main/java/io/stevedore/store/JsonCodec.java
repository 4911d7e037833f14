package io.stevedore.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Stores a plain Java record (or other Jackson-mappable type) as JSON. */
public final class JsonCodec<T> implements Codec<T> {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Class<T> type;

    public JsonCodec(Class<T> type) {
        this.type = type;
    }

    @Override
    public String write(T value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException("cannot encode " + type.getSimpleName(), e);
        }
    }

    @Override
    public T read(String json) {
        try {
            return MAPPER.readValue(json, type);
        } catch (Exception e) {
            throw new IllegalStateException("cannot decode " + type.getSimpleName() + ": " + json, e);
        }
    }
}
