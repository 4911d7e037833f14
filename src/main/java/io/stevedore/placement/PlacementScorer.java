package io.stevedore.placement;

/**
 * Ranks feasible instances for one placement strategy. {@link #rank} is what selection compares (lower is
 * preferred; exact integers, so ties are real ties); {@link #score} is the same order normalized to [0, 1]
 * (1 = most preferred) for reports. Strategies combine lexicographically in request order: the first strategy's
 * rank decides, the next breaks its ties, and the container instance id breaks the last ties.
 */
public interface PlacementScorer {
    long rank(PlanState state, int i, PlacementRequest request, int ordinal);

    double score(PlanState state, int i, PlacementRequest request, int ordinal);

    /** The smallest rank this scorer can give; an instance reaching it on every scorer cannot be beaten. */
    default long minRank() {
        return Long.MIN_VALUE;
    }

    /** The scorer of one strategy. */
    static PlacementScorer of(PlacementStrategy strategy) {
        if (strategy instanceof PlacementStrategy.Binpack) {
            return new BinpackScorer(((PlacementStrategy.Binpack) strategy).field());
        }
        if (strategy instanceof PlacementStrategy.Spread) {
            return new SpreadScorer((PlacementStrategy.Spread) strategy);
        }
        return new RandomScorer();
    }
}
