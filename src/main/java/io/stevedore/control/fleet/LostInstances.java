package io.stevedore.control.fleet;

import io.stevedore.cloud.Instance;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.control.tasks.TaskLifecycle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;

/**
 * Registered instances the cloud took away (a Spot reclaim, a terminate fault, an instance lost): their tasks stop
 * (SpotInterruption or TerminationNotice) and the container instance goes INACTIVE. Only instances whose cloud state
 * changed since the last look are visited ({@link io.stevedore.cloud.CloudProvider#changedSince}).
 */
final class LostInstances {
    private final Context ctx;
    private final TaskLifecycle tasks;
    private final LifecycleView view;
    private final FleetCommitter committer;
    /** The cloud's {@link io.stevedore.cloud.CloudProvider#stateVersion} at the last look. */
    private long cloudSeen = -1;

    LostInstances(Context ctx, TaskLifecycle tasks, LifecycleView view, FleetCommitter committer) {
        this.ctx = ctx;
        this.tasks = tasks;
        this.view = view;
        this.committer = committer;
    }

    void run() {
        long version = ctx.cloud().stateVersion();
        if (version >= 0 && version == cloudSeen && !view.rebuildingAll()) {
            return; // no instance changed state in the cloud since the last look
        }
        Optional<Set<String>> changed = view.rebuildingAll() ? Optional.empty() : ctx.cloud().changedSince(cloudSeen);
        cloudSeen = version;
        List<ManagedInstance> look;
        if (changed.isPresent()) {
            look = new ArrayList<>();
            for (String id : new TreeSet<>(changed.get())) { // id order, as the table's
                ctx.state().instances.get(id).filter(m -> m.containerInstanceArn() != null).ifPresent(look::add);
            }
        } else {
            look = ctx.state().instances.values(m -> m.containerInstanceArn() != null);
        }
        for (ManagedInstance mi : look) {
            Optional<Instance> ec2 = ctx.cloud().describe(mi.instanceId());
            if (ec2.isPresent() && !"terminated".equals(ec2.get().state())
                    && !"shutting-down".equals(ec2.get().state())) {
                continue;
            }
            boolean spot = ctx.state().instanceLifecycle.get(mi.instanceId()).map(l -> l.spotNoticeMillis() >= 0)
                    .orElse(false);
            String reason = spot ? "Spot instance " + mi.instanceId() + " was interrupted (reclaimed by EC2)"
                    : "Host EC2 (instance " + mi.instanceId() + ") terminated.";
            for (Task t : ctx.state().tasksOnInstance(mi.instanceId())) {
                tasks.hostGone(t, spot ? TaskStopCode.SPOT_INTERRUPTION : TaskStopCode.TERMINATION_NOTICE, reason);
            }
            committer.retire(mi, reason, false);
        }
    }
}
