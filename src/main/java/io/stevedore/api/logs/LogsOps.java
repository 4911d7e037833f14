package io.stevedore.api.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.store.LogStore;
import io.stevedore.store.LogStore.Event;
import io.stevedore.store.LogStore.Group;
import io.stevedore.store.LogStore.Position;
import io.stevedore.store.LogStore.Stream;
import io.stevedore.time.Clock;
import io.stevedore.wire.AwsException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CloudWatch Logs operations: log groups (retention, tags), log streams, PutLogEvents with the real service's
 * batch rules, GetLogEvents with its forward and backward tokens, FilterLogEvents across streams. Errors and their
 * wording are CloudWatch Logs': ResourceNotFoundException "The specified log group does not exist.",
 * ResourceAlreadyExistsException, InvalidParameterException, TooManyTagsException.
 */
final class LogsOps {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** PutLogEvents: the batch bound (UTF-8 messages plus 26 bytes per event). */
    static final int MAX_BATCH_BYTES = 1_048_576;
    /** PutLogEvents: events further ahead of the clock are rejected as too new. */
    static final long TOO_NEW_MILLIS = 2 * 3_600_000L;
    /** PutLogEvents: events further back are rejected as too old. */
    static final long TOO_OLD_MILLIS = 14 * 86_400_000L;
    /** PutLogEvents: the longest span of accepted timestamps in one batch. */
    static final long MAX_SPAN_MILLIS = 24 * 3_600_000L;
    /** GetLogEvents and FilterLogEvents: the default and largest page, in events and bytes. */
    static final int MAX_EVENTS = 10_000;
    static final long MAX_PAGE_BYTES = 1_048_576;
    /** FilterLogEvents: rows looked at per call before answering with a nextToken. */
    static final int SCAN_ROWS = 100_000;
    /** DescribeLogGroups and DescribeLogStreams: the default and largest page. */
    static final int MAX_DESCRIBE = 50;
    static final int MAX_TAGS = 50;
    /** PutRetentionPolicy's accepted values (the Days shape's documentation). */
    static final List<Integer> RETENTION_DAYS = List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
            731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);
    private static final Pattern TOKEN = Pattern.compile("([fb])/(\\d{20})(\\d{36})/s");
    private static final Pattern GROUP_ARN = Pattern.compile("arn:aws[a-z-]*:logs:([a-z0-9-]+):(\\d{12}):log-group:"
            + "([^:]+)(:\\*)?");

    private final LogStore store;
    private final String region;
    private final String accountId;
    private final Clock clock;

    LogsOps(LogStore store, String region, String accountId, Clock clock) {
        this.store = store;
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
    }

    void register(Map<String, Function<JsonNode, ObjectNode>> h) {
        h.put("CreateLogGroup", this::createLogGroup);
        h.put("DeleteLogGroup", this::deleteLogGroup);
        h.put("DescribeLogGroups", this::describeLogGroups);
        h.put("CreateLogStream", this::createLogStream);
        h.put("DeleteLogStream", this::deleteLogStream);
        h.put("DescribeLogStreams", this::describeLogStreams);
        h.put("PutLogEvents", this::putLogEvents);
        h.put("GetLogEvents", this::getLogEvents);
        h.put("FilterLogEvents", this::filterLogEvents);
        h.put("PutRetentionPolicy", this::putRetentionPolicy);
        h.put("DeleteRetentionPolicy", this::deleteRetentionPolicy);
        h.put("TagResource", this::tagResource);
        h.put("UntagResource", this::untagResource);
        h.put("ListTagsForResource", this::listTagsForResource);
        h.put("TagLogGroup", this::tagLogGroup);
        h.put("UntagLogGroup", this::untagLogGroup);
        h.put("ListTagsLogGroup", this::listTagsLogGroup);
    }

    // ---- log groups ------------------------------------------------------------------------------------------

    private ObjectNode createLogGroup(JsonNode r) {
        String name = r.get("logGroupName").asText();
        if (name.startsWith("aws/")) {
            throw invalid("Log group names can't start with the string aws/ (reserved for AWS services): " + name);
        }
        if (r.path("deletionProtectionEnabled").asBoolean(false)) {
            throw invalid("Stevedore does not implement deletion protection for log groups: leave"
                    + " deletionProtectionEnabled unset or false.");
        }
        Map<String, String> tags = strings(r.path("tags"));
        if (!store.createGroup(name, now(), r.path("logGroupClass").asText("STANDARD"),
                r.path("kmsKeyId").asText(null), tags)) {
            throw new AwsException("ResourceAlreadyExistsException", 400, "The specified log group already exists");
        }
        return NODES.objectNode();
    }

    private ObjectNode deleteLogGroup(JsonNode r) {
        if (!store.deleteGroup(r.get("logGroupName").asText())) {
            throw groupNotFound();
        }
        return NODES.objectNode();
    }

    private ObjectNode describeLogGroups(JsonNode r) {
        String prefix = r.path("logGroupNamePrefix").asText(null);
        String pattern = r.path("logGroupNamePattern").asText(null);
        if (prefix != null && pattern != null) {
            throw invalid("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
        }
        Set<String> names = new HashSet<>();
        for (JsonNode id : r.path("logGroupIdentifiers")) {
            names.add(groupOfIdentifier(id.asText()));
        }
        String cls = r.path("logGroupClass").asText(null);
        String after = r.has("nextToken") ? decodeToken(r.get("nextToken").asText(), "n:") : null;
        int limit = r.path("limit").asInt(MAX_DESCRIBE);
        List<Group> all = store.groups(n -> (prefix == null || n.startsWith(prefix))
                && (pattern == null || n.contains(pattern)) && (names.isEmpty() || names.contains(n))
                && (after == null || n.compareTo(after) > 0));
        ArrayNode items = NODES.arrayNode();
        ObjectNode out = NODES.objectNode();
        int n = 0;
        for (Group g : all) {
            if (cls != null && !cls.equals(g.logGroupClass())) {
                continue;
            }
            if (n == limit) {
                out.put("nextToken", encodeToken("n:" + items.get(n - 1).get("logGroupName").asText()));
                break;
            }
            items.add(groupJson(g, pattern != null));
            n++;
        }
        out.set("logGroups", items);
        return out;
    }

    private ObjectNode groupJson(Group g, boolean brief) {
        ObjectNode o = NODES.objectNode();
        o.put("logGroupName", g.name());
        o.put("creationTime", g.createdMillis());
        if (!brief) {
            if (g.retentionDays() != null) {
                o.put("retentionInDays", g.retentionDays());
            }
            o.put("metricFilterCount", 0);
            o.put("storedBytes", g.storedBytes());
            if (g.kmsKeyId() != null) {
                o.put("kmsKeyId", g.kmsKeyId());
            }
            o.put("logGroupClass", g.logGroupClass());
            o.put("logGroupArn", groupArn(g.name()));
        }
        o.put("arn", groupArn(g.name()) + ":*");
        return o;
    }

    private ObjectNode putRetentionPolicy(JsonNode r) {
        int days = r.get("retentionInDays").asInt();
        if (!RETENTION_DAYS.contains(days)) {
            throw invalid("1 validation error detected: Value '" + days + "' at 'retentionInDays' failed to satisfy"
                    + " constraint: Member must satisfy enum value set: " + RETENTION_DAYS);
        }
        if (!store.setRetention(r.get("logGroupName").asText(), days)) {
            throw groupNotFound();
        }
        return NODES.objectNode();
    }

    private ObjectNode deleteRetentionPolicy(JsonNode r) {
        if (!store.setRetention(r.get("logGroupName").asText(), null)) {
            throw groupNotFound();
        }
        return NODES.objectNode();
    }

    // ---- tags ------------------------------------------------------------------------------------------------

    private ObjectNode tagResource(JsonNode r) {
        changeTags(groupOfArn(r.get("resourceArn").asText()), strings(r.get("tags")), List.of());
        return NODES.objectNode();
    }

    private ObjectNode untagResource(JsonNode r) {
        changeTags(groupOfArn(r.get("resourceArn").asText()), Map.of(), texts(r.get("tagKeys")));
        return NODES.objectNode();
    }

    private ObjectNode listTagsForResource(JsonNode r) {
        return tagsOf(groupOfArn(r.get("resourceArn").asText()));
    }

    private ObjectNode tagLogGroup(JsonNode r) {
        changeTags(r.get("logGroupName").asText(), strings(r.get("tags")), List.of());
        return NODES.objectNode();
    }

    private ObjectNode untagLogGroup(JsonNode r) {
        changeTags(r.get("logGroupName").asText(), Map.of(), texts(r.get("tags")));
        return NODES.objectNode();
    }

    private ObjectNode listTagsLogGroup(JsonNode r) {
        return tagsOf(r.get("logGroupName").asText());
    }

    private void changeTags(String group, Map<String, String> put, List<String> remove) {
        int n = store.changeTags(group, put, remove, MAX_TAGS);
        if (n < 0) {
            throw groupNotFound();
        }
        if (n > MAX_TAGS) {
            throw new AwsException("TooManyTagsException", 400, "A resource can have no more than " + MAX_TAGS
                    + " tags (this change would leave " + n + ").");
        }
    }

    private ObjectNode tagsOf(String group) {
        if (store.group(group).isEmpty()) {
            throw groupNotFound();
        }
        ObjectNode out = NODES.objectNode();
        ObjectNode tags = out.putObject("tags");
        store.tags(group).forEach(tags::put);
        return out;
    }

    // ---- log streams -----------------------------------------------------------------------------------------

    private ObjectNode createLogStream(JsonNode r) {
        String group = r.get("logGroupName").asText();
        requireGroup(group);
        if (!store.createStream(group, r.get("logStreamName").asText(), now())) {
            throw new AwsException("ResourceAlreadyExistsException", 400, "The specified log stream already exists");
        }
        return NODES.objectNode();
    }

    private ObjectNode deleteLogStream(JsonNode r) {
        String group = r.get("logGroupName").asText();
        requireGroup(group);
        if (!store.deleteStream(group, r.get("logStreamName").asText())) {
            throw streamNotFound();
        }
        return NODES.objectNode();
    }

    private ObjectNode describeLogStreams(JsonNode r) {
        String group = groupName(r);
        requireGroup(group);
        String prefix = r.path("logStreamNamePrefix").asText(null);
        boolean byTime = "LastEventTime".equals(r.path("orderBy").asText("LogStreamName"));
        if (byTime && prefix != null) {
            throw invalid("Cannot order by LastEventTime with a logStreamNamePrefix.");
        }
        boolean descending = r.path("descending").asBoolean(false);
        int limit = r.path("limit").asInt(MAX_DESCRIBE);
        List<Stream> all = store.streams(group, n -> prefix == null || n.startsWith(prefix));
        Comparator<Stream> order = byTime
                ? Comparator.comparingLong((Stream s) -> s.lastEvent() == null ? 0 : s.lastEvent())
                .thenComparing(Stream::name) : Comparator.comparing(Stream::name);
        all.sort(descending ? order.reversed() : order);
        int from = 0;
        if (r.has("nextToken")) {
            String token = decodeToken(r.get("nextToken").asText(), byTime ? "o:" : "n:");
            if (byTime) {
                from = parseOffset(token);
            } else {
                while (from < all.size() && (descending ? all.get(from).name().compareTo(token) >= 0
                        : all.get(from).name().compareTo(token) <= 0)) {
                    from++;
                }
            }
        }
        ArrayNode items = NODES.arrayNode();
        ObjectNode out = NODES.objectNode();
        int end = Math.min(all.size(), from + limit);
        for (Stream s : all.subList(Math.min(from, end), end)) {
            ObjectNode o = items.addObject();
            o.put("logStreamName", s.name());
            o.put("creationTime", s.createdMillis());
            if (s.firstEvent() != null) {
                o.put("firstEventTimestamp", s.firstEvent());
                o.put("lastEventTimestamp", s.lastEvent());
                o.put("lastIngestionTime", s.lastIngestion());
            }
            o.put("uploadSequenceToken", sequenceToken(s));
            o.put("arn", groupArn(group) + ":log-stream:" + s.name());
            o.put("storedBytes", 0); // deprecated: CloudWatch Logs answers 0 (the group's storedBytes counts)
        }
        if (end < all.size()) {
            out.put("nextToken", encodeToken(byTime ? "o:" + end : "n:" + all.get(end - 1).name()));
        }
        out.set("logStreams", items);
        return out;
    }

    // ---- events ----------------------------------------------------------------------------------------------

    private ObjectNode putLogEvents(JsonNode r) {
        String groupName = r.get("logGroupName").asText();
        Group group = store.group(groupName).orElseThrow(LogsOps::groupNotFound);
        Stream stream = store.stream(groupName, r.get("logStreamName").asText()).orElseThrow(LogsOps::streamNotFound);
        JsonNode events = r.get("logEvents");
        long bytes = 0;
        long previous = Long.MIN_VALUE;
        List<LogStore.Input> inputs = new ArrayList<>(events.size());
        for (JsonNode e : events) {
            long ts = e.get("timestamp").asLong();
            if (ts < previous) {
                throw invalid("Log events in a single PutLogEvents request must be in chronological order.");
            }
            previous = ts;
            String message = e.get("message").asText();
            bytes += LogStore.utf8Length(message) + LogStore.EVENT_OVERHEAD;
            inputs.add(new LogStore.Input(ts, message));
        }
        if (bytes > MAX_BATCH_BYTES) {
            throw invalid("Upload too large: " + bytes + " bytes exceeds limit of " + MAX_BATCH_BYTES);
        }
        long now = now();
        int tooOldEnd = 0;
        int expiredEnd = 0;
        int tooNewStart = inputs.size();
        long expiredBefore = group.retentionDays() == null ? Long.MIN_VALUE
                : now - group.retentionDays() * 86_400_000L;
        for (int i = 0; i < inputs.size(); i++) {
            long ts = inputs.get(i).timestamp();
            if (ts < now - TOO_OLD_MILLIS) {
                tooOldEnd = i + 1;
            }
            if (ts < expiredBefore) {
                expiredEnd = i + 1;
            }
            if (ts > now + TOO_NEW_MILLIS && tooNewStart == inputs.size()) {
                tooNewStart = i;
            }
        }
        List<LogStore.Input> accepted = inputs.subList(Math.min(Math.max(tooOldEnd, expiredEnd), tooNewStart),
                tooNewStart);
        if (!accepted.isEmpty() && accepted.get(accepted.size() - 1).timestamp() - accepted.get(0).timestamp()
                > MAX_SPAN_MILLIS) {
            throw invalid("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
        }
        Stream after = stream;
        if (!accepted.isEmpty()) {
            after = store.append(stream.id(), accepted, now).orElseThrow(LogsOps::streamNotFound);
        }
        ObjectNode out = NODES.objectNode();
        out.put("nextSequenceToken", sequenceToken(after));
        if (tooOldEnd > 0 || expiredEnd > 0 || tooNewStart < inputs.size()) {
            ObjectNode rejected = out.putObject("rejectedLogEventsInfo");
            if (tooNewStart < inputs.size()) {
                rejected.put("tooNewLogEventStartIndex", tooNewStart);
            }
            if (tooOldEnd > 0) {
                rejected.put("tooOldLogEventEndIndex", tooOldEnd);
            }
            if (expiredEnd > 0) {
                rejected.put("expiredLogEventEndIndex", expiredEnd);
            }
        }
        return out;
    }

    private ObjectNode getLogEvents(JsonNode r) {
        String groupName = groupName(r);
        Group group = store.group(groupName).orElseThrow(LogsOps::groupNotFound);
        Stream stream = store.stream(groupName, r.get("logStreamName").asText()).orElseThrow(LogsOps::streamNotFound);
        long from = Math.max(r.path("startTime").asLong(0), retainedFrom(group));
        long to = r.has("endTime") ? r.get("endTime").asLong() : Long.MAX_VALUE;
        int limit = r.path("limit").asInt(MAX_EVENTS);
        boolean forward;
        Position position;
        String given = r.path("nextToken").asText(null);
        if (given != null) {
            Matcher m = TOKEN.matcher(given);
            if (!m.matches()) {
                throw invalid("The specified nextToken is invalid.");
            }
            forward = "f".equals(m.group(1));
            position = new Position(Long.parseLong(m.group(2)) - 1, Long.parseLong(m.group(3)));
        } else {
            forward = r.path("startFromHead").asBoolean(false);
            position = forward ? Position.START : new Position(Long.MAX_VALUE - 1, Long.MAX_VALUE);
        }
        LogStore.Page page = store.read(stream.id(), position, forward, from, to, limit, MAX_PAGE_BYTES);
        List<Event> events = new ArrayList<>(page.events());
        if (!forward) {
            java.util.Collections.reverse(events);
        }
        ObjectNode out = NODES.objectNode();
        ArrayNode items = out.putArray("events");
        for (Event e : events) {
            ObjectNode o = items.addObject();
            o.put("timestamp", e.timestamp());
            o.put("message", e.message());
            o.put("ingestionTime", e.ingestionTime());
        }
        if (events.isEmpty()) {
            // Nothing here: the token given comes back (the end of the stream); a first call on an empty range
            // gets tokens from the stream's start in both directions, so following forward sees what comes.
            Position at = given != null ? position : Position.START;
            out.put("nextForwardToken", token('f', at));
            out.put("nextBackwardToken", token('b', at));
        } else {
            Event first = events.get(0);
            Event last = events.get(events.size() - 1);
            out.put("nextForwardToken", token('f', new Position(last.timestamp(), last.id())));
            out.put("nextBackwardToken", token('b', new Position(first.timestamp(), first.id())));
        }
        return out;
    }

    private ObjectNode filterLogEvents(JsonNode r) {
        String groupName = groupName(r);
        Group group = store.group(groupName).orElseThrow(LogsOps::groupNotFound);
        boolean hasNames = r.has("logStreamNames") && !r.get("logStreamNames").isNull();
        String prefix = r.path("logStreamNamePrefix").asText(null);
        if (hasNames && prefix != null) {
            throw invalid("You cannot specify both logStreamNames and logStreamNamePrefix.");
        }
        Set<String> names = hasNames ? new HashSet<>(texts(r.get("logStreamNames"))) : Set.of();
        Predicate<String> streamFilter = n -> (!hasNames || names.contains(n)) && (prefix == null || n.startsWith(prefix));
        FilterPattern pattern = FilterPattern.parse(r.path("filterPattern").asText(null));
        Map<Long, String> streams = new LinkedHashMap<>();
        for (Stream s : store.streams(groupName, streamFilter)) {
            streams.put(s.id(), s.name());
        }
        long from = Math.max(r.path("startTime").asLong(0), retainedFrom(group));
        long to = r.has("endTime") ? r.get("endTime").asLong() : Long.MAX_VALUE;
        Position position = r.has("nextToken") ? parsePosition(decodeToken(r.get("nextToken").asText(), "p:"))
                : Position.START;
        LogStore.Page page = store.scan(streams.keySet(), position, from, to, e -> pattern.matches(e.message()),
                r.path("limit").asInt(MAX_EVENTS), MAX_PAGE_BYTES, SCAN_ROWS);
        ObjectNode out = NODES.objectNode();
        ArrayNode items = out.putArray("events");
        for (Event e : page.events()) {
            ObjectNode o = items.addObject();
            o.put("logStreamName", streams.get(e.streamId()));
            o.put("timestamp", e.timestamp());
            o.put("message", e.message());
            o.put("ingestionTime", e.ingestionTime());
            o.put("eventId", eventId(e));
        }
        out.putArray("searchedLogStreams"); // no longer supported by CloudWatch Logs: always empty
        if (page.more()) {
            out.put("nextToken", encodeToken("p:" + page.resume().timestamp() + ":" + page.resume().id()));
        }
        return out;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private long now() {
        return clock.now().toEpochMilli();
    }

    /** The oldest timestamp a reader may see: events past the group's retention are gone even before the purge. */
    private long retainedFrom(Group g) {
        return g.retentionDays() == null ? 0 : now() - g.retentionDays() * 86_400_000L;
    }

    /** {@code logGroupName} or {@code logGroupIdentifier} (a name or an ARN), exactly one of them. */
    private String groupName(JsonNode r) {
        boolean name = r.hasNonNull("logGroupName");
        boolean id = r.hasNonNull("logGroupIdentifier");
        if (name && id) {
            throw invalid("LogGroup name and LogGroup identifier are mutually exclusive parameters.");
        }
        if (!name && !id) {
            throw invalid("Either logGroupName or logGroupIdentifier must be specified.");
        }
        return name ? r.get("logGroupName").asText() : groupOfIdentifier(r.get("logGroupIdentifier").asText());
    }

    /** A log group identifier: its name, or its ARN (with or without the trailing {@code :*}). */
    private String groupOfIdentifier(String id) {
        return id.startsWith("arn:") ? groupOfArn(id) : id;
    }

    /** The group name of a log group ARN of this region and account. */
    private String groupOfArn(String arn) {
        Matcher m = GROUP_ARN.matcher(arn);
        if (!m.matches()) {
            throw invalid("The specified ARN is not a CloudWatch Logs log group ARN"
                    + " (arn:aws:logs:<region>:<account>:log-group:<name>): " + arn);
        }
        if (!m.group(1).equals(region) || !m.group(2).equals(accountId)) {
            throw groupNotFound();
        }
        return m.group(3);
    }

    private String groupArn(String name) {
        return "arn:aws:logs:" + region + ":" + accountId + ":log-group:" + name;
    }

    private void requireGroup(String name) {
        if (store.group(name).isEmpty()) {
            throw groupNotFound();
        }
    }

    private static String sequenceToken(Stream s) {
        return String.format("%056d", s.uploads());
    }

    private static String eventId(Event e) {
        return String.format("%020d%036d", e.timestamp(), e.id());
    }

    /** A GetLogEvents token: direction, then 56 digits (timestamp + 1, event id), as AWS's tokens look. */
    private static String token(char direction, Position p) {
        return direction + "/" + String.format("%020d%036d", p.timestamp() + 1, p.id()) + "/s";
    }

    private static String encodeToken(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The payload of a pagination token that must start with {@code kind}. */
    private static String decodeToken(String token, String kind) {
        String s;
        try {
            s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid("The specified nextToken is invalid.");
        }
        if (!s.startsWith(kind)) {
            throw invalid("The specified nextToken is invalid.");
        }
        return s.substring(kind.length());
    }

    private static int parseOffset(String s) {
        try {
            return Math.max(0, Integer.parseInt(s));
        } catch (NumberFormatException e) {
            throw invalid("The specified nextToken is invalid.");
        }
    }

    private static Position parsePosition(String s) {
        String[] parts = s.split(":");
        try {
            return new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (RuntimeException e) {
            throw invalid("The specified nextToken is invalid.");
        }
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new HashMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static AwsException invalid(String message) {
        return new AwsException("InvalidParameterException", 400, message);
    }

    static AwsException groupNotFound() {
        return new AwsException("ResourceNotFoundException", 400, "The specified log group does not exist.");
    }

    static AwsException streamNotFound() {
        return new AwsException("ResourceNotFoundException", 400, "The specified log stream does not exist.");
    }
}
