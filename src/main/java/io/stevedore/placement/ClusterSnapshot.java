package io.stevedore.placement;

import io.stevedore.catalog.Architecture;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable view of a cluster's container instances, indexed for placement: instances sorted by container
 * instance id (the stable tie-break), resource columns as primitive arrays, ACTIVE instances partitioned by
 * capacity provider, architecture and AZ with binpack-sorted keys, and the instances of each task group.
 * Build once per snapshot; every {@link PlanState} made from it shares these indexes.
 */
public final class ClusterSnapshot {
    final InstanceView[] views;
    final int[] cpu;
    final long[] memory;
    final int[] gpus;
    final int[] enis;
    final int[] running;
    final Partition[] partitionOf;
    final List<Partition> partitions;
    /** Instances running tasks of a group, built per group on first use (one group's lookups, not every task's). */
    private final Map<String, int[]> instancesByGroup = new java.util.concurrent.ConcurrentHashMap<>();
    final long maxRegisteredCpu;
    final long maxRegisteredMemory;

    private final java.util.function.Function<String, java.util.Collection<String>> groupLocator;

    private ClusterSnapshot(List<InstanceView> sorted,
                            java.util.function.Function<String, java.util.Collection<String>> groupLocator) {
        this.groupLocator = groupLocator;
        int n = sorted.size();
        if (n > Partition.INDEX_MASK) {
            throw new IllegalArgumentException("too many container instances: " + n);
        }
        views = sorted.toArray(new InstanceView[0]);
        cpu = new int[n];
        memory = new long[n];
        gpus = new int[n];
        enis = new int[n];
        running = new int[n];
        long maxCpu = 1;
        long maxMem = 1;
        for (int i = 0; i < n; i++) {
            column(i);
            maxCpu = Math.max(maxCpu, views[i].registered().cpu());
            maxMem = Math.max(maxMem, views[i].registered().memoryMiB());
        }
        maxRegisteredCpu = maxCpu;
        maxRegisteredMemory = maxMem;
        partitionOf = new Partition[n];
        partitions = buildPartitions();
    }

    /** Fills the columns of view {@code i}: what it has left and how many tasks it runs. */
    private void column(int i) {
        Resources r = views[i].remaining();
        cpu[i] = r.cpu();
        memory[i] = r.memoryMiB();
        gpus[i] = r.gpus();
        enis[i] = r.enis();
        running[i] = views[i].runningTasksCount();
    }

