package io.stevedore.placement;

import io.stevedore.catalog.Architecture;
import java.util.ArrayList;
import java.util.Comparator;
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
    /** Registered CPU and memory, and the EC2 id's hash, per instance: a later snapshot copies them, not the views. */
    private final int[] registeredCpu;
    private final long[] registeredMemory;
    private final int[] ec2Hash;

    private final java.util.function.Function<String, java.util.Collection<String>> groupLocator;

    /**
     * The snapshot of {@code sorted}. A view that {@code base} (null: none) holds too, the same object, takes its
     * columns and its partition from there: only the views new to {@code base} are read (a view is scattered in
     * memory; the columns are not), so a snapshot made again after a few instances came, went or changed costs
     * those, plus array copies.
     */
    private ClusterSnapshot(List<InstanceView> sorted,
                            java.util.function.Function<String, java.util.Collection<String>> groupLocator,
                            ClusterSnapshot base) {
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
        registeredCpu = new int[n];
        registeredMemory = new long[n];
        ec2Hash = new int[n];
        int[] from = base == null ? null : sameViews(base);
        long maxCpu = 1;
        long maxMem = 1;
        for (int i = 0; i < n; i++) {
            int k = from == null ? -1 : from[i];
            if (k < 0) {
                column(i);
            } else {
                cpu[i] = base.cpu[k];
                memory[i] = base.memory[k];
                gpus[i] = base.gpus[k];
                enis[i] = base.enis[k];
                running[i] = base.running[k];
                registeredCpu[i] = base.registeredCpu[k];
                registeredMemory[i] = base.registeredMemory[k];
                ec2Hash[i] = base.ec2Hash[k];
            }
            maxCpu = Math.max(maxCpu, registeredCpu[i]);
            maxMem = Math.max(maxMem, registeredMemory[i]);
        }
        maxRegisteredCpu = maxCpu;
        maxRegisteredMemory = maxMem;
        partitionOf = new Partition[n];
        partitions = buildPartitions(base, from);
    }

    /**
     * For each view, its index in {@code base} when {@code base} holds the same object, else -1. Both are in
     * container instance id order, so one merge pass finds them; ids are compared only where the two differ.
     */
    private int[] sameViews(ClusterSnapshot base) {
        int[] from = new int[views.length];
        InstanceView[] old = base.views;
        int k = 0;
        for (int i = 0; i < views.length; i++) {
            from[i] = -1;
            if (k < old.length && old[k] == views[i]) {
                from[i] = k++;
                continue;
            }
            String id = views[i].containerInstanceId();
            while (k < old.length && old[k] != views[i] && old[k].containerInstanceId().compareTo(id) < 0) {
                k++; // not in this snapshot
            }
            if (k < old.length && old[k] == views[i]) {
                from[i] = k++;
            } else if (k < old.length && old[k].containerInstanceId().equals(id)) {
                k++; // the same container instance, another view
            }
        }
        return from;
    }

    /** Fills the columns of view {@code i}: what it has left, how many tasks it runs, what it registers, its id. */
    private void column(int i) {
        Resources r = views[i].remaining();
        cpu[i] = r.cpu();
        memory[i] = r.memoryMiB();
        gpus[i] = r.gpus();
        enis[i] = r.enis();
        running[i] = views[i].runningTasksCount();
        registeredCpu[i] = views[i].registered().cpu();
        registeredMemory[i] = views[i].registered().memoryMiB();
        ec2Hash[i] = hash(views[i].ec2InstanceId());
    }

    private static int hash(String ec2Id) {
        int h = ec2Id == null ? 0 : ec2Id.hashCode();
        return h ^ (h >>> 16);
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
        registeredCpu = base.registeredCpu.clone();
        registeredMemory = base.registeredMemory.clone();
        ec2Hash = base.ec2Hash.clone();
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
        byEc2Id = base.ec2Table(); // the same instances at the same places
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
        InstanceView[] patched = views.clone();
        int[] changed = new int[replacements.size()];
        for (int k = 0; k < changed.length; k++) {
            InstanceView now = replacements.get(k);
            int i = indexOfEc2(now.ec2InstanceId());
            if (i < 0) {
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
        java.util.Collection<String> ec2Ids = groupLocator.apply(group);
        int[] found = new int[ec2Ids.size()];
        int n = 0;
        for (String ec2 : ec2Ids) {
            int i = indexOfEc2(ec2);
            if (i >= 0 && runs(i, group)) {
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

    /**
     * The snapshot index of each EC2 instance id, built on first use: an open-addressing table of index + 1 (0:
     * free slot) probed linearly from the id's hash, at most half full. One int per slot instead of a boxed map entry
     * per instance, as a snapshot rebuilt at each placement call would otherwise allocate again.
     */
    private int[] byEc2Id;

    private synchronized int[] ec2Table() {
        if (byEc2Id == null) {
            int[] table = new int[Integer.highestOneBit(Math.max(4, views.length)) * 4];
            for (int i = 0; i < views.length; i++) {
                int slot = probe(table, ec2Hash[i], views[i].ec2InstanceId());
                table[slot] = i + 1; // a repeated id keeps its last index, as a map's put would
            }
            byEc2Id = table;
        }
        return byEc2Id;
    }

    /**
     * The slot of {@code ec2Id} (whose {@link #hash} is {@code h}) in {@code table}: where it is, else the free slot
     * where it would go. Only an entry of the same hash is compared by its id.
     */
    private int probe(int[] table, int h, String ec2Id) {
        int mask = table.length - 1;
        int slot = h & mask;
        while (table[slot] != 0 && (ec2Hash[table[slot] - 1] != h
                || !java.util.Objects.equals(views[table[slot] - 1].ec2InstanceId(), ec2Id))) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    /** The snapshot index of the instance with EC2 id {@code ec2Id}; -1 when none. */
    private int indexOfEc2(String ec2Id) {
        int[] table = ec2Table();
        return table[probe(table, hash(ec2Id), ec2Id)] - 1;
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
        return new ClusterSnapshot(sorted, groupLocator, null);
    }

    /**
     * As {@link #of(List, java.util.function.Function)} for instances already in ascending container instance id
     * order without duplicates (the caller keeps them so, e.g. in a sorted map): no sort and no duplicate check.
     */
    public static ClusterSnapshot ofSorted(List<InstanceView> sorted,
                                           java.util.function.Function<String, java.util.Collection<String>>
                                                   groupLocator) {
        return new ClusterSnapshot(sorted, groupLocator, null);
    }

    /**
     * As {@link #ofSorted}, the same snapshot, made from {@code base} (an earlier snapshot of the cluster) for the
     * views it shares with {@code sorted}: only the views new to it are read. For a list that differs from the last
     * snapshot's by a few instances that came, went or changed.
     */
    public static ClusterSnapshot ofSorted(List<InstanceView> sorted,
                                           java.util.function.Function<String, java.util.Collection<String>>
                                                   groupLocator, ClusterSnapshot base) {
        return new ClusterSnapshot(sorted, groupLocator, base);
    }

    /**
     * Instances grouped by (capacity provider, architecture, availability zone), members in index order, the
     * groups in the order of their {@code provider NUL architecture NUL zone} names. A fleet has a handful of
     * groups: each instance finds its own by comparing the three fields, and only the groups' names are sorted. An
     * instance whose view {@code base} holds ({@code from}) finds it from its partition there, without its view.
     */
    private List<Partition> buildPartitions(ClusterSnapshot base, int[] from) {
        List<Group> groups = new ArrayList<>();
        Map<Partition, Group> ofBase = new java.util.IdentityHashMap<>();
        for (int i = 0; i < views.length; i++) {
            Group g;
            if (from != null && from[i] >= 0) {
                Partition p = base.partitionOf[from[i]];
                if (p == null) {
                    continue;
                }
                g = ofBase.get(p);
                if (g == null) {
                    g = Group.find(groups, p.capacityProvider, p.architecture, p.availabilityZone);
                    g.base = p;
                    ofBase.put(p, g);
                }
            } else {
                InstanceView v = views[i];
                if (!partitioned(v)) {
                    continue;
                }
                g = Group.find(groups, v.capacityProvider(), v.architecture(), v.availabilityZone());
            }
            g.add(i);
        }
        groups.sort(Comparator.comparing(g -> g.name));
        int[] newOf = null;
        if (from != null) {
            newOf = new int[base.views.length];
            java.util.Arrays.fill(newOf, -1);
            for (int i = 0; i < from.length; i++) {
                if (from[i] >= 0) {
                    newOf[from[i]] = i;
                }
            }
        }
        List<Partition> out = new ArrayList<>(groups.size());
        for (Group g : groups) {
            int[] members = java.util.Arrays.copyOf(g.members, g.size);
            long[] cpuKeys = g.base == null ? null : mergedKeys(g.base.cpuKeys, newOf, members, from, true);
            long[] memoryKeys = g.base == null ? null : mergedKeys(g.base.memoryKeys, newOf, members, from, false);
            Partition p = cpuKeys == null || memoryKeys == null
                    ? new Partition(g.provider, g.architecture, g.zone, members, cpu, memory)
                    : new Partition(g.provider, g.architecture, g.zone, members, cpuKeys, memoryKeys);
            for (int i : p.members) {
                partitionOf[i] = p;
            }
            out.add(p);
        }
        return List.copyOf(out);
    }

    /**
     * The sorted keys of a partition's {@code members}, by CPU or memory, from the sorted keys of the base snapshot's
     * partition of the same name: a member the base holds has the same remaining resources there, and its index
     * changes in the order of the indexes, so its keys keep their order once renumbered; the other members' keys
     * are sorted and merged in. Null (sort them all) when the base's keys do not cover the kept members.
     */
    private long[] mergedKeys(long[] baseKeys, int[] newOf, int[] members, int[] from, boolean byCpu) {
        int fresh = 0;
        for (int i : members) {
            if (from[i] < 0) {
                fresh++;
            }
        }
        long[] others = new long[fresh];
        int n = 0;
        for (int i : members) {
            if (from[i] < 0) {
                others[n++] = Partition.key(byCpu ? cpu[i] : memory[i], i);
            }
        }
        java.util.Arrays.sort(others);
        long[] out = new long[members.length];
        int o = 0;
        int b = 0;
        for (long k : baseKeys) {
            int i = newOf[Partition.index(k)];
            if (i < 0) {
                continue; // not in this snapshot, or another view of it
            }
            long key = (k & ~Partition.INDEX_MASK) | i;
            while (b < fresh && others[b] < key) {
                out[o++] = others[b++];
            }
            if (o == out.length) {
                return null;
            }
            out[o++] = key;
        }
        while (b < fresh && o < out.length) {
            out[o++] = others[b++];
        }
        return o == out.length && b == fresh ? out : null;
    }

    /** A partition being built: what names it and its members so far. */
    private static final class Group {
        final String provider;
        final Architecture architecture;
        final String zone;
        final String name;
        /** The base snapshot's partition of this name, when one of its members is kept. */
        Partition base;
        int[] members = new int[8];
        int size;

        private Group(String provider, Architecture architecture, String zone) {
            this.provider = provider;
            this.architecture = architecture;
            this.zone = zone;
            this.name = provider + '\u0000' + architecture + '\u0000' + zone;
        }

        /** The group of these three fields in {@code groups}, added at the end when there is none yet. */
        static Group find(List<Group> groups, String provider, Architecture architecture, String zone) {
            for (Group g : groups) {
                if (g.architecture == architecture && g.zone.equals(zone) && g.provider.equals(provider)) {
                    return g;
                }
            }
            Group g = new Group(provider, architecture, zone);
            groups.add(g);
            return g;
        }

        void add(int i) {
            if (size == members.length) {
                members = java.util.Arrays.copyOf(members, size * 2);
            }
            members[size++] = i;
        }
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
