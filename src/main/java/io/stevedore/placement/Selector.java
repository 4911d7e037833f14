package io.stevedore.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the best feasible instance for one task: among all feasible instances, the smallest ranks in strategy
 * order, then the lowest snapshot index (a {@code random} first strategy instead draws uniformly among the
 * feasible ones). Fast paths keep the cost independent of the fleet size where ECS semantics allow:
 * <ul>
 * <li>a first {@code binpack} walks the partitions' sorted keys from the smallest remaining amount that fits
 * and stops at the first feasible instance (or at the end of its tie when more strategies follow);</li>
 * <li>a first {@code spread} over availability zones visits zones from the least loaded and runs the remaining
 * strategies inside the zone tier;</li>
 * <li>a scan stops in a partition as soon as an instance reaches every scorer's minimum (e.g. an instance
 * without tasks of the group under {@code spread(instanceId)});</li>
 * <li>a first {@code random} draws seeded positions and takes the first feasible one (exactly uniform over the
 * feasible instances), falling back to a seeded-hash scan when few instances are feasible.</li>
 * </ul>
 * Visited instances skip the filters their partition already guarantees (status, provider, architecture).
 */
final class Selector {
    private static final int RANDOM_DRAWS = 32;

    private final List<PlacementFilter> filters;
    private final List<PlacementFilter> hotFilters;

    Selector(List<PlacementFilter> filters) {
        this.filters = filters;
        List<PlacementFilter> hot = new ArrayList<>();
        for (PlacementFilter f : filters) {
            if (!f.impliedByPartition()) {
                hot.add(f);
            }
        }
        this.hotFilters = List.copyOf(hot);
    }

    boolean feasible(PlanState s, int i, PlacementRequest r) {
        return passes(filters, s, i, r);
    }

    private boolean feasibleInPartition(PlanState s, int i, PlacementRequest r) {
        return passes(hotFilters, s, i, r);
    }

    private static boolean passes(List<PlacementFilter> chain, PlanState s, int i, PlacementRequest r) {
        for (int k = 0; k < chain.size(); k++) {
            if (chain.get(k).check(s, i, r) != null) {
                return false;
            }
        }
        return true;
    }

    /** The chosen instance index, or -1 when no instance can take the task. */
    int select(PlanState s, PlacementRequest r, Candidates c, List<PlacementScorer> scorers, int ordinal) {
        List<PlacementStrategy> strategies = r.strategies();
        PlacementStrategy first = strategies.get(0);
        if (first instanceof PlacementStrategy.Binpack) {
            return binpack(s, r, c.partitions, (PlacementStrategy.Binpack) first, scorers.subList(1, scorers.size()),
                    ordinal);
        }
        if (first instanceof PlacementStrategy.Spread
                && InstanceView.ATTR_AZ.equals(((PlacementStrategy.Spread) first).attribute())) {
            return spreadZones(s, r, c, scorers, ordinal);
        }
        if (first instanceof PlacementStrategy.Random) {
            return random(s, r, c, scorers, ordinal);
        }
        return scan(s, r, c.partitions, scorers, ordinal);
    }

    private int spreadZones(PlanState s, PlacementRequest r, Candidates c, List<PlacementScorer> scorers,
                            int ordinal) {
        List<Map.Entry<String, List<Partition>>> order = new ArrayList<>(c.zones.entrySet());
        int[] counts = new int[order.size()];
        for (int k = 0; k < order.size(); k++) {
            counts[k] = s.spreadCount(r.group(), InstanceView.ATTR_AZ, order.get(k).getKey());
        }
        boolean[] done = new boolean[order.size()];
        List<PlacementScorer> rest = scorers.subList(1, scorers.size());
        for (int round = 0; round < order.size(); round++) {
            int min = Integer.MAX_VALUE;
            for (int k = 0; k < order.size(); k++) {
                min = done[k] ? min : Math.min(min, counts[k]);
            }
            if (min == Integer.MAX_VALUE) {
                break;
            }
            List<Partition> tier = new ArrayList<>();
            for (int k = 0; k < order.size(); k++) {
                if (!done[k] && counts[k] == min) {
                    tier.addAll(order.get(k).getValue());
                    done[k] = true;
                }
            }
            int chosen = !rest.isEmpty() && r.strategies().get(1) instanceof PlacementStrategy.Binpack
                    ? binpack(s, r, tier, (PlacementStrategy.Binpack) r.strategies().get(1),
                    rest.subList(1, rest.size()), ordinal)
                    : scan(s, r, tier, rest, ordinal);
            if (chosen >= 0) {
                return chosen;
            }
        }
        return -1;
    }