    /** {@code base} with the views at {@code changed} replaced in {@code views}: see {@link #replacing}. */
    private ClusterSnapshot(ClusterSnapshot base, InstanceView[] views, int[] changed,
                            java.util.function.Function<String, java.util.Collection<String>> groupLocator) {
        this.groupLocator = groupLocator;
        this.views = views;
        cpu = base.cpu.clone();
        memory = base.memory.clone();
        gpus = base.gpus.clone();
        enis = base.enis.clone();
        running = base.running.clone();
        java.util.Set<Partition> stale = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i : changed) {
            column(i);
            if (base.partitionOf[i] != null) {
                stale.add(base.partitionOf[i]);
            }
        }
        maxRegisteredCpu = base.maxRegisteredCpu; // the replacements register what they replace
        maxRegisteredMemory = base.maxRegisteredMemory;
        partitionOf = base.partitionOf.clone();
        List<Partition> out = new ArrayList<>(base.partitions.size());
        for (Partition p : base.partitions) {
            if (stale.contains(p)) { // the same members, keyed by what they have left now
                p = new Partition(p.capacityProvider, p.architecture, p.availabilityZone, p.members, cpu, memory);
                for (int i : p.members) {
                    partitionOf[i] = p;
                }
            }
            out.add(p);
        }
        partitions = List.copyOf(out);
        byEc2Id = base.indexByEc2Id(); // the same instances at the same places
    }

    /**
     * This snapshot with each of {@code replacements} standing in for the view of the same container instance
     * (same container instance id and EC2 instance id), as {@link #ofSorted} of the patched list would build it: the
     * columns are copied and only the partitions holding a replaced instance are keyed again. Null when a
     * replacement changes what the indexes rest on (its partition or its registered resources, or it is not in
     * this snapshot): the caller builds the snapshot anew.
     */
    public ClusterSnapshot replacing(List<InstanceView> replacements,
                                     java.util.function.Function<String, java.util.Collection<String>>
                                             groupLocator) {
        Map<String, Integer> at = indexByEc2Id();
        InstanceView[] patched = views.clone();
        int[] changed = new int[replacements.size()];
        for (int k = 0; k < changed.length; k++) {
            InstanceView now = replacements.get(k);
            Integer i = at.get(now.ec2InstanceId());
            if (i == null) {
                return null;
            }
            InstanceView before = views[i];
            boolean partitioned = partitioned(before);
            if (!before.containerInstanceId().equals(now.containerInstanceId())
                    || !before.registered().equals(now.registered()) || partitioned != partitioned(now)
                    || partitioned && !samePartition(before, now)) {
                return null;
            }
            patched[i] = now;
            changed[k] = i;
        }
        return new ClusterSnapshot(this, patched, changed, groupLocator);
    }

    /** Whether placement's partitions hold the instance: ACTIVE with its agent connected. */
    private static boolean partitioned(InstanceView v) {
        return v.status() == InstanceStatus.ACTIVE && v.agentConnected();
    }

    /** The instances (snapshot indexes, ascending) running at least one task of {@code group}. */
    int[] instancesOf(String group) {
        return instancesByGroup.computeIfAbsent(group, g -> {
            if (groupLocator != null && !g.isEmpty()) {
                return located(g);
            }
            int[] out = new int[views.length];
            int n = 0;
            for (int i = 0; i < views.length; i++) {
                if (runs(i, g)) {
                    out[n++] = i;
                }
            }
            return java.util.Arrays.copyOf(out, n);
        });
    }

    private boolean runs(int i, String group) {
        Integer c = views[i].taskGroups().get(group);
        return c != null && c > 0;
    }

    /** A group's instances from the locator's EC2 ids: a few lookups instead of a pass over every instance. */
    private int[] located(String group) {
        Map<String, Integer> byEc2 = indexByEc2Id();
        java.util.Collection<String> ec2Ids = groupLocator.apply(group);
        int[] found = new int[ec2Ids.size()];
        int n = 0;
        for (String ec2 : ec2Ids) {
            Integer i = byEc2.get(ec2);
            if (i != null && runs(i, group)) {
                found[n++] = i;
            }
        }
        found = java.util.Arrays.copyOf(found, n);
        java.util.Arrays.sort(found);
        return distinct(found);
    }

    /** An ascending array without repeats (a locator may name an instance twice). */
    private static int[] distinct(int[] sorted) {
        int n = 0;
        for (int k = 0; k < sorted.length; k++) {
            if (n == 0 || sorted[n - 1] != sorted[k]) {
                sorted[n++] = sorted[k];
            }
        }
        return n == sorted.length ? sorted : java.util.Arrays.copyOf(sorted, n);
    }

    private Map<String, Integer> byEc2Id;

    private synchronized Map<String, Integer> indexByEc2Id() {
        if (byEc2Id == null) {
            Map<String, Integer> m = new HashMap<>();
            for (int i = 0; i < views.length; i++) {
                m.put(views[i].ec2InstanceId(), i);
            }
            byEc2Id = m;
        }
        return byEc2Id;
    }

    /** Snapshot of {@code instances} (any order; sorted here by container instance id). */
    public static ClusterSnapshot of(List<InstanceView> instances) {
        return of(instances, null);
    }

    /**
     * As {@link #of(List)}, with a locator that names the EC2 instances which may run tasks of a group (a superset
     * is fine: each is checked against its view); it spares a pass over every instance per group spread.
     */
    public static ClusterSnapshot of(List<InstanceView> instances,
                                     java.util.function.Function<String, java.util.Collection<String>> groupLocator) {
        List<InstanceView> sorted = new ArrayList<>(instances);
        sorted.sort(Comparator.comparing(InstanceView::containerInstanceId));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).containerInstanceId().equals(sorted.get(i - 1).containerInstanceId())) {
                throw new IllegalArgumentException("duplicate container instance " + sorted.get(i)
                        .containerInstanceId());
            }
        }
        return new ClusterSnapshot(sorted, groupLocator);
    }

    /**
     * As {@link #of(List, java.util.function.Function)} for instances already in ascending container instance id
     * order without duplicates (the caller keeps them so, e.g. in a sorted map): no sort and no duplicate check.
     */
    public static ClusterSnapshot ofSorted(List<InstanceView> sorted,
                                           java.util.function.Function<String, java.util.Collection<String>>
                                                   groupLocator) {
        return new ClusterSnapshot(sorted, groupLocator);
    }

    /**
     * Instances grouped by (capacity provider, architecture, availability zone), members in index order, the
     * groups in the order of their {@code provider NUL architecture NUL zone} names. A fleet has a handful of
     * groups: each instance finds its own by comparing the three fields, and only the groups' names are sorted.
     */
    private List<Partition> buildPartitions() {
        List<InstanceView> firsts = new ArrayList<>();
        List<int[]> members = new ArrayList<>();
        int[] sizes = new int[4];
        for (int i = 0; i < views.length; i++) {
            InstanceView v = views[i];
            if (!partitioned(v)) {
                continue;
            }
            int g = 0;
            while (g < firsts.size() && !samePartition(firsts.get(g), v)) {
                g++;
            }
            if (g == firsts.size()) {
                firsts.add(v);
                members.add(new int[8]);
                if (g == sizes.length) {
                    sizes = java.util.Arrays.copyOf(sizes, g * 2);
                }
            }
            int[] m = members.get(g);
            if (sizes[g] == m.length) {
                m = java.util.Arrays.copyOf(m, m.length * 2);
                members.set(g, m);
            }
            m[sizes[g]++] = i;
        }
        Integer[] order = new Integer[firsts.size()];
        String[] names = new String[firsts.size()];
        for (int g = 0; g < order.length; g++) {
            InstanceView v = firsts.get(g);
            order[g] = g;
            names[g] = v.capacityProvider() + '\u0000' + v.architecture() + '\u0000' + v.availabilityZone();
        }
        java.util.Arrays.sort(order, Comparator.comparing(g -> names[g]));
        List<Partition> out = new ArrayList<>(order.length);
        for (int g : order) {
            InstanceView first = firsts.get(g);
            Partition p = new Partition(first.capacityProvider(), first.architecture(), first.availabilityZone(),
                    java.util.Arrays.copyOf(members.get(g), sizes[g]), cpu, memory);
            for (int i : p.members) {
                partitionOf[i] = p;
            }
            out.add(p);
        }
        return List.copyOf(out);
    }

    private static boolean samePartition(InstanceView a, InstanceView b) {
        return a.architecture() == b.architecture() && a.availabilityZone().equals(b.availabilityZone())
                && a.capacityProvider().equals(b.capacityProvider());
    }

    public int size() {
        return views.length;
    }

    public InstanceView instance(int index) {
        return views[index];
    }

    /** The candidates of each (providers, architecture) asked so far: requests alike share them. */
    private final Map<List<Object>, Candidates> candidates = new java.util.concurrent.ConcurrentHashMap<>();

    /** The partitions {@link #partitionsFor} gives, indexed for the selector; immutable, shared by every plan. */
    Candidates candidatesFor(Set<String> providers, Architecture arch) {
        return candidates.computeIfAbsent(List.of(providers, arch), k -> new Candidates(partitionsFor(providers,
                arch)));
    }

    /** The partitions that can hold a task of {@code arch} for one of {@code providers} (empty: any provider). */
    List<Partition> partitionsFor(Set<String> providers, Architecture arch) {
        List<Partition> out = new ArrayList<>();
        for (Partition p : partitions) {
            if (p.architecture == arch && (providers.isEmpty() || providers.contains(p.capacityProvider))) {
                out.add(p);
            }
        }
        return out;
    }

    /** Partitions grouped by availability zone, zones in name order. */
    static Map<String, List<Partition>> byZone(List<Partition> parts) {
        Map<String, List<Partition>> m = new LinkedHashMap<>();
        parts.stream().sorted(Comparator.comparing((Partition p) -> p.availabilityZone))
                .forEach(p -> m.computeIfAbsent(p.availabilityZone, k -> new ArrayList<>()).add(p));
        return m;
    }

    /** A fresh plan over this snapshot. */
    public PlanState newPlan() {
        return new PlanState(this);
    }
}
