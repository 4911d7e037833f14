package io.stevedore.api.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.api.auth.RawClient;
import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * A CloudWatch Logs client for tests: JSON 1.1 bodies signed by the AWS SDK for Java v2's own SigV4 signer for
 * {@code logs}. The SDK's {@code cloudwatchlogs} module is not in the offline repository; the compatibility suite
 * (src/test/compat/) drives the aws CLI's and boto3's clients.
 */
final class LogsClient {
    static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: HTTP status, error type (or null), message and the JSON body. */
    record Answer(int status, String errorType, String message, JsonNode body) {
    }

    private final URI endpoint;
    private final String region;

    LogsClient(URI endpoint) {
        this(endpoint, "us-east-1");
    }

    LogsClient(URI endpoint, String region) {
        this.endpoint = endpoint;
        this.region = region;
    }

    Answer call(String operation, String body) throws Exception {
        RawClient.Signing s = new RawClient.Signing("test", "test", region, "logs", Instant.now());
        var req = RawClient.sign(endpoint, Map.of("X-Amz-Target", "Logs_20140328." + operation,
                "Content-Type", "application/x-amz-json-1.1"), body, s);
        RawClient.Response r = RawClient.send(req, body);
        JsonNode json = JSON.readTree(r.body().isEmpty() ? "{}" : r.body());
        return new Answer(r.status(), r.status() == 200 ? null : json.path("__type").asText(),
                json.path("message").asText(null), json);
    }

    Answer call(String operation, JsonNode body) throws Exception {
        return call(operation, JSON.writeValueAsString(body));
    }

    /** A call that must succeed. */
    JsonNode ok(String operation, String body) throws Exception {
        Answer a = call(operation, body);
        if (a.status() != 200) {
            throw new AssertionError(operation + " failed: " + a.status() + " " + a.body());
        }
        return a.body();
    }

    JsonNode ok(String operation, JsonNode body) throws Exception {
        return ok(operation, JSON.writeValueAsString(body));
    }

    static ObjectNode obj() {
        return JSON.createObjectNode();
    }

    /** A PutLogEvents body for {@code group}/{@code stream} with events (timestamp, message) pairs. */
    static ObjectNode put(String group, String stream, Object... tsAndMessage) {
        ObjectNode o = obj().put("logGroupName", group).put("logStreamName", stream);
        var events = o.putArray("logEvents");
        for (int i = 0; i < tsAndMessage.length; i += 2) {
            events.addObject().put("timestamp", ((Number) tsAndMessage[i]).longValue())
                    .put("message", (String) tsAndMessage[i + 1]);
        }
        return o;
    }
}
