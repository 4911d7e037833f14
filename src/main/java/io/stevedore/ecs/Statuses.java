package io.stevedore.ecs;

import software.amazon.awssdk.services.ecs.model.ContainerInstanceStatus;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;

/**
 * The status strings of the ECS resources whose status the SDK model keeps a plain {@code String}: tasks (and their
 * containers), container instances, clusters, services and deployments. Where the SDK model types a field as an enum
 * (a capacity provider's status, a task definition's status, a launch type, a rollout state, ...), code compares and
 * sets that enum instead; this class is for the rest.
 *
 * <p>Where the values come from:
 * <ul>
 *   <li>from the SDK: a task's {@code PENDING}, {@code RUNNING} and {@code STOPPED} ({@link DesiredStatus}, the
 *   values of {@code desiredStatus}) and a container instance's {@code ACTIVE}, {@code DRAINING} and
 *   {@code DEREGISTERING} ({@link ContainerInstanceStatus});</li>
 *   <li>from the ECS documentation, no SDK enum defining them (the one set of such values, all here): a task's
 *   other {@code lastStatus} values {@code PROVISIONING}, {@code ACTIVATING}, {@code DEACTIVATING},
 *   {@code STOPPING} and {@code DEPROVISIONING} (the Developer Guide's task lifecycle page,
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html); a container
 *   instance's {@code INACTIVE}, a cluster's {@code ACTIVE}, {@code PROVISIONING} and {@code INACTIVE}, a
 *   service's {@code ACTIVE}, {@code DRAINING} and {@code INACTIVE} and a deployment's {@code PRIMARY} and
 *   {@code ACTIVE} (the API Reference's ContainerInstance, Cluster, Service and Deployment data types).</li>
 * </ul>
 *
 * <p>The predicates are null-safe: a null status is none of them.
 */
public final class Statuses {
    /** Task lastStatus (ECS documentation): waiting for capacity or the network interface. */
    public static final String TASK_PROVISIONING = "PROVISIONING";
    /** Task lastStatus or desiredStatus (SDK {@link DesiredStatus}): image pull. */
    public static final String TASK_PENDING = DesiredStatus.PENDING.toString();
    /** Task lastStatus (ECS documentation): containers starting. */
    public static final String TASK_ACTIVATING = "ACTIVATING";
    /** Task or container lastStatus, task desiredStatus (SDK {@link DesiredStatus}). */
    public static final String TASK_RUNNING = DesiredStatus.RUNNING.toString();
    /** Task lastStatus (ECS documentation): leaving load balancers. */
    public static final String TASK_DEACTIVATING = "DEACTIVATING";
    /** Task lastStatus (ECS documentation): containers stopping. */
    public static final String TASK_STOPPING = "STOPPING";
    /** Task lastStatus (ECS documentation): network interface detaching. */
    public static final String TASK_DEPROVISIONING = "DEPROVISIONING";
    /** Task or container lastStatus, task desiredStatus (SDK {@link DesiredStatus}). */
    public static final String TASK_STOPPED = DesiredStatus.STOPPED.toString();

    /** Container instance status (SDK {@link ContainerInstanceStatus}): accepts tasks. */
    public static final String INSTANCE_ACTIVE = ContainerInstanceStatus.ACTIVE.toString();
    /** Container instance status (SDK {@link ContainerInstanceStatus}): takes no new tasks, service tasks move. */
    public static final String INSTANCE_DRAINING = ContainerInstanceStatus.DRAINING.toString();
    /** Container instance status (SDK {@link ContainerInstanceStatus}): being deregistered. */
    public static final String INSTANCE_DEREGISTERING = ContainerInstanceStatus.DEREGISTERING.toString();
    /** Container instance status (ECS documentation; no SDK enum value): deregistered. */
    public static final String INSTANCE_INACTIVE = "INACTIVE";

    /** Cluster status (ECS documentation). */
    public static final String CLUSTER_ACTIVE = "ACTIVE";
    /** Cluster status (ECS documentation). */
    public static final String CLUSTER_PROVISIONING = "PROVISIONING";
    /** Cluster status (ECS documentation): deleted. */
    public static final String CLUSTER_INACTIVE = "INACTIVE";

    /** Service status (ECS documentation). */
    public static final String SERVICE_ACTIVE = "ACTIVE";
    /** Service status (ECS documentation): deleted, its tasks stopping. */
    public static final String SERVICE_DRAINING = "DRAINING";
    /** Service status (ECS documentation): deleted, its tasks stopped. */
    public static final String SERVICE_INACTIVE = "INACTIVE";

    /** Deployment status (ECS documentation): the most recent deployment. */
    public static final String DEPLOYMENT_PRIMARY = "PRIMARY";
    /** Deployment status (ECS documentation): an older deployment still running tasks. */
    public static final String DEPLOYMENT_ACTIVE = "ACTIVE";

    private Statuses() {
    }

    /** Whether a task's (or container's) lastStatus, or a task's desiredStatus, is RUNNING. */
    public static boolean isRunning(String status) {
        return TASK_RUNNING.equals(status);
    }

    /** Whether a task's (or container's) lastStatus, or a task's desiredStatus, is STOPPED. */
    public static boolean isStopped(String status) {
        return TASK_STOPPED.equals(status);
    }

    /** Whether a task's lastStatus is on its way to RUNNING (PROVISIONING, PENDING, ACTIVATING): counted pending. */
    public static boolean isStarting(String lastStatus) {
        return TASK_PROVISIONING.equals(lastStatus) || TASK_PENDING.equals(lastStatus)
                || TASK_ACTIVATING.equals(lastStatus);
    }

    /** Whether a task's lastStatus is on the way from RUNNING to STOPPED (DEACTIVATING, STOPPING, DEPROVISIONING). */
    public static boolean isStopping(String lastStatus) {
        return TASK_DEACTIVATING.equals(lastStatus) || TASK_STOPPING.equals(lastStatus)
                || TASK_DEPROVISIONING.equals(lastStatus);
    }

    /** Whether a container instance's status is ACTIVE or DRAINING: registered, listed and counted by ECS. */
    public static boolean isRegistered(String instanceStatus) {
        return INSTANCE_ACTIVE.equals(instanceStatus) || INSTANCE_DRAINING.equals(instanceStatus);
    }

    /** Whether a service's status is ACTIVE or DRAINING: not yet INACTIVE, so listed and reconciled. */
    public static boolean isServiceLive(String serviceStatus) {
        return SERVICE_ACTIVE.equals(serviceStatus) || SERVICE_DRAINING.equals(serviceStatus);
    }
}
