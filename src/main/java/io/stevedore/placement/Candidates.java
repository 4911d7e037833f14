package io.stevedore.placement;

import java.util.List;
import java.util.Map;

/** The partitions one request may use, computed once per {@link PlacementEngine#place} call. */
final class Candidates {
    final List<Partition> partitions;
    final Map<String, List<Partition>> zones;
    final int[] offsets;
    final int size;

    Candidates(List<Partition> partitions) {
        this.partitions = partitions;
        this.zones = ClusterSnapshot.byZone(partitions);
        this.offsets = new int[partitions.size() + 1];
        for (int k = 0; k < partitions.size(); k++) {
            offsets[k + 1] = offsets[k] + partitions.get(k).members.length;
        }
        this.size = offsets[partitions.size()];
    }

    /** The instance at position {@code pos} of the concatenated partitions. */
    int at(int pos) {
        int lo = 0;
        int hi = partitions.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (offsets[mid] <= pos) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return partitions.get(lo).members[pos - offsets[lo]];
    }
}
