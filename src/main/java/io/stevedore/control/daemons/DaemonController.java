package io.stevedore.control.daemons;

import io.stevedore.cloud.Instance;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.Daemon;
import io.stevedore.control.state.DaemonCoverage;
import io.stevedore.control.state.InstanceLifecycleState;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.control.state.TaskRuntime.Phase;
import io.stevedore.control.tasks.TaskFactory;
import io.stevedore.control.tasks.TaskLifecycle;
import io.stevedore.control.tasks.TaskStarter;
import io.stevedore.ecs.DaemonDefinitions;
import io.stevedore.ecs.Statuses;
import io.stevedore.lifecycle.DrainCause;
import io.stevedore.lifecycle.LifecycleSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.DaemonDeployment;
import software.amazon.awssdk.services.ecs.model.DaemonDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;

/**
 * The daemon stage of the tick, between advancing tasks and placing waiting ones:
 * <ol>
 *   <li>every ACTIVE container instance of a daemon's capacity providers registered since the daemon was created gets
 *       one task of the daemon's current revision, started at once (its room was held since the instance was
 *       planned);</li>
 *   <li>an ACTIVE instance whose daemon task stopped (StopTask, a failure) drains, so that its tasks move to a
 *       replacement that starts the daemon first (auto repair: the Developer Guide's "Managed Daemons auto
 *       repair");</li>
 *   <li>tasks placed on an instance wait until every daemon task there is RUNNING, then start;</li>
 *   <li>a deployment replaces the outdated instances (without the daemon's task, or with another revision's; for a
 *       daemon being deleted, with its task) in batches of its drain percentage, a batch once the previous one is
 *       gone and the bake time has passed;</li>
 *   <li>a draining instance left with daemon tasks only stops them, so that it empties and retires.</li>
 * </ol>
 * Does nothing while there is no daemon: the loop then behaves exactly as without this stage.
 */
public final class DaemonController {
    /** The drain percentage when a deployment configuration gives none (the console's default). */
    public static final double DEFAULT_DRAIN_PERCENT = 25.0;

    private final Context ctx;
    private final TaskFactory factory;
    private final TaskStarter starter;
    private final TaskLifecycle lifecycle;
    private final LifecycleSettings settings;

    public DaemonController(Context ctx, TaskFactory factory, TaskStarter starter, TaskLifecycle lifecycle,
                            LifecycleSettings settings) {
        this.ctx = ctx;
        this.factory = factory;
        this.starter = starter;
        this.lifecycle = lifecycle;
        this.settings = settings;
    }

    /** An instance of the cluster with its container instance and EC2 state. */
    private record Host(ManagedInstance mi, ContainerInstance ci, Instance ec2) {
        boolean active() {
            return Statuses.INSTANCE_ACTIVE.equals(ci.status());
        }
    }

    public void run() {
        if (ctx.state().daemons.size() == 0) {
            return;
        }
        List<Daemon> daemons = ctx.state().daemons.values();
        List<Host> hosts = hosts();
        for (Daemon d : daemons) {
            if (d.active()) {
                place(d, hosts);
            }
        }
        hosts = hosts(); // drains above changed statuses
        for (Host h : hosts) {
            if (h.active()) {
                release(h);
            } else if (Statuses.INSTANCE_DRAINING.equals(h.ci().status())) {
                stopDaemonsWhenAlone(h);
            }
        }
        for (Daemon d : daemons) {
            ctx.state().daemons.get(d.daemonArn()).ifPresent(x -> deploy(x, hosts()));
        }
    }

    private List<Host> hosts() {
        List<Host> out = new ArrayList<>();
        for (ManagedInstance mi : ctx.state().instances.values(m -> m.containerInstanceArn() != null)) {
            Optional<ContainerInstance> ci = ctx.state().containerInstances.get(mi.containerInstanceArn());
            Optional<Instance> ec2 = ctx.cloud().describe(mi.instanceId());
            if (ci.isPresent() && ec2.isPresent() && "running".equals(ec2.get().state())) {
                out.add(new Host(mi, ci.get(), ec2.get()));
            }
        }
        return out;
    }

