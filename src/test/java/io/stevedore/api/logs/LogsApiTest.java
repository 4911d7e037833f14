package io.stevedore.api.logs;

import static io.stevedore.api.logs.LogsClient.obj;
import static io.stevedore.api.logs.LogsClient.put;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.api.EcsServerFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CloudWatch Logs on a real server, through SigV4-signed JSON 1.1 calls (service {@code logs}): every operation
 * with its main errors as CloudWatch Logs words them, PutLogEvents' batch rules, GetLogEvents' tokens,
 * FilterLogEvents' patterns and pages, retention on read and by the purge, tags, and acknowledged events surviving
 * a crash of the server.
 */
class LogsApiTest {
    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;
    EcsServerFixture f;
    LogsClient logs;

    @BeforeEach
    void start() throws Exception {
        f = new EcsServerFixture(dir, false);
        logs = new LogsClient(f.endpoint());
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private void group(String name) throws Exception {
        logs.ok("CreateLogGroup", obj().put("logGroupName", name));
    }

    private void stream(String group, String name) throws Exception {
        logs.ok("CreateLogStream", obj().put("logGroupName", group).put("logStreamName", name));
    }

    private static List<String> messages(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.get("events").forEach(e -> out.add(e.get("message").asText()));
        return out;
    }

    private static void assertError(LogsClient.Answer a, String type, String messagePart) {
        assertThat(a.status()).as(a.body().toString()).isEqualTo(400);
        assertThat(a.errorType()).isEqualTo(type);
        assertThat(a.message()).contains(messagePart);
    }

    @Test
    void logGroups_createDescribeDelete_withPrefixPatternPagesAndErrors() throws Exception {
        for (String g : List.of("/ecs/web", "/ecs/worker", "/ecs/api", "/batch/jobs", "other")) {
            group(g);
        }
        assertError(logs.call("CreateLogGroup", obj().put("logGroupName", "/ecs/web")),
                "ResourceAlreadyExistsException", "The specified log group already exists");
        assertError(logs.call("CreateLogGroup", obj().put("logGroupName", "bad name")), "InvalidParameterException",
                "Value 'bad name' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular"
                        + " expression pattern: [\\.\\-_/#A-Za-z0-9]+");
        assertError(logs.call("CreateLogGroup", obj()), "InvalidParameterException",
                "Value null at 'logGroupName' failed to satisfy constraint: Member must not be null");

        JsonNode ecs = logs.ok("DescribeLogGroups", obj().put("logGroupNamePrefix", "/ecs/"));
        assertThat(ecs.get("logGroups").findValuesAsText("logGroupName"))
                .containsExactly("/ecs/api", "/ecs/web", "/ecs/worker");
        JsonNode web = ecs.get("logGroups").get(1);
        assertThat(web.get("arn").asText()).isEqualTo("arn:aws:logs:us-east-1:000000000000:log-group:/ecs/web:*");
        assertThat(web.get("logGroupArn").asText()).isEqualTo("arn:aws:logs:us-east-1:000000000000:log-group:/ecs/web");
        assertThat(web.get("storedBytes").asLong()).isZero();
        assertThat(web.get("logGroupClass").asText()).isEqualTo("STANDARD");
        assertThat(web.has("retentionInDays")).isFalse();

        JsonNode byPattern = logs.ok("DescribeLogGroups", obj().put("logGroupNamePattern", "o"));
        assertThat(byPattern.get("logGroups").findValuesAsText("logGroupName"))
                .containsExactly("/batch/jobs", "/ecs/worker", "other");
        assertThat(byPattern.get("logGroups").get(0).has("storedBytes")).as("a pattern answers name, ARN, time")
                .isFalse();
        assertError(logs.call("DescribeLogGroups", obj().put("logGroupNamePrefix", "/e").put("logGroupNamePattern",
                "e")), "InvalidParameterException", "mutually exclusive");

        List<String> paged = new ArrayList<>();
        ObjectNode req = obj().put("limit", 2);
        int pages = 0;
        while (true) {
            JsonNode page = logs.ok("DescribeLogGroups", req);
            pages++;
            paged.addAll(page.get("logGroups").findValuesAsText("logGroupName"));
            if (!page.has("nextToken")) {
                break;
            }
            req.put("nextToken", page.get("nextToken").asText());
        }
        assertThat(pages).isEqualTo(3);
        assertThat(paged).containsExactly("/batch/jobs", "/ecs/api", "/ecs/web", "/ecs/worker", "other");
        assertError(logs.call("DescribeLogGroups", obj().put("nextToken", "garbage!")), "InvalidParameterException",
                "nextToken");

        logs.ok("DeleteLogGroup", obj().put("logGroupName", "other"));
        assertError(logs.call("DeleteLogGroup", obj().put("logGroupName", "other")), "ResourceNotFoundException",
                "The specified log group does not exist.");
        assertThat(logs.ok("DescribeLogGroups", obj()).get("logGroups")).hasSize(4);
    }

    @Test
    void logStreams_createDescribeOrderPagesDelete() throws Exception {
        group("g");
        stream("g", "b");
        stream("g", "a");
        stream("g", "c");
        assertError(logs.call("CreateLogStream", obj().put("logGroupName", "g").put("logStreamName", "a")),
                "ResourceAlreadyExistsException", "The specified log stream already exists");
        assertError(logs.call("CreateLogStream", obj().put("logGroupName", "none").put("logStreamName", "a")),
                "ResourceNotFoundException", "The specified log group does not exist.");
        assertError(logs.call("CreateLogStream", obj().put("logGroupName", "g").put("logStreamName", "x:y")),
                "InvalidParameterException", "regular expression pattern: [^:*]*");
        long now = System.currentTimeMillis();
        logs.ok("PutLogEvents", put("g", "c", now - 3000, "c1"));
        logs.ok("PutLogEvents", put("g", "a", now - 1000, "a1"));
        logs.ok("PutLogEvents", put("g", "b", now - 2000, "b1"));

        JsonNode byName = logs.ok("DescribeLogStreams", obj().put("logGroupName", "g"));
        assertThat(byName.get("logStreams").findValuesAsText("logStreamName")).containsExactly("a", "b", "c");
        JsonNode a = byName.get("logStreams").get(0);
        assertThat(a.get("firstEventTimestamp").asLong()).isEqualTo(now - 1000);
        assertThat(a.get("lastEventTimestamp").asLong()).isEqualTo(now - 1000);
        assertThat(a.get("lastIngestionTime").asLong()).isGreaterThanOrEqualTo(now - 1000);
        assertThat(a.get("arn").asText()).isEqualTo("arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:a");
        JsonNode latestFirst = logs.ok("DescribeLogStreams", obj().put("logGroupName", "g")
                .put("orderBy", "LastEventTime").put("descending", true));
        assertThat(latestFirst.get("logStreams").findValuesAsText("logStreamName")).containsExactly("a", "b", "c");
        JsonNode byIdentifier = logs.ok("DescribeLogStreams", obj().put("logGroupIdentifier",
                "arn:aws:logs:us-east-1:000000000000:log-group:g").put("logStreamNamePrefix", "b"));
        assertThat(byIdentifier.get("logStreams").findValuesAsText("logStreamName")).containsExactly("b");
        assertError(logs.call("DescribeLogStreams", obj().put("logGroupName", "g").put("orderBy", "LastEventTime")
                .put("logStreamNamePrefix", "a")), "InvalidParameterException",
                "Cannot order by LastEventTime with a logStreamNamePrefix.");
        assertError(logs.call("DescribeLogStreams", obj().put("logGroupName", "g").put("orderBy", "Size")),
                "InvalidParameterException", "Member must satisfy enum value set: [LogStreamName,LastEventTime]");
        assertError(logs.call("DescribeLogStreams", obj().put("logGroupName", "g").put("logGroupIdentifier", "g")),
                "InvalidParameterException", "mutually exclusive");

        for (String order : List.of("LogStreamName", "LastEventTime")) {
            List<String> paged = new ArrayList<>();
            ObjectNode req = obj().put("logGroupName", "g").put("orderBy", order).put("limit", 2);
            while (true) {
                JsonNode page = logs.ok("DescribeLogStreams", req);
                paged.addAll(page.get("logStreams").findValuesAsText("logStreamName"));
                if (!page.has("nextToken")) {
                    break;
                }
                req.put("nextToken", page.get("nextToken").asText());
            }
            assertThat(paged).as(order).containsExactlyInAnyOrder("a", "b", "c").hasSize(3);
        }

        logs.ok("DeleteLogStream", obj().put("logGroupName", "g").put("logStreamName", "a"));
        assertError(logs.call("DeleteLogStream", obj().put("logGroupName", "g").put("logStreamName", "a")),
                "ResourceNotFoundException", "The specified log stream does not exist.");
        assertError(logs.call("GetLogEvents", obj().put("logGroupName", "g").put("logStreamName", "a")),
                "ResourceNotFoundException", "The specified log stream does not exist.");
        logs.ok("DeleteLogGroup", obj().put("logGroupName", "g"));
        assertError(logs.call("DescribeLogStreams", obj().put("logGroupName", "g")), "ResourceNotFoundException",
                "The specified log group does not exist.");
    }

    @Test
    void putLogEvents_followsTheBatchRules() throws Exception {
        group("g");
        stream("g", "s");
        long now = System.currentTimeMillis();
        assertError(logs.call("PutLogEvents", put("g", "s", now, "second", now - 1, "first")),
                "InvalidParameterException",
                "Log events in a single PutLogEvents request must be in chronological order.");
        assertError(logs.call("PutLogEvents", put("g", "s", now - 2 * DAY, "old", now, "new")),
                "InvalidParameterException",
                "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
        assertError(logs.call("PutLogEvents", put("none", "s", now, "x")), "ResourceNotFoundException",
                "The specified log group does not exist.");
        assertError(logs.call("PutLogEvents", put("g", "none", now, "x")), "ResourceNotFoundException",
                "The specified log stream does not exist.");
        assertError(logs.call("PutLogEvents", put("g", "s")), "InvalidParameterException",
                "Member must have length greater than or equal to 1");
        String big = "x".repeat(600_000);
        assertError(logs.call("PutLogEvents", put("g", "s", now, big, now, big)), "InvalidParameterException",
                "Upload too large: 1200052 bytes exceeds limit of 1048576");

        // rejected: two too old (one also past 14 days), one too new; the rest stored; any sequence token accepted
        ObjectNode batch = put("g", "s", now - 15 * DAY, "ancient", now - 100, "kept-1", now - 50, "kept-2",
                now + 3 * 3_600_000L, "future");
        batch.put("sequenceToken", "not-a-token");
        JsonNode answer = logs.ok("PutLogEvents", batch);
        JsonNode rejected = answer.get("rejectedLogEventsInfo");
        assertThat(rejected.get("tooOldLogEventEndIndex").asInt()).isEqualTo(1);
        assertThat(rejected.get("tooNewLogEventStartIndex").asInt()).isEqualTo(3);
        assertThat(rejected.has("expiredLogEventEndIndex")).isFalse();
        assertThat(answer.get("nextSequenceToken").asText()).matches("\\d{56}");
        assertThat(messages(logs.ok("GetLogEvents", obj().put("logGroupName", "g").put("logStreamName", "s")
                .put("startFromHead", true)))).containsExactly("kept-1", "kept-2");

        logs.ok("PutRetentionPolicy", obj().put("logGroupName", "g").put("retentionInDays", 1));
        JsonNode expired = logs.ok("PutLogEvents", put("g", "s", now - 2 * DAY, "expired", now, "fresh"));
        assertThat(expired.get("rejectedLogEventsInfo").get("expiredLogEventEndIndex").asInt()).isEqualTo(1);
        assertThat(messages(logs.ok("GetLogEvents", obj().put("logGroupName", "g").put("logStreamName", "s"))))
                .containsExactly("kept-1", "kept-2", "fresh");
    }

    @Test
    void getLogEvents_tokensPageBothWaysAndTheForwardTokenRepeatsAtTheEnd() throws Exception {
        group("g");
        stream("g", "s");
        long t0 = System.currentTimeMillis() - 60_000;
        ObjectNode batch = put("g", "s");
        for (int i = 0; i < 10; i++) {
            ((ArrayNode) batch.get("logEvents")).addObject().put("timestamp", t0 + i * 1000).put("message", "m" + i);
        }
        logs.ok("PutLogEvents", batch);

        JsonNode latest = logs.ok("GetLogEvents", obj().put("logGroupName", "g").put("logStreamName", "s")
                .put("limit", 3));
        assertThat(messages(latest)).containsExactly("m7", "m8", "m9");
        JsonNode older = logs.ok("GetLogEvents", obj().put("logGroupName", "g").put("logStreamName", "s")
                .put("limit", 3).put("nextToken", latest.get("nextBackwardToken").asText()));
        assertThat(messages(older)).containsExactly("m4", "m5", "m6");
        assertThat(older.get("nextBackwardToken").asText()).matches("b/\\d{56}/s");

        ObjectNode head = obj().put("logGroupName", "g").put("logStreamName", "s").put("startFromHead", true)
                .put("limit", 4);
        List<String> all = new ArrayList<>();
        String token = null;
        for (int i = 0; i < 5; i++) {
            JsonNode page = logs.ok("GetLogEvents", token == null ? head : head.deepCopy().put("nextToken", token));
            all.addAll(messages(page));
            if (page.get("nextForwardToken").asText().equals(token)) {
                break;
            }
            token = page.get("nextForwardToken").asText();
        }
        assertThat(all).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        JsonNode end = logs.ok("GetLogEvents", head.deepCopy().put("nextToken", token));
        assertThat(end.get("events")).isEmpty();
        assertThat(end.get("nextForwardToken").asText()).as("the same token at the end").isEqualTo(token);
        logs.ok("PutLogEvents", put("g", "s", t0 + 20_000, "later"));
        JsonNode follow = logs.ok("GetLogEvents", head.deepCopy().put("nextToken", token));
        assertThat(messages(follow)).containsExactly("later");
        assertThat(follow.get("nextForwardToken").asText()).isNotEqualTo(token);

        JsonNode range = logs.ok("GetLogEvents", obj().put("logGroupName", "g").put("logStreamName", "s")
                .put("startTime", t0 + 2000).put("endTime", t0 + 5000).put("startFromHead", true));
        assertThat(messages(range)).as("startTime inclusive, endTime exclusive").containsExactly("m2", "m3", "m4");
        JsonNode byArn = logs.ok("GetLogEvents", obj().put("logGroupIdentifier",
                "arn:aws:logs:us-east-1:000000000000:log-group:g").put("logStreamName", "s").put("limit", 1));
        assertThat(messages(byArn)).containsExactly("later");
        assertError(logs.call("GetLogEvents", obj().put("logGroupName", "g").put("logStreamName", "s")
                .put("nextToken", "f/123")), "InvalidParameterException", "The specified nextToken is invalid.");

        // an empty stream: following its first forward token sees the first events
        stream("g", "empty");
        JsonNode none = logs.ok("GetLogEvents", obj().put("logGroupName", "g").put("logStreamName", "empty"));
        assertThat(none.get("events")).isEmpty();
        logs.ok("PutLogEvents", put("g", "empty", t0, "first"));
        assertThat(messages(logs.ok("GetLogEvents", obj().put("logGroupName", "g").put("logStreamName", "empty")
                .put("nextToken", none.get("nextForwardToken").asText())))).containsExactly("first");
    }

    @Test
    void filterLogEvents_patternsStreamsAndPages() throws Exception {
        group("app");
        stream("app", "web/1");
        stream("app", "web/2");
        stream("app", "worker/1");
        long t = System.currentTimeMillis() - 60_000;
        logs.ok("PutLogEvents", put("app", "web/1", t, "GET /index 200", t + 30, "ERROR connection refused",
                t + 60, "GET /health 200"));
        logs.ok("PutLogEvents", put("app", "web/2", t + 10, "WARN slow request", t + 40, "GET /index 500"));
        logs.ok("PutLogEvents", put("app", "worker/1", t + 20, "ERROR job failed", t + 50, "DEBUG done"));

        JsonNode all = logs.ok("FilterLogEvents", obj().put("logGroupName", "app"));
        assertThat(messages(all)).as("interleaved by timestamp").containsExactly("GET /index 200",
                "WARN slow request", "ERROR job failed", "ERROR connection refused", "GET /index 500", "DEBUG done",
                "GET /health 200");
        assertThat(all.get("events").get(1).get("logStreamName").asText()).isEqualTo("web/2");
        Set<String> ids = new HashSet<>(all.get("events").findValuesAsText("eventId"));
        assertThat(ids).hasSize(7);
        assertThat(all.has("nextToken")).isFalse();

        assertThat(messages(filter(obj().put("filterPattern", "ERROR"))))
                .containsExactly("ERROR job failed", "ERROR connection refused");
        assertThat(messages(filter(obj().put("filterPattern", "\"connection refused\""))))
                .containsExactly("ERROR connection refused");
        assertThat(messages(filter(obj().put("filterPattern", "GET 200"))))
                .containsExactly("GET /index 200", "GET /health 200");
        assertThat(messages(filter(obj().put("filterPattern", "?WARN ?DEBUG"))))
                .containsExactly("WARN slow request", "DEBUG done");
        assertThat(messages(filter(obj().put("filterPattern", "GET -health"))))
                .containsExactly("GET /index 200", "GET /index 500");
        assertThat(messages(filter(obj().put("filterPattern", "%/index [45]00%")))).containsExactly("GET /index 500");
        assertThat(messages(filter(obj().put("filterPattern", "error")))).as("case-sensitive").isEmpty();
        assertError(logs.call("FilterLogEvents", obj().put("logGroupName", "app").put("filterPattern",
                "{ $.level = \"error\" }")), "InvalidParameterException", "not JSON or space-delimited");

        ObjectNode names = obj();
        names.putArray("logStreamNames").add("web/2").add("worker/1");
        assertThat(messages(filter(names))).containsExactly("WARN slow request", "ERROR job failed",
                "GET /index 500", "DEBUG done");
        assertThat(messages(filter(obj().put("logStreamNamePrefix", "web/")))).hasSize(5);
        ObjectNode both = names.deepCopy().put("logStreamNamePrefix", "web/");
        assertError(logs.call("FilterLogEvents", both.put("logGroupName", "app")), "InvalidParameterException",
                "logStreamNames and logStreamNamePrefix");
        assertThat(messages(filter(obj().put("startTime", t + 30).put("endTime", t + 60))))
                .containsExactly("ERROR connection refused", "GET /index 500", "DEBUG done");

        List<String> paged = new ArrayList<>();
        ObjectNode req = obj().put("logGroupName", "app").put("limit", 3);
        int pages = 0;
        while (true) {
            JsonNode page = logs.ok("FilterLogEvents", req);
            pages++;
            paged.addAll(messages(page));
            if (!page.has("nextToken")) {
                break;
            }
            req.put("nextToken", page.get("nextToken").asText());
        }
        assertThat(pages).isGreaterThanOrEqualTo(3);
        assertThat(paged).isEqualTo(messages(all));
        assertError(logs.call("FilterLogEvents", obj().put("logGroupName", "nope")), "ResourceNotFoundException",
                "The specified log group does not exist.");
    }

    private JsonNode filter(ObjectNode req) throws Exception {
        return logs.ok("FilterLogEvents", req.put("logGroupName", "app"));
    }

    @Test
    void retention_hidesExpiredEventsAtOnceAndThePurgeDeletesThem() throws Exception {
        group("g");
        stream("g", "s");
        long now = System.currentTimeMillis();
        logs.ok("PutLogEvents", put("g", "s", now - 3 * DAY, "three days old", now - 3 * DAY + 1, "also old"));
        logs.ok("PutLogEvents", put("g", "s", now - 1000, "recent"));
        long before = logs.ok("DescribeLogGroups", obj()).get("logGroups").get(0).get("storedBytes").asLong();
        assertThat(before).isEqualTo(3 * 26 + "three days old".length() + "also old".length() + "recent".length());

        assertError(logs.call("PutRetentionPolicy", obj().put("logGroupName", "g").put("retentionInDays", 2)),
                "InvalidParameterException", "Member must satisfy enum value set: [1, 3, 5, 7, 14, 30,");
        assertError(logs.call("PutRetentionPolicy", obj().put("logGroupName", "none").put("retentionInDays", 1)),
                "ResourceNotFoundException", "The specified log group does not exist.");
        logs.ok("PutRetentionPolicy", obj().put("logGroupName", "g").put("retentionInDays", 1));
        assertThat(logs.ok("DescribeLogGroups", obj()).get("logGroups").get(0).get("retentionInDays").asInt())
                .isEqualTo(1);
        assertThat(messages(logs.ok("GetLogEvents", obj().put("logGroupName", "g").put("logStreamName", "s"))))
                .containsExactly("recent");
        assertThat(messages(logs.ok("FilterLogEvents", obj().put("logGroupName", "g")))).containsExactly("recent");

        assertThat(f.plane.logs().purgeExpired()).isEqualTo(2);
        assertThat(logs.ok("DescribeLogGroups", obj()).get("logGroups").get(0).get("storedBytes").asLong())
                .isEqualTo(26 + "recent".length());
        logs.ok("DeleteRetentionPolicy", obj().put("logGroupName", "g"));
        assertThat(logs.ok("DescribeLogGroups", obj()).get("logGroups").get(0).has("retentionInDays")).isFalse();
        assertThat(messages(logs.ok("GetLogEvents", obj().put("logGroupName", "g").put("logStreamName", "s"))))
                .as("purged events stay gone").containsExactly("recent");
    }

    @Test
    void tags_onCreateByArnAndByName() throws Exception {
        ObjectNode create = obj().put("logGroupName", "tagged");
        create.putObject("tags").put("team", "web").put("env", "prod");
        logs.ok("CreateLogGroup", create);
        String arn = "arn:aws:logs:us-east-1:000000000000:log-group:tagged";
        assertThat(logs.ok("ListTagsForResource", obj().put("resourceArn", arn)).get("tags").toString())
                .isEqualTo("{\"env\":\"prod\",\"team\":\"web\"}");
        ObjectNode tag = obj().put("resourceArn", arn);
        tag.putObject("tags").put("owner", "ops").put("env", "staging");
        logs.ok("TagResource", tag);
        ObjectNode untag = obj().put("resourceArn", arn);
        untag.putArray("tagKeys").add("team");
        logs.ok("UntagResource", untag);
        assertThat(logs.ok("ListTagsLogGroup", obj().put("logGroupName", "tagged")).get("tags").toString())
                .isEqualTo("{\"env\":\"staging\",\"owner\":\"ops\"}");
        ObjectNode legacy = obj().put("logGroupName", "tagged");
        legacy.putArray("tags").add("owner");
        logs.ok("UntagLogGroup", legacy);
        assertThat(logs.ok("ListTagsForResource", obj().put("resourceArn", arn)).get("tags").size()).isEqualTo(1);

        assertError(logs.call("ListTagsForResource", obj().put("resourceArn",
                "arn:aws:logs:us-east-1:000000000000:log-group:none")), "ResourceNotFoundException",
                "The specified log group does not exist.");
        assertError(logs.call("ListTagsForResource", obj().put("resourceArn",
                "arn:aws:logs:eu-west-1:000000000000:log-group:tagged")), "ResourceNotFoundException",
                "does not exist");
        assertError(logs.call("TagResource", obj().put("resourceArn", "arn:aws:ecs:us-east-1:000000000000:cluster/x")
                .set("tags", obj().put("a", "b"))), "InvalidParameterException", "log group ARN");
        ObjectNode many = obj().put("resourceArn", arn);
        ObjectNode fifty = many.putObject("tags");
        for (int i = 0; i < 50; i++) {
            fifty.put("k" + i, "v");
        }
        assertError(logs.call("TagResource", many), "TooManyTagsException", "no more than 50 tags");
    }

    @Test
    void acknowledgedEvents_surviveACrashOfTheServer() throws Exception {
        group("durable");
        stream("durable", "s");
        long t = System.currentTimeMillis();
        logs.ok("PutLogEvents", put("durable", "s", t, "before the crash", t + 1, "acknowledged"));
        f.crash(); // the edge stops without a shutdown; the plane then lets its data directory go
        f.plane.close();
        f = new EcsServerFixture(dir, false);
        logs = new LogsClient(f.endpoint());
        assertThat(messages(logs.ok("GetLogEvents", obj().put("logGroupName", "durable").put("logStreamName", "s"))))
                .containsExactly("before the crash", "acknowledged");
        JsonNode s = logs.ok("DescribeLogStreams", obj().put("logGroupName", "durable")).get("logStreams").get(0);
        assertThat(s.get("lastEventTimestamp").asLong()).isEqualTo(t + 1);
    }

    @Test
    void rateLimits_putLogEventsHasCloudWatchLogsOwnBucket() throws Exception {
        group("busy");
        stream("busy", "s");
        var options = new io.stevedore.api.ApiServer.Options(io.stevedore.api.auth.AccessKeys.localDefault(),
                io.stevedore.api.limits.RateLimiter.scaled(io.stevedore.time.Clock.system(), 1),
                io.stevedore.api.observe.LogFormat.PLAIN, false);
        try (var limited = new io.stevedore.api.ApiServer(f.plane, "127.0.0.1", 0, options)) {
            limited.start();
            LogsClient client = new LogsClient(java.net.URI.create("http://127.0.0.1:" + limited.port()));
            long t = System.currentTimeMillis();
            for (int i = 0; i < 300; i++) { // ECS's default bucket (50, then 20 a second) would throttle these
                client.ok("PutLogEvents", put("busy", "s", t + i, "line " + i));
            }
        }
        assertThat(logs.ok("DescribeLogStreams", obj().put("logGroupName", "busy")).get("logStreams").get(0)
                .get("uploadSequenceToken").asText()).isEqualTo(String.format("%056d", 300));
    }

    @Test
    void docsApiTable_listsExactlyTheOperationsAnswered() throws Exception {
        String doc = java.nio.file.Files.readString(Path.of("docs/api.md"));
        int start = doc.indexOf("## CloudWatch Logs (same endpoint)");
        String section = doc.substring(start, doc.indexOf("\n## ", start + 5));
        Set<String> done = new java.util.TreeSet<>();
        for (String line : section.split("\n")) {
            if (line.startsWith("| ") && line.contains("| done |")) {
                for (String op : line.substring(2, line.indexOf(" |")).split(", ")) {
                    done.add(op.strip());
                }
            }
        }
        assertThat(done).hasSize(17).isEqualTo(f.plane.logs().operations());
    }

    @Test
    void unknownOperation_andTheAdminReset() throws Exception {
        assertError(logs.call("StartQuery", obj().put("queryString", "fields @message")),
                "UnknownOperationException", "Stevedore's CloudWatch Logs answers");
        group("g");
        f.plane.reset();
        assertThat(logs.ok("DescribeLogGroups", obj()).get("logGroups")).isEmpty();
    }
}
