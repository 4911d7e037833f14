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
    /**
     * A kept room ({@link #kept}) orders its equal slots by instance id, not by index: its indexes are reused as hosts
     * come and go, and for a fleet in instance-id order the id order is the fleet order.
     */
    private final boolean kept;
    private final TreeSet<Slot> order;
    /** A kept room's indexes free for reuse (their host left). */
    private final Deque<Integer> spare = new ArrayDeque<>();

    /** A kept room's floor: a host without room for it is held but never sought (it can take no task). */
    private final Resources floor;

    private Room(boolean kept, Resources floor) {
        this.kept = kept;
        this.floor = floor;
        this.order = new TreeSet<>(kept ? this::byId : ORDER);
    }

    /** The kept room's floor. */
    Resources floor() {
        return floor;
    }

    private int byId(Slot a, Slot b) {
        int c = Integer.compare(a.cpu(), b.cpu());
        if (c == 0) {
            c = Long.compare(a.memoryMiB(), b.memoryMiB());
        }
        if (c != 0 || a.index() == b.index()) {
            return c;
        }
        return a.index() < 0 || b.index() < 0 ? Integer.compare(a.index(), b.index()) // a search bound
                : ids.get(a.index()).compareTo(ids.get(b.index()));
    }
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
        Room r = new Room(false, smallest);
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

    /**
     * An empty room to be kept from pass to pass and patched ({@link #put}, {@link #remove}) as hosts change: it counts
     * every usable host it is given and seeks those with room for {@code floor} (a host without room for the smallest
     * task is never a best fit, so with a floor no larger than that, per resource, it answers as a room without it),
     * and orders equal slots by instance id — the same answers as {@link #ofHosts} over the same hosts when they come
     * in instance-id order. Moves tried on it, reservations included, are undone by {@link #rollbackAll}.
     */
    static Room kept(Resources floor) {
        return new Room(true, floor);
    }

    /** Holds {@code h} as the host {@code id}, in place of what it held for it (a kept room, no move pending). */
    void put(String id, Host h) {
        remove(id);
        if (!h.usable()) {
            return;
        }
        Resources f = h.free();
        int at;
        if (spare.isEmpty()) {
            at = ids.size();
            ids.add(id);
            free.add(f);
            ports.add(h.ports());
        } else {
            at = spare.pop();
            ids.set(at, id);
            free.set(at, f);
            ports.set(at, h.ports());
        }
        ownPorts.clear(at);
        position.put(id, at);
        if (f.fits(floor)) {
            order.add(slot(at));
        }
    }

    /** Stops holding the host {@code id}, if held (a kept room, no move pending). */
    void remove(String id) {
        Integer at = position.remove(id);
        if (at != null) {
            order.remove(slot(at));
            ids.set(at, null);
            free.set(at, null);
            ports.set(at, null);
            ownPorts.clear(at);
            spare.push(at);
        }
    }

    /** Undoes every move and reservation since the room was last patched (a kept room, after a pick). */
    void rollbackAll() {
        rollback(0, 0);
    }

    /** The hosts held, by instance id, with their free resources and ports (tests compare kept and fresh rooms). */
    Map<String, Map.Entry<Resources, Set<Integer>>> held() {
        Map<String, Map.Entry<Resources, Set<Integer>>> out = new java.util.TreeMap<>();
        position.forEach((id, at) -> out.put(id, Map.entry(free.get(at), Set.copyOf(ports.get(at)))));
        return out;
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
        return kept ? position.size() : usable;
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
        if (!kept) { // a kept room keeps the log: the reservation is undone after the pick
            undo.clear();
            undoPorts.clear();
        }
        return hosts;
    }

    /**
     * How many of {@code m}'s tasks ({@code ordered}: them, {@link #largestFirst}) would fit elsewhere; the others
     * are counted in {@code rest}. Changes nothing.
     */
    int tryMove(Member m, List<Work> ordered, Map<TaskDemand, Integer> rest) {
        int[] moved = {0};
        int undoFrom = undo.size();
        int undoPortsFrom = undoPorts.size();
        simulate(m, ordered, (w, target) -> {
            if (target < 0) {
                rest.merge(w.demand(), 1, Integer::sum);
            } else {
                moved[0]++;
            }
            return true;
        });
        rollback(undoFrom, undoPortsFrom);
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
        boolean own = self != null && order.remove(slot(self)); // a kept room holds hosts it does not seek
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
            if (own) {
                order.add(slot(self));
            }
        }
    }

    /** Undoes the moves logged after the first {@code undoTo} (ports: {@code undoPortsTo}) entries of the logs. */
    private void rollback(int undoTo, int undoPortsTo) {
        while (undoPorts.size() > undoPortsTo) {
            Map.Entry<Integer, Integer> e = undoPorts.pop();
            ports.get(e.getKey()).remove(e.getValue());
        }
        while (undo.size() > undoTo) {
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
