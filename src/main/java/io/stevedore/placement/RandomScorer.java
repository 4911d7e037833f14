package io.stevedore.placement;

/**
 * random: a seeded hash of (request seed, task ordinal, instance id) ranks the instances, so the choice is
 * uniform over the feasible ones yet replays exactly for the same seed and snapshot.
 */
public final class RandomScorer implements PlacementScorer {
    @Override
    public long rank(PlanState s, int i, PlacementRequest r, int ordinal) {
        return mix(r.seed() * 0x9E3779B97F4A7C15L + ordinal * 0xC2B2AE3D27D4EB4FL
                + s.snapshot.views[i].containerInstanceId().hashCode()) >>> 1;
    }

    @Override
    public double score(PlanState s, int i, PlacementRequest r, int ordinal) {
        return 1.0 - (rank(s, i, r, ordinal) >>> 10) / (double) (1L << 53);
    }

    /** SplitMix64 finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
