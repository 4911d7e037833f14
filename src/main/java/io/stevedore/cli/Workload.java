package io.stevedore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.Zone;
import java.util.List;
import java.util.Map;

/**
 * A workload file for {@code stevedore plan} (docs/workload-format.md): capacity providers and task groups.
 *
 * @param region    AWS Region for prices
 * @param providers capacity providers by name, in file order
 * @param groups    task groups, in file order
 */
public record Workload(String region, Map<String, Provider> providers, List<Group> groups) {

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
