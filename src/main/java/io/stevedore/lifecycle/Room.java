package io.stevedore.lifecycle;

import io.stevedore.lifecycle.FleetSnapshot.Member;
import io.stevedore.lifecycle.FleetSnapshot.Work;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The free resources and host ports of the instances that can take moved tasks, for compaction's simulation: best
 * fit is the instance left with the least CPU, then memory, then the first in fleet order, among those where none
 * of the task's host ports is in use — found in a sorted set, not by scanning every instance for every task. Moves
 * are tried and undone; room set aside for drains in progress stays.
 */
final class Room {
    private record Slot(int cpu, long memoryMiB, int index) {
    }

    private static final Comparator<Slot> ORDER = Comparator.comparingInt(Slot::cpu)
            .thenComparingLong(Slot::memoryMiB).thenComparingInt(Slot::index);

    private final List<String> ids = new ArrayList<>();
    private final Map<String, Integer> position = new HashMap<>();
    private final List<Resources> free = new ArrayList<>();
    private final TreeSet<Slot> order = new TreeSet<>(ORDER);
    /** Undo log of the move being tried: index and free resources before. */
    private final Deque<Map.Entry<Integer, Resources>> undo = new ArrayDeque<>();
    /**
     * The host ports in use on each instance (host-network tasks hold theirs exclusively): the host's own set until
     * a move takes a port there, then a copy ({@link #ownPorts}).
     */
    private final List<Set<Integer>> ports = new ArrayList<>();
    private final java.util.BitSet ownPorts = new java.util.BitSet();
    /** Undo log of the host ports the move being tried took: index and port. */
    private final Deque<Map.Entry<Integer, Integer>> undoPorts = new ArrayDeque<>();

    /**
     * What the room reads of an instance: whether it may take tasks (neither impaired nor under a Spot notice), its
     * free resources and the host ports its tasks hold (never changed by the room).
     */
    interface Host {
        boolean usable();

        Resources free();

        Set<Integer> ports();
    }

    /**
     * The usable hosts among {@code active}: neither impaired nor under a Spot notice. Those without room for
     * {@code smallest} (the smallest task that may move) are counted but not held: they can never be a best fit.
     */
    static Room of(List<Member> active, java.util.function.Function<Member, Resources> used, Resources smallest) {
        return ofHosts(active, i -> {
            Member m = active.get(i);
            return new Host() {
                public boolean usable() {
                    return !m.impaired() && m.spotNoticeMillis() < 0;
                }

                public Resources free() {
                    return m.registered().minus(used.apply(m));
                }

                public Set<Integer> ports() {
                    return portsOf(m);
                }
            };
        }, smallest);
    }

    /** {@link #of(List, java.util.function.Function, Resources)}, {@code hosts} giving each of {@code active}. */
    static Room ofHosts(List<Member> active, java.util.function.IntFunction<Host> hosts, Resources smallest) {
        Room r = new Room();
        for (int i = 0; i < active.size(); i++) {
            Host h = hosts.apply(i);
            if (h.usable()) {
                r.usable++;
                Resources f = h.free();
                if (f.fits(smallest)) {
                    r.position.put(active.get(i).instanceId(), r.ids.size());
                    r.ids.add(active.get(i).instanceId());
                    r.free.add(f);
                    r.ports.add(h.ports());
                    r.order.add(new Slot(f.cpu(), f.memoryMiB(), r.ids.size() - 1));
                }
            }
        }
        return r;
    }

    /** The host ports in use on {@code m} (host-network tasks hold theirs exclusively). */
    static Set<Integer> portsOf(Member m) {
        Set<Integer> taken = new java.util.HashSet<>();
        m.tasks().forEach(w -> taken.addAll(w.demand().hostPorts()));
        return taken;
    }

    private int usable;

    /** How many instances could take tasks (with room or not). */
    int usable() {
        return usable;
    }

    /**
     * Sets room aside for service tasks that are about to move (from instances draining now), best fit; returns the
     * instances that will take them.
     */
    Set<String> reserve(List<Work> tasks) {
        return reserveOrdered(largestFirst(tasks));
    }

