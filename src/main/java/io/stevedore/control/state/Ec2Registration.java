package io.stevedore.control.state;

import java.util.Objects;

/**
 * An EC2 instance a user launched (EC2's RunInstances, no capacity provider) whose emulated ECS agent registered it
 * as a container instance (launch type EC2; docs/decisions.md "EC2 launch type"). Its tasks run in the simulated way,
 * on the control loop's timers, as those of managed instances do.
 *
 * @param instanceId           the EC2 instance (the row's key)
 * @param clusterArn           the cluster its user data names ({@code ECS_CLUSTER})
 * @param containerInstanceArn its container instance
 * @param deregistered         deregistered (DeregisterContainerInstance, or the instance terminated): the agent does
 *                             not register the instance again
 */
public record Ec2Registration(String instanceId, String clusterArn, String containerInstanceArn,
                              boolean deregistered) {
    public Ec2Registration {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(clusterArn, "clusterArn");
        Objects.requireNonNull(containerInstanceArn, "containerInstanceArn");
    }

    public Ec2Registration asDeregistered() {
        return new Ec2Registration(instanceId, clusterArn, containerInstanceArn, true);
    }
}
