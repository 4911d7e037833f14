package io.stevedore.control.state;

import java.util.List;

/**
 * A scaling policy of a scalable target: its type, its configuration exactly as the API received it (the
 * Application Auto Scaling wire JSON of {@code TargetTrackingScalingPolicyConfiguration} or
 * {@code StepScalingPolicyConfiguration}, defaults filled), the CloudWatch alarms it owns (target tracking) and,
 * for step scaling, when it last ran and by how much (its cooldown).
 */
public record ScalingPolicy(String arn, String name, String namespace, String resourceId, String dimension,
                            String type, String configJson, long createdMillis, List<AlarmRef> alarms,
                            long lastRunMillis, int lastAdjustment) {
    public static final String TARGET_TRACKING = "TargetTrackingScaling";
    public static final String STEP = "StepScaling";

    /** An alarm a policy owns or is triggered by. */
    public record AlarmRef(String name, String arn) {
    }

    public ScalingPolicy {
        alarms = alarms == null ? List.of() : List.copyOf(alarms);
    }

    public String targetKey() {
        return ScalableTarget.key(namespace, resourceId, dimension);
    }

    public ScalingPolicy withRun(long at, int adjustment) {
        return new ScalingPolicy(arn, name, namespace, resourceId, dimension, type, configJson, createdMillis, alarms,
                at, adjustment);
    }
}
