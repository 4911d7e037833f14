package io.stevedore.control.state;

import java.util.List;
import java.util.Objects;

/**
 * The control plane's own notes on one service {@code Deployment} (table {@code ecs.deployment-book}, by deployment
 * id): the service deployment and service revision it belongs to, and the deployment circuit breaker's tally.
 *
 * <p>A deployment that CreateService or UpdateService started has its own service deployment and revision; a
 * rollback deployment belongs to the service deployment it rolls back and runs the revision it rolls back to.
 *
 * @param deploymentId         the {@code Deployment} id ({@code ecs-svc/…})
 * @param serviceArn           its service
 * @param serviceDeploymentArn the service deployment it belongs to
 * @param revisionArn          the service revision its tasks run
 * @param rollback             whether it is a rollback deployment (the circuit breaker does not watch those)
 * @param failures             failed tasks counted since the last reset (the breaker's failureCount)
 * @param healthyThroughMillis the latest moment a task of it became healthy that the tally has seen (resets)
 * @param counted              its failed tasks already counted, while they are still kept
 */
public record DeploymentBook(String deploymentId, String serviceArn, String serviceDeploymentArn, String revisionArn,
                             boolean rollback, int failures, long healthyThroughMillis, List<String> counted) {
    public DeploymentBook {
        Objects.requireNonNull(deploymentId, "deploymentId");
        counted = counted == null ? List.of() : List.copyOf(counted);
    }

    /** The book of a deployment just started, with nothing counted. */
    public static DeploymentBook start(String deploymentId, String serviceArn, String serviceDeploymentArn,
                                       String revisionArn, boolean rollback) {
        return new DeploymentBook(deploymentId, serviceArn, serviceDeploymentArn, revisionArn, rollback, 0, 0,
                List.of());
    }

    /** The same book with a new tally. */
    public DeploymentBook withTally(int failures, long healthyThroughMillis, List<String> counted) {
        return new DeploymentBook(deploymentId, serviceArn, serviceDeploymentArn, revisionArn, rollback, failures,
                healthyThroughMillis, counted);
    }
}
