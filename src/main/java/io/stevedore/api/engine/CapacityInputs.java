package io.stevedore.api.engine;

import io.stevedore.api.CapacityOfferings;
import io.stevedore.api.Context;
import io.stevedore.api.engine.CapacityEngine.ProviderCapacity;
import io.stevedore.api.engine.TaskRuntime.Phase;
import io.stevedore.api.wire.AwsException;
import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.InstanceType;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.catalog.Selection;
import io.stevedore.cloud.Instance;
import io.stevedore.placement.ClusterSnapshot;
import io.stevedore.placement.InstanceReservation;
import io.stevedore.placement.InstanceStatus;
import io.stevedore.placement.InstanceView;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.Zone;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.InstanceLaunchTemplate;
import software.amazon.awssdk.services.ecs.model.InstanceRequirementsRequest;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Reads the engine's inputs from the control plane state, once per tick and cluster: the {@link ClusterSnapshot}
 * (registered instances with their live usage, plus instances still booting with what is already planned onto them,
 * so capacity launched in an earlier tick is reserved, not launched again) and each provider's priced offerings
 * (selected once per requirements and capacity option, then cached).
 */
final class CapacityInputs {
    static final String LAUNCHING_PREFIX = "~launching/";
    private static final int MAX_CACHED_SELECTIONS = 64;

    private final Context ctx;
    private final Map<String, TaskDemand> demandByDefinition = new HashMap<>();
    private final Map<List<Object>, Selection> selections = new HashMap<>();
    private final Supplier<CapacityOfferings> offerings;

    CapacityInputs(Context ctx, Supplier<CapacityOfferings> offerings) {
        this.ctx = ctx;
        this.offerings = offerings;
    }

    /**
     * The demand of a task (cached per task definition when there are no overrides); empty when its definition is
     * gone.
     *
     * @throws AwsException when the definition cannot run on an instance (the reason to report)
     */
    Optional<TaskDemand> demand(Task t) {
        boolean plain = t.overrides() == null || t.overrides().equals(software.amazon.awssdk.services.ecs.model
                .TaskOverride.builder().build());
        if (plain && demandByDefinition.containsKey(t.taskDefinitionArn())) {
            return Optional.of(demandByDefinition.get(t.taskDefinitionArn()));
        }
        Optional<TaskDefinition> td = ctx.state().taskDefinitions.get(t.taskDefinitionArn());
        if (td.isEmpty()) {
            return Optional.empty();
        }
        TaskDemand d = Demands.of(td.get(), t.overrides());
        if (plain) {
            demandByDefinition.put(t.taskDefinitionArn(), d);
        }
        return Optional.of(d);
    }

    /** Forgets per-tick caches (demands); the offering selections stay. */
    void newTick() {
        demandByDefinition.clear();
    }

    private record Usage(Resources used, Set<Integer> ports, Map<String, Integer> groups) {
    }

    /** Every managed instance of the cluster as placement sees it now. */
    ClusterSnapshot snapshot(String clusterArn) {
        List<ManagedInstance> mis = ctx.state().instances.values(m -> m.clusterArn().equals(clusterArn));
        Map<String, Usage> usage = new HashMap<>();
        List<TaskRuntime> placed = new ArrayList<>();
        mis.forEach(m -> placed.addAll(ctx.state().runtimesByInstance.values(m.instanceId())));
        for (TaskRuntime rt : placed) {
            Task t = ctx.state().tasks.get(rt.taskArn()).orElse(null);
            Optional<TaskDemand> d;
            try {
                d = t == null ? Optional.empty() : demand(t);
            } catch (AwsException e) {
                d = Optional.empty(); // placed before its definition became unplaceable: nothing to count
            }
            if (d.isEmpty()) {
                continue;
            }
            Usage u = usage.computeIfAbsent(rt.instanceId(), k -> new Usage(Resources.ZERO, new HashSet<>(),
                    new HashMap<>()));
            u.ports.addAll(d.get().hostPorts());
            u.groups.merge(t.group() == null ? "" : t.group(), 1, Integer::sum);
            usage.put(rt.instanceId(), new Usage(u.used.plus(d.get().resources()), u.ports, u.groups));
        }
        List<InstanceView> views = new ArrayList<>();
        for (ManagedInstance mi : mis) {
            Optional<Instance> ec2 = ctx.cloud().describe(mi.instanceId());
            Optional<InstanceType> type = ctx.catalog().find(mi.instanceType());
            if (ec2.isEmpty() || type.isEmpty() || "terminated".equals(ec2.get().state())
                    || "shutting-down".equals(ec2.get().state())) {
                continue;
            }
            Usage u = usage.getOrDefault(mi.instanceId(), new Usage(Resources.ZERO, Set.of(), Map.of()));
            view(mi, ec2.get(), type.get(), u).ifPresent(views::add);
        }
        return ClusterSnapshot.of(views);
    }

