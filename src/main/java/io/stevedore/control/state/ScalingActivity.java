package io.stevedore.control.state;

/**
 * One scaling activity, as DescribeScalingActivities reports it. Stevedore's activities complete in the same
 * transaction that starts them (the ECS service's desired count is set at once), so they are Successful.
 *
 * @param seq a per-plane sequence number: the table key orders a resource's activities by it
 */
public record ScalingActivity(String activityId, long seq, String namespace, String resourceId, String dimension,
                              String description, String cause, long startMillis, long endMillis, String statusCode,
                              String statusMessage) {
    public static String key(String resourceId, long seq) {
        return resourceId + "|" + String.format("%019d", seq);
    }

    public String key() {
        return key(resourceId, seq);
    }
}
