package io.stevedore.control.ec2;

import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.InstanceType;
import io.stevedore.cloud.Instance;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.Ec2Registration;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.control.state.PlacementRules;
import io.stevedore.control.tasks.DaemonPlacement;
import io.stevedore.control.tasks.TaskStarter;
import io.stevedore.placement.MemberOfFilter;
import io.stevedore.placement.PlacementConstraint;
import software.amazon.awssdk.services.ecs.model.Service;
import io.stevedore.ecs.Statuses;
import io.stevedore.placement.ClusterSnapshot;
import io.stevedore.placement.InstanceStatus;
import io.stevedore.placement.InstanceView;
import io.stevedore.placement.PlacementEngine;
import io.stevedore.placement.PlacementRequest;
import io.stevedore.placement.PlacementResult;
import io.stevedore.placement.PlacementValidationException;
import io.stevedore.placement.PlanState;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Places EC2 launch-type tasks on the container instances of users' EC2 instances ({@link Ec2Agents}) with the
 * placement engine ({@link PlacementEngine#standard()}): the request's constraints ({@code memberOf} on any attribute,
 * custom ones from PutAttributes included; {@code distinctInstance}) and strategies (binpack, spread, random) over
 * ACTIVE instances with a connected agent and room for the task's CPU, memory, GPUs, network interfaces and host ports.
 * A task that fits nowhere gets ECS's reason ({@code RESOURCE:CPU}, {@code RESOURCE:MEMORY}, {@code RESOURCE:PORTS},
 * …); a cluster without any EC2 container instance answers {@link #NO_INSTANCES}. A placed task starts at once, as
 * on a registered Managed Instance ({@link TaskStarter#start}).
 */
public final class Ec2Placement implements DaemonPlacement {
    /** ECS's RunTask failure when a cluster has no container instance for the launch type. */
    public static final String NO_INSTANCES = "No Container Instances were found in your cluster.";
    /** The ports the ECS agent reserves on every instance (SSH, Docker, the agent's own). */
    static final Set<Integer> RESERVED_PORTS = Set.of(22, 2375, 2376, 51678, 51679);

    private final Context ctx;
    private final TaskStarter starter;
    private final PlacementEngine engine = PlacementEngine.standard();

    public Ec2Placement(Context ctx, TaskStarter starter) {
        this.ctx = ctx;
        this.starter = starter;
    }

    /** Whether the task is one this class places (launch type EC2, no capacity provider). */
    public static boolean handles(Task t) {
        return t.capacityProviderName() == null && "EC2".equals(t.launchTypeAsString());
    }

    /** Where a task goes: a container instance, or why none fits. */
    public record Choice(String containerInstanceArn, String failure) {
    }

    /** Chooses a container instance of the task's cluster (nothing is written). */
    public Choice choose(Task t, TaskRuntime rt) {
        return choose(t, rt, null);
    }

    /**
     * Chooses among {@code only} (container instance ARNs; null: every one of the cluster), e.g. StartTask's one
     * instance: its placement constraints are then checked, strategies do not matter.
     */
    public Choice choose(Task t, TaskRuntime rt, Set<String> only) {
        TaskDefinition td = ctx.state().taskDefinitions.get(t.taskDefinitionArn()).orElse(null);
        if (td == null) {
            return new Choice(null, "MISSING");
        }
        TaskDemand demand = Ec2Demand.of(td, t.overrides());
        PlacementRequest request;
        try {
            request = new PlacementRequest(t.group() == null ? "" : t.group(), demand, Set.of(),
                    rt.placement().placementConstraints(td.placementConstraints()),
                    rt.placement().placementStrategies(), t.taskArn().hashCode());
        } catch (PlacementValidationException e) {
            return new Choice(null, e.getMessage());
        }
        boolean anyArchitecture = Ec2Demand.architecture(td).isEmpty();
        List<InstanceView> views = new ArrayList<>();
        for (Ec2Registration reg : ctx.state().ec2Registrations.values(r -> !r.deregistered()
                && r.clusterArn().equals(t.clusterArn())
                && (only == null || only.contains(r.containerInstanceArn())))) {
            view(reg, anyArchitecture ? demand.architecture() : null).ifPresent(views::add);
        }
        if (views.isEmpty()) {
            return new Choice(null, NO_INSTANCES);
        }
        PlanState plan = ClusterSnapshot.of(views).newPlan();
        PlacementResult result = engine.place(plan, request, 1);
        if (!result.placements().isEmpty()) {
            return new Choice(result.placements().get(0).containerInstanceId(), null);
        }
        return new Choice(null, result.failure().map(f -> f.ecsReason()).orElse("MISSING"));
    }

    /** Starts the task on the container instance (ENI attachment for awsvpc, else straight to the image pull). */
    public void assign(Task t, TaskRuntime rt, String containerInstanceArn) {
        Ec2Registration reg = ctx.state().ec2ByContainerInstance.values(containerInstanceArn).get(0);
        Instance ec2 = ctx.cloud().describe(reg.instanceId()).orElseThrow();
        // the starter's view of an instance; no capacity provider, no image cache kept for it
        ManagedInstance host = new ManagedInstance(ec2.id(), reg.clusterArn(), null, ec2.instanceType(),
                containerInstanceArn, -1, "");
        starter.start(t, rt, host, ec2);
    }

    /** Places a waiting task (the tick's placement stage); the failure reason when none fits. */
    public String place(Task t, TaskRuntime rt) {
        Choice c = choose(t, rt);
        if (c.containerInstanceArn() == null) {
            return c.failure();
        }
        assign(t, rt, c.containerInstanceArn());
        return null;
    }

    @Override
    public List<String> eligible(Service s, TaskDefinition td) {
        TaskDemand demand = Ec2Demand.of(td, null);
        List<PlacementConstraint> constraints;
        try {
            constraints = PlacementRules.of(s.placementConstraints(), List.of())
                    .placementConstraints(td.placementConstraints());
        } catch (PlacementValidationException e) {
            return List.of();
        }
        PlacementRequest request = new PlacementRequest("service:" + s.serviceName(), demand, Set.of(), constraints,
                List.of(), 0L);
        boolean anyArchitecture = Ec2Demand.architecture(td).isEmpty();
        List<InstanceView> views = new ArrayList<>();
        for (Ec2Registration reg : ctx.state().ec2Registrations.values(r -> !r.deregistered()
                && r.clusterArn().equals(s.clusterArn()))) {
            view(reg, anyArchitecture ? demand.architecture() : null).ifPresent(views::add);
        }
        ClusterSnapshot snapshot = ClusterSnapshot.of(views);
        PlanState plan = snapshot.newPlan();
        MemberOfFilter memberOf = new MemberOfFilter();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < snapshot.size(); i++) {
            InstanceView v = snapshot.instance(i);
            if (v.status() == InstanceStatus.ACTIVE && v.agentConnected()
                    && v.architecture() == demand.architecture() && memberOf.check(plan, i, request) == null) {
                out.add(v.containerInstanceId());
            }
        }
        return out;
    }

    @Override
    public Fit fits(Service s, TaskDefinition td, int wanted) {
        TaskDemand demand = Ec2Demand.of(td, null);
        PlacementRules rules = PlacementRules.of(s.placementConstraints(), s.placementStrategy());
        PlacementRequest request;
        try {
            request = new PlacementRequest("service:" + s.serviceName(), demand, Set.of(),
                    rules.placementConstraints(td.placementConstraints()), rules.placementStrategies(),
                    s.serviceArn().hashCode());
        } catch (PlacementValidationException e) {
            return new Fit(0, e.getMessage());
        }
        boolean anyArchitecture = Ec2Demand.architecture(td).isEmpty();
        List<InstanceView> views = new ArrayList<>();
        for (Ec2Registration reg : ctx.state().ec2Registrations.values(r -> !r.deregistered()
                && r.clusterArn().equals(s.clusterArn()))) {
            view(reg, anyArchitecture ? demand.architecture() : null).ifPresent(views::add);
        }
        if (views.isEmpty()) {
            return new Fit(0, NO_INSTANCES);
        }
        PlacementResult result = engine.place(ClusterSnapshot.of(views).newPlan(), request, wanted);
        int placed = result.placements().size();
        return new Fit(placed, placed >= wanted ? null : result.failure().map(f -> f.ecsReason()).orElse("MISSING"));
    }

    @Override
    public String placeOn(Task t, TaskRuntime rt, String containerInstanceArn) {
        Choice c = choose(t, rt, Set.of(containerInstanceArn));
        if (c.containerInstanceArn() == null) {
            return c.failure();
        }
        assign(t, rt, c.containerInstanceArn());
        return null;
    }

    /**
     * A registered instance as placement sees it now: its registered resources minus what its tasks that are not
     * STOPPED reserve. {@code architecture}: the one to show (a task that names none may run on any), or null for
     * the instance's own.
     */
    private Optional<InstanceView> view(Ec2Registration reg, Architecture architecture) {
        ContainerInstance ci = ctx.state().containerInstances.get(reg.containerInstanceArn()).orElse(null);
        Instance ec2 = ctx.cloud().describe(reg.instanceId()).orElse(null);
        if (ci == null || ec2 == null) {
            return Optional.empty();
        }
        InstanceType type = ctx.catalog().find(ec2.instanceType()).orElse(null);
        if (type == null) {
            return Optional.empty();
        }
        Resources registered = registered(ci, type);
        Resources used = Resources.ZERO;
        Set<Integer> ports = new HashSet<>(RESERVED_PORTS);
        Map<String, Integer> groups = new HashMap<>();
        Map<String, TaskDefinition> tds = new HashMap<>();
        for (Task x : ctx.state().tasksByContainerInstance.values(ci.containerInstanceArn())) {
            if (Statuses.isStopped(x.lastStatus())) {
                continue;
            }
            TaskDefinition td = tds.computeIfAbsent(x.taskDefinitionArn(), a -> ctx.state().definitionOf(a)
                    .orElse(null));
            if (td != null) {
                TaskDemand d = Ec2Demand.of(td, x.overrides());
                used = used.plus(d.resources());
                ports.addAll(d.hostPorts());
            }
            groups.merge(x.group() == null ? "" : x.group(), 1, Integer::sum);
        }
        Resources left = registered.minus(used);
        left = new Resources(Math.max(0, left.cpu()), Math.max(0, left.memoryMiB()), Math.max(0, left.gpus()),
                Math.max(0, left.enis()));
        Map<String, String> attrs = new TreeMap<>();
        for (Attribute a : ci.attributes()) {
            attrs.put(a.name(), a.value() == null ? "" : a.value());
        }
        InstanceStatus status;
        try {
            status = InstanceStatus.valueOf(ci.status());
        } catch (IllegalArgumentException | NullPointerException e) {
            status = InstanceStatus.INACTIVE;
        }
        Architecture arch = architecture != null ? architecture : type.architectures().iterator().next();
        return Optional.of(new InstanceView(ci.containerInstanceArn(), ec2.id(), type, arch, ec2.availabilityZone(),
                ec2.subnetId(), "", status, Boolean.TRUE.equals(ci.agentConnected()),
                ci.versionInfo() == null ? "" : ci.versionInfo().agentVersion(),
                ci.registeredAt() == null ? Instant.EPOCH : ci.registeredAt(), attrs, registered, left, ports,
                groups));
    }

    /** What the agent registered (CPU, memory), the type's GPUs, and its network interfaces but the primary one. */
    private static Resources registered(ContainerInstance ci, InstanceType type) {
        int cpu = 0;
        long memory = 0;
        for (Resource r : ci.registeredResources()) {
            if ("CPU".equals(r.name()) && r.integerValue() != null) {
                cpu = r.integerValue();
            } else if ("MEMORY".equals(r.name()) && r.integerValue() != null) {
                memory = r.integerValue();
            }
        }
        return new Resources(cpu, memory, type.gpus(), Math.max(0, type.maxNetworkInterfaces() - 1));
    }
}
