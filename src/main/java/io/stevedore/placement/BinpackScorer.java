package io.stevedore.placement;

/** binpack: the least remaining CPU or memory first (fills partly used instances before empty ones). */
public final class BinpackScorer implements PlacementScorer {
    private final PlacementStrategy.Binpack.Field field;

    public BinpackScorer(PlacementStrategy.Binpack.Field field) {
        this.field = field;
    }

    @Override
    public long rank(PlanState s, int i, PlacementRequest r, int ordinal) {
        return field == PlacementStrategy.Binpack.Field.CPU ? s.cpu(i) : s.memory(i);
    }

    @Override
    public long minRank() {
        return 0;
    }

    @Override
    public double score(PlanState s, int i, PlacementRequest r, int ordinal) {
        double max = field == PlacementStrategy.Binpack.Field.CPU ? s.snapshot.maxRegisteredCpu
                : s.snapshot.maxRegisteredMemory;
        return 1.0 - Math.min(1.0, rank(s, i, r, ordinal) / max);
    }
}
