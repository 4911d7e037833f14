package io.stevedore.placement;

/**
 * One task put on one instance.
 *
 * @param ordinal             the task's position in its request (0-based)
 * @param containerInstanceId where it goes
 * @param ec2InstanceId       the EC2 instance behind it
 */
public record TaskPlacement(int ordinal, String containerInstanceId, String ec2InstanceId) {
}
