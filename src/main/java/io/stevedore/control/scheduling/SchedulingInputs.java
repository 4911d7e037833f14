package io.stevedore.control.scheduling;

import io.stevedore.catalog.PurchaseOption;
import io.stevedore.catalog.Selection;
import io.stevedore.control.scheduling.Scheduling.ProviderCapacity;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.DaemonCoverage;
import io.stevedore.control.state.PlacementRules;
import io.stevedore.control.state.RowKind;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.ecs.PurchaseOptions;
import io.stevedore.ecs.TaskDemandMapper;
import io.stevedore.placement.PlacementConstraint;
import io.stevedore.placement.PlacementStrategy;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.Zone;
import io.stevedore.wire.AwsException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.InstanceLaunchTemplate;
import software.amazon.awssdk.services.ecs.model.InstanceRequirementsRequest;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionPlacementConstraint;

/**
 * What the scheduler needs besides the instances: each waiting task's demand (cached per task definition until
 * that definition's row changes), each Managed Instances provider's priced offerings (selected once per requirements
 * and capacity option, then cached) and zones, and the zones a task may run in.
 */
public final class SchedulingInputs {
    private static final int MAX_CACHED_SELECTIONS = 64;
    private static final int MAX_CACHED_RULES = 1024;
    private static final software.amazon.awssdk.services.ecs.model.TaskOverride NO_OVERRIDES =
            software.amazon.awssdk.services.ecs.model.TaskOverride.builder().build();

    private final Context ctx;
    private final Map<String, TaskDemand> demandByDefinition = new HashMap<>();
    /**
     * The demands of tasks with overrides, by task ARN, with what they were computed from: a task's overrides do not
     * change, so a task row written again (each phase) finds its demand here; dropped when the row goes.
     */
    private final Map<String, ByTask> demandByTask = new HashMap<>();
    private final Map<List<Object>, Selection> selections = new HashMap<>();
    /** The same selections by the identity of the requirements object, cleared with {@link #selections}. */
    private final Map<InstanceRequirementsRequest, Map<PurchaseOption, Selection>> selectionsByRequirements =
            new java.util.IdentityHashMap<>();
    private final Supplier<CapacityOfferings> offerings;
    /**
     * Parsed placement rules by their wire values (runtime rules + task definition constraints): only those whose
     * parse compares equal to a second parse, so a cached list groups tasks exactly as a fresh parse would (a
     * {@code =~} expression's compiled pattern has identity equality: such rules are parsed per task, as before).
     */
    private final Map<RulesKey, List<PlacementConstraint>> constraintsByRules = new HashMap<>();
    private final Map<PlacementRules, List<PlacementStrategy>> strategiesByRules = new HashMap<>();

    private record RulesKey(PlacementRules rules, List<TaskDefinitionPlacementConstraint> fromDefinition) {
    }

    private record ByTask(String definition,
                          software.amazon.awssdk.services.ecs.model.TaskOverride overrides, TaskDemand demand) {
    }

    public SchedulingInputs(Context ctx, Supplier<CapacityOfferings> offerings) {
        this.ctx = ctx;
        this.offerings = offerings;
        // a definition's demand is a function of its row: forgotten when that row changes (or all rows are reset)
        ctx.state().feed.live()
                .on(RowKind.TASK_DEFINITION, (id, before, after) -> definitionChanged(id))
                .on(RowKind.DAEMON_TASK_DEFINITION, (id, before, after) -> definitionChanged(id))
                .on(RowKind.TASK, (id, before, after) -> {
                    if (after == null) {
                        demandByTask.remove(id);
                    }
                })
                .onReset(() -> {
                    demandByDefinition.clear();
                    demandByTask.clear();
                });
    }

    /**
     * The demand of a task (cached per task definition when there are no overrides); empty when its definition is
     * gone.
     *
     * @throws AwsException when the definition cannot run on an instance (the reason to report)
     */
    public Optional<TaskDemand> demand(Task t) {
        boolean plain = t.overrides() == null || t.overrides().equals(NO_OVERRIDES);
        if (plain && demandByDefinition.containsKey(t.taskDefinitionArn())) {
            return Optional.of(demandByDefinition.get(t.taskDefinitionArn()));
        }
        if (!plain) {
            ByTask known = demandByTask.get(t.taskArn());
            if (known != null && Objects.equals(known.definition(), t.taskDefinitionArn())
                    && known.overrides().equals(t.overrides())) {
                return Optional.of(known.demand());
            }
        }
        Optional<TaskDefinition> td = ctx.state().definitionOf(t.taskDefinitionArn());
        if (td.isEmpty()) {
            return Optional.empty();
        }
        TaskDemand d = TaskDemandMapper.toDemand(td.get(), t.overrides());
        if (plain) {
            demandByDefinition.put(t.taskDefinitionArn(), d);
        } else if (t.taskArn() != null) {
            demandByTask.put(t.taskArn(), new ByTask(t.taskDefinitionArn(), t.overrides(), d));
        }
        return Optional.of(d);
    }

