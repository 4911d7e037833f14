package io.stevedore.control.agents;

import io.stevedore.control.state.AgentInstance;
import io.stevedore.control.state.ContainerInstances;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.control.tasks.TaskStarter;
import io.stevedore.ecs.LaunchTypeDemand;
import io.stevedore.ecs.Statuses;
import io.stevedore.placement.PlacementConstraint;
import io.stevedore.placement.PlacementValidationException;
import io.stevedore.placement.Resources;
import io.stevedore.placement.query.QueryTarget;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Places EXTERNAL launch-type tasks on the container instances agents registered without an identity document, as
 * ECS places tasks on container instances: only ACTIVE instances whose agent is connected, with the CPU and memory
 * left, none of the task's host ports bound, and every {@code memberOf} / {@code distinctInstance} constraint met;
 * among those the one with the least memory left (binpack on memory). A task that fits nowhere gets ECS's failure
 * reason (RESOURCE:CPU, RESOURCE:MEMORY, RESOURCE:PORTS, MemberOf, AGENT).
 */
public final class ExternalPlacement {
    /** ECS's RunTask failure when a cluster has no container instance for the launch type. */
    public static final String NO_INSTANCES = "No Container Instances were found in your cluster.";

    private final Context ctx;
    private final TaskStarter starter;

    public ExternalPlacement(Context ctx, TaskStarter starter) {
        this.ctx = ctx;
        this.starter = starter;
    }

    /** Where a task goes: an instance, or why none fits. */
    public record Choice(AgentInstance instance, String failure) {
    }

    /** Whether the task is one this class places (launch type EXTERNAL). */
    public static boolean handles(Task t) {
        return t.capacityProviderName() == null && "EXTERNAL".equals(t.launchTypeAsString());
    }

    /** Chooses an instance for the task (nothing is written). */
    public Choice choose(Task t, TaskRuntime rt) {
        TaskDefinition td = ctx.state().taskDefinitions.get(t.taskDefinitionArn()).orElse(null);
        if (td == null) {
            return new Choice(null, "MISSING");
        }
        LaunchTypeDemand demand = LaunchTypeDemand.of(td, t.overrides());
        List<PlacementConstraint> constraints;
        try {
            constraints = rt.placement().placementConstraints(td.placementConstraints());
        } catch (PlacementValidationException e) {
            return new Choice(null, e.getMessage());
        }
        String failure = NO_INSTANCES;
        AgentInstance best = null;
        long bestMemory = Long.MAX_VALUE;
        for (AgentInstance ai : ctx.state().agents.values(a -> a.external() && a.clusterArn().equals(t.clusterArn()))) {
            ContainerInstance ci = ctx.state().containerInstances.get(ai.containerInstanceArn()).orElse(null);
            if (ci == null || !Statuses.INSTANCE_ACTIVE.equals(ci.status())) {
                continue;
            }
            if (!Boolean.TRUE.equals(ci.agentConnected())) {
                failure = "AGENT";
                continue;
            }
            ContainerInstances.Reserved held = ContainerInstances.reserved(ctx.state(), ci.containerInstanceArn());
            Resources left = ContainerInstances.registered(ci).minus(held.resources());
            if (left.cpu() < demand.cpu()) {
                failure = "RESOURCE:CPU";
                continue;
            }
            if (left.memoryMiB() < demand.memoryMiB()) {
                failure = "RESOURCE:MEMORY";
                continue;
            }
            Set<Integer> bound = new HashSet<>(held.hostPorts());
            bound.addAll(reservedPorts(ci));
            if (demand.hostPorts().stream().anyMatch(bound::contains)) {
                failure = "RESOURCE:PORTS";
                continue;
            }
            String refused = constraintRefusal(constraints, ci, t);
            if (refused != null) {
                failure = refused;
                continue;
            }
            if (left.memoryMiB() < bestMemory) {
                best = ai;
                bestMemory = left.memoryMiB();
            }
        }
        return best != null ? new Choice(best, null) : new Choice(null, failure);
    }

    /** Places the task on {@code ai} and hands it to its agent. */
    public void assign(Task t, TaskRuntime rt, AgentInstance ai) {
        starter.startOnAgent(t, rt.placed(ai.instanceId(), true), ai.containerInstanceArn(), null, null);
    }

    /** Places a waiting task (the tick's placement stage); the failure reason when none fits. */
    public String place(Task t, TaskRuntime rt) {
        Choice c = choose(t, rt);
        if (c.instance() == null) {
            return c.failure();
        }
        assign(t, rt, c.instance());
        return null;
    }

    private static Set<Integer> reservedPorts(ContainerInstance ci) {
        Set<Integer> out = new TreeSet<>();
        for (Resource r : ci.registeredResources()) {
            if ("PORTS".equals(r.name())) {
                for (String p : r.stringSetValue()) {
                    try {
                        out.add(Integer.parseInt(p.trim()));
                    } catch (NumberFormatException e) {
                        // not a port: nothing reserved
                    }
                }
            }
        }
        return out;
    }

    private String constraintRefusal(List<PlacementConstraint> constraints, ContainerInstance ci, Task t) {
        Target target = null;
        for (PlacementConstraint c : constraints) {
            if (c instanceof PlacementConstraint.MemberOf m) {
                target = target == null ? new Target(ci) : target;
                if (!m.expression().matches(target)) {
                    return "MemberOf placement constraint unsatisfied.";
                }
            } else if (c instanceof PlacementConstraint.DistinctInstance && t.group() != null
                    && !ctx.state().tasksByContainerInstance.values(ci.containerInstanceArn(), x ->
                    t.group().equals(x.group()) && !Statuses.isStopped(x.lastStatus())).isEmpty()) {
                return "DistinctInstance placement constraint unsatisfied.";
            }
        }
        return null;
    }

    /** A container instance as the cluster query language sees it. */
    private final class Target implements QueryTarget {
        private final ContainerInstance ci;

        Target(ContainerInstance ci) {
            this.ci = ci;
        }

        @Override
        public String attribute(String name) {
            for (Attribute a : ci.attributes()) {
                if (a.name().equals(name)) {
                    return a.value() == null ? "" : a.value();
                }
            }
            return null;
        }

        @Override
        public String ec2InstanceId() {
            return ci.ec2InstanceId();
        }

        @Override
        public Instant registeredAt() {
            return ci.registeredAt();
        }

        @Override
        public int runningTasksCount() {
            return ContainerInstances.reserved(ctx.state(), ci.containerInstanceArn()).running();
        }

        @Override
        public boolean hasTaskGroup(String group) {
            return taskGroups().contains(group);
        }

        @Override
        public Set<String> taskGroups() {
            Set<String> out = new TreeSet<>();
            for (Task x : ctx.state().tasksByContainerInstance.values(ci.containerInstanceArn())) {
                if (x.group() != null && !Statuses.isStopped(x.lastStatus())) {
                    out.add(x.group());
                }
            }
            return out;
        }

        @Override
        public boolean agentConnected() {
            return Boolean.TRUE.equals(ci.agentConnected());
        }

        @Override
        public String agentVersion() {
            return ci.versionInfo() == null ? "" : ci.versionInfo().agentVersion();
        }
    }
}
