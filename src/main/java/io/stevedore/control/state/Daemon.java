package io.stevedore.control.state;

import java.util.List;
import java.util.Objects;

/**
 * A daemon (CreateDaemon): one task of its current revision on every container instance of its capacity providers
 * (table {@code ecs.daemon}, by ARN). Its revisions and deployments are rows of their own, in the SDK's shapes.
 *
 * @param daemonArn         {@code arn:aws:ecs:<region>:<account>:daemon/<cluster>/<name>}
 * @param clusterArn        its cluster
 * @param name              the daemon name
 * @param status            {@code ACTIVE} or {@code DELETE_IN_PROGRESS} (DaemonStatus)
 * @param revisionArn       the revision its tasks should run (the latest deployment's target)
 * @param deploymentArn     the latest deployment
 * @param capacityProviders the capacity provider names it covers
 * @param createdAtMillis   creation time
 * @param updatedAtMillis   last update (UpdateDaemon, DeleteDaemon)
 * @param batchOpen         the deployment drained a batch of instances that is not gone yet
 * @param bakeUntilMillis   the deployment's next batch waits until then (its bake time), -1 = no wait
 */
public record Daemon(String daemonArn, String clusterArn, String name, String status, String revisionArn,
                     String deploymentArn, List<String> capacityProviders, long createdAtMillis,
                     long updatedAtMillis, boolean batchOpen, long bakeUntilMillis) {
    public static final String ACTIVE = "ACTIVE";
    public static final String DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS";

    public Daemon {
        Objects.requireNonNull(daemonArn, "daemonArn");
        Objects.requireNonNull(clusterArn, "clusterArn");
        capacityProviders = capacityProviders == null ? List.of() : List.copyOf(capacityProviders);
    }

    public boolean active() {
        return ACTIVE.equals(status);
    }

    /** The task group of its tasks. */
    public String group() {
        return io.stevedore.ecs.DaemonDefinitions.GROUP_PREFIX + name;
    }

    /** The same daemon running a new revision through a new deployment. */
    public Daemon deploying(String revision, String deployment, List<String> providers, long at) {
        return new Daemon(daemonArn, clusterArn, name, status, revision, deployment, providers, createdAtMillis, at,
                false, -1);
    }

    /** The same daemon being deleted through {@code deployment}. */
    public Daemon deleting(String deployment, long at) {
        return new Daemon(daemonArn, clusterArn, name, DELETE_IN_PROGRESS, revisionArn, deployment,
                capacityProviders, createdAtMillis, at, false, -1);
    }

    /** The same daemon with its deployment's batch state. */
    public Daemon batch(boolean open, long bakeUntil) {
        return new Daemon(daemonArn, clusterArn, name, status, revisionArn, deploymentArn, capacityProviders,
                createdAtMillis, updatedAtMillis, open, bakeUntil);
    }
}