    /**
     * {@code rules}' constraints plus the task definition's, parsed once per distinct wire value.
     *
     * @throws AwsException or {@link io.stevedore.placement.PlacementValidationException} as a fresh parse would
     */
    public List<PlacementConstraint> constraints(PlacementRules rules,
                                                 List<TaskDefinitionPlacementConstraint> fromDefinition) {
        RulesKey key = new RulesKey(rules, fromDefinition);
        List<PlacementConstraint> c = constraintsByRules.get(key);
        if (c != null) {
            return c;
        }
        List<PlacementConstraint> parsed = rules.placementConstraints(fromDefinition);
        if (!parsed.equals(rules.placementConstraints(fromDefinition))) {
            return parsed;
        }
        if (constraintsByRules.size() >= MAX_CACHED_RULES) {
            constraintsByRules.clear();
        }
        c = Collections.unmodifiableList(parsed);
        constraintsByRules.put(key, c);
        return c;
    }

    /** {@code rules}' strategies, parsed once per distinct wire value (strategies compare by value). */
    public List<PlacementStrategy> strategies(PlacementRules rules) {
        List<PlacementStrategy> s = strategiesByRules.get(rules);
        if (s != null) {
            return s;
        }
        s = Collections.unmodifiableList(rules.placementStrategies());
        if (strategiesByRules.size() >= MAX_CACHED_RULES) {
            strategiesByRules.clear();
        }
        strategiesByRules.put(rules, s);
        return s;
    }

    /** A definition's row changed: the demands computed from it are forgotten. */
    private void definitionChanged(String definitionArn) {
        demandByDefinition.remove(definitionArn);
        demandByTask.values().removeIf(b -> Objects.equals(b.definition(), definitionArn));
    }

    /**
     * Called at the start of each scheduling pass. Nothing is cached per tick any more: the demands by task
     * definition are forgotten when their definition's row changes, and the offering selections stay.
     */
    public void newTick() {
    }

    /** What an ACTIVE Managed Instances provider may launch and where. */
    public ProviderCapacity provider(CapacityProvider p) {
        InstanceLaunchTemplate lt = p.managedInstancesProvider().instanceLaunchTemplate();
        List<Zone> zones = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String s : lt.networkConfiguration().subnets()) {
            ctx.cloud().subnet(s).filter(sn -> seen.add(sn.id()))
                    .ifPresent(sn -> zones.add(new Zone(sn.id(), sn.availabilityZone())));
        }
        PurchaseOption option = PurchaseOptions.of(p);
        try {
            Selection sel = selection(lt.instanceRequirements(), option);
            return new ProviderCapacity(p.name(), sel.offerings(), zones, sel.noMatchMessage(),
                    DaemonCoverage.overhead(ctx.state(), p.cluster() == null ? null
                            : ctx.clusterArn(Context.clusterName(p.cluster())),
                            p.name()));
        } catch (RuntimeException e) {
            return new ProviderCapacity(p.name(), List.of(), zones, Optional.of(String.valueOf(e.getMessage())));
        }
    }

    private Selection selection(InstanceRequirementsRequest requirements, PurchaseOption option) {
        // the same requirements object (a provider row unchanged since) is found without hashing all its fields
        Map<PurchaseOption, Selection> byOption = selectionsByRequirements.get(requirements);
        Selection s = byOption == null ? null : byOption.get(option);
        if (s != null) {
            return s;
        }
        List<Object> key = new ArrayList<>();
        key.add(requirements);
        key.add(option);
        s = selections.get(key);
        if (s == null) {
            if (selections.size() >= MAX_CACHED_SELECTIONS) {
                selections.clear();
                selectionsByRequirements.clear();
            }
            s = offerings.get().select(requirements, ctx.config().region(), option);
            selections.put(key, s);
        }
        if (selectionsByRequirements.size() >= MAX_CACHED_SELECTIONS) {
            selectionsByRequirements.clear();
        }
        selectionsByRequirements.computeIfAbsent(requirements, r -> new java.util.EnumMap<>(PurchaseOption.class))
                .put(option, s);
        return s;
    }

    /** The Availability Zones a task may run in: its subnets' zones within the provider's (all when it has none). */
    public Set<String> zones(ProviderCapacity p, TaskRuntime rt) {
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
