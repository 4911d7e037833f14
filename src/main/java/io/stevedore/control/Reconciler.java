package io.stevedore.control;

import io.stevedore.control.daemons.DaemonController;
import io.stevedore.control.ec2.Ec2Agents;
import io.stevedore.control.ec2.Ec2Placement;
import io.stevedore.control.agents.Agents;
import io.stevedore.control.agents.ExternalPlacement;
import io.stevedore.control.events.EventRing;
import io.stevedore.control.fleet.FleetLifecycle;
import io.stevedore.control.fleet.Launcher;
import io.stevedore.control.fleet.RegisterBootedInstances;
import io.stevedore.control.scaling.MetricStore;
import io.stevedore.control.scaling.ServiceAutoScaling;
import io.stevedore.control.scheduling.CapacityOfferings;
import io.stevedore.control.scheduling.Scheduler;
import io.stevedore.control.scheduling.SchedulerView;
import io.stevedore.control.scheduling.SchedulingInputs;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.Timings;
import io.stevedore.control.tasks.PurgeStoppedTasks;
import io.stevedore.control.tasks.ServiceController;
import io.stevedore.control.tasks.TaskFactory;
import io.stevedore.control.tasks.TaskLifecycle;
import io.stevedore.control.tasks.TaskStarter;
import io.stevedore.lifecycle.LifecycleSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;

/**
 * The control loop. {@link #tick()} runs the stages below in order, in one transaction; the server calls it on the
 * wall clock, the simulator on a virtual clock, and it reads time only from the injected clock. docs/architecture.md
 * follows a task and an instance through these stages.
 */
public final class Reconciler {
    /** How many state-change events the ring keeps (docs/lifecycle.md). */
    public static final int EVENT_RING_SIZE = 10_000;

    /** One named stage of the tick. */
    public record Stage(String name, Runnable step) {
    }

    private final Context ctx;
    private final Timings timings;
    private final TaskFactory factory;
    private final TaskLifecycle lifecycle;
    private final EventRing events = new EventRing(EVENT_RING_SIZE);
    private final FleetLifecycle fleet;
    private final ServiceAutoScaling autoScaling;
    private final ServiceController services;
    private final Agents agents;
    private final ExternalPlacement external;
    private final RegisterBootedInstances booted;
    private final Ec2Agents ec2Agents;
    private final Ec2Placement ec2Placement;
    private final SchedulerView view;
    static final String AUTO_SCALING_STAGE = "service auto scaling";
    /** Replaced, never changed, by {@link #wrapStages} (volatile: a benchmark may wrap them from its own thread). */
    private volatile List<Stage> stages;

    public Reconciler(Context ctx, Timings timings) {
        this(ctx, timings, CapacityOfferings.lazy(ctx.catalog()));
    }

    /** {@code offerings}: what capacity providers may launch (shared with the API's validation). */
    public Reconciler(Context ctx, Timings timings, Supplier<CapacityOfferings> offerings) {
        this.ctx = ctx;
        this.timings = timings;
        this.factory = new TaskFactory(ctx, timings);
        this.lifecycle = new TaskLifecycle(ctx, timings);
        this.services = new ServiceController(ctx, factory, lifecycle);
        SchedulingInputs inputs = new SchedulingInputs(ctx, offerings);
        this.view = new SchedulerView(ctx, inputs);
        LifecycleSettings d = LifecycleSettings.defaults();
        this.fleet = new FleetLifecycle(ctx, lifecycle, inputs, new LifecycleSettings(d.drainAfter(),
                d.maxLifetime(), d.hardDrain(), d.lifetimeGrace(), timings.defaultScaleInAfter(), d.repairDeadline(),
                d.compactionTimeout(), d.budgetPercent(), d.spotNotice(), d.backoffBase(), d.backoffMax()), events);
        TaskStarter starter = new TaskStarter(ctx, timings);
        this.agents = new Agents(ctx);
        this.booted = new RegisterBootedInstances(ctx, starter, agents);
        this.external = new ExternalPlacement(ctx, starter);
        this.ec2Agents = new Ec2Agents(ctx, lifecycle);
        this.ec2Placement = new Ec2Placement(ctx, starter);
        services.daemonPlacement(ec2Placement); // DAEMON and EC2 REPLICA services: users' EC2 container instances
        PlaceTasks placement = new PlaceTasks(ctx, inputs, view, new Scheduler(), starter,
                new Launcher(ctx, fleet.backoffs()), lifecycle, services, external, ec2Placement);
        PurgeStoppedTasks purge = new PurgeStoppedTasks(ctx);
        DaemonController daemons = new DaemonController(ctx, factory, starter, lifecycle, d);
        this.autoScaling = new ServiceAutoScaling(ctx, new MetricStore(ctx.config().speed()));
        this.stages = List.of(
                new Stage("register booted instances", () -> {
                    booted.run();
                    agents.watch(); // and the agents of agent-backed instances: heartbeats, lost agents
                    ec2Agents.run(); // and the emulated ECS agents of users' EC2 instances (launch type EC2)
                }),
                new Stage(AUTO_SCALING_STAGE, autoScaling::run),
                new Stage("service scheduler", services::reconcile),
                new Stage("advance tasks", lifecycle::advanceAll),
                new Stage("daemon tasks", daemons::run),
                new Stage("place waiting tasks", placement::run),
                new Stage("advance placed tasks", lifecycle::advanceAll),
                new Stage("fleet lifecycle", fleet::tick),
                new Stage("purge stopped tasks", purge::run));
    }