    private static boolean covers(Daemon d, Host h) {
        return d.clusterArn().equals(h.mi().clusterArn()) && d.capacityProviders().contains(h.mi().capacityProvider());
    }

    /** Steps 1 and 2 for one daemon. */
    private void place(Daemon d, List<Host> hosts) {
        for (Host h : hosts) {
            if (!covers(d, h) || !h.active()) {
                continue;
            }
            List<Task> live = DaemonCoverage.liveTasks(ctx.state(), h.ci().containerInstanceArn(), d);
            if (!live.isEmpty()) {
                continue;
            }
            Optional<Task> ended = ctx.state().tasksByContainerInstance.values(h.ci().containerInstanceArn()).stream()
                    .filter(t -> d.group().equals(t.group())).findFirst();
            if (ended.isPresent()) {
                drain(h, DrainCause.REPAIR, ctx.now().toEpochMilli() + settings.repairDeadline().toMillis(),
                        "Daemon task " + ended.get().taskArn() + " of daemon " + d.name() + " stopped: the container"
                                + " instance is drained and replaced");
            } else if (registeredMillis(h) >= d.createdAtMillis()) {
                start(d, h);
            }
        }
    }

    private static long registeredMillis(Host h) {
        Instant at = h.ci().registeredAt();
        return at == null ? 0 : at.toEpochMilli();
    }

    private void start(Daemon d, Host h) {
        Optional<TaskDefinition> td = DaemonCoverage.definition(ctx.state(), d);
        Optional<Cluster> cluster = ctx.state().clusters.get(d.clusterArn());
        if (td.isEmpty() || cluster.isEmpty()) {
            return;
        }
        Task t = factory.create(new TaskFactory.Spec(cluster.get(), td.get(), h.mi().capacityProvider(), null,
                d.group(), DaemonCoverage.startedBy(d.revisionArn()), null, List.of(), false, null));
        TaskRuntime rt = ctx.state().runtimes.get(t.taskArn()).orElseThrow();
        starter.start(t, rt, h.mi(), h.ec2());
    }

    /** Step 3: the tasks waiting on an instance whose daemon tasks are all RUNNING start. */
    private void release(Host h) {
        if (!DaemonCoverage.gateOpen(ctx.state(), h.mi())) {
            return;
        }
        for (TaskRuntime rt : ctx.state().runtimesByInstance.values(h.mi().instanceId())) {
            if (rt.phase() == Phase.WAIT_INSTANCE) {
                ManagedInstance mi = ctx.state().instances.get(h.mi().instanceId()).orElseThrow();
                ctx.state().tasks.get(rt.taskArn()).ifPresent(t -> starter.start(t, rt, mi, h.ec2()));
            }
        }
    }

    /** Step 5: a draining instance with nothing but daemon tasks left stops them. */
    private void stopDaemonsWhenAlone(Host h) {
        List<Task> daemonTasks = new ArrayList<>();
        for (Task t : ctx.state().tasksOnInstance(h.mi().instanceId())) {
            if (!DaemonDefinitions.isDaemonGroup(t.group())) {
                return;
            }
            daemonTasks.add(t);
        }
        for (Task t : daemonTasks) {
            lifecycle.requestStop(t, TaskStopCode.SERVICE_SCHEDULER_INITIATED, "Container instance "
                    + h.mi().instanceId() + " is draining and runs no other task");
        }
    }

