package io.stevedore.control;

import io.stevedore.control.agents.ExternalPlacement;
import io.stevedore.control.ec2.Ec2Placement;
import io.stevedore.control.fleet.InstanceQuota;
import io.stevedore.control.fleet.Launcher;
import io.stevedore.control.scheduling.Scheduler;
import io.stevedore.control.scheduling.SchedulerView;
import io.stevedore.control.scheduling.Scheduling;
import io.stevedore.control.scheduling.SchedulingInputs;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.DaemonCoverage;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.control.state.TaskRuntime.Phase;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.control.tasks.ServiceController;
import io.stevedore.control.tasks.TaskLifecycle;
import io.stevedore.control.tasks.TaskStarter;
import io.stevedore.ecs.ServiceQuota;
import io.stevedore.ecs.Statuses;
import io.stevedore.placement.PlacementValidationException;
import io.stevedore.placement.TaskDemand;
import io.stevedore.wire.AwsException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStatus;
import software.amazon.awssdk.services.ecs.model.CapacityProviderType;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;

/**
 * The scheduling stage: Fargate and launch-type tasks start on their own; every task waiting for a Managed
 * Instances provider is collected per cluster and handed to the {@link Scheduler} in one batch, whose
 * {@link Scheduling.Decisions} — placements, launches, tasks no capacity can run — are committed here and only
 * here.
 */
final class PlaceTasks {
    private final Context ctx;
    private final SchedulingInputs inputs;
    private final SchedulerView view;
    private final Scheduler scheduler;
    private final TaskStarter starter;
    private final Launcher launcher;
    private final TaskLifecycle lifecycle;
    private final ServiceController services;
    private final ExternalPlacement external;
    private final Ec2Placement ec2;

    PlaceTasks(Context ctx, SchedulingInputs inputs, SchedulerView view, Scheduler scheduler, TaskStarter starter,
               Launcher launcher, TaskLifecycle lifecycle, ServiceController services, ExternalPlacement external,
               Ec2Placement ec2) {
        this.external = external;
        this.ec2 = ec2;
        this.ctx = ctx;
        this.inputs = inputs;
        this.view = view;
        this.scheduler = scheduler;
        this.starter = starter;
        this.launcher = launcher;
        this.lifecycle = lifecycle;
        this.services = services;
    }

    /** A waiting Managed Instances task and its runtime. */
    private record Waiting(Task task, TaskRuntime runtime) {
    }

    void run() {
        inputs.newTick();
        List<Waiting> waiting = new ArrayList<>();
        for (TaskRuntime rt : ctx.state().unplacedRuntimes.values(Boolean.TRUE)) {
            ctx.state().tasks.get(rt.taskArn()).filter(t -> Statuses.isRunning(t.desiredStatus()))
                    .ifPresent(t -> waiting.add(new Waiting(t, rt)));
        }
        waiting.sort(Comparator.comparing((Waiting w) -> w.task().createdAt(),
                Comparator.nullsLast(Comparator.naturalOrder())).thenComparing(w -> w.task().taskArn()));
        Map<String, List<Waiting>> byCluster = new TreeMap<>();
        for (Waiting w : waiting) {
            Task t = w.task();
            TaskRuntime rt = w.runtime();
            String providerName = t.capacityProviderName();
            if (ExternalPlacement.handles(t)) {
                String refused = external.place(t, rt);
                if (refused != null) {
                    unplaced(t, refused);
                }
                continue;
            }
            if (Ec2Placement.handles(t)) { // EC2 launch type: users' EC2 container instances
                String refused = ec2.place(t, rt);
                if (refused != null) {
                    unplaced(t, refused);
                }
                continue;
            }
            if (providerName == null && t.launchType() != LaunchType.FARGATE) {
                continue;
            }
            if (providerName == null || providerName.startsWith(CapacityProviderType.FARGATE.toString())) {
                starter.startServerless(t, rt);
                continue;
            }
            CapacityProvider p = ctx.state().capacityProviders.get(providerName).orElse(null);
            if (p == null || p.managedInstancesProvider() == null || p.status() != CapacityProviderStatus.ACTIVE) {
                lifecycle.requestStop(t, TaskStopCode.TASK_FAILED_TO_START, "Capacity provider " + providerName
                        + " is not ACTIVE");
                continue;
            }
            byCluster.computeIfAbsent(t.clusterArn(), c -> new ArrayList<>()).add(w);
        }
        byCluster.forEach(this::schedule);
    }