    /** Placement's view of the clusters (tests compare its kept snapshots with ones built from nothing). */
    public SchedulerView schedulerView() {
        return view;
    }

    /** The stages of a tick, in order. */
    public List<Stage> stages() {
        return stages;
    }

    /**
     * Runs each stage's step through {@code wrap} from now on: {@code wrap} gets the stage's name and step and returns
     * the step to run in its place, which must run the one it was given once (a benchmark times the stages this way;
     * the control plane itself reads no wall clock). The stages keep their names and order.
     */
    public void wrapStages(BiFunction<String, Runnable, Runnable> wrap) {
        List<Stage> wrapped = new ArrayList<>(stages.size());
        for (Stage s : stages) {
            wrapped.add(new Stage(s.name(), Objects.requireNonNull(wrap.apply(s.name(), s.step()))));
        }
        stages = List.copyOf(wrapped);
    }

    public void tick() {
        ctx.state().db.run(() -> {
            for (Stage s : stages) {
                s.step().run();
            }
        });
    }

    /** The state-change event ring (admin API {@code GET /_stevedore/events}). */
    public EventRing events() {
        return events;
    }

    /** The fleet lifecycle (fault injection, maintenance windows). */
    public FleetLifecycle lifecycle() {
        return fleet;
    }

    public Timings timings() {
        return timings;
    }

    public TaskFactory tasks() {
        return factory;
    }

    /** When the control plane next has work no task or instance event announces (see {@link FleetLifecycle}). */
    public long nextCheckMillis() {
        return Math.min(Math.min(fleet.nextCheckMillis(), autoScaling.nextCheckMillis()), services.nextCheckMillis());
    }

    /** When the fleet lifecycle next has work no task or instance event announces (Service Auto Scaling aside). */
    public long nextFleetCheckMillis() {
        return fleet.nextCheckMillis();
    }

    /**
     * When the fleet lifecycle next evaluates consolidation by replacement because an instance becomes a candidate
     * (part of {@link #nextFleetCheckMillis()}); task and instance changes trigger an evaluation anyway.
     */
    public long nextConsolidationMillis() {
        return fleet.nextConsolidationMillis();
    }

    /** When Service Auto Scaling next has work: a minute boundary while anything scales, a scheduled action. */
    public long nextAutoScalingMillis() {
        return autoScaling.nextCheckMillis();
    }

    /**
     * A tick at a time when only Service Auto Scaling has work (a simulation's minute boundary with nothing else
     * due): the stages up to and including the scaling stage, and the rest only when it set a desired count, in one
     * transaction. The stages it skips have nothing due then, so this is the tick they would have made, without
     * visiting the whole plane every simulated minute.
     */
    public void tickAutoScaling() {
        ctx.state().db.run(() -> {
            long before = autoScaling.changes();
            boolean scaled = false;
            for (Stage s : stages) {
                if (scaled && autoScaling.changes() == before) {
                    return;
                }
                s.step().run();
                scaled |= s.name().equals(AUTO_SCALING_STAGE);
            }
        });
    }

    /** Service Auto Scaling (its metric store serves CloudWatch's API). */
    public ServiceAutoScaling autoScaling() {
        return autoScaling;
    }

    /** The service scheduler (its tests check the services it knows quiet). */
    public ServiceController services() {
        return services;
    }

    /** The task lifecycle (its tests check the builders it keeps). */
    public TaskLifecycle taskLifecycle() {
        return lifecycle;
    }

    /** The agents of agent-backed container instances (docs/execution.md). */
    public Agents agents() {
        return agents;
    }

    /** The emulated ECS agents of users' EC2 instances (launch type EC2). */
    public Ec2Agents ec2Agents() {
        return ec2Agents;
    }

    /** Placement of EC2 launch-type tasks on users' EC2 instances (RunTask and StartTask place them at once). */
    public Ec2Placement ec2Placement() {
        return ec2Placement;
    }

    /** Placement of EXTERNAL launch-type tasks (RunTask places them at once, as ECS does). */
    public ExternalPlacement external() {
        return external;
    }

    /**
     * Registers the booted instances the cloud reports running now (the tick's first stage): an agent attaching to
     * an instance the plane has not registered yet registers it first.
     */
    public void registerBootedInstances() {
        booted.run();
    }

    /** Requests a task stop (StopTask, the service scheduler, draining). */
    public void stopTask(Task t, TaskStopCode stopCode, String reason) {
        lifecycle.requestStop(t, stopCode, reason);
    }
}
