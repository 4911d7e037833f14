package io.stevedore.control.fleet;

import io.stevedore.cloud.Instance;
import io.stevedore.control.agents.Agents;
import io.stevedore.control.state.ContainerInstances;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.DaemonCoverage;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.control.state.TaskRuntime.Phase;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.control.tasks.TaskStarter;
import java.util.List;
import java.util.Optional;

/**
 * The tick's first stage: an instance the cloud reports running registers as an ACTIVE container instance and the
 * tasks placed on it while it booted start (after its daemon tasks, when daemons cover its provider); an instance that never came up frees its tasks for placement again.
 */
public final class RegisterBootedInstances {
    private final Context ctx;
    private final TaskStarter starter;
    private final Agents agents;

    /** {@code agents}: told of each registration (their tasks may wait for an agent, docs/execution.md). */
    public RegisterBootedInstances(Context ctx, TaskStarter starter, Agents agents) {
        this.ctx = ctx;
        this.starter = starter;
        this.agents = agents;
    }

    public void run() {
        for (ManagedInstance mi : ctx.state().unregisteredInstances.values(Boolean.TRUE)) {
            Optional<Instance> ec2 = ctx.cloud().describe(mi.instanceId());
            if (ec2.isEmpty() || "terminated".equals(ec2.get().state())) {
                ctx.state().instances.remove(mi.instanceId());
                for (TaskRuntime rt : waitingFor(mi)) {
                    ctx.state().runtimes.put(rt.taskArn(), rt.placed(null, true).to(Phase.UNPLACED, 0));
                }
                continue;
            }
            if (!"running".equals(ec2.get().state())) {
                continue;
            }
            String cluster = mi.clusterArn().substring(mi.clusterArn().indexOf("cluster/") + 8);
            String arn = ctx.arn("container-instance/" + cluster + "/" + ctx.state().newId("container-instance"));
            ctx.state().containerInstances.put(arn, ContainerInstances.register(ctx, mi, ec2.get(), arn));
            ctx.state().instances.put(mi.instanceId(), mi.registered(arn).idleSince(ctx.now().toEpochMilli()));
            agents.registered(mi.clusterArn(), arn, mi.instanceId());
            if (!DaemonCoverage.covering(ctx.state(), mi.clusterArn(), mi.capacityProvider()).isEmpty()) {
                continue; // its daemon tasks start first; the daemon stage starts the rest once they are RUNNING
            }
            for (TaskRuntime rt : waitingFor(mi)) {
                ctx.state().tasks.get(rt.taskArn()).ifPresent(t -> starter.start(t, rt, ctx.state().instances
                        .get(mi.instanceId()).orElseThrow(), ec2.get()));
            }
        }
    }

    private List<TaskRuntime> waitingFor(ManagedInstance mi) {
        return ctx.state().runtimesByInstance.values(mi.instanceId()).stream()
                .filter(r -> r.phase() == Phase.WAIT_INSTANCE).toList();
    }
}
