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
        return new Run(strategy, current).next();
    }

    /**
     * {@link #choose} for a run of new tasks: the strategy parsed and the tasks counted once, each new task
     * counted as it is {@link #added}; {@link #next} answers what {@code choose} would over the tasks so far.
     */
    static final class Run {
        private final List<CapacityProviderStrategyItem> strategy;
        private final CapacityProviderStrategy parsed;
        private final Map<String, Integer> running = new HashMap<>();

        Run(List<CapacityProviderStrategyItem> strategy, List<Task> current) {
            this.strategy = strategy;
            CapacityProviderStrategy p = null;
            if (strategy != null && !strategy.isEmpty()) {
                current.forEach(this::added);
                try {
                    p = PlacementModelMapper.capacityProviderStrategy(strategy);
                } catch (RuntimeException e) {
                    p = null; // validated when accepted; a stored odd one still runs (on its first provider)
                }
            }
            this.parsed = p;
        }

        /** Counts a task of the service or call (one just created). */
        void added(Task t) {
            if (t.capacityProviderName() != null) {
                running.merge(t.capacityProviderName(), 1, Integer::sum);
            }
        }

        /** The provider for the next task; null without a strategy. */
        String next() {
            if (strategy == null || strategy.isEmpty()) {
                return null;
            }
            if (parsed != null) {
                for (Map.Entry<String, Integer> e : parsed.distribute(1, running).entrySet()) {
                    if (e.getValue() > 0) {
                        return e.getKey();
                    }
                }
            }
            return strategy.get(0).capacityProvider();
        }
    }
}
