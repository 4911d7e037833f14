package io.stevedore.control.fleet;

import static io.stevedore.control.events.EventJson.q;

import io.stevedore.control.events.EventRing;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.ManagedInstance;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceHealthStatus;
import software.amazon.awssdk.services.ecs.model.InstanceHealthCheckResult;
import software.amazon.awssdk.services.ecs.model.InstanceHealthCheckState;

/**
 * An instance's health as ECS reports it on the container instance (IMPAIRED or OK, with the check's detail); the
 * lifecycle repairs an impaired instance (or reports it once when auto repair is disabled).
 */
final class InstanceHealth {
    private final Context ctx;
    private final EventRing events;

    InstanceHealth(Context ctx, EventRing events) {
        this.ctx = ctx;
        this.events = events;
    }

    /** Marks an instance IMPAIRED (or OK again) with a health check detail. */
    void set(String instanceId, boolean impaired, String checkType, String reason) {
        ManagedInstance mi = ctx.state().instances.get(instanceId).orElseThrow(() -> new IllegalArgumentException(
                "no managed instance " + instanceId));
        ContainerInstance ci = ctx.state().containerInstances.get(mi.containerInstanceArn()).orElseThrow(() ->
                new IllegalArgumentException("instance " + instanceId + " is not registered yet"));
        InstanceHealthCheckState state = impaired ? InstanceHealthCheckState.IMPAIRED : InstanceHealthCheckState.OK;
        String status = state.toString();
        ContainerInstanceHealthStatus h = ContainerInstanceHealthStatus.builder().overallStatus(state)
                .details(InstanceHealthCheckResult.builder().type(checkType).status(state).statusReason(reason)
                        .lastUpdated(ctx.now()).lastStatusChange(ctx.now()).build()).build();
        ctx.state().containerInstances.put(ci.containerInstanceArn(), ci.toBuilder().healthStatus(h)
                .version(ci.version() + 1).build());
        ctx.state().instanceLifecycle.get(instanceId).ifPresent(l -> ctx.state().instanceLifecycle.put(instanceId,
                l.reported(false)));
        events.add(ctx.now().toEpochMilli(), "ECS Container Instance Health Change",
                List.of(ci.containerInstanceArn()), "{\"containerInstanceArn\":" + q(ci.containerInstanceArn())
                        + ",\"ec2InstanceId\":" + q(instanceId) + ",\"overallStatus\":" + q(status) + ",\"type\":"
                        + q(checkType) + ",\"statusReason\":" + q(reason) + "}");
    }
}
