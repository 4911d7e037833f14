package io.stevedore.placement.providers;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** New tasks per capacity provider, in strategy order (providers that receive none are listed with 0). */
public final class Distribution extends AbstractMap<String, Integer> {
    private final Map<String, Integer> counts;

    private Distribution(Map<String, Integer> counts) {
        this.counts = Collections.unmodifiableMap(counts);
    }

    static Distribution compute(List<StrategyItem> items, int count, Map<String, Integer> running) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0");
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        long[] beyondBase = new long[items.size()];
        int left = count;
        for (int k = 0; k < items.size(); k++) {
            StrategyItem it = items.get(k);
            out.put(it.capacityProvider(), 0);
            int run = running.getOrDefault(it.capacityProvider(), 0);
            int baseGap = Math.max(0, it.base() - run);
            int toBase = Math.min(left, baseGap);
            out.put(it.capacityProvider(), toBase);
            left -= toBase;
            beyondBase[k] = Math.max(0, run - it.base());
        }
        for (; left > 0; left--) {
            int pick = -1;
            for (int k = 0; k < items.size(); k++) {
                int w = items.get(k).weight();
                if (w > 0 && (pick < 0 || (beyondBase[k] + 1) * items.get(pick).weight()
                        < (beyondBase[pick] + 1) * (long) w)) {
                    pick = k;
                }
            }
            beyondBase[pick]++;
            out.merge(items.get(pick).capacityProvider(), 1, Integer::sum);
        }
        return new Distribution(out);
    }

    @Override
    public Set<Entry<String, Integer>> entrySet() {
        return counts.entrySet();
    }
}