    private void schedule(String clusterArn, List<Waiting> waiting) {
        Map<String, Scheduling.ProviderCapacity> providers = new TreeMap<>();
        Map<String, Waiting> byArn = new HashMap<>();
        List<Scheduling.PendingTask> pending = new ArrayList<>();
        for (Waiting w : waiting) {
            Task t = w.task();
            Scheduling.ProviderCapacity p = providers.computeIfAbsent(t.capacityProviderName(),
                    n -> inputs.provider(ctx.state().capacityProviders.get(n).orElseThrow()));
            TaskDefinition td = ctx.state().taskDefinitions.get(t.taskDefinitionArn()).orElse(null);
            if (td == null) {
                continue;
            }
            try {
                Optional<TaskDemand> demand = inputs.demand(t);
                if (demand.isEmpty()) {
                    continue;
                }
                pending.add(new Scheduling.PendingTask(t.taskArn(), t.group() == null ? "" : t.group(),
                        demand.get(), p.name(), inputs.constraints(w.runtime().placement(), td.placementConstraints()),
                        inputs.strategies(w.runtime().placement()), inputs.zones(p, w.runtime())));
            } catch (AwsException | PlacementValidationException e) {
                unplaced(t, e.getMessage());
                continue;
            }
            byArn.put(t.taskArn(), w);
        }
        if (pending.isEmpty()) {
            return;
        }
        Scheduling.Decisions d = scheduler.schedule(view.snapshot(clusterArn), providers, pending);
        for (Scheduling.Placement pl : d.placements()) {
            Waiting w = byArn.get(pl.taskArn());
            assign(w.task(), w.runtime(), ctx.state().instances.get(pl.ec2InstanceId()).orElseThrow());
        }
        // the container-instances-per-cluster quota: launches beyond it do not happen, their tasks wait
        int room = d.launches().isEmpty() ? 0 : InstanceQuota.room(ctx, clusterArn);
        for (Scheduling.Launch l : d.launches()) {
            if (room <= 0) {
                String reason = "the cluster has reached its quota of " + ctx.config().quotas()
                        .get(ServiceQuota.CONTAINER_INSTANCES_PER_CLUSTER) + " container instances";
                l.taskArns().stream().map(a -> byArn.get(a).task())
                        .filter(t -> t.group() != null && t.group().startsWith("service:"))
                        .forEach(t -> services.unableToPlace(t, reason));
                continue;
            }
            Optional<ManagedInstance> launched = launcher.launch(clusterArn, l);
            if (launched.isPresent()) {
                room--;
                l.taskArns().forEach(a -> assign(byArn.get(a).task(), byArn.get(a).runtime(), launched.get()));
            }
        }
        for (Scheduling.Unplaced u : d.unplaced()) {
            unplaced(byArn.get(u.taskArn()).task(), u.reason());
        }
    }

    /**
     * Puts a task on an instance: it starts at once on a registered one, or waits for a booting one, or for the
     * daemon tasks of a registered one to be RUNNING (the daemon stage then starts it).
     */
    private void assign(Task t, TaskRuntime rt, ManagedInstance mi) {
        TaskRuntime placed = rt.placed(mi.instanceId(), !mi.hasImage(rt.image()));
        if (mi.containerInstanceArn() == null || !DaemonCoverage.gateOpen(ctx.state(), mi)) {
            ctx.state().runtimes.put(rt.taskArn(), placed.to(Phase.WAIT_INSTANCE, 0));
        } else {
            ctx.state().instances.put(mi.instanceId(), mi.idleSince(-1));
            starter.start(t, placed, mi, ctx.cloud().describe(mi.instanceId()).orElseThrow());
        }
    }

    /**
     * No capacity can run the task. A standalone task stops with the reason (TaskFailedToStart); a service's task
     * keeps waiting in PROVISIONING (it is placed as soon as capacity allows, e.g. after the provider's requirements
     * change) and the service gets an event with the reason, as ECS reports unplaceable service tasks.
     */
    private void unplaced(Task t, String reason) {
        if (t.group() != null && t.group().startsWith("service:")) {
            services.unableToPlace(t, reason); // the service event adds its own full stop
        } else {
            lifecycle.requestStop(t, TaskStopCode.TASK_FAILED_TO_START, "Unable to place the task: "
                    + (reason.endsWith(".") ? reason.substring(0, reason.length() - 1) : reason));
        }
    }
}
