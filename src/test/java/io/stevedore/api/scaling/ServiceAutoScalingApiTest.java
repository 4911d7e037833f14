package io.stevedore.api.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.api.EcsServerFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * Application Auto Scaling end to end on a real server (speed 1000: a one-minute period lasts 60 ms, cooldowns of
 * 300 s last 0.3 s): target tracking on CPU at 50 % scales a service whose tasks declare their load out, and back in
 * once the load falls, and DescribeScalingActivities tells why; the state survives a restart; bad input gets
 * Application Auto Scaling's errors.
 */
class ServiceAutoScalingApiTest {
    private static final String RESOURCE = "service/c/web";
    private static final String TARGET = "{\"ServiceNamespace\":\"ecs\",\"ResourceId\":\"" + RESOURCE + "\","
            + "\"ScalableDimension\":\"ecs:service:DesiredCount\"";

    @TempDir
    Path dir;
    EcsServerFixture f;
    AutoScalingClient aas;

    @BeforeEach
    void start() throws Exception {
        f = new EcsServerFixture(dir);
        aas = new AutoScalingClient(f.endpoint());
        f.miCluster("c");
        f.register(EcsServerFixture.nginx("web"));
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private Service service() {
        return f.ecs.describeServices(b -> b.cluster("c").services("web")).services().get(0);
    }

    private static void await(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private Service createLoadedService(int load) {
        return f.ecs.createService(b -> b.cluster("c").serviceName("web").taskDefinition("web").desiredCount(1)
                .networkConfiguration(f.awsvpc()).tags(Tag.builder().key("stevedore:cpu-load")
                        .value(Integer.toString(load)).build())).service();
    }

    @Test
    void targetTrackingOnCpu_scalesOutThenIn_withActivities() throws Exception {
        Service s = createLoadedService(300); // three tasks' worth of CPU: 300 % on one task
        aas.ok("RegisterScalableTarget", TARGET + ",\"MinCapacity\":1,\"MaxCapacity\":10}");
        JsonNode put = aas.ok("PutScalingPolicy", TARGET + ",\"PolicyName\":\"cpu50\",\"PolicyType\":"
                + "\"TargetTrackingScaling\",\"TargetTrackingScalingPolicyConfiguration\":{\"TargetValue\":50.0,"
                + "\"PredefinedMetricSpecification\":{\"PredefinedMetricType\":\"ECSServiceAverageCPUUtilization\"}}}");
        assertThat(put.get("PolicyARN").asText()).startsWith("arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:")
                .endsWith(":resource/ecs/service/c/web:policyName/cpu50");
        List<String> alarms = new ArrayList<>();
        put.get("Alarms").forEach(a -> alarms.add(a.get("AlarmName").asText()));
        assertThat(alarms).hasSize(2).anyMatch(n -> n.startsWith("TargetTracking-service/c/web-AlarmHigh-"))
                .anyMatch(n -> n.startsWith("TargetTracking-service/c/web-AlarmLow-"));

        // out: 300 % per task against 50 % → ceil(1 × 300 / 50) = 6 tasks
        await("scale-out to 6", () -> service().desiredCount() == 6, Duration.ofSeconds(30));
        await("6 running", () -> service().runningCount() == 6, Duration.ofSeconds(30));
        Thread.sleep(600); // ten more periods at 50 %: on target, neither alarm fires
        assertThat(service().desiredCount()).isEqualTo(6);

        // in: the load falls to 60 % of one task: 10 % per task → ceil(6 × 10 / 50) = 2 after 15 low periods
        f.ecs.tagResource(b -> b.resourceArn(s.serviceArn()).tags(Tag.builder().key("stevedore:cpu-load")
                .value("60").build()));
        await("scale-in to 2", () -> service().desiredCount() == 2, Duration.ofSeconds(30));

        JsonNode acts = aas.ok("DescribeScalingActivities", TARGET + "}").get("ScalingActivities");
        assertThat(acts.size()).isGreaterThanOrEqualTo(2);
        JsonNode in = acts.get(0);
        assertThat(in.get("Description").asText()).isEqualTo("Setting desired count to 2.");
        assertThat(in.get("Cause").asText()).contains("-AlarmLow-").contains("in state ALARM triggered policy cpu50");
        assertThat(in.get("StatusCode").asText()).isEqualTo("Successful");
        JsonNode out = acts.get(acts.size() - 1);
        assertThat(out.get("Description").asText()).isEqualTo("Setting desired count to 6.");
        assertThat(out.get("Cause").asText()).contains("-AlarmHigh-");
        // the scale-in came after the scale-in cooldown measured from the scale-out (300 s / 1000)
        assertThat(in.get("StartTime").asDouble() - out.get("StartTime").asDouble()).isGreaterThanOrEqualTo(0.3);
    }

    @Test
    void maxCapacity_boundsScaleOut_andDisableScaleIn_keepsCapacity() throws Exception {
        createLoadedService(1000);
        aas.ok("RegisterScalableTarget", TARGET + ",\"MinCapacity\":1,\"MaxCapacity\":3}");
        JsonNode put = aas.ok("PutScalingPolicy", TARGET + ",\"PolicyName\":\"cpu\",\"PolicyType\":"
                + "\"TargetTrackingScaling\",\"TargetTrackingScalingPolicyConfiguration\":{\"TargetValue\":50.0,"
                + "\"DisableScaleIn\":true,\"PredefinedMetricSpecification\":{\"PredefinedMetricType\":"
                + "\"ECSServiceAverageCPUUtilization\"}}}");
        assertThat(put.get("Alarms")).hasSize(1); // no AlarmLow when scale-in is disabled
        await("scale-out to the maximum", () -> service().desiredCount() == 3, Duration.ofSeconds(30));
        f.ecs.tagResource(b -> b.resourceArn(service().serviceArn()).tags(Tag.builder().key("stevedore:cpu-load")
                .value("1").build()));
        Thread.sleep(2000); // > 15 periods + cooldowns
        assertThat(service().desiredCount()).isEqualTo(3);
    }

    @Test
    void register_clampsDesiredIntoRange_andStateSurvivesRestart() throws Exception {
        createLoadedService(0);
        aas.ok("RegisterScalableTarget", TARGET + ",\"MinCapacity\":2,\"MaxCapacity\":4}");
        assertThat(service().desiredCount()).isEqualTo(2);
        aas.ok("PutScheduledAction", TARGET + ",\"ScheduledActionName\":\"night\",\"Schedule\":"
                + "\"cron(0 22 * * ? *)\",\"ScalableTargetAction\":{\"MinCapacity\":1,\"MaxCapacity\":2}}");
        aas.ok("PutScheduledAction", TARGET + ",\"ScheduledActionName\":\"cap\",\"Schedule\":"
                + "\"rate(1 day)\",\"ScalableTargetAction\":{\"MaxCapacity\":3}}"); // one bound only
        aas.ok("PutScalingPolicy", TARGET + ",\"PolicyName\":\"steps\",\"PolicyType\":\"StepScaling\","
                + "\"StepScalingPolicyConfiguration\":{\"AdjustmentType\":\"ChangeInCapacity\",\"StepAdjustments\":"
                + "[{\"MetricIntervalLowerBound\":0,\"ScalingAdjustment\":1}]}}");
        f.close();
        f = new EcsServerFixture(dir);
        aas = new AutoScalingClient(f.endpoint());
        JsonNode targets = aas.ok("DescribeScalableTargets", "{\"ServiceNamespace\":\"ecs\"}").get("ScalableTargets");
        assertThat(targets).hasSize(1);
        assertThat(targets.get(0).get("MinCapacity").asInt()).isEqualTo(2);
        assertThat(targets.get(0).get("MaxCapacity").asInt()).isEqualTo(4);
        JsonNode policies = aas.ok("DescribeScalingPolicies", "{\"ServiceNamespace\":\"ecs\"}").get("ScalingPolicies");
        assertThat(policies).hasSize(1);
        assertThat(policies.get(0).get("StepScalingPolicyConfiguration").get("Cooldown").asInt()).isEqualTo(300);
        JsonNode actions = aas.ok("DescribeScheduledActions", "{\"ServiceNamespace\":\"ecs\"}").get("ScheduledActions");
        assertThat(actions).hasSize(2);
        assertThat(actions.get(0).get("ScheduledActionName").asText()).isEqualTo("cap");
        assertThat(actions.get(0).get("ScalableTargetAction").has("MinCapacity")).isFalse();
        assertThat(actions.get(1).get("Schedule").asText()).isEqualTo("cron(0 22 * * ? *)");
        JsonNode acts = aas.ok("DescribeScalingActivities", TARGET + "}").get("ScalingActivities");
        assertThat(acts).hasSize(1);
        assertThat(acts.get(0).get("Description").asText()).isEqualTo("Setting desired count to 2.");

        aas.ok("DeregisterScalableTarget", TARGET + "}");
        assertThat(aas.ok("DescribeScalingPolicies", "{\"ServiceNamespace\":\"ecs\"}").get("ScalingPolicies"))
                .isEmpty();
        assertThat(aas.ok("DescribeScheduledActions", "{\"ServiceNamespace\":\"ecs\"}").get("ScheduledActions"))
                .isEmpty();
    }

    @Test
    void badInput_getsApplicationAutoScalingErrors() throws Exception {
        AutoScalingClient.Answer a = aas.call("PutScalingPolicy", TARGET + ",\"PolicyName\":\"p\","
                + "\"PolicyType\":\"StepScaling\",\"StepScalingPolicyConfiguration\":{\"AdjustmentType\":"
                + "\"ChangeInCapacity\",\"StepAdjustments\":[{\"ScalingAdjustment\":1}]}}");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.errorType()).isEqualTo("ObjectNotFoundException");
        assertThat(a.body().get("message").asText()).contains("No scalable target registered")
                .contains(RESOURCE);

        a = aas.call("RegisterScalableTarget", "{\"ServiceNamespace\":\"ecs\",\"ScalableDimension\":"
                + "\"ecs:service:DesiredCount\"}");
        assertThat(a.errorType()).isEqualTo("ValidationException");
        assertThat(a.body().get("message").asText()).isEqualTo("1 validation error detected: Value null at"
                + " 'resourceId' failed to satisfy constraint: Member must not be null");

        a = aas.call("RegisterScalableTarget", "{\"ServiceNamespace\":\"ecs\",\"ResourceId\":\"" + RESOURCE
                + "\",\"ScalableDimension\":\"ecs:service:Desired\",\"MinCapacity\":1,\"MaxCapacity\":2}");
        assertThat(a.errorType()).isEqualTo("ValidationException");
        assertThat(a.body().get("message").asText()).contains("Member must satisfy enum value set");

        a = aas.call("RegisterScalableTarget", TARGET + ",\"MinCapacity\":1,\"MaxCapacity\":2}");
        assertThat(a.errorType()).isEqualTo("ValidationException");
        assertThat(a.body().get("message").asText()).isEqualTo("ECS service doesn't exist: " + RESOURCE);

        createLoadedService(0);
        a = aas.call("RegisterScalableTarget", TARGET + ",\"MinCapacity\":5,\"MaxCapacity\":2}");
        assertThat(a.errorType()).isEqualTo("ValidationException");
        a = aas.call("RegisterScalableTarget", TARGET + ",\"MinCapacity\":\"one\",\"MaxCapacity\":2}");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.errorType()).isEqualTo("SerializationException");

        aas.ok("RegisterScalableTarget", TARGET + ",\"MinCapacity\":1,\"MaxCapacity\":2}");
        a = aas.call("PutScalingPolicy", TARGET + ",\"PolicyName\":\"p\",\"PolicyType\":\"TargetTrackingScaling\","
                + "\"TargetTrackingScalingPolicyConfiguration\":{\"TargetValue\":50}}");
        assertThat(a.errorType()).isEqualTo("ValidationException");
        a = aas.call("PutScheduledAction", TARGET + ",\"ScheduledActionName\":\"x\",\"Schedule\":\"cron(0 99 * * ? *)\","
                + "\"ScalableTargetAction\":{\"MinCapacity\":1}}");
        assertThat(a.errorType()).isEqualTo("ValidationException");
        assertThat(a.body().get("message").asText()).contains("99");
        a = aas.call("DeleteScalingPolicy", TARGET + ",\"PolicyName\":\"nope\"}");
        assertThat(a.errorType()).isEqualTo("ObjectNotFoundException");
        a = aas.call("DescribeScalableTargets", "{\"ServiceNamespace\":\"ecs\",\"NextToken\":\"garbage!\"}");
        assertThat(a.errorType()).isEqualTo("InvalidNextTokenException");
        a = aas.call("GetPredictiveScalingForecast", "{}");
        assertThat(a.errorType()).isEqualTo("UnknownOperationException");
    }
}
