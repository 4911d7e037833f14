package io.stevedore.control.state;

import java.util.Objects;

/**
 * A container instance whose tasks a real agent runs (docs/execution.md): the tasks placed on it move with the
 * agent's state changes, not on timers. Either a Managed Instance an agent attached to by its instance identity
 * document, or an EXTERNAL instance (ECS Anywhere style) the agent registered without one.
 *
 * @param containerInstanceArn the container instance (the row's key)
 * @param clusterArn           its cluster
 * @param instanceId           the EC2 instance id of a managed instance, or the {@code mi-} id of an external one
 *                             (what task runtimes record as their instance)
 * @param external             registered without an identity document (launch type EXTERNAL)
 * @param lastPollMillis       when the agent last polled (its heartbeat), epoch ms on the plane's clock
 * @param connected            whether the container instance shows {@code agentConnected: true}
 * @param lost                 its tasks were handled as lost after the grace (until the agent polls again)
 */
public record AgentInstance(String containerInstanceArn, String clusterArn, String instanceId, boolean external,
                            long lastPollMillis, boolean connected, boolean lost) {
    public AgentInstance {
        Objects.requireNonNull(containerInstanceArn, "containerInstanceArn");
        Objects.requireNonNull(clusterArn, "clusterArn");
        Objects.requireNonNull(instanceId, "instanceId");
    }

    /** The same instance after a poll at {@code millis}: connected, not lost. */
    public AgentInstance polled(long millis) {
        return new AgentInstance(containerInstanceArn, clusterArn, instanceId, external, millis, true, false);
    }

    /** The same instance with {@code agentConnected} false. */
    public AgentInstance disconnected() {
        return new AgentInstance(containerInstanceArn, clusterArn, instanceId, external, lastPollMillis, false, lost);
    }

    /** The same instance once its tasks were handled as lost. */
    public AgentInstance lostHandled() {
        return new AgentInstance(containerInstanceArn, clusterArn, instanceId, external, lastPollMillis, false, true);
    }

    /** Whether an agent drives the tasks placed on {@code instanceId} (an EC2 or {@code mi-} id). */
    public static boolean drives(EcsState state, String instanceId) {
        return instanceId != null && !state.agentsByInstance.ids(instanceId).isEmpty();
    }
}
