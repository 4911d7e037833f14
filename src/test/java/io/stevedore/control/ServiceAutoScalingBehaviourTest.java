package io.stevedore.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.api.cloudwatch.CloudWatchApi;
import io.stevedore.api.scaling.AutoScalingApi;
import io.stevedore.control.state.ScalingActivity;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Service Auto Scaling on the virtual clock at AWS time (speed 1): the stage's timing — three high minutes before a
 * target tracking scale-out, fifteen low minutes and the cooldowns before a scale-in, a step policy's cooldown, a
 * scheduled action at its cron time — and the desired count within the target's range at every commit.
 */
class ServiceAutoScalingBehaviourTest {
    private static final String SERVICE = "arn:aws:ecs:us-east-1:000000000000:service/c/web";
    private static final String TARGET = "{\"ServiceNamespace\":\"ecs\",\"ResourceId\":\"service/c/web\","
            + "\"ScalableDimension\":\"ecs:service:DesiredCount\"";
    private static final ObjectMapper JSON = new ObjectMapper();
    private ControlKit kit;

    @BeforeEach
    void setUp() {
        kit = ControlKit.start();
        String subnet = kit.plane().cloud().network().subnets().get(0).id();
        kit.callJson("CreateCluster", "{\"clusterName\":\"c\"}");
        kit.callJson("RegisterTaskDefinition", "{\"family\":\"web\",\"cpu\":\"256\",\"memory\":\"512\","
                + "\"networkMode\":\"awsvpc\",\"requiresCompatibilities\":[\"FARGATE\"],\"containerDefinitions\":"
                + "[{\"name\":\"web\",\"image\":\"nginx\",\"essential\":true}]}");
        kit.callJson("CreateService", "{\"cluster\":\"c\",\"serviceName\":\"web\",\"taskDefinition\":\"web\","
                + "\"desiredCount\":1,\"launchType\":\"FARGATE\",\"tags\":[{\"key\":\"stevedore:cpu-load\","
                + "\"value\":\"300\"}],\"networkConfiguration\":{\"awsvpcConfiguration\":{\"subnets\":[\"" + subnet
                + "\"]}}}");
    }

    @AfterEach
    void tearDown() {
        kit.close();
    }

