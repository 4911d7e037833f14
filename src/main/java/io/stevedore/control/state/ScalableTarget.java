package io.stevedore.control.state;

/**
 * An Application Auto Scaling scalable target: an ECS service's desired count between a minimum and a maximum,
 * with the suspended switches and the times of its last scaling activities (the cooldowns are measured from them).
 *
 * @param lastScaleOutMillis when a dynamic policy last scaled out (0 = never)
 * @param lastScaleInMillis  when a dynamic policy last scaled in (0 = never)
 */
public record ScalableTarget(String namespace, String resourceId, String dimension, int minCapacity, int maxCapacity,
                             String roleArn, String arn, long createdMillis, boolean scaleInSuspended,
                             boolean scaleOutSuspended, boolean scheduledSuspended, long lastScaleOutMillis,
                             long lastScaleInMillis) {
    /** The ECS scalable dimension, the only one Stevedore scales. */
    public static final String ECS_DESIRED_COUNT = "ecs:service:DesiredCount";
    public static final String ECS_NAMESPACE = "ecs";

    /** The table key of a target. */
    public static String key(String namespace, String resourceId, String dimension) {
        return namespace + "|" + dimension + "|" + resourceId;
    }

    public String key() {
        return key(namespace, resourceId, dimension);
    }

    public ScalableTarget withCapacity(int min, int max) {
        return new ScalableTarget(namespace, resourceId, dimension, min, max, roleArn, arn, createdMillis,
                scaleInSuspended, scaleOutSuspended, scheduledSuspended, lastScaleOutMillis, lastScaleInMillis);
    }

    public ScalableTarget withSuspended(boolean in, boolean out, boolean scheduled) {
        return new ScalableTarget(namespace, resourceId, dimension, minCapacity, maxCapacity, roleArn, arn,
                createdMillis, in, out, scheduled, lastScaleOutMillis, lastScaleInMillis);
    }

    public ScalableTarget withScaled(boolean out, long at) {
        return new ScalableTarget(namespace, resourceId, dimension, minCapacity, maxCapacity, roleArn, arn,
                createdMillis, scaleInSuspended, scaleOutSuspended, scheduledSuspended,
                out ? at : lastScaleOutMillis, out ? lastScaleInMillis : at);
    }

    /** The cluster and service names of an ECS resource id {@code service/CLUSTER/SERVICE}, or null. */
    public static String[] ecsService(String resourceId) {
        if (resourceId == null || !resourceId.startsWith("service/")) {
            return null;
        }
        String[] parts = resourceId.split("/", -1);
        return parts.length == 3 && !parts[1].isEmpty() && !parts[2].isEmpty() ? new String[] {parts[1], parts[2]}
                : null;
    }
}
