package io.stevedore.placement;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cluster as a batch of placements leaves it: remaining resources, host ports, task-group counts. Starts
 * from a {@link ClusterSnapshot} and records only what changes (touched instances keep their new binpack keys in
 * a small overlay), so a handful of placements costs a handful of updates. Mutable and single-threaded; use
 * {@link #copy()} to branch a plan.
 */
public final class PlanState {
    final ClusterSnapshot snapshot;
    final int[] cpu;
    final long[] memory;
    final int[] gpus;
    final int[] enis;
    final int[] running;
    private final BitSet touched;
    private final Map<Partition, TreeSet<Long>> overlayCpu;
    private final Map<Partition, TreeSet<Long>> overlayMemory;
    private final Map<Integer, Set<Integer>> addedPorts;
    private final Map<Integer, Map<String, Integer>> addedGroups;
    private final Map<String, Map<String, Integer>> spreadCounts;
    private int placedTasks;

    PlanState(ClusterSnapshot s) {
        snapshot = s;
        cpu = s.cpu.clone();
        memory = s.memory.clone();
        gpus = s.gpus.clone();
        enis = s.enis.clone();
        running = s.running.clone();
        touched = new BitSet();
        overlayCpu = new HashMap<>();
        overlayMemory = new HashMap<>();
        addedPorts = new HashMap<>();
        addedGroups = new HashMap<>();
        spreadCounts = new HashMap<>();
    }

    private PlanState(PlanState o) {
        snapshot = o.snapshot;
        cpu = o.cpu.clone();
        memory = o.memory.clone();
        gpus = o.gpus.clone();
        enis = o.enis.clone();
        running = o.running.clone();
        touched = (BitSet) o.touched.clone();
        overlayCpu = new HashMap<>();
        o.overlayCpu.forEach((p, t) -> overlayCpu.put(p, new TreeSet<>(t)));
        overlayMemory = new HashMap<>();
        o.overlayMemory.forEach((p, t) -> overlayMemory.put(p, new TreeSet<>(t)));
        addedPorts = new HashMap<>();
        o.addedPorts.forEach((i, s) -> addedPorts.put(i, new HashSet<>(s)));
        addedGroups = new HashMap<>();
        o.addedGroups.forEach((i, m) -> addedGroups.put(i, new HashMap<>(m)));
        spreadCounts = new HashMap<>();
        o.spreadCounts.forEach((k, m) -> spreadCounts.put(k, new HashMap<>(m)));
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
        return new Resources(cpu[i], memory[i], gpus[i], enis[i]);
    }

    public boolean hostPortFree(int i, int port) {
        if (snapshot.views[i].usedHostPorts().contains(port)) {
            return false;
        }
        Set<Integer> added = addedPorts.get(i);
        return added == null || !added.contains(port);
    }

    /** Tasks of {@code group} on instance {@code i} (running plus planned). */
    public int groupCount(int i, String group) {
        Integer base = snapshot.views[i].taskGroups().get(group);
        int n = base == null ? 0 : base;
        Map<String, Integer> added = addedGroups.get(i);
        if (added != null) {
            Integer a = added.get(group);
            n += a == null ? 0 : a;
        }
        return n;
    }

    public int runningTasksCount(int i) {
        return running[i];
    }

    /** Tasks of {@code group} on instances whose {@code attribute} equals {@code value} (null: missing). */
    int spreadCount(String group, String attribute, String value) {
        return spreadCounts(group, attribute).getOrDefault(value == null ? "" : value, 0);
    }

    private Map<String, Integer> spreadCounts(String group, String attribute) {
        return spreadCounts.computeIfAbsent(group + '\u0000' + attribute, k -> {
            Map<String, Integer> counts = new HashMap<>();
            for (int i : snapshot.instancesByGroup.getOrDefault(group, new int[0])) {
                counts.merge(valueOf(i, attribute), snapshot.views[i].taskGroups().get(group), Integer::sum);
            }
            addedGroups.forEach((i, m) -> {
                Integer a = m.get(group);
                if (a != null) {
                    counts.merge(valueOf(i, attribute), a, Integer::sum);
                }
            });
            return counts;
        });
    }

    private String valueOf(int i, String attribute) {
        String v = snapshot.views[i].attributes().get(attribute);
        return v == null ? "" : v;
    }

    /** Reserves {@code request}'s task on instance {@code i}. The caller has checked feasibility. */
    public void commit(int i, PlacementRequest request) {
        Resources d = request.demand().resources();
        Partition p = snapshot.partitionOf[i];
        if (p != null) {
            TreeSet<Long> oc = overlayCpu.computeIfAbsent(p, k -> new TreeSet<>());
            TreeSet<Long> om = overlayMemory.computeIfAbsent(p, k -> new TreeSet<>());
            oc.remove(Partition.key(cpu[i], i));
            om.remove(Partition.key(memory[i], i));
            oc.add(Partition.key(cpu[i] - d.cpu(), i));
            om.add(Partition.key(memory[i] - d.memoryMiB(), i));
        }
        touched.set(i);
        cpu[i] -= d.cpu();
        memory[i] -= d.memoryMiB();
        gpus[i] -= d.gpus();
        enis[i] -= d.enis();
        running[i]++;
        placedTasks++;
        if (!request.demand().hostPorts().isEmpty()) {
            addedPorts.computeIfAbsent(i, k -> new HashSet<>()).addAll(request.demand().hostPorts());
        }
        addedGroups.computeIfAbsent(i, k -> new HashMap<>()).merge(request.group(), 1, Integer::sum);
        String prefix = request.group() + '\u0000';
        for (Map.Entry<String, Map<String, Integer>> e : spreadCounts.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                e.getValue().merge(valueOf(i, e.getKey().substring(prefix.length())), 1, Integer::sum);
            }
        }
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
