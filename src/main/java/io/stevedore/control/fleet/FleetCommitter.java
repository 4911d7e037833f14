package io.stevedore.control.fleet;

import static io.stevedore.control.events.EventJson.q;

import io.stevedore.control.events.EventRing;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.InstanceLifecycleState;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.control.tasks.TaskLifecycle;
import io.stevedore.ecs.Statuses;
import io.stevedore.lifecycle.Decision;
import io.stevedore.store.Table;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.InstanceHealthCheckState;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;

/**
 * Writes the lifecycle's decisions ({@link Decision}): a drain starts (DRAINING) or is called off (ACTIVE), an
 * instance retires (DEREGISTERING, terminated, INACTIVE), an impairment is reported; each with its lifecycle action
 * event. The one place that changes an instance's status for a lifecycle reason.
 */
final class FleetCommitter {
    private final Context ctx;
    private final TaskLifecycle tasks;
    private final EventRing events;
    private final Table<InstanceLifecycleState> life;

    FleetCommitter(Context ctx, TaskLifecycle tasks, EventRing events) {
        this.ctx = ctx;
        this.tasks = tasks;
        this.events = events;
        this.life = ctx.state().instanceLifecycle;
    }

    private long now() {
        return ctx.now().toEpochMilli();
    }

    void execute(Decision d) {
        ManagedInstance mi = ctx.state().instances.get(d.instanceId()).orElse(null);
        if (mi == null) {
            return;
        }
        ContainerInstance ci = ctx.state().containerInstances.get(mi.containerInstanceArn()).orElse(null);
        if (d instanceof Decision.StartDrain s) {
            InstanceLifecycleState l = life.get(mi.instanceId()).orElse(InstanceLifecycleState.of(mi.instanceId()));
            life.put(mi.instanceId(), l.draining(now(), s.cause().name(), s.deadlineMillis()));
            setStatus(ci, Statuses.INSTANCE_DRAINING, s.reason());
            action(mi, Statuses.INSTANCE_DRAINING, s.cause().name(), s.reason());
        } else if (d instanceof Decision.CancelDrain c) {
            life.get(mi.instanceId()).ifPresent(l -> life.put(mi.instanceId(), l.notDraining()));
            setStatus(ci, Statuses.INSTANCE_ACTIVE, null);
            action(mi, Statuses.INSTANCE_ACTIVE, "UNDERUTILIZED", c.reason());
        } else if (d instanceof Decision.Retire r) {
            if (r.force()) {
                for (Task t : ctx.state().tasksOnInstance(mi.instanceId())) {
                    tasks.hostGone(t, TaskStopCode.SERVICE_SCHEDULER_INITIATED, "Container instance "
                            + mi.instanceId() + " is being replaced: " + r.reason());
                }
            }
            retire(mi, r.reason(), true);
        } else if (d instanceof Decision.Report rep) {
            InstanceLifecycleState l = life.get(mi.instanceId()).orElse(InstanceLifecycleState.of(mi.instanceId()));
            if (!l.impairedReported()) {
                life.put(mi.instanceId(), l.reported(true));
                action(mi, "REPORTED", InstanceHealthCheckState.IMPAIRED.toString(), rep.reason());
            }
        }
    }

    private void setStatus(ContainerInstance ci, String status, String reason) {
        if (ci != null) {
            ctx.state().containerInstances.put(ci.containerInstanceArn(), ci.toBuilder().status(status)
                    .statusReason(reason).version(ci.version() + 1).build());
        }
    }

    /** DEREGISTERING → terminated → INACTIVE, in one step of the control plane. */
    void retire(ManagedInstance mi, String reason, boolean announce) {
        ContainerInstance ci = ctx.state().containerInstances.get(mi.containerInstanceArn()).orElse(null);
        if (announce) {
            action(mi, Statuses.INSTANCE_DEREGISTERING, "", reason);
        }
        if (ci != null) {
            ctx.state().containerInstances.put(ci.containerInstanceArn(), ci.toBuilder()
                    .status(Statuses.INSTANCE_INACTIVE)
                    .agentConnected(false).statusReason(reason).version(ci.version() + 1).build());
        }
        ctx.cloud().terminate(mi.instanceId());
        ctx.state().instances.remove(mi.instanceId());
        life.remove(mi.instanceId());
    }

    /** A lifecycle action event ({@code Stevedore Instance Lifecycle Action}, ours: ECS has no such event). */
    private void action(ManagedInstance mi, String action, String cause, String reason) {
        String detail = "{\"ec2InstanceId\":" + q(mi.instanceId()) + ",\"containerInstanceArn\":"
                + q(mi.containerInstanceArn()) + ",\"clusterArn\":" + q(mi.clusterArn()) + ",\"capacityProviderName\":"
                + q(mi.capacityProvider()) + ",\"action\":" + q(action) + ",\"cause\":" + q(cause) + ",\"reason\":"
                + q(reason) + "}";
        events.add(now(), "Stevedore Instance Lifecycle Action", List.of(mi.containerInstanceArn()), detail);
    }
}
