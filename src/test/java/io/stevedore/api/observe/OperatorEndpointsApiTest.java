package io.stevedore.api.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.api.EcsServerFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.Task;

/** /metrics, health and readiness on a real server driven by the real SDK. */
class OperatorEndpointsApiTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    @TempDir
    Path dir;

    static HttpResponse<String> get(URI endpoint, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(endpoint.resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void metrics_afterTasksRun_reportFleetTasksSchedulingAndApiCalls() throws Exception {
        try (EcsServerFixture f = new EcsServerFixture(dir)) {
            f.miCluster("m");
            String td = f.register(EcsServerFixture.nginx("web")).taskDefinitionArn();
            Task t = f.ecs.runTask(b -> b.cluster("m").taskDefinition(td).count(2).networkConfiguration(f.awsvpc()))
                    .tasks().get(0);
            f.waiter.waitUntilTasksRunning(b -> b.cluster("m").tasks(t.taskArn()));
            try {
                f.ecs.describeClusters(b -> b.clusters("nope")).failures();
                f.ecs.deleteCluster(b -> b.cluster("nope"));
            } catch (ClusterNotFoundException expected) {
                // counted as an error below
            }
            HttpResponse<String> r = get(f.endpoint(), "/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v)
                    .startsWith("text/plain; version=0.0.4"));
            String m = r.body();
            assertThat(m).contains("# TYPE stevedore_fleet_instances gauge")
                    .containsPattern("stevedore_fleet_instances\\{capacity_provider=\"m-mi\",instance_type=\"[a-z0-9]+"
                            + "\\.[a-z0-9]+\"} [1-9]")
                    .containsPattern("stevedore_fleet_hourly_cost_usd\\{capacity_provider=\"m-mi\",[^}]*} 0\\.\\d+");
            assertThat(value(m, "stevedore_fleet_hourly_cost_usd_total")).isGreaterThan(0);
            assertThat(value(m, "stevedore_tasks{last_status=\"RUNNING\"}")).isGreaterThanOrEqualTo(1);
            assertThat(value(m, "stevedore_task_scheduling_latency_seconds_count")).isGreaterThanOrEqualTo(1);
            assertThat(value(m, "stevedore_api_requests_total{operation=\"RunTask\",code=\"200\"}")).isEqualTo(1);
            assertThat(value(m, "stevedore_api_errors_total{operation=\"DeleteCluster\","
                    + "error_type=\"ClusterNotFoundException\"}")).isEqualTo(1);
            assertThat(value(m, "stevedore_api_request_duration_seconds_count{operation=\"RunTask\"}"))
                    .isEqualTo(1);
            assertThat(value(m, "stevedore_api_request_duration_seconds_bucket{operation=\"RunTask\",le=\"+Inf\"}"))
                    .isEqualTo(1);
        }
    }

    @Test
    void health_alwaysOk_readyOnlyWhileTheReconcilerTicks() throws Exception {
        try (EcsServerFixture idle = new EcsServerFixture(dir.resolve("idle"), false)) {
            assertThat(get(idle.endpoint(), "/_stevedore/health").statusCode()).isEqualTo(200);
            HttpResponse<String> notReady = get(idle.endpoint(), "/_stevedore/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).contains("reconciler loop is not running");
        }
        try (EcsServerFixture running = new EcsServerFixture(dir.resolve("running"))) {
            HttpResponse<String> ready = get(running.endpoint(), "/_stevedore/ready");
            for (int i = 0; i < 100 && ready.statusCode() != 200; i++) {
                running.plane.reconciler().tick();
                ready = get(running.endpoint(), "/_stevedore/ready");
            }
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(ready.body()).contains("\"status\":\"ready\"");
        }
    }
}
