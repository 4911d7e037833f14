package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The lifecycle's HTTP edge, through the real server and EcsClient: the event ring answers
 * {@code GET /_stevedore/events}; fault injection validates its input. The lifecycle's behaviour (drains,
 * replacements, retirement) is tested on the virtual clock in {@code io.stevedore.control.LifecycleBehaviourTest}.
 */
class LifecycleApiTest extends EcsServerTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        f.miCluster("c");
        f.register(EcsServerFixture.nginx("web"));
    }

    private List<Task> tasks() {
        List<String> arns = f.ecs.listTasks(b -> b.cluster("c").serviceName("s")).taskArns();
        return arns.isEmpty() ? List.of() : f.ecs.describeTasks(b -> b.cluster("c").tasks(arns)).tasks();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(f.endpoint() + pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> fault(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(f.endpoint() + "/_stevedore/faults"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The event ring over HTTP: {@code GET /_stevedore/events} filters by detail-type, pages with
     * {@code since}/{@code limit}/{@code nextSince}, and answers EventBridge-shaped events, a drain's container
     * instance state change among them. What a drain does (replacement start-before-stop, DRAINING → INACTIVE) is
     * tested on the virtual clock in {@code io.stevedore.control.LifecycleBehaviourTest}.
     */
    @Test
    void events_typeSinceAndLimit_answerEventBridgeShapedEvents() throws Exception {
        f.ecs.createService(b -> b.cluster("c").serviceName("s").taskDefinition("web").desiredCount(1)
                .networkConfiguration(f.awsvpc()));
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("s"));
        String victim = tasks().get(0).containerInstanceArn();
        f.ecs.updateContainerInstancesState(b -> b.cluster("c").containerInstances(victim).status("DRAINING"));

        JsonNode events = JSON.readTree(get("/_stevedore/events?type=ECS+Container+Instance+State+Change").body());
        assertThat(events.path("events")).isNotEmpty().allSatisfy(e -> {
            assertThat(e.path("source").asText()).isEqualTo("aws.ecs");
            assertThat(e.path("detail-type").asText()).isEqualTo("ECS Container Instance State Change");
            assertThat(e.path("account").asText()).isEqualTo("000000000000");
            assertThat(e.path("region").asText()).isEqualTo("us-east-1");
        });
        assertThat(events.path("events")).anySatisfy(e -> {
            assertThat(e.path("resources").get(0).asText()).isEqualTo(victim);
            assertThat(e.path("detail").path("containerInstanceArn").asText()).isEqualTo(victim);
            assertThat(e.path("detail").path("status").asText()).isEqualTo("DRAINING");
        });
        // A stable service's task has had at least three state changes (PROVISIONING, PENDING, RUNNING): a page of
        // two is full and leaves later events, the drain's among them, after its nextSince.
        JsonNode taskEvents = JSON.readTree(get("/_stevedore/events?since=0&type=ECS+Task+State+Change&limit=2")
                .body());
        assertThat(taskEvents.path("events")).hasSize(2).allSatisfy(e ->
                assertThat(e.path("detail-type").asText()).isEqualTo("ECS Task State Change"));
        assertThat(taskEvents.path("events").get(0).path("detail").path("taskArn").asText()).contains(":task/c/");
        long next = taskEvents.path("nextSince").asLong();
        JsonNode after = JSON.readTree(get("/_stevedore/events?since=" + next).body());
        assertThat(after.path("events")).as("events after nextSince (the drain's among them)").isNotEmpty()
                .allSatisfy(e -> assertThat(e.path("seq").asLong()).isGreaterThan(next))
                .anySatisfy(e -> assertThat(e.path("detail").path("status").asText()).isEqualTo("DRAINING"));
    }

    @Test
    void events_badSince_answers400() throws Exception {
        HttpResponse<String> r = get("/_stevedore/events?since=yesterday");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("InvalidParameterException").contains("since");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "{\"action\":\"explode\"}; action must be one of",
            "{\"action\":\"terminate\",\"instanceId\":\"i-0nope\"}; no managed instance",
            "{\"action\":\"impair\",\"instanceId\":\"i-0nope\",\"checkType\":\"BOGUS\"}; checkType must be one of",
            "{\"action\":\"launch-latency\",\"seconds\":\"x\"}; seconds must be a number",
            "{\"action\":\"event-window\",\"cluster\":\"c\",\"capacityProvider\":\"c-mi\",\"expression\":\"sat:02-sat:03\"}; at least 2 hours",
            "not json; SerializationException"})
    void faults_badInput_answers400WithReason(String body, String message) throws Exception {
        HttpResponse<String> r = fault(body);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains(message);
    }

    @Test
    void faults_eventWindowAndShortage_accepted() throws Exception {
        assertThat(fault("{\"action\":\"event-window\",\"cluster\":\"c\",\"capacityProvider\":\"c-mi\","
                + "\"expression\":\"* 2-5 * * 6\"}").statusCode()).isEqualTo(200);
        assertThat(fault("{\"action\":\"shortage\",\"instanceType\":\"t4g.medium\"}").statusCode()).isEqualTo(200);
        assertThat(fault("{\"action\":\"launch-latency\",\"seconds\":30}").statusCode()).isEqualTo(200);
        assertThat(f.plane.cloud().launchLatency().toMillis()).isEqualTo(30); // 30 s at speed 1000
    }
}
