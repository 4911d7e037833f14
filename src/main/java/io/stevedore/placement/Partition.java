package io.stevedore.placement;

import io.stevedore.catalog.Architecture;
import java.util.Arrays;

/**
 * ACTIVE, connected instances of one (capacity provider, architecture, availability zone), with their snapshot
 * keys sorted by remaining CPU and by remaining memory so binpack finds the tightest fit by binary search. A key
 * packs {@code remaining << 20 | index}: ascending keys are ascending remaining, ties by snapshot index.
 */
final class Partition {
    static final int INDEX_BITS = 20;
    static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

    final String capacityProvider;
    final Architecture architecture;
    final String availabilityZone;
    final int[] members;
    final long[] cpuKeys;
    final long[] memoryKeys;

    Partition(String capacityProvider, Architecture architecture, String availabilityZone, int[] members,
              int[] cpu, long[] memory) {
        this.capacityProvider = capacityProvider;
        this.architecture = architecture;
        this.availabilityZone = availabilityZone;
        this.members = members;
        this.cpuKeys = new long[members.length];
        this.memoryKeys = new long[members.length];
        for (int k = 0; k < members.length; k++) {
            cpuKeys[k] = key(cpu[members[k]], members[k]);
            memoryKeys[k] = key(memory[members[k]], members[k]);
        }
        Arrays.sort(cpuKeys);
        Arrays.sort(memoryKeys);
    }

    /** A partition whose keys the caller has made and sorted as the constructor above would. */
    Partition(String capacityProvider, Architecture architecture, String availabilityZone, int[] members,
              long[] cpuKeys, long[] memoryKeys) {
        this.capacityProvider = capacityProvider;
        this.architecture = architecture;
        this.availabilityZone = availabilityZone;
        this.members = members;
        this.cpuKeys = cpuKeys;
        this.memoryKeys = memoryKeys;
    }

    static long key(long remaining, int index) {
        return (Math.max(remaining, 0) << INDEX_BITS) | index;
    }

    static int index(long key) {
        return (int) (key & INDEX_MASK);
    }

    static long remaining(long key) {
        return key >>> INDEX_BITS;
    }

    /** First position whose key is at least {@code probe}. */
    static int lowerBound(long[] keys, long probe) {
        int lo = 0;
        int hi = keys.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (keys[mid] < probe) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
