package io.stevedore.control.state;

import io.stevedore.catalog.InstanceCatalog;
import io.stevedore.cloud.CloudProvider;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.Statuses;
import io.stevedore.time.Clock;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.Cluster;

/**
 * What every operation and the reconciler share: settings, clock, state, cloud and catalog, plus ARN helpers.
 */
public record Context(PlaneConfig config, Clock clock, EcsState state, CloudProvider cloud, InstanceCatalog catalog) {

    public Instant now() {
        return clock.now();
    }

    public String arn(String resource) {
        return config.arnPrefix() + resource;
    }

    public String clusterArn(String name) {
        return arn("cluster/" + name);
    }

    /** The cluster name in a name or ARN ({@code null} = {@code default}). */
    public static String clusterName(String nameOrArn) {
        if (nameOrArn == null || nameOrArn.isEmpty()) {
            return "default";
        }
        int i = nameOrArn.indexOf(":cluster/");
        return i >= 0 && nameOrArn.startsWith("arn:") ? nameOrArn.substring(i + 9) : nameOrArn;
    }

    public Optional<Cluster> findCluster(String nameOrArn) {
        return state.clusters.get(clusterArn(clusterName(nameOrArn)));
    }

    /** An ACTIVE cluster, or ClusterNotFoundException. */
    public Cluster cluster(String nameOrArn) {
        Cluster c = findCluster(nameOrArn).orElseThrow(Errors::clusterNotFound);
        if (!Statuses.CLUSTER_ACTIVE.equals(c.status()) && !Statuses.CLUSTER_PROVISIONING.equals(c.status())) {
            throw Errors.clusterNotFound();
        }
        return c;
    }
}
