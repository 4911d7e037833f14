package io.stevedore.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.InstanceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A snapshot made from the last one ({@link ClusterSnapshot#ofSorted(List, java.util.function.Function,
 * ClusterSnapshot)}) equals one built from nothing, step after step of instances that come, go and change.
 */
class SplicedSnapshotTest {
    private static final String[] TYPES = {"m5.large", "c5.xlarge", "r5.large", "m6g.large", "m5.2xlarge"};
    private static final String[] ZONES = {"us-east-1a", "us-east-1b", "us-east-1c"};
    private static final String[] GROUPS = {"service:a", "service:b", "service:c"};

    @Test
    void ofSortedFromTheLast_randomChanges_sameAsABuildFromNothing() {
        Random r = new Random(7);
        TreeMap<String, InstanceView> byId = new TreeMap<>();
        int made = 0;
        ClusterSnapshot last = null;
        int spliced = 0;
        int located = 0;
        for (int step = 0; step < 400; step++) {
            int changes = 1 + r.nextInt(4);
            for (int c = 0; c < changes; c++) {
                int op = byId.size() < 3 ? 0 : r.nextInt(4);
                if (op == 0) { // an instance comes, anywhere in id order
                    String id = String.format("ci-%05d", r.nextInt(100_000));
                    if (!byId.containsKey(id)) {
                        byId.put(id, fresh(id, "i-" + made++, r));
                    }
                } else {
                    String id = new ArrayList<>(byId.keySet()).get(r.nextInt(byId.size()));
                    InstanceView v = byId.get(id);
                    switch (op) {
                        case 1 -> byId.remove(id); // one goes
                        case 2 -> byId.put(id, busier(v, r)); // its tasks changed
                        default -> byId.put(id, v.withStatus(v.status() == InstanceStatus.ACTIVE
                                ? InstanceStatus.DRAINING : InstanceStatus.ACTIVE)); // leaves or joins its partition
                    }
                }
            }
            List<InstanceView> list = new ArrayList<>(byId.values());
            java.util.function.Function<String, java.util.Collection<String>> everyInstance =
                    g -> list.stream().map(InstanceView::ec2InstanceId).toList();
            ClusterSnapshot built = ClusterSnapshot.ofSorted(list, everyInstance);
            ClusterSnapshot made2 = ClusterSnapshot.ofSorted(list, everyInstance, last);
            located += assertSame(made2, built, ClusterSnapshot.ofSorted(list, null));
            spliced += last == null ? 0 : 1;
            last = made2;
        }
        assertThat(spliced).isEqualTo(399);
        assertThat(located).as("group members found through the EC2 id lookup").isGreaterThan(400);
        assertThat(last.partitions).hasSizeGreaterThan(3);
    }

    private static InstanceView fresh(String id, String ec2, Random r) {
        InstanceType t = Fleet.type(TYPES[r.nextInt(TYPES.length)]);
        Architecture arch = t.supports(Architecture.ARM64) ? Architecture.ARM64 : Architecture.X86_64;
        String az = ZONES[r.nextInt(ZONES.length)];
        InstanceView v = InstanceView.fresh(id, ec2, t, arch, az, "subnet-" + az, r.nextBoolean() ? "p1" : "p2",
                Fleet.T0, Map.of());
        return r.nextInt(3) == 0 ? busier(v, r) : v;
    }

    private static InstanceView busier(InstanceView v, Random r) {
        int n = 1 + r.nextInt(3);
        return v.withRunning(new Resources(256 * n, 512L * n, 0, n), Set.of(), Map.of(GROUPS[r.nextInt(3)], n));
    }

    /** Asserts {@code made} is {@code built}; answers how many group members it found by EC2 id. */
    private static int assertSame(ClusterSnapshot made, ClusterSnapshot built, ClusterSnapshot plain) {
        assertThat(made.size()).isEqualTo(built.size());
        for (int i = 0; i < built.size(); i++) {
            assertThat(made.instance(i)).isSameAs(built.instance(i));
            assertThat(made.partitionOf[i] == null).isEqualTo(built.partitionOf[i] == null);
            if (built.partitionOf[i] != null) {
                assertThat(made.partitionOf[i].members).containsExactly(built.partitionOf[i].members);
            }
        }
        assertThat(made.cpu).containsExactly(built.cpu);
        assertThat(made.memory).containsExactly(built.memory);
        assertThat(made.gpus).containsExactly(built.gpus);
        assertThat(made.enis).containsExactly(built.enis);
        assertThat(made.running).containsExactly(built.running);
        assertThat(made.maxRegisteredCpu).isEqualTo(built.maxRegisteredCpu);
        assertThat(made.maxRegisteredMemory).isEqualTo(built.maxRegisteredMemory);
        assertThat(made.partitions).hasSameSizeAs(built.partitions);
        for (int k = 0; k < built.partitions.size(); k++) {
            Partition m = made.partitions.get(k);
            Partition b = built.partitions.get(k);
            assertThat(List.of(m.capacityProvider, m.architecture, m.availabilityZone))
                    .isEqualTo(List.of(b.capacityProvider, b.architecture, b.availabilityZone));
            assertThat(m.members).containsExactly(b.members);
            assertThat(m.cpuKeys).containsExactly(b.cpuKeys);
            assertThat(m.memoryKeys).containsExactly(b.memoryKeys);
        }
        int located = 0;
        for (String g : GROUPS) {
            assertThat(made.instancesOf(g)).containsExactly(plain.instancesOf(g)); // the EC2 id lookup too
            located += made.instancesOf(g).length;
        }
        return located;
    }
}