    private int binpack(PlanState s, PlacementRequest r, List<Partition> parts, PlacementStrategy.Binpack b,
                        List<PlacementScorer> rest, int ordinal) {
        boolean byCpu = b.field() == PlacementStrategy.Binpack.Field.CPU;
        long need = byCpu ? r.demand().cpu() : r.demand().memoryMiB();
        long bestKey = Long.MAX_VALUE;
        List<Integer> ties = rest.isEmpty() ? null : new ArrayList<>();
        for (Partition p : parts) {
            BinpackCursor cur = s.cursor(p, byCpu, need);
            for (long key = cur.next(); key >= 0; key = cur.next()) {
                long rem = Partition.remaining(key);
                if (bestKey != Long.MAX_VALUE && rem > Partition.remaining(bestKey)) {
                    break;
                }
                int i = Partition.index(key);
                if (!feasibleInPartition(s, i, r)) {
                    continue;
                }
                if (ties == null) {
                    bestKey = Math.min(bestKey, key);
                    break;
                }
                if (bestKey == Long.MAX_VALUE || rem < Partition.remaining(bestKey)) {
                    ties.clear();
                }
                bestKey = Math.min(bestKey, key);
                ties.add(i);
            }
        }
        if (bestKey == Long.MAX_VALUE) {
            return -1;
        }
        if (ties == null || ties.size() == 1) {
            return Partition.index(bestKey);
        }
        int best = -1;
        for (int i : ties) {
            if (best < 0 || before(s, r, rest, ordinal, i, best)) {
                best = i;
            }
        }
        return best;
    }

    private int random(PlanState s, PlacementRequest r, Candidates c, List<PlacementScorer> scorers, int ordinal) {
        if (c.size == 0) {
            return -1;
        }
        long state = RandomScorer.mix(r.seed() * 0x9E3779B97F4A7C15L + ordinal);
        for (int d = 0; d < RANDOM_DRAWS; d++) {
            state = RandomScorer.mix(state + 0x632BE59BD9B4E019L);
            int i = c.at((int) Long.remainderUnsigned(state, c.size));
            if (feasibleInPartition(s, i, r)) {
                return i;
            }
        }
        return scan(s, r, c.partitions, scorers, ordinal);
    }

    /**
     * Every candidate once; ranks of the best so far are kept, a candidate's are computed only as needed. Once
     * the best sits at every scorer's minimum, only a lower index could still win, so the rest of each
     * partition (members ascend) and whole partitions starting above it are skipped.
     */
    private int scan(PlanState s, PlacementRequest r, List<Partition> parts, List<PlacementScorer> scorers,
                     int ordinal) {
        int n = scorers.size();
        long[] bestRanks = new long[n];
        int best = -1;
        boolean bestAtFloor = false;
        for (Partition p : parts) {
            for (int i : p.members) {
                if (bestAtFloor && i > best) {
                    break;
                }
                if (!feasibleInPartition(s, i, r)) {
                    continue;
                }
                int cmp = best < 0 ? -1 : compare(s, r, scorers, ordinal, i, bestRanks);
                if (cmp < 0 || cmp == 0 && i < best) {
                    best = i;
                    bestAtFloor = true;
                    for (int k = 0; k < n; k++) {
                        bestRanks[k] = scorers.get(k).rank(s, i, r, ordinal);
                        bestAtFloor &= bestRanks[k] == scorers.get(k).minRank();
                    }
                }
            }
        }
        return best;
    }

    private static int compare(PlanState s, PlacementRequest r, List<PlacementScorer> scorers, int ordinal, int i,
                               long[] bestRanks) {
        for (int k = 0; k < scorers.size(); k++) {
            int c = Long.compare(scorers.get(k).rank(s, i, r, ordinal), bestRanks[k]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** Whether {@code i} ranks before {@code j}: lexicographic over the scorers, then the lower index. */
    private static boolean before(PlanState s, PlacementRequest r, List<PlacementScorer> scorers, int ordinal,
                                  int i, int j) {
        for (PlacementScorer sc : scorers) {
            int c = Long.compare(sc.rank(s, i, r, ordinal), sc.rank(s, j, r, ordinal));
            if (c != 0) {
                return c < 0;
            }
        }
        return i < j;
    }
}
