package io.stevedore.provisioning;

import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.Offering;
import io.stevedore.placement.InstanceReservation;
import io.stevedore.placement.Resources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An offering as the packer sees it: what it registers less the per-instance overhead (what is left for tasks), which
 * architectures it runs, what an hour costs.
 */
record Candidate(Offering offering, Resources capacity, int archMask, double cost) {

    static Candidate of(Offering o) {
        return of(o, Resources.ZERO);
    }

    /** The offering with {@code overhead} (the daemons) taken off its registered resources, never below zero. */
    static Candidate of(Offering o, Resources overhead) {
        int mask = 0;
        for (Architecture a : o.type().architectures()) {
            mask |= archBit(a);
        }
        Resources left = InstanceReservation.registered(o.type()).minus(overhead);
        left = new Resources(Math.max(0, left.cpu()), Math.max(0, left.memoryMiB()), Math.max(0, left.gpus()),
                Math.max(0, left.enis()));
        return new Candidate(o, left, mask, o.effectivePerHour());
    }

    static int archBit(Architecture a) {
        return 1 << a.ordinal();
    }

    String name() {
        return offering.type().name();
    }

    /** Whether this candidate is at least as good as {@code o} everywhere: cost, architectures and every resource. */
    boolean dominates(Candidate o) {
        return cost <= o.cost && (archMask & o.archMask) == o.archMask && capacity.fits(o.capacity);
    }

    /** By cost, then name, then purchase option: the stable order every choice in the packer uses. */
    static final Comparator<Candidate> ORDER = Comparator.comparingDouble(Candidate::cost)
            .thenComparing(Candidate::name).thenComparing(c -> c.offering.purchaseOption());

    /**
     * Drops offerings another offering dominates (a cheaper-or-equal one with at least every resource and
     * architecture): they can never be part of a cheapest fleet. Result in {@link #ORDER}.
     */
    static List<Candidate> undominated(List<Offering> offerings) {
        return undominated(offerings, Resources.ZERO);
    }

    /** {@link #undominated(List)} of the offerings with {@code overhead} taken off each. */
    static List<Candidate> undominated(List<Offering> offerings, Resources overhead) {
        List<Candidate> all = new ArrayList<>();
        for (Offering o : offerings) {
            Candidate c = of(o, overhead);
            if (c.capacity.cpu() > 0 && c.capacity.memoryMiB() > 0) {
                all.add(c);
            }
        }
        all.sort(ORDER);
        List<Candidate> kept = new ArrayList<>();
        for (Candidate c : all) {
            boolean dominated = false;
            for (Candidate k : kept) {
                if (k.dominates(c)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                kept.add(c);
            }
        }
        return kept;
    }
}
