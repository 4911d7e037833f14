package io.stevedore.control.tasks;

import io.stevedore.ecs.PlacementModelMapper;
import io.stevedore.placement.providers.CapacityProviderStrategy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Picks the capacity provider of each new task from a capacity provider strategy with the placement package's
 * {@link CapacityProviderStrategy} rules (base first, then by weight), counting the tasks already there.
 */
public final class ProviderChoice {
    private ProviderChoice() {
    }

    /** The provider for the next task given {@code current} tasks of the service or RunTask call; null without one. */
    public static String choose(List<CapacityProviderStrategyItem> strategy, List<Task> current) {
        if (strategy == null || strategy.isEmpty()) {
            return null;
        }
        Map<String, Integer> running = new HashMap<>();
        for (Task t : current) {
            if (t.capacityProviderName() != null) {
                running.merge(t.capacityProviderName(), 1, Integer::sum);
            }
        }
        CapacityProviderStrategy s;
        try {
            s = PlacementModelMapper.capacityProviderStrategy(strategy);
        } catch (RuntimeException e) {
            return strategy.get(0).capacityProvider(); // validated when accepted; a stored odd one still runs
        }
        for (Map.Entry<String, Integer> e : s.distribute(1, running).entrySet()) {
            if (e.getValue() > 0) {
                return e.getKey();
            }
        }
        return strategy.get(0).capacityProvider();
    }
}
