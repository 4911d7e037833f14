package io.stevedore.control.fleet;

import io.stevedore.control.state.Context;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.ecs.ServiceQuota;
import io.stevedore.ecs.Statuses;

/**
 * The "container instances per cluster" quota as the API and the launcher both count it: the cluster's registered
 * container instances plus its Managed Instances still booting (each becomes one). A registration beyond it is
 * refused; a launch beyond it does not happen, and the tasks that needed it wait.
 */
public final class InstanceQuota {
    private InstanceQuota() {
    }

    /** The cluster's container instances, registered or on their way. */
    public static int count(Context ctx, String clusterArn) {
        String name = Context.clusterName(clusterArn);
        String marker = ":container-instance/" + name + "/";
        int registered = 0;
        for (String status : new String[] {Statuses.INSTANCE_ACTIVE, Statuses.INSTANCE_DRAINING}) {
            // by status: the deregistered ones, which stay and pile up, are not visited
            registered += ctx.state().containerInstancesByStatus.values(status,
                    ci -> ci.containerInstanceArn().contains(marker)).size();
        }
        int booting = 0;
        for (ManagedInstance mi : ctx.state().unregisteredInstances.values(Boolean.TRUE)) {
            if (clusterArn.equals(mi.clusterArn())) {
                booting++;
            }
        }
        return registered + booting;
    }

    /** How many more container instances the cluster may get (0 when it is full). */
    public static int room(Context ctx, String clusterArn) {
        return Math.max(0, ctx.config().quotas().get(ServiceQuota.CONTAINER_INSTANCES_PER_CLUSTER)
                - count(ctx, clusterArn));
    }

    /** Refuses, as ECS does, when {@code adding} more would exceed the quota. */
    public static void check(Context ctx, String clusterArn, int adding) {
        ctx.config().quotas().check(ServiceQuota.CONTAINER_INSTANCES_PER_CLUSTER, count(ctx, clusterArn) + adding);
    }
}
