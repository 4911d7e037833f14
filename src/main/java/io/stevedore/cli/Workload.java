package io.stevedore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.Zone;
import java.util.List;
import java.util.Map;

/**
 * A workload file for {@code stevedore plan} (docs/workload-format.md): capacity providers, task groups and daemons.
 *
 * @param region    AWS Region for prices
 * @param providers capacity providers by name, in file order
 * @param groups    task groups, in file order
 * @param daemons   Managed Daemons, in file order: one task of each on every instance of their providers
 */
public record Workload(String region, Map<String, Provider> providers, List<Group> groups, List<Daemon> daemons) {

    /** A workload without daemons. */
    public Workload(String region, Map<String, Provider> providers, List<Group> groups) {
        this(region, providers, groups, List.of());
    }

    public Workload {
        daemons = daemons == null ? List.of() : List.copyOf(daemons);
    }

    /**
     * A daemon: its task's cpu and memory are reserved on every instance of {@code providers}.
     *
     * @param line where it is declared, for messages
     */
    public record Daemon(String name, int cpu, int memory, List<String> providers, int line) {
    }

    /** What the daemons covering {@code provider} reserve on each of its instances. */
    public io.stevedore.placement.Resources overhead(String provider) {
        int cpu = 0;
        long memory = 0;
        for (Daemon d : daemons) {
            if (d.providers().contains(provider)) {
                cpu += d.cpu();
                memory += d.memory();
            }
        }
        return new io.stevedore.placement.Resources(cpu, memory, 0, 0);
    }

    /**
     * A Managed Instances capacity provider.
     *
     * @param requirements the {@code instanceRequirements} object (ECS shape), or null for any type
     * @param line         where it is declared, for messages
     */
    public record Provider(String name, PurchaseOption capacityOptionType, JsonNode requirements, List<Zone> zones,
                           int line) {
    }

    /**
     * Tasks of one service: {@code count} × {@code demand}, on {@code provider}.
     *
     * @param constraints placement constraints (SDK shape, validated); memberOf on zone/subnet narrows the zones
     * @param strategy    placement strategy (SDK shape, validated); provisioning always spreads over zones
     */
    public record Group(String name, int count, TaskDemand demand, String provider,
                        List<software.amazon.awssdk.services.ecs.model.PlacementConstraint> constraints,
                        List<software.amazon.awssdk.services.ecs.model.PlacementStrategy> strategy, int line) {
    }
}