    /** Step 4: one daemon's deployment. */
    private void deploy(Daemon d, List<Host> hosts) {
        DaemonDeployment dep = ctx.state().daemonDeployments.get(d.deploymentArn()).orElse(null);
        if (dep == null || (dep.status() != DaemonDeploymentStatus.PENDING
                && dep.status() != DaemonDeploymentStatus.IN_PROGRESS)) {
            return;
        }
        String target = DaemonCoverage.startedBy(d.revisionArn());
        List<Host> outdated = new ArrayList<>();
        int covered = 0;
        int draining = 0;
        for (Host h : hosts) {
            if (!covers(d, h)) {
                continue;
            }
            covered++;
            if (!h.active()) {
                draining += ctx.state().instanceLifecycle.get(h.mi().instanceId())
                        .filter(l -> DrainCause.DAEMON_DEPLOYMENT.name().equals(l.drainCause())).isPresent() ? 1 : 0;
                continue;
            }
            List<Task> live = DaemonCoverage.liveTasks(ctx.state(), h.ci().containerInstanceArn(), d);
            boolean old = d.active() ? (live.isEmpty() ? registeredMillis(h) < d.createdAtMillis()
                    : live.stream().noneMatch(t -> target.equals(t.startedBy()))) : !live.isEmpty();
            if (old) {
                outdated.add(h);
            }
        }
        Instant now = ctx.now();
        if (outdated.isEmpty() && draining == 0) {
            ctx.state().daemonDeployments.put(dep.daemonDeploymentArn(), dep.toBuilder()
                    .status(DaemonDeploymentStatus.SUCCESSFUL).startedAt(dep.startedAt() == null ? now
                            : dep.startedAt()).finishedAt(now).statusReason(d.active() ? "All instances run the"
                            + " target daemon revision." : "No instance runs the daemon's tasks.").build());
            if (!d.active()) {
                ctx.state().daemons.remove(d.daemonArn());
            }
            return;
        }
        if (dep.status() == DaemonDeploymentStatus.PENDING) {
            dep = dep.toBuilder().status(DaemonDeploymentStatus.IN_PROGRESS).startedAt(now).build();
            ctx.state().daemonDeployments.put(dep.daemonDeploymentArn(), dep);
        }
        if (draining > 0 || outdated.isEmpty() || now.toEpochMilli() < d.bakeUntilMillis()) {
            if (draining > 0 && !d.batchOpen()) {
                ctx.state().daemons.put(d.daemonArn(), d.batch(true, -1));
            }
            return;
        }
        if (d.batchOpen()) { // the previous batch is gone: bake before the next one
            long bake = bakeMinutes(dep) * 60_000L;
            ctx.state().daemons.put(d.daemonArn(), d.batch(false, now.toEpochMilli() + bake));
            if (bake > 0) {
                return;
            }
        }
        int batch = Math.max(1, (int) Math.floor(drainPercent(dep) / 100.0 * covered));
        for (int i = 0; i < Math.min(batch, outdated.size()); i++) {
            drain(outdated.get(i), DrainCause.DAEMON_DEPLOYMENT, now.toEpochMilli()
                    + settings.hardDrain().toMillis(), "Daemon deployment " + dep.daemonDeploymentArn()
                    + ": the instance is replaced by one running the daemon's target revision");
        }
        ctx.state().daemons.get(d.daemonArn()).ifPresent(x -> ctx.state().daemons.put(x.daemonArn(),
                x.batch(true, -1)));
    }

    private static double drainPercent(DaemonDeployment dep) {
        Double p = dep.deploymentConfiguration() == null ? null : dep.deploymentConfiguration().drainPercent();
        return p == null ? DEFAULT_DRAIN_PERCENT : p;
    }

    private static int bakeMinutes(DaemonDeployment dep) {
        Integer b = dep.deploymentConfiguration() == null ? null
                : dep.deploymentConfiguration().bakeTimeInMinutes();
        return b == null ? 0 : b;
    }

    private void drain(Host h, DrainCause cause, long deadline, String reason) {
        String id = h.mi().instanceId();
        InstanceLifecycleState l = ctx.state().instanceLifecycle.get(id).orElse(InstanceLifecycleState.of(id));
        ctx.state().instanceLifecycle.put(id, l.draining(ctx.now().toEpochMilli(), cause.name(), deadline));
        ContainerInstance ci = h.ci();
        ctx.state().containerInstances.put(ci.containerInstanceArn(), ci.toBuilder()
                .status(Statuses.INSTANCE_DRAINING).statusReason(reason).version(ci.version() + 1).build());
    }
}
