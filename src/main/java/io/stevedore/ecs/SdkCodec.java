package io.stevedore.ecs;

import io.stevedore.store.Codec;
import io.stevedore.wire.AwsJsonCodec;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkPojo;

/** Stores an AWS SDK model object in its AWS JSON form (the same form the API answers with). */
public final class SdkCodec<T extends SdkPojo> implements Codec<T> {
    private static final AwsJsonCodec JSON = new AwsJsonCodec();

    private final Supplier<? extends SdkPojo> builder;
    private final Class<T> type;

    public SdkCodec(Supplier<? extends SdkPojo> builder, Class<T> type) {
        this.builder = builder;
        this.type = type;
    }

    @Override
    public String write(T value) {
        return JSON.writeString(value);
    }

    @Override
    public T read(String json) {
        return JSON.read(json, builder, type);
    }
}
