package io.stevedore.api.engine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.Task;

/** Spreads new tasks over a capacity provider strategy: bases first, then by weight. */
public final class Strategy {
    private Strategy() {
    }

    /**
     * The provider for the next task given the tasks already there: a provider below its base first (strategy
     * order), else the provider whose task count is lowest relative to its weight (ties: strategy order).
     */
    public static String choose(List<CapacityProviderStrategyItem> strategy, List<Task> current) {
        if (strategy == null || strategy.isEmpty()) {
            return null;
        }
        Map<String, Integer> count = new HashMap<>();
        for (Task t : current) {
            if (t.capacityProviderName() != null) {
                count.merge(t.capacityProviderName(), 1, Integer::sum);
            }
        }
        for (CapacityProviderStrategyItem i : strategy) {
            int base = i.base() == null ? 0 : i.base();
            if (count.getOrDefault(i.capacityProvider(), 0) < base) {
                return i.capacityProvider();
            }
        }
        String best = null;
        double bestScore = Double.MAX_VALUE;
        for (CapacityProviderStrategyItem i : strategy) {
            int w = i.weight() == null ? 0 : i.weight();
            if (w <= 0) {
                continue;
            }
            double score = (count.getOrDefault(i.capacityProvider(), 0) + 1) / (double) w;
            if (score < bestScore) {
                bestScore = score;
                best = i.capacityProvider();
            }
        }
        return best != null ? best : strategy.get(0).capacityProvider();
    }
}
