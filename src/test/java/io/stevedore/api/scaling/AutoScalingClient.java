package io.stevedore.api.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.api.auth.RawClient;
import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * An Application Auto Scaling client for tests: JSON 1.1 bodies signed by the AWS SDK for Java v2's own SigV4
 * signer for {@code application-autoscaling}. The SDK's {@code applicationautoscaling} module is not in the offline
 * repository (docs/decisions.md, "Service Auto Scaling"); the CLI steps of src/test/compat/ use the aws CLI's.
 */
final class AutoScalingClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: HTTP status, error type (or null) and the JSON body. */
    record Answer(int status, String errorType, JsonNode body) {
    }

    private final URI endpoint;

    AutoScalingClient(URI endpoint) {
        this.endpoint = endpoint;
    }

    Answer call(String operation, String body) throws Exception {
        RawClient.Signing s = new RawClient.Signing("test", "test", "us-east-1", "application-autoscaling",
                Instant.now());
        var req = RawClient.sign(endpoint, Map.of("X-Amz-Target", "AnyScaleFrontendService." + operation,
                "Content-Type", "application/x-amz-json-1.1"), body, s);
        RawClient.Response r = RawClient.send(req, body);
        JsonNode json = JSON.readTree(r.body().isEmpty() ? "{}" : r.body());
        return new Answer(r.status(), r.status() == 200 ? null : json.path("__type").asText(), json);
    }

    /** A call that must succeed. */
    JsonNode ok(String operation, String body) throws Exception {
        Answer a = call(operation, body);
        if (a.status() != 200) {
            throw new AssertionError(operation + " failed: " + a.status() + " " + a.body());
        }
        return a.body();
    }
}