    private Optional<InstanceView> view(ManagedInstance mi, Instance ec2, InstanceType type, Usage u) {
        Architecture arch = type.architectures().iterator().next();
        Resources registered = InstanceReservation.registered(type);
        Resources remaining = clamp(registered.minus(u.used));
        if (mi.containerInstanceArn() == null) {
            Map<String, String> attrs = InstanceView.standardAttributes(type, arch, ec2.availabilityZone(),
                    ec2.subnetId(), Map.of());
            return Optional.of(new InstanceView(LAUNCHING_PREFIX + mi.instanceId(), mi.instanceId(), type, arch,
                    ec2.availabilityZone(), ec2.subnetId(), mi.capacityProvider(), InstanceStatus.ACTIVE, true,
                    Instances.AGENT_VERSION, ctx.now(), attrs, registered, remaining, u.ports, u.groups));
        }
        ContainerInstance ci = ctx.state().containerInstances.get(mi.containerInstanceArn()).orElse(null);
        if (ci == null) {
            return Optional.empty();
        }
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
        return Optional.of(new InstanceView(ci.containerInstanceArn(), mi.instanceId(), type, arch,
                ec2.availabilityZone(), ec2.subnetId(), mi.capacityProvider(), status,
                !Boolean.FALSE.equals(ci.agentConnected()),
                ci.versionInfo() == null ? Instances.AGENT_VERSION : ci.versionInfo().agentVersion(),
                ci.registeredAt() == null ? Instant.EPOCH : ci.registeredAt(), attrs, registered, remaining, u.ports,
                u.groups));
    }

    /** Never negative: a task definition edited under running tasks must not stop the whole tick. */
    private static Resources clamp(Resources r) {
        return new Resources(Math.max(0, r.cpu()), Math.max(0, r.memoryMiB()), Math.max(0, r.gpus()),
                Math.max(0, r.enis()));
    }

    /** What an ACTIVE Managed Instances provider may launch and where. */
    ProviderCapacity provider(CapacityProvider p) {
        InstanceLaunchTemplate lt = p.managedInstancesProvider().instanceLaunchTemplate();
        List<Zone> zones = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String s : lt.networkConfiguration().subnets()) {
            ctx.cloud().subnet(s).filter(sn -> seen.add(sn.id()))
                    .ifPresent(sn -> zones.add(new Zone(sn.id(), sn.availabilityZone())));
        }
        PurchaseOption option = "SPOT".equals(lt.capacityOptionTypeAsString()) ? PurchaseOption.SPOT
                : PurchaseOption.ON_DEMAND;
        try {
            Selection sel = selection(lt.instanceRequirements(), option);
            return new ProviderCapacity(p.name(), sel.offerings(), zones, sel.noMatchMessage());
        } catch (RuntimeException e) {
            return new ProviderCapacity(p.name(), List.of(), zones, Optional.of(String.valueOf(e.getMessage())));
        }
    }

    private Selection selection(InstanceRequirementsRequest requirements, PurchaseOption option) {
        List<Object> key = new ArrayList<>();
        key.add(requirements);
        key.add(option);
        Selection s = selections.get(key);
        if (s == null) {
            if (selections.size() >= MAX_CACHED_SELECTIONS) {
                selections.clear();
            }
            s = offerings.get().select(requirements, ctx.config().region(), option);
            selections.put(key, s);
        }
        return s;
    }

    /** The Availability Zones a task may run in: its subnets' zones within the provider's (all when it has none). */
    Set<String> zones(ProviderCapacity p, TaskRuntime rt) {
        Set<String> providerZones = new HashSet<>();
        for (Zone z : p.zones()) {
            providerZones.add(z.availabilityZone());
        }
        if (rt.subnets().isEmpty()) {
            return providerZones;
        }
        Set<String> taskZones = new HashSet<>();
        for (String s : rt.subnets()) {
            ctx.cloud().subnet(s).ifPresent(sn -> taskZones.add(sn.availabilityZone()));
        }
        taskZones.retainAll(providerZones);
        return taskZones;
    }
}
