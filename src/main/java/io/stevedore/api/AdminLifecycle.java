package io.stevedore.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.control.FaultInjector;
import io.stevedore.control.events.EventRing;
import io.stevedore.wire.AwsException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * The lifecycle's admin API: {@code GET /_stevedore/events?since=N|ISO-time&limit=N&type=detail-type} reads the event
 * ring as EventBridge events (source {@code aws.ecs}); {@code POST /_stevedore/faults} injects a fault into the
 * simulated provider (docs/lifecycle.md lists the actions).
 */
final class AdminLifecycle {
    static final int DEFAULT_LIMIT = 1000;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Backend plane;

    AdminLifecycle(Backend plane) {
        this.plane = plane;
    }

    /**
     * A URL query string's parameters (the last value of a repeated name wins); a malformed escape is an
     * {@code InvalidParameterException}, not a server error.
     */
    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String kv : raw.split("&")) {
            int i = kv.indexOf('=');
            try {
                String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
                out.put(k, i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new AwsException("InvalidParameterException", 400, "Malformed query parameter: " + kv);
            }
        }
        return out;
    }

    /** The events after {@code since} (a sequence number, or an ISO-8601 time), oldest first. */
    String events(String rawQuery) {
        Map<String, String> q = query(rawQuery);
        long afterSeq = 0;
        long sinceMillis = Long.MIN_VALUE;
        String since = q.get("since");
        if (since != null && !since.isEmpty()) {
            if (since.matches("\\d{1,18}")) {
                afterSeq = Long.parseLong(since);
            } else {
                try {
                    sinceMillis = Instant.parse(since).toEpochMilli();
                } catch (DateTimeParseException e) {
                    throw new AwsException("InvalidParameterException", 400, "since must be an event sequence number"
                            + " or an ISO-8601 time such as 2026-01-05T00:00:00Z");
                }
            }
        }
        int limit = DEFAULT_LIMIT;
        if (q.containsKey("limit")) {
            if (!q.get("limit").matches("\\d{1,5}") || Integer.parseInt(q.get("limit")) < 1) {
                throw new AwsException("InvalidParameterException", 400, "limit must be 1-" + DEFAULT_LIMIT * 10);
            }
            limit = Integer.parseInt(q.get("limit"));
        }
        String type = q.get("type");
        ObjectNode out = MAPPER.createObjectNode();
        ArrayNode list = out.putArray("events");
        long last = afterSeq;
        for (EventRing.Event e : plane.events().since(afterSeq, Integer.MAX_VALUE)) {
            if (list.size() >= limit) {
                break;
            }
            last = e.seq();
            if (e.timeMillis() < sinceMillis || type != null && !type.equals(e.detailType())) {
                continue;
            }
            list.add(eventBridge(e));
        }
        out.put("nextSince", last);
        return out.toString();
    }

    private ObjectNode eventBridge(EventRing.Event e) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("version", "0").put("id", java.util.UUID.nameUUIDFromBytes(("event/" + e.seq())
                .getBytes(StandardCharsets.UTF_8)).toString()).put("detail-type", e.detailType())
                .put("source", "aws.ecs").put("account", plane.config().accountId())
                .put("time", Instant.ofEpochMilli(e.timeMillis()).toString()).put("region", plane.config().region())
                .put("seq", e.seq());
        ArrayNode r = n.putArray("resources");
        e.resources().forEach(r::add);
        try {
            n.set("detail", MAPPER.readTree(e.detailJson()));
        } catch (IOException ex) {
            n.put("detail", e.detailJson());
        }
        return n;
    }

    /** Applies one fault; the body names the action and its parameters. */
    String fault(String body) {
        JsonNode b;
        try {
            b = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AwsException("SerializationException", 400, "the body must be a JSON object: " + e.getMessage());
        }
        if (b == null || !b.isObject()) {
            throw new AwsException("SerializationException", 400, "the body must be a JSON object");
        }
        String action = b.path("action").asText("");
        String instance = b.path("instanceId").asText(null);
        FaultInjector f = plane.faults();
        switch (action) {
            case "terminate" -> f.terminate(instance);
            case "impair" -> f.impair(instance, true, b.path("checkType").asText(null), b.path("reason").asText(null));
            case "recover" -> f.impair(instance, false, b.path("checkType").asText(null), null);
            case "spot-interruption" -> f.spotInterruption(instance);
            case "shortage", "end-shortage" -> f.shortage(b.path("instanceType").asText(null),
                    b.path("availabilityZone").asText(null), "shortage".equals(action));
            case "launch-latency" -> {
                if (!b.path("seconds").canConvertToLong()) {
                    throw new AwsException("InvalidParameterException", 400, "seconds must be a number");
                }
                f.launchLatency(Duration.ofSeconds(b.path("seconds").asLong()));
            }
            case "event-window" -> f.eventWindow(b.path("cluster").asText(null), b.path("capacityProvider")
                    .asText(null), b.path("expression").isNull() || b.path("expression").isMissingNode() ? null
                    : b.path("expression").asText());
            default -> throw new AwsException("InvalidParameterException", 400, "action must be one of terminate,"
                    + " impair, recover, spot-interruption, shortage, end-shortage, launch-latency, event-window");
        }
        return "{\"status\":\"ok\",\"action\":" + MAPPER.valueToTree(action) + "}";
    }
}