    /** {@link #reserve}, the tasks already {@link #largestFirst}. */
    Set<String> reserveOrdered(List<Work> ordered) {
        Set<String> hosts = new LinkedHashSet<>();
        for (Work w : ordered) {
            if (w.service() != null) {
                int target = bestFit(w.demand());
                if (target >= 0) {
                    take(target, w.demand());
                    hosts.add(ids.get(target));
                }
            }
        }
        undo.clear();
        undoPorts.clear();
        return hosts;
    }

    /**
     * How many of {@code m}'s tasks ({@code ordered}: them, {@link #largestFirst}) would fit elsewhere; the others
     * are counted in {@code rest}. Changes nothing.
     */
    int tryMove(Member m, List<Work> ordered, Map<TaskDemand, Integer> rest) {
        int[] moved = {0};
        simulate(m, ordered, (w, target) -> {
            if (target < 0) {
                rest.merge(w.demand(), 1, Integer::sum);
            } else {
                moved[0]++;
            }
            return true;
        });
        rollback();
        return moved[0];
    }

    private interface Step {
        /** Told where a task went (-1 = nowhere); false stops the simulation. */
        boolean placed(Work w, int target);
    }

    /**
     * Places {@code m}'s tasks ({@code ordered}: largest first) on the others (never on itself); true when it ran to
     * the end.
     */
    private boolean simulate(Member m, List<Work> ordered, Step step) {
        Integer self = position.get(m.instanceId());
        Slot own = self == null ? null : slot(self);
        if (own != null) {
            order.remove(own);
        }
        try {
            for (Work w : ordered) {
                int target = bestFit(w.demand());
                if (target >= 0) {
                    take(target, w.demand());
                }
                if (!step.placed(w, target)) {
                    return false;
                }
            }
            return true;
        } finally {
            if (own != null) {
                order.add(slot(self));
            }
        }
    }

    private void rollback() {
        while (!undoPorts.isEmpty()) {
            Map.Entry<Integer, Integer> e = undoPorts.pop();
            ports.get(e.getKey()).remove(e.getValue());
        }
        while (!undo.isEmpty()) {
            Map.Entry<Integer, Resources> e = undo.pop();
            order.remove(slot(e.getKey()));
            free.set(e.getKey(), e.getValue());
            order.add(slot(e.getKey()));
        }
    }

    private Slot slot(int i) {
        Resources f = free.get(i);
        return new Slot(f.cpu(), f.memoryMiB(), i);
    }

    private void take(int i, TaskDemand demand) {
        order.remove(slot(i));
        undo.push(Map.entry(i, free.get(i)));
        free.set(i, free.get(i).minus(demand.resources()));
        order.add(slot(i));
        if (!demand.hostPorts().isEmpty() && !ownPorts.get(i)) {
            ports.set(i, new java.util.HashSet<>(ports.get(i)));
            ownPorts.set(i);
        }
        for (int port : demand.hostPorts()) {
            if (ports.get(i).add(port)) {
                undoPorts.push(Map.entry(i, port));
            }
        }
    }

    /**
     * The instance left with the least CPU (then memory, then fleet order) after taking {@code demand}, with none of
     * its host ports in use; -1: none.
     */
    private int bestFit(TaskDemand demand) {
        Resources need = demand.resources();
        for (Slot s : order.tailSet(new Slot(need.cpu(), Long.MIN_VALUE, Integer.MIN_VALUE), true)) {
            if (free.get(s.index()).fits(need) && free(s.index(), demand.hostPorts())) {
                return s.index();
            }
        }
        return -1;
    }

    private boolean free(int i, Set<Integer> hostPorts) {
        for (int port : hostPorts) {
            if (ports.get(i).contains(port)) {
                return false;
            }
        }
        return true;
    }

    /** The order tasks are moved in: largest CPU, then memory first, then task ARN. */
    static List<Work> largestFirst(List<Work> tasks) {
        List<Work> out = new ArrayList<>(tasks);
        out.sort(Comparator.comparingInt((Work w) -> -w.demand().cpu())
                .thenComparingLong(w -> -w.demand().memoryMiB()).thenComparing(Work::taskArn));
        return out;
    }
}
