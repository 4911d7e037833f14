package io.stevedore.control.fleet;

import io.stevedore.control.state.Context;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.control.tasks.TaskLifecycle;
import io.stevedore.store.Index;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStatus;
import software.amazon.awssdk.services.ecs.model.CapacityProviderUpdateStatus;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;

/**
 * Capacity providers being deleted (DeleteCapacityProvider): their tasks stop, their instances go as soon as they
 * are empty, and the provider becomes INACTIVE (DELETE_COMPLETE) once it has no instance left.
 */
final class LeavingProviders {
    private final Context ctx;
    private final TaskLifecycle tasks;
    private final FleetCommitter committer;
    /** Capacity providers being deleted. */
    private final Index<CapacityProvider, Boolean> deprovisioning;
    /** Managed instances by capacity provider name. */
    private final Index<ManagedInstance, String> byProvider;

    LeavingProviders(Context ctx, TaskLifecycle tasks, FleetCommitter committer) {
        this.ctx = ctx;
        this.tasks = tasks;
        this.committer = committer;
        this.byProvider = ctx.state().instances.index(ManagedInstance::capacityProvider);
        this.deprovisioning = ctx.state().capacityProviders.index(
                p -> p.status() == CapacityProviderStatus.DEPROVISIONING ? Boolean.TRUE : null);
    }

    /** Stops the tasks on a leaving provider's instances and retires the empty ones. */
    void run() {
        List<ManagedInstance> leaving = new ArrayList<>();
        for (String name : byProvider.keys()) {
            CapacityProvider p = ctx.state().capacityProviders.get(name).orElse(null);
            if (p == null || p.status() != CapacityProviderStatus.ACTIVE) {
                leaving.addAll(byProvider.values(name));
            }
        }
        leaving.sort(Comparator.comparing(ManagedInstance::instanceId)); // the instances table's order
        for (ManagedInstance mi : leaving) {
            if (mi.containerInstanceArn() == null) {
                continue;
            }
            List<Task> on = ctx.state().tasksOnInstance(mi.instanceId());
            on.forEach(t -> tasks.requestStop(t, TaskStopCode.SERVICE_SCHEDULER_INITIATED,
                    "Capacity provider is being deleted"));
            if (on.isEmpty()) {
                committer.retire(mi, "its capacity provider is being deleted", false);
            }
        }
    }

    /** Providers being deleted with no instance left become INACTIVE and leave their clusters. */
    void finish() {
        for (CapacityProvider p : deprovisioning.values(Boolean.TRUE)) {
            if (byProvider.count(p.name()) == 0) {
                CapacityProvider gone = p.toBuilder().status(CapacityProviderStatus.INACTIVE)
                        .updateStatus(CapacityProviderUpdateStatus.DELETE_COMPLETE).build();
                ctx.state().capacityProviders.put(p.name(), gone);
                ctx.state().detachCapacityProvider(gone.name());
            }
        }
    }
}
