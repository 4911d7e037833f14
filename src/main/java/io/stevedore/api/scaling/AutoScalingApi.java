package io.stevedore.api.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.catalog.JsonTrees;
import io.stevedore.control.state.Context;
import io.stevedore.store.Database;
import io.stevedore.wire.AwsException;
import io.stevedore.wire.ServiceModel;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Application Auto Scaling's JSON 1.1 API ({@code X-Amz-Target: AnyScaleFrontendService.<Operation>}, signed for
 * {@code application-autoscaling}). Requests are checked against AWS's official model
 * ({@link ServiceModel}, the same model the AWS SDKs are generated from), answers too; each call is one
 * transaction. The operations are {@link ScalingOps}.
 */
public final class AutoScalingApi {
    public static final String TARGET_PREFIX = "AnyScaleFrontendService.";
    public static final String SIGNING_NAME = "application-autoscaling";

    private final ServiceModel model = ServiceModel.load("application-autoscaling-2016-02-06",
            "ValidationException");
    private final Database db;
    private final Map<String, Function<JsonNode, ObjectNode>> handlers = new TreeMap<>();

    public AutoScalingApi(Database db, Context ctx) {
        this.db = db;
        new ScalingOps(ctx).register(handlers);
    }

    public Set<String> operations() {
        return handlers.keySet();
    }

    /** Handles one call; throws {@link AwsException}. */
    public String handle(String target, String body) {
        String op = target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length())
                : null;
        Function<JsonNode, ObjectNode> h = op == null ? null : handlers.get(op);
        if (h == null) {
            throw new AwsException("UnknownOperationException", 400, "Unknown operation: " + target);
        }
        JsonNode request;
        try {
            request = body == null || body.isBlank() ? JsonTrees.read("{}") : JsonTrees.read(body);
        } catch (Exception e) {
            throw AwsException.serialization("The request body is not valid JSON");
        }
        model.validateInput(op, request);
        ObjectNode answer = db.transaction(() -> h.apply(request));
        model.checkOutput(op, answer);
        return answer.toString();
    }
}
