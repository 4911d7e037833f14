package io.stevedore.api.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.catalog.JsonTrees;
import io.stevedore.store.LogStore;
import io.stevedore.time.Clock;
import io.stevedore.wire.AwsException;
import io.stevedore.wire.ServiceModel;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * CloudWatch Logs on the same endpoint: AWS JSON 1.1, {@code X-Amz-Target: Logs_20140328.<Operation>}, signed for
 * {@code logs}. Requests are checked against AWS's official model ({@link ServiceModel}, patterns included), whose
 * validation errors CloudWatch Logs answers as InvalidParameterException; answers are checked against the output
 * shapes. The operations are {@link LogsOps}; the rows live in a {@link LogStore} of the region's own, outside the
 * control plane's transaction, so that ingestion never waits for the control loop.
 */
public final class LogsApi {
    public static final String TARGET_PREFIX = "Logs_20140328.";
    public static final String SIGNING_NAME = "logs";
    /**
     * The largest request body: a full PutLogEvents batch (1,048,576 bytes of events) in JSON, with room for its
     * escaping and member names.
     */
    public static final int MAX_REQUEST_BYTES = 8 << 20;

    /**
     * AWS's model (184 KB of JSON), read on the first call: a plane that is never asked for logs (a simulation)
     * does not parse it.
     */
    private volatile ServiceModel model;
    private final Map<String, Function<JsonNode, ObjectNode>> handlers = new TreeMap<>();
    private final LogStore store;
    private final Clock clock;

    /**
     * @param store     the region's log rows
     * @param region    the region in ARNs
     * @param accountId the account in ARNs
     * @param clock     ingestion times, the too-old/too-new bounds and retention
     */
    public LogsApi(LogStore store, String region, String accountId, Clock clock) {
        this.store = store;
        this.clock = clock;
        new LogsOps(store, region, accountId, clock).register(handlers);
    }

    private ServiceModel model() {
        ServiceModel m = model;
        if (m == null) {
            synchronized (this) {
                if (model == null) {
                    model = ServiceModel.load("logs-2014-03-28", "InvalidParameterException").checkingPatterns();
                }
                m = model;
            }
        }
        return m;
    }

    public Set<String> operations() {
        return handlers.keySet();
    }

    /** Handles one call ({@code target} is the X-Amz-Target header); throws {@link AwsException}. */
    public String handle(String target, String body) {
        String op = target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length())
                : null;
        Function<JsonNode, ObjectNode> h = op == null ? null : handlers.get(op);
        if (h == null) {
            throw new AwsException("UnknownOperationException", 400, "Unknown operation: " + op
                    + " (Stevedore's CloudWatch Logs answers " + String.join(", ", handlers.keySet()) + ")");
        }
        JsonNode request;
        try {
            request = JsonTrees.read(body == null || body.isBlank() ? "{}" : body);
        } catch (Exception e) {
            throw AwsException.serialization("The request body is not valid JSON");
        }
        ServiceModel model = model();
        model.validateInput(op, request);
        ObjectNode answer = h.apply(request);
        model.checkOutput(op, answer);
        return answer.toString();
    }

    /** Deletes the events past their group's retention (the control loop's minute timer calls it). */
    public long purgeExpired() {
        return store.purgeExpired(clock.now().toEpochMilli());
    }

    /** Deletes every log group, stream and event (the admin reset). */
    public void wipe() {
        store.wipe();
    }
}
