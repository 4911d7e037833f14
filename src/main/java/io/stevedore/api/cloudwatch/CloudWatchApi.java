package io.stevedore.api.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.catalog.JsonTrees;
import io.stevedore.control.scaling.MetricStore;
import io.stevedore.control.state.Context;
import io.stevedore.store.Database;
import io.stevedore.wire.AwsException;
import io.stevedore.wire.AwsJsonCodec;
import io.stevedore.wire.CborCodec;
import io.stevedore.wire.ServiceModel;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkPojo;

/**
 * CloudWatch on the same endpoint, signed for {@code monitoring}, in the two protocols today's clients speak: AWS
 * JSON 1.0 ({@code X-Amz-Target: GraniteServiceVersion20100801.<Operation>}, awsQuery-compatible: the aws CLI v1
 * and boto3) and Smithy RPC v2 CBOR ({@code POST /service/GraniteServiceVersion20100801/operation/<Operation>}: the
 * AWS SDK for Java v2). Requests are checked against AWS's model ({@link ServiceModel}), then parsed into the SDK's
 * CloudWatch model classes ({@link AwsJsonCodec}); answers are written from them. Operations: {@link CloudWatchOps}.
 */
public final class CloudWatchApi {
    public static final String TARGET_PREFIX = "GraniteServiceVersion20100801.";
    public static final String CBOR_PATH = "/service/GraniteServiceVersion20100801/operation/";
    public static final String SIGNING_NAME = "monitoring";

    /** The query-protocol error code of each error shape (the {@code x-amzn-query-error} header). */
    private static final Map<String, String> QUERY_CODES = Map.of(
            "InvalidParameterValueException", "InvalidParameterValue",
            "MissingRequiredParameterException", "MissingParameter",
            "InvalidParameterCombinationException", "InvalidParameterCombination",
            "ResourceNotFound", "ResourceNotFound",
            "LimitExceededFault", "LimitExceeded",
            "InvalidNextToken", "InvalidNextToken");

    private record Handler<I>(Supplier<? extends SdkPojo> builder, Class<I> type, Function<I, ? extends SdkPojo> fn) {
    }

    private final AwsJsonCodec codec = new AwsJsonCodec();
    private final ServiceModel model = ServiceModel.load("cloudwatch-2010-08-01", "InvalidParameterValueException",
            "MissingRequiredParameterException");
    private final Database db;
    private final Map<String, Handler<?>> handlers = new TreeMap<>();

    public CloudWatchApi(Database db, Context ctx, MetricStore metrics) {
        this.db = db;
        new CloudWatchOps(ctx, metrics).register(this);
    }

    <I> void register(String operation, Supplier<? extends SdkPojo> builder, Class<I> type,
                      Function<I, ? extends SdkPojo> fn) {
        handlers.put(operation, new Handler<>(builder, type, fn));
    }

    public Set<String> operations() {
        return handlers.keySet();
    }

    /** The {@code x-amzn-query-error} header value of an error type ({@code code;Sender}). */
    public static String queryError(String errorType) {
        return QUERY_CODES.getOrDefault(errorType, errorType) + ";Sender";
    }

    /** A JSON 1.0 call; {@code target} is the X-Amz-Target header. */
    public String handleJson(String target, String body) {
        String op = target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length())
                : null;
        JsonNode request;
        try {
            request = JsonTrees.read(body == null || body.isBlank() ? "{}" : body);
        } catch (Exception e) {
            throw AwsException.serialization("The request body is not valid JSON");
        }
        return codec.writeString(call(op, request));
    }

    /** A Smithy RPC v2 CBOR call to {@code operation}. */
    public byte[] handleCbor(String operation, byte[] body) {
        return CborCodec.write(call(operation, CborCodec.read(body)));
    }

    private SdkPojo call(String op, JsonNode request) {
        Handler<?> h = op == null ? null : handlers.get(op);
        if (h == null) {
            throw new AwsException("UnknownOperationException", 400, "Unknown operation: " + op
                    + " (Stevedore's CloudWatch answers " + String.join(", ", handlers.keySet()) + ")");
        }
        model.validateInput(op, request);
        return invoke(h, request);
    }

    private <I> SdkPojo invoke(Handler<I> h, JsonNode request) {
        I typed;
        try {
            typed = codec.read(request, h.builder, h.type, "");
        } catch (AwsException e) {
            throw "InvalidParameterException".equals(e.errorType())
                    ? new AwsException("InvalidParameterValueException", 400, e.getMessage()) : e;
        }
        return db.transaction(() -> h.fn.apply(typed));
    }
}
