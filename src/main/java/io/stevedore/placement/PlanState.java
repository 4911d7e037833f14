package io.stevedore.placement;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cluster as a batch of placements leaves it: remaining resources, host ports, task-group counts. Starts
 * from a {@link ClusterSnapshot} and records only what changes: touched instances get a slot in small delta
 * arrays and keep their new binpack keys in an overlay, so making a plan costs nothing and a handful of
 * placements costs a handful of updates, whatever the fleet size. Mutable and single-threaded; use
 * {@link #copy()} to branch a plan (a copy costs in proportion to what the plan changed).
 */
public final class PlanState {
    final ClusterSnapshot snapshot;
    private final BitSet touched;
    private final IntCounter slotOf;
    private int[] cpu;
    private long[] memory;
    private int[] gpus;
    private int[] enis;
    private int[] running;
    private int slots;
    private final Map<Partition, TreeSet<Long>> overlayCpu;
    private final Map<Partition, TreeSet<Long>> overlayMemory;
    private final Map<Integer, Set<Integer>> addedPorts;
    private final Map<Integer, Set<Integer>> freedPorts;
    private final Map<String, IntCounter> addedGroups;
    private final Map<String, Map<String, Map<String, Integer>>> spreadCounts;
    private final Map<Object, BitSet[]> staticMatches;
    private int placedTasks;

    PlanState(ClusterSnapshot s) {
        snapshot = s;
        slotOf = new IntCounter();
        cpu = new int[8];
        memory = new long[8];
        gpus = new int[8];
        enis = new int[8];
        running = new int[8];
        touched = new BitSet();
        overlayCpu = new HashMap<>();
        overlayMemory = new HashMap<>();
        addedPorts = new HashMap<>();
        freedPorts = new HashMap<>();
        addedGroups = new HashMap<>();
        spreadCounts = new HashMap<>();
        staticMatches = new java.util.IdentityHashMap<>();
    }

    private PlanState(PlanState o) {
        snapshot = o.snapshot;
        slotOf = new IntCounter(o.slotOf);
        cpu = o.cpu.clone();
        memory = o.memory.clone();
        gpus = o.gpus.clone();
        enis = o.enis.clone();
        running = o.running.clone();
        slots = o.slots;
        touched = (BitSet) o.touched.clone();
        overlayCpu = new HashMap<>();
        o.overlayCpu.forEach((p, t) -> overlayCpu.put(p, new TreeSet<>(t)));
        overlayMemory = new HashMap<>();
        o.overlayMemory.forEach((p, t) -> overlayMemory.put(p, new TreeSet<>(t)));
        addedPorts = new HashMap<>();
        o.addedPorts.forEach((i, s) -> addedPorts.put(i, new HashSet<>(s)));
        freedPorts = new HashMap<>();
        o.freedPorts.forEach((i, s) -> freedPorts.put(i, new HashSet<>(s)));
        addedGroups = new HashMap<>();
        o.addedGroups.forEach((g, c) -> addedGroups.put(g, new IntCounter(c)));
        spreadCounts = new HashMap<>();
        o.spreadCounts.forEach((g, byAttr) -> {
            Map<String, Map<String, Integer>> copy = new HashMap<>();
            byAttr.forEach((a, m) -> copy.put(a, new HashMap<>(m)));
            spreadCounts.put(g, copy);
        });
        staticMatches = new java.util.IdentityHashMap<>();
        o.staticMatches.forEach((k, b) -> staticMatches.put(k, new BitSet[] {(BitSet) b[0].clone(),
            (BitSet) b[1].clone()}));
        placedTasks = o.placedTasks;
    }

    /** An independent copy of this plan. */
    public PlanState copy() {
        return new PlanState(this);
    }

    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    /** Tasks placed in this plan so far. */
    public int placedTasks() {
        return placedTasks;
    }

    /** What instance {@code i} has left in this plan. */
    public Resources remaining(int i) {
        return new Resources(cpu(i), memory(i), gpus(i), enis(i));
    }

    int cpu(int i) {
        return touched.get(i) ? cpu[slotOf.get(i)] : snapshot.cpu[i];
    }

    long memory(int i) {
        return touched.get(i) ? memory[slotOf.get(i)] : snapshot.memory[i];
    }

    int gpus(int i) {
        return touched.get(i) ? gpus[slotOf.get(i)] : snapshot.gpus[i];
    }

    int enis(int i) {
        return touched.get(i) ? enis[slotOf.get(i)] : snapshot.enis[i];
    }

    public boolean hostPortFree(int i, int port) {
        if (snapshot.views[i].usedHostPorts().contains(port)) {
            Set<Integer> freed = freedPorts.isEmpty() ? null : freedPorts.get(i);
            return freed != null && freed.contains(port);
        }
        if (addedPorts.isEmpty()) {
            return true;
        }
        Set<Integer> added = addedPorts.get(i);
        return added == null || !added.contains(port);
    }

    /** Tasks of {@code group} on instance {@code i} (running plus planned). */
    public int groupCount(int i, String group) {
        Integer base = snapshot.views[i].taskGroups().get(group);
        int n = base == null ? 0 : base;
        IntCounter added = addedGroups.get(group);
        return added == null ? n : n + added.get(i);
    }

    /** The task groups with at least one task on instance {@code i} in this plan. */
    public Set<String> taskGroups(int i) {
        Set<String> groups = new java.util.TreeSet<>(snapshot.views[i].taskGroups().keySet());
        groups.addAll(addedGroups.keySet());
        groups.removeIf(g -> groupCount(i, g) < 1);
        return groups;
    }

    public int runningTasksCount(int i) {
        return touched.get(i) ? running[slotOf.get(i)] : snapshot.running[i];
    }

    /** Tasks of {@code group} on instances whose {@code attribute} equals {@code value} (null: missing). */
    int spreadCount(String group, String attribute, String value) {
        return spreadCounts(group, attribute).getOrDefault(value == null ? "" : value, 0);
    }

    private Map<String, Integer> spreadCounts(String group, String attribute) {
        Map<String, Map<String, Integer>> byAttr = spreadCounts.computeIfAbsent(group, g -> new HashMap<>());
        Map<String, Integer> counts = byAttr.get(attribute);
        if (counts == null) {
            Map<String, Integer> fresh = new HashMap<>();
            for (int i : snapshot.instancesOf(group)) {
                fresh.merge(valueOf(i, attribute), snapshot.views[i].taskGroups().get(group), Integer::sum);
            }
            IntCounter added = addedGroups.get(group);
            if (added != null) {
                added.forEach((i, n) -> {
                    fresh.merge(valueOf(i, attribute), n, Integer::sum);
                    return 0;
                });
            }
            byAttr.put(attribute, fresh);
            counts = fresh;
        }
        return counts;
    }

    private String valueOf(int i, String attribute) {
        String v = snapshot.views[i].attributes().get(attribute);
        return v == null ? "" : v;
    }

    /** Reserves {@code request}'s task on instance {@code i}. The caller has checked feasibility. */
    public void commit(int i, PlacementRequest request) {
        apply(i, request.demand(), request.group(), 1);
        placedTasks++;
    }

    /**
     * Gives back what a task of {@code group} with {@code demand} held on instance {@code i} (a task that stopped,
     * whether it was running in the snapshot or placed in this plan), so a long-lived plan follows the cluster in
     * time proportional to the change. Refuses to release more than the instance holds.
     */
    public void release(int i, TaskDemand demand, String group) {
        if (groupCount(i, group) < 1) {
            throw new IllegalArgumentException("no task of " + group + " on " + snapshot.views[i]
                    .containerInstanceId());
        }
        apply(i, demand, group, -1);
    }

    private void apply(int i, TaskDemand demand, String group, int sign) {
        Resources d = demand.resources();
        int slot = slot(i);
        Partition p = snapshot.partitionOf[i];
        if (p != null) {
            TreeSet<Long> oc = overlayCpu.computeIfAbsent(p, k -> new TreeSet<>());
            TreeSet<Long> om = overlayMemory.computeIfAbsent(p, k -> new TreeSet<>());
            oc.remove(Partition.key(cpu[slot], i));
            om.remove(Partition.key(memory[slot], i));
            oc.add(Partition.key(cpu[slot] - sign * d.cpu(), i));
            om.add(Partition.key(memory[slot] - sign * d.memoryMiB(), i));
        }
        cpu[slot] -= sign * d.cpu();
        memory[slot] -= sign * d.memoryMiB();
        gpus[slot] -= sign * d.gpus();
        enis[slot] -= sign * d.enis();
        running[slot] += sign;
        for (int port : demand.hostPorts()) {
            bindPort(i, port, sign > 0);
        }
        addedGroups.computeIfAbsent(group, k -> new IntCounter()).add(i, sign);
        Map<String, Map<String, Integer>> byAttr = spreadCounts.get(group);
        if (byAttr != null) {
            byAttr.forEach((attribute, counts) -> counts.merge(valueOf(i, attribute), sign, Integer::sum));
        }
    }

    private void bindPort(int i, int port, boolean bind) {
        boolean inSnapshot = snapshot.views[i].usedHostPorts().contains(port);
        Map<Integer, Set<Integer>> delta = inSnapshot ? freedPorts : addedPorts;
        boolean addToDelta = inSnapshot != bind;
        if (addToDelta) {
            delta.computeIfAbsent(i, k -> new HashSet<>()).add(port);
        } else if (delta.containsKey(i)) {
            delta.get(i).remove(port);
        }
    }

    /**
     * A cached result of a plan-independent test {@code key} (by identity) on instance {@code i}: 1 true, 0 false,
     * -1 unknown.
     */
    int cachedMatch(Object key, int i) {
        BitSet[] b = staticMatches.get(key);
        return b == null || !b[0].get(i) ? -1 : b[1].get(i) ? 1 : 0;
    }

    void cacheMatch(Object key, int i, boolean value) {
        BitSet[] b = staticMatches.computeIfAbsent(key, k -> new BitSet[] {new BitSet(), new BitSet()});
        b[0].set(i);
        b[1].set(i, value);
    }

    /** The delta slot of instance {@code i}, created from the snapshot's values on first touch. */
    private int slot(int i) {
        if (touched.get(i)) {
            return slotOf.get(i);
        }
        if (slots == cpu.length) {
            int n = slots * 2;
            cpu = java.util.Arrays.copyOf(cpu, n);
            memory = java.util.Arrays.copyOf(memory, n);
            gpus = java.util.Arrays.copyOf(gpus, n);
            enis = java.util.Arrays.copyOf(enis, n);
            running = java.util.Arrays.copyOf(running, n);
        }
        int slot = slots++;
        cpu[slot] = snapshot.cpu[i];
        memory[slot] = snapshot.memory[i];
        gpus[slot] = snapshot.gpus[i];
        enis[slot] = snapshot.enis[i];
        running[slot] = snapshot.running[i];
        slotOf.put(i, slot);
        touched.set(i);
        return slot;
    }

    /**
     * Walks partition {@code p}'s instances in ascending order of remaining {@code cpu} or memory, starting at
     * {@code atLeast}: the snapshot's sorted keys (skipping touched instances) merged with the overlay.
     */
    BinpackCursor cursor(Partition p, boolean byCpu, long atLeast) {
        long[] base = byCpu ? p.cpuKeys : p.memoryKeys;
        TreeSet<Long> overlay = (byCpu ? overlayCpu : overlayMemory).get(p);
        long probe = Partition.key(atLeast, 0);
        return new BinpackCursor(base, Partition.lowerBound(base, probe),
                overlay == null ? null : overlay.tailSet(probe, true).iterator(), touched);
    }
}
