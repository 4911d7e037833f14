package io.stevedore.api.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.api.EcsServerFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterCombinationException;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterValueException;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.ResourceNotFoundException;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;

/**
 * CloudWatch through the real AWS SDK for Java v2 client (which speaks Smithy RPC v2 CBOR to CloudWatch): custom
 * metrics in and out, the AWS/ECS service metrics from declared utilization, alarms, and a step scaling policy on a
 * queue-depth alarm scaling a service out.
 */
class CloudWatchApiTest {
    @TempDir
    Path dir;
    EcsServerFixture f;
    CloudWatchClient cw;

    @BeforeEach
    void start() throws Exception {
        f = new EcsServerFixture(dir);
        cw = CloudWatchClient.builder().endpointOverride(f.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none())).build();
    }

    @AfterEach
    void stop() {
        cw.close();
        f.close();
    }

    private static final Dimension QUEUE = Dimension.builder().name("QueueName").value("jobs").build();

    private CloudWatchClient client() {
        return CloudWatchClient.builder().endpointOverride(f.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none())).build();
    }

    @Test
    void putMetricData_acknowledged_survivesARestart() throws Exception {
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        cw.putMetricData(b -> b.namespace("Stevedore/Queue").metricData(
                d -> d.metricName("QueueDepth").dimensions(QUEUE).timestamp(t0).value(12.0).unit(StandardUnit.COUNT),
                d -> d.metricName("QueueDepth").dimensions(QUEUE).timestamp(t0.plusSeconds(5)).value(4.0)
                        .unit(StandardUnit.COUNT)));
        cw.close();
        f.crash(); // the edge stops; the plane then releases its data directory, and a new one opens it
        f.plane.close();
        f = new EcsServerFixture(dir);
        cw = client();
        List<Datapoint> points = cw.getMetricStatistics(b -> b.namespace("Stevedore/Queue").metricName("QueueDepth")
                .dimensions(QUEUE).startTime(t0).endTime(t0.plusSeconds(60)).period(60)
                .statistics(Statistic.SUM, Statistic.SAMPLE_COUNT)).datapoints();
        assertThat(points).singleElement().satisfies(p -> {
            assertThat(p.sum()).isEqualTo(16.0);
            assertThat(p.sampleCount()).isEqualTo(2.0);
        });
        assertThat(cw.listMetrics(b -> b.namespace("Stevedore/Queue")).metrics())
                .extracting(m -> m.metricName()).containsExactly("QueueDepth");
    }

    @Test
    void putMetricData_thenStatisticsDataAndList() {
        Instant t0 = Instant.parse("2026-01-05T10:00:00Z");
        cw.putMetricData(b -> b.namespace("Stevedore/Queue").metricData(
                d -> d.metricName("QueueDepth").dimensions(QUEUE).timestamp(t0).value(10.0).unit(StandardUnit.COUNT),
                d -> d.metricName("QueueDepth").dimensions(QUEUE).timestamp(t0.plusSeconds(10)).value(30.0)
                        .unit(StandardUnit.COUNT),
                d -> d.metricName("QueueDepth").dimensions(QUEUE).timestamp(t0.plusSeconds(70)).value(5.0)
                        .unit(StandardUnit.COUNT)));
        List<Datapoint> points = cw.getMetricStatistics(b -> b.namespace("Stevedore/Queue").metricName("QueueDepth")
                .dimensions(QUEUE).startTime(t0).endTime(t0.plusSeconds(180)).period(60)
                .statistics(Statistic.AVERAGE, Statistic.MAXIMUM, Statistic.SAMPLE_COUNT)).datapoints();
        assertThat(points).hasSize(2);
        assertThat(points.get(0).timestamp()).isEqualTo(t0);
        assertThat(points.get(0).average()).isEqualTo(20.0);
        assertThat(points.get(0).maximum()).isEqualTo(30.0);
        assertThat(points.get(0).sampleCount()).isEqualTo(2.0);
        assertThat(points.get(0).unit()).isEqualTo(StandardUnit.COUNT);
        assertThat(points.get(1).timestamp()).isEqualTo(t0.plusSeconds(60));
        assertThat(points.get(1).average()).isEqualTo(5.0);

        GetMetricDataResponse data = cw.getMetricData(b -> b.startTime(t0).endTime(t0.plusSeconds(180))
                .metricDataQueries(q -> q.id("depth").metricStat(s -> s.period(60).stat("Sum")
                        .metric(m -> m.namespace("Stevedore/Queue").metricName("QueueDepth").dimensions(QUEUE)))));
        assertThat(data.metricDataResults()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("depth");
            assertThat(r.values()).containsExactly(5.0, 40.0); // newest first (TimestampDescending)
            assertThat(r.timestamps()).containsExactly(t0.plusSeconds(60), t0);
        });

        assertThat(cw.listMetrics(b -> b.namespace("Stevedore/Queue")).metrics()).singleElement()
                .satisfies(m -> {
                    assertThat(m.metricName()).isEqualTo("QueueDepth");
                    assertThat(m.dimensions()).containsExactly(QUEUE);
                });
        assertThat(cw.listMetrics(b -> b.namespace("Other")).metrics()).isEmpty();
    }

    @Test
    void badInput_getsCloudWatchErrors() {
        assertThatThrownBy(() -> cw.putMetricData(b -> b.namespace("AWS/ECS")
                .metricData(d -> d.metricName("CPUUtilization").value(1.0))))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("Namespace");
        assertThatThrownBy(() -> cw.getMetricStatistics(b -> b.namespace("N").metricName("M")
                .startTime(Instant.EPOCH).endTime(Instant.EPOCH.plusSeconds(60)).period(60)))
                .isInstanceOf(InvalidParameterCombinationException.class);
        assertThatThrownBy(() -> cw.getMetricStatistics(b -> b.namespace("N").metricName("M")
                .startTime(Instant.EPOCH).endTime(Instant.EPOCH.plusSeconds(60)).period(61)
                .statistics(Statistic.SUM)))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("Period");
        assertThatThrownBy(() -> cw.deleteAlarms(b -> b.alarmNames("none")))
                .isInstanceOf(software.amazon.awssdk.services.cloudwatch.model.CloudWatchException.class)
                .satisfies(e -> assertThat(((software.amazon.awssdk.services.cloudwatch.model.CloudWatchException) e)
                        .statusCode()).isEqualTo(404));
    }

    @Test
    void ecsServiceMetrics_comeFromDeclaredUtilization() throws Exception {
        f.miCluster("c");
        f.register(EcsServerFixture.nginx("web").containerDefinitions(c -> c.name("web").image("nginx")
                .essential(true).environment(KeyValuePair.builder().name("STEVEDORE_CPU_UTILIZATION").value("42")
                        .build(), KeyValuePair.builder().name("STEVEDORE_MEMORY_UTILIZATION").value("17").build())));
        Instant start = Instant.now();
        f.ecs.createService(b -> b.cluster("c").serviceName("web").taskDefinition("web").desiredCount(2)
                .networkConfiguration(f.awsvpc()));
        List<Dimension> dims = List.of(Dimension.builder().name("ClusterName").value("c").build(),
                Dimension.builder().name("ServiceName").value("web").build());
        await("CPU datapoints", () -> !cw.getMetricStatistics(b -> b.namespace("AWS/ECS").metricName("CPUUtilization")
                .dimensions(dims).startTime(start.minusSeconds(60)).endTime(Instant.now().plusSeconds(60)).period(60)
                .statistics(Statistic.AVERAGE)).datapoints().isEmpty());
        List<Datapoint> cpu = cw.getMetricStatistics(b -> b.namespace("AWS/ECS").metricName("CPUUtilization")
                .dimensions(dims).startTime(start.minusSeconds(60)).endTime(Instant.now().plusSeconds(60)).period(60)
                .statistics(Statistic.AVERAGE, Statistic.MAXIMUM)).datapoints();
        assertThat(cpu).isNotEmpty().allSatisfy(d -> {
            assertThat(d.average()).isEqualTo(42.0);
            assertThat(d.unit()).isEqualTo(StandardUnit.PERCENT);
        });
        assertThat(cw.listMetrics(b -> b.namespace("AWS/ECS")).metrics()).extracting(m -> m.metricName())
                .containsExactly("CPUUtilization", "MemoryUtilization");
    }

    @Test
    void stepScalingOnQueueDepthAlarm_scalesOut() throws Exception {
        f.miCluster("c");
        f.register(EcsServerFixture.nginx("worker"));
        f.ecs.createService(b -> b.cluster("c").serviceName("worker").taskDefinition("worker").desiredCount(1)
                .networkConfiguration(f.awsvpc()));
        var aas = new io.stevedore.api.scaling.AutoScalingClientAccess(f.endpoint());
        String target = "{\"ServiceNamespace\":\"ecs\",\"ResourceId\":\"service/c/worker\","
                + "\"ScalableDimension\":\"ecs:service:DesiredCount\"";
        aas.ok("RegisterScalableTarget", target + ",\"MinCapacity\":1,\"MaxCapacity\":8}");
        String policyArn = aas.ok("PutScalingPolicy", target + ",\"PolicyName\":\"queue\",\"PolicyType\":"
                + "\"StepScaling\",\"StepScalingPolicyConfiguration\":{\"AdjustmentType\":\"ChangeInCapacity\","
                + "\"Cooldown\":60,\"StepAdjustments\":[{\"MetricIntervalLowerBound\":0,\"MetricIntervalUpperBound\":"
                + "100,\"ScalingAdjustment\":1},{\"MetricIntervalLowerBound\":100,\"ScalingAdjustment\":3}]}}")
                .get("PolicyARN").asText();
        cw.putMetricAlarm(b -> b.alarmName("queue-high").namespace("Stevedore/Queue").metricName("QueueDepth")
                .dimensions(QUEUE).statistic(Statistic.AVERAGE).period(60).evaluationPeriods(1).threshold(50.0)
                .treatMissingData("ignore") // the state stays when the data stops (below)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).alarmActions(policyArn));
        assertThatThrownBy(() -> cw.putMetricAlarm(b -> b.alarmName("bad").namespace("N").metricName("M")
                .statistic(Statistic.AVERAGE).period(60).evaluationPeriods(1).threshold(1.0)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .alarmActions("arn:aws:sns:us-east-1:000000000000:topic")))
                .isInstanceOf(InvalidParameterValueException.class);
        // a queue 200 deep: 150 over the threshold → the second step, +3
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (desired("worker") < 4 && System.nanoTime() < end) {
            cw.putMetricData(b -> b.namespace("Stevedore/Queue").metricData(d -> d.metricName("QueueDepth")
                    .dimensions(QUEUE).value(200.0)));
            Thread.sleep(10);
        }
        assertThat(desired("worker")).isGreaterThanOrEqualTo(4);
        MetricAlarm alarm = cw.describeAlarms(b -> b.alarmNames("queue-high")).metricAlarms().get(0);
        assertThat(alarm.stateValue()).isEqualTo(StateValue.ALARM);
        assertThat(alarm.alarmActions()).containsExactly(policyArn);
        var acts = aas.ok("DescribeScalingActivities", target + "}").get("ScalingActivities");
        assertThat(acts.get(acts.size() - 1).get("Description").asText()).isEqualTo("Setting desired count to 4.");
        assertThat(acts.get(acts.size() - 1).get("Cause").asText())
                .isEqualTo("monitor alarm queue-high in state ALARM triggered policy queue");
        cw.deleteAlarms(b -> b.alarmNames("queue-high"));
        assertThat(cw.describeAlarms(b -> b.alarmNames("queue-high")).metricAlarms()).isEmpty();
    }

    private int desired(String service) {
        return f.ecs.describeServices(b -> b.cluster("c").services(service)).services().get(0).desiredCount();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
