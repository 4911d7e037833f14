package io.stevedore.control.tasks;

import io.stevedore.control.state.TaskRuntime;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Where the tasks of a service with the {@code DAEMON} scheduling strategy go: one on each container instance of the
 * cluster that takes one (implemented by the EC2 launch type's placement, {@code control.ec2}).
 */
public interface DaemonPlacement {
    /**
     * The container instances (ARNs) of the service's cluster that take a task of it now: ACTIVE, agent connected,
     * every placement constraint of the service and of {@code td} met.
     */
    List<String> eligible(Service s, TaskDefinition td);

    /** Places a new task on the container instance and starts it; null when it started, else ECS's reason. */
    String placeOn(Task t, TaskRuntime rt, String containerInstanceArn);

    /** How many of the tasks asked for fit now, and ECS's reason for the first that does not (null: all fit). */
    record Fit(int count, String failure) {
    }

    /**
     * How many of {@code wanted} new tasks of a REPLICA service of the EC2 launch type the cluster's EC2 container
     * instances take now, with the service's placement constraints and strategies (nothing is written): ECS's
     * service scheduler creates only those.
     */
    Fit fits(Service s, TaskDefinition td, int wanted);
}