    private JsonNode aas(String op, String body) {
        try {
            return JSON.readTree(kit.plane().autoScaling().handle(AutoScalingApi.TARGET_PREFIX + op, body));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Service service() {
        return kit.inTx(() -> kit.state().services.get(SERVICE).orElseThrow());
    }

    private List<ScalingActivity> activities() {
        return kit.inTx(() -> kit.state().activitiesByResource.values("service/c/web").stream()
                .sorted(Comparator.comparingLong(ScalingActivity::seq)).toList());
    }

    private void load(String percent) {
        kit.callJson("TagResource", "{\"resourceArn\":\"" + SERVICE + "\",\"tags\":[{\"key\":\"stevedore:cpu-load\","
                + "\"value\":\"" + percent + "\"}]}");
    }

    @Test
    void targetTracking_outAfterThreeHighMinutes_inAfterFifteenLowAndTheCooldowns() {
        // the minutes that visit only some alarms leave out ones that would find their kept answer and do nothing
        kit.plane().reconciler().autoScaling().checkSkips(true);
        kit.runUntil("one running task", () -> service().runningCount() == 1, Duration.ofMinutes(5));
        aas("RegisterScalableTarget", TARGET + ",\"MinCapacity\":1,\"MaxCapacity\":4}");
        kit.invariant("desired within [1, 4]", st -> assertThat(st.services.get(SERVICE).orElseThrow()
                .desiredCount()).isBetween(1, 4));
        aas("PutScalingPolicy", TARGET + ",\"PolicyName\":\"cpu\",\"PolicyType\":\"TargetTrackingScaling\","
                + "\"TargetTrackingScalingPolicyConfiguration\":{\"TargetValue\":50,\"ScaleInCooldown\":600,"
                + "\"PredefinedMetricSpecification\":{\"PredefinedMetricType\":\"ECSServiceAverageCPUUtilization\"}}}");
        Instant policy = kit.clock().now();
        Duration out = kit.runUntil("scale-out", () -> service().desiredCount() > 1, Duration.ofMinutes(10));
        // 3 complete one-minute periods above 50 %: at the earliest at the 3rd boundary after the policy, at most 4
        assertThat(out).isBetween(Duration.ofMinutes(2), Duration.ofMinutes(4));
        assertThat(service().desiredCount()).as("⌈1 × 300 / 50⌉ = 6, capped at the maximum").isEqualTo(4);
        kit.runUntil("4 running", () -> service().runningCount() == 4, Duration.ofMinutes(5));
        load("40"); // 10 % per task: ⌈4 × 10 / 50⌉ = 1
        Instant low = kit.clock().now();
        kit.runUntil("scale-in", () -> service().desiredCount() < 4, Duration.ofMinutes(30));
        Duration in = Duration.between(low, kit.clock().now());
        assertThat(in).isGreaterThanOrEqualTo(Duration.ofMinutes(14)).isLessThanOrEqualTo(Duration.ofMinutes(16));
        assertThat(service().desiredCount()).isEqualTo(1);
        List<ScalingActivity> acts = activities();
        assertThat(acts).extracting(ScalingActivity::description)
                .containsExactly("Setting desired count to 4.", "Setting desired count to 1.");
        assertThat(acts.get(1).startMillis() - acts.get(0).startMillis()).as("the scale-in cooldown (600 s)")
                .isGreaterThanOrEqualTo(600_000);
        assertThat(acts.get(0).startMillis()).isGreaterThan(policy.toEpochMilli());
        assertThat(kit.checks("desired within [1, 4]")).as("checked at the commits that scaled").isGreaterThan(4);
        assertThat(kit.plane().reconciler().autoScaling().skipped()).as("alarm visits left out").isGreaterThan(10);
    }

    /**
     * The minutes at which only some alarms are visited (every series continued its run, nothing else changed) leave
     * out only alarms that would find their kept answer and do nothing with it: checked at each such minute while
     * the high alarm stays in ALARM at the maximum (proposing every minute), then through a scale-in.
     */
    @Test
    void alarmsLeftOutWouldFindTheirAnswerAndDoNothing() {
        kit.plane().reconciler().autoScaling().checkSkips(true);
        kit.runUntil("one running task", () -> service().runningCount() == 1, Duration.ofMinutes(5));
        aas("RegisterScalableTarget", TARGET + ",\"MinCapacity\":1,\"MaxCapacity\":2}");
        aas("PutScalingPolicy", TARGET + ",\"PolicyName\":\"cpu\",\"PolicyType\":\"TargetTrackingScaling\","
                + "\"TargetTrackingScalingPolicyConfiguration\":{\"TargetValue\":50,\"ScaleInCooldown\":60,"
                + "\"PredefinedMetricSpecification\":{\"PredefinedMetricType\":\"ECSServiceAverageCPUUtilization\"}}}");
        kit.runUntil("2 running", () -> service().runningCount() == 2, Duration.ofMinutes(10));
        kit.runFor(Duration.ofMinutes(20)); // 150 % per task: the high alarm asks for 6 every minute, capped at 2
        assertThat(service().desiredCount()).isEqualTo(2);
        long atMaximum = kit.plane().reconciler().autoScaling().skipped();
        assertThat(atMaximum).as("alarm visits left out at the maximum").isGreaterThan(4);
        load("40"); // 20 % per task: ⌈2 × 20 / 50⌉ = 1 after fifteen low minutes
        kit.runUntil("scale-in", () -> service().desiredCount() < 2, Duration.ofMinutes(30));
        kit.runFor(Duration.ofMinutes(20));
        assertThat(service().desiredCount()).isEqualTo(1);
        assertThat(kit.plane().reconciler().autoScaling().skipped()).as("visits left out after the scale-in")
                .isGreaterThan(atMaximum + 4);
    }

    @Test
    void stepScaling_waitsForItsCooldown_andScheduledActionRunsAtItsCronTime() {
        aas("RegisterScalableTarget", TARGET + ",\"MinCapacity\":1,\"MaxCapacity\":10}");
        String policy = aas("PutScalingPolicy", TARGET + ",\"PolicyName\":\"up\",\"PolicyType\":\"StepScaling\","
                + "\"StepScalingPolicyConfiguration\":{\"AdjustmentType\":\"ChangeInCapacity\",\"Cooldown\":300,"
                + "\"StepAdjustments\":[{\"MetricIntervalLowerBound\":0,\"ScalingAdjustment\":1}]}}")
                .get("PolicyARN").asText();
        kit.plane().cloudWatch().handleJson(CloudWatchApi.TARGET_PREFIX + "PutMetricAlarm", "{\"AlarmName\":\"q\","
                + "\"Namespace\":\"App\",\"MetricName\":\"Depth\",\"Statistic\":\"Maximum\",\"Period\":60,"
                + "\"EvaluationPeriods\":1,\"Threshold\":5,\"ComparisonOperator\":\"GreaterThanThreshold\","
                + "\"TreatMissingData\":\"ignore\",\"AlarmActions\":[\"" + policy + "\"]}");
        // 10:00 start; at 10:30 the maximum becomes 2
        aas("PutScheduledAction", TARGET + ",\"ScheduledActionName\":\"cap\",\"Schedule\":\"cron(30 10 * * ? *)\","
                + "\"ScalableTargetAction\":{\"MaxCapacity\":2}}");
        for (int minute = 0; minute < 20; minute++) {
            kit.plane().cloudWatch().handleJson(CloudWatchApi.TARGET_PREFIX + "PutMetricData", "{\"Namespace\":"
                    + "\"App\",\"MetricData\":[{\"MetricName\":\"Depth\",\"Value\":50}]}");
            kit.runFor(Duration.ofMinutes(1));
        }
        List<ScalingActivity> acts = activities();
        assertThat(acts).hasSizeGreaterThanOrEqualTo(4);
        for (int i = 1; i < acts.size(); i++) {
            assertThat(acts.get(i).startMillis() - acts.get(i - 1).startMillis()).as("cooldown between runs")
                    .isGreaterThanOrEqualTo(300_000);
        }
        assertThat(service().desiredCount()).isEqualTo(5); // 1 + one step every 5 minutes over 20 minutes
        kit.runUntil("10:30", () -> !kit.clock().now().isBefore(Instant.parse("2026-01-05T10:30:00Z")),
                Duration.ofMinutes(15));
        kit.runFor(Duration.ofSeconds(2));
        assertThat(service().desiredCount()).isEqualTo(2);
        ScalingActivity cap = activities().get(activities().size() - 1);
        assertThat(cap.cause()).startsWith("scheduled action name cap was triggered");
        assertThat(Instant.ofEpochMilli(cap.startMillis())).isBetween(Instant.parse("2026-01-05T10:30:00Z"),
                Instant.parse("2026-01-05T10:30:01Z"));
    }
}
