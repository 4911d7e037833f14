package io.stevedore.api.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;

/** The test Application Auto Scaling client, for tests in other packages. */
public final class AutoScalingClientAccess {
    private final AutoScalingClient client;

    public AutoScalingClientAccess(URI endpoint) {
        this.client = new AutoScalingClient(endpoint);
    }

    /** A call that must succeed. */
    public JsonNode ok(String operation, String body) throws Exception {
        return client.ok(operation, body);
    }
}
