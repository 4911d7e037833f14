package io.stevedore.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the best feasible instance for one task. Fast paths keep the cost independent of the fleet size where
 * ECS semantics allow: a first {@code binpack} walks the partitions' sorted keys from the smallest remaining
 * amount that can fit and stops at the first feasible one (or at the end of its tie); {@code spread} over
 * availability zones visits zones from the least loaded and binpacks inside them. Every other combination
 * scans the candidate partitions once, comparing ranks lexicographically.
 */
final class Selector {
    private final List<PlacementFilter> filters;

    Selector(List<PlacementFilter> filters) {
        this.filters = filters;
    }

    boolean feasible(PlanState s, int i, PlacementRequest r) {
        for (PlacementFilter f : filters) {
            if (f.check(s, i, r) != null) {
                return false;
            }
        }
        return true;
    }

    /** The chosen instance index, or -1 when no instance can take the task. */
    int select(PlanState s, PlacementRequest r, List<Partition> parts, List<PlacementScorer> scorers, int ordinal) {
        List<PlacementStrategy> strategies = r.strategies();
        PlacementStrategy first = strategies.get(0);
        if (first instanceof PlacementStrategy.Binpack) {
            return binpack(s, r, parts, (PlacementStrategy.Binpack) first, scorers.subList(1, scorers.size()),
                    ordinal);
        }
        if (first instanceof PlacementStrategy.Spread && InstanceView.ATTR_AZ.equals(
                ((PlacementStrategy.Spread) first).attribute())
                && (strategies.size() == 1 || strategies.get(1) instanceof PlacementStrategy.Binpack)) {
            return spreadZones(s, r, parts, scorers, ordinal);
        }
        return scan(s, r, parts, scorers, ordinal);
    }

    private int spreadZones(PlanState s, PlacementRequest r, List<Partition> parts, List<PlacementScorer> scorers,
                            int ordinal) {
        Map<String, List<Partition>> zones = ClusterSnapshot.byZone(parts);
        List<Map.Entry<String, List<Partition>>> order = new ArrayList<>(zones.entrySet());
        order.sort((a, b) -> Integer.compare(s.spreadCount(r.group(), InstanceView.ATTR_AZ, a.getKey()),
                s.spreadCount(r.group(), InstanceView.ATTR_AZ, b.getKey())));
        int k = 0;
        while (k < order.size()) {
            int count = s.spreadCount(r.group(), InstanceView.ATTR_AZ, order.get(k).getKey());
            List<Partition> tier = new ArrayList<>();
            while (k < order.size() && s.spreadCount(r.group(), InstanceView.ATTR_AZ, order.get(k).getKey())
                    == count) {
                tier.addAll(order.get(k++).getValue());
            }
            int chosen = r.strategies().size() > 1
                    ? binpack(s, r, tier, (PlacementStrategy.Binpack) r.strategies().get(1),
                    scorers.subList(2, scorers.size()), ordinal)
                    : scan(s, r, tier, List.of(), ordinal);
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
                if (!feasible(s, i, r)) {
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
        return best(s, r, ties, rest, ordinal);
    }

    private int best(PlanState s, PlacementRequest r, List<Integer> candidates, List<PlacementScorer> scorers,
                     int ordinal) {
        int best = -1;
        for (int i : candidates) {
            if (best < 0 || better(s, r, scorers, ordinal, i, best)) {
                best = i;
            }
        }
        return best;
    }

    private int scan(PlanState s, PlacementRequest r, List<Partition> parts, List<PlacementScorer> scorers,
                     int ordinal) {
        int best = -1;
        for (Partition p : parts) {
            for (int i : p.members) {
                if (feasible(s, i, r) && (best < 0 || better(s, r, scorers, ordinal, i, best))) {
                    best = i;
                    if (scorers.isEmpty()) {
                        break; // members ascend: the first feasible one is this partition's best
                    }
                }
            }
        }
        return best;
    }

    /** Whether {@code i} ranks before {@code j}: lexicographic over the scorers, then the lower index. */
    private static boolean better(PlanState s, PlacementRequest r, List<PlacementScorer> scorers, int ordinal,
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
