package io.stevedore.placement;

/**
 * spread: the fewest tasks of the same task group first, counted per instance ({@code instanceId}/{@code host})
 * or per value of an attribute (instances without the attribute form one value of their own).
 */
public final class SpreadScorer implements PlacementScorer {
    private final PlacementStrategy.Spread spread;

    public SpreadScorer(PlacementStrategy.Spread spread) {
        this.spread = spread;
    }

    @Override
    public long rank(PlanState s, int i, PlacementRequest r, int ordinal) {
        if (spread.byInstance()) {
            return s.groupCount(i, r.group());
        }
        String attr = spread.attribute();
        return s.spreadCount(r.group(), attr, s.snapshot.views[i].attributes().get(attr));
    }

    @Override
    public long minRank() {
        return 0;
    }

    @Override
    public double score(PlanState s, int i, PlacementRequest r, int ordinal) {
        return 1.0 / (1.0 + rank(s, i, r, ordinal));
    }
}
