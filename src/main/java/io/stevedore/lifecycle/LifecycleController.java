package io.stevedore.lifecycle;

import io.stevedore.lifecycle.Decision.CancelDrain;
import io.stevedore.lifecycle.Decision.Report;
import io.stevedore.lifecycle.Decision.Retire;
import io.stevedore.lifecycle.Decision.StartDrain;
import io.stevedore.lifecycle.FleetSnapshot.Member;
import io.stevedore.lifecycle.FleetSnapshot.Provider;
import io.stevedore.lifecycle.FleetSnapshot.State;
import io.stevedore.provisioning.Provisioner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The fleet's disruption controller: {@code reconcile(fleet) → decisions}, pure and deterministic (instance-id
 * order, time only from the snapshot). Per provider, in order: finish or force drains in progress; involuntary
 * drains (Spot notice, auto repair); idle scale-in; maximum lifetime inside maintenance windows; compaction of
 * underutilized instances, one at a time ({@link Compaction}, room kept for the tasks of every drain in progress),
 * after consolidation by replacement of a set of instances where the provider enabled it ({@link Consolidation};
 * its moves and compaction's are then held to account by a {@link MoveLedger}).
 * Voluntary drains respect the provider's disruption budget.
 */
public final class LifecycleController {
    private final LifecycleSettings settings;
    private final Compaction compaction;
    private final Consolidation consolidation;
    private final MoveLedger ledger = new MoveLedger();
    /** {@link #settings}' drain age, maximum lifetime and its grace in milliseconds (read for every member). */
    private final long drainAfterMillis;
    private final long maxLifetimeMillis;
    private final long lifetimeGraceMillis;

    public LifecycleController(LifecycleSettings settings, Compaction compaction) {
        this(settings, compaction, new Consolidation(new Provisioner()));
    }

    /** With {@code consolidation} for the providers that enable consolidation by replacement. */
    public LifecycleController(LifecycleSettings settings, Compaction compaction, Consolidation consolidation) {
        this.settings = settings;
        this.compaction = compaction;
        this.consolidation = consolidation;
        this.drainAfterMillis = settings.drainAfter().toMillis();
        this.maxLifetimeMillis = settings.maxLifetime().toMillis();
        this.lifetimeGraceMillis = settings.lifetimeGrace().toMillis();
    }

    /**
     * When the last pass saw an instance about to become a consolidation candidate (its quiet period ends);
     * {@code Long.MAX_VALUE} = none.
     */
    public long nextConsolidationMillis() {
        return consolidation.nextDueMillis();
    }

    /**
     * Whether moves of {@code kind} (REPLACEMENT or UNDERUTILIZED) in a provider stopped because one did not deliver
     * its saving ({@link MoveLedger}).
     */
    public boolean optimizationBlocked(String provider, DrainCause kind) {
        return ledger.blocked(provider, kind);
    }

    public LifecycleSettings settings() {
        return settings;
    }

    public List<Decision> reconcile(FleetSnapshot fleet) {
        long now = fleet.now().toEpochMilli();
        if (quiet != null && quiet.holds(now, fleet)) {
            quiet = quiet.seen(fleet.instances());
            return new ArrayList<>(); // the same fleet, and no time it reads has come: nothing to decide, as then
        }
        quiet = null;
        optimizing = false;
        List<Decision> out = decide(fleet);
        if (out.isEmpty() && timeOnly(fleet)) {
            quiet = new Quiet(fleet.instances(), fleet.providers(), fleet.instanceWindows(), now,
                    nextChange(now, fleet, !optimizing), !optimizing);
        }
        return out;
    }

    /**
     * A pass that decided nothing, and until when the same fleet decides nothing again: every condition a pass reads
     * of the time is {@code now >= t} for a time {@code t} of a member ({@link #nextChange}), so while no such time
     * comes and the members (the same objects), providers and windows are the same, a pass is the same — and without
     * consolidation by replacement or maintenance windows it keeps no state a skipped pass would have changed (the
     * compaction pick's memo aside, which answers the same either way).
     *
     * <p>{@code blocked}: the pass reached neither consolidation nor compaction for any provider (a compaction drain
     * in progress, or no budget left). Such a pass reads of a member only its id, provider, state, drain, impairment,
     * Spot notice, launch and idle times and whether it has tasks ({@link #samePass}): whether compaction is reached
     * depends on those alone (the drains in progress and their causes, the budget against the member count), and so do
     * the drain, involuntary and lifetime conditions, time included. A member that changed otherwise (tasks moved on or
     * off it, its last task change) thus leaves the pass as it was: the fleet decides nothing again, until a time
     * {@code until} already counts or a member changes what the pass reads.
     */
    private record Quiet(List<Member> instances, Map<String, Provider> providers, Map<String, EventWindow> windows,
                         long at, long until, boolean blocked) {
        boolean holds(long now, FleetSnapshot fleet) {
            if (now < at || now >= until || instances.size() != fleet.instances().size()) {
                return false;
            }
            for (int i = 0; i < instances.size(); i++) {
                Member was = instances.get(i);
                Member is = fleet.instances().get(i);
                if (was != is && !(blocked && samePass(was, is))) {
                    return false;
                }
            }
            return sameProviders(fleet.providers()) && windows.equals(fleet.instanceWindows());
        }

        /**
         * Whether a pass over {@code now}'s providers reads the same of them. A provider's {@code settled} (no task of
         * it waits for capacity) is read only by compaction, which answers nothing while it is false: a provider that
         * differs only in it is the same for a {@code blocked} pass, and for any pass when it is now unsettled (the pass
         * this quiet stands for decided nothing, and compaction now decides nothing before reading anything else).
         */
        private boolean sameProviders(Map<String, Provider> now) {
            if (providers.size() != now.size()) {
                return false;
            }
            for (Map.Entry<String, Provider> e : providers.entrySet()) {
                Provider was = e.getValue();
                Provider is = now.get(e.getKey());
                if (is == null) {
                    return false;
                }
                if (was != is && !was.equals(is) && !(was.settled() != is.settled() && (blocked || !is.settled())
                        && settled(was, is.settled()).equals(is))) {
                    return false;
                }
            }
            return true;
        }

        /** This quiet, its members now {@code instances} (each the same for a pass as the one it follows). */
        Quiet seen(List<Member> instances) {
            return instances == this.instances ? this : new Quiet(instances, providers, windows, at, until, blocked);
        }
    }

    /** {@code p} with {@code settled} as given. */
    private static Provider settled(Provider p, boolean settled) {
        return new Provider(p.name(), p.scaleInAfterMillis(), p.autoRepair(), p.window(), p.budget(), p.offerings(),
                p.zones(), settled, p.consolidation(), p.daemonOverhead());
    }

    /** Whether a pass that reaches neither consolidation nor compaction reads the same of {@code a} and {@code b}. */
    private static boolean samePass(Member a, Member b) {
        return a.instanceId().equals(b.instanceId()) && a.provider().equals(b.provider()) && a.state() == b.state()
                && a.drain().equals(b.drain()) && a.impaired() == b.impaired()
                && a.spotNoticeMillis() == b.spotNoticeMillis() && a.launchedAtMillis() == b.launchedAtMillis()
                && a.idleSinceMillis() == b.idleSinceMillis() && a.tasks().isEmpty() == b.tasks().isEmpty();
    }

    /** Set when the current pass reached consolidation or compaction for a provider. */
    private boolean optimizing;

    private Quiet quiet;

    /** Whether a pass over {@code fleet} reads nothing but its members, providers and the time (no window, no ledger). */
    private static boolean timeOnly(FleetSnapshot fleet) {
        if (!fleet.instanceWindows().isEmpty()) {
            return false;
        }
        for (Provider p : fleet.providers().values()) {
            if (p.window().isPresent() || p.consolidation().enabled()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first time after {@code now} at which a condition of a pass over {@code fleet} turns true: a drain's deadline,
     * the maximum lifetime and its grace, the replacement age, an idle timer, the end of a quiet period (compaction);
     * {@code Long.MAX_VALUE} = none. {@code blocked}: the pass reached neither consolidation nor compaction, the only
     * readers of a member's quiet period (its last task change), so those ends are left out: such a pass stays blocked
     * while its members read the same ({@link Quiet#holds}) and no other of these times has come.
     */
    private long nextChange(long now, FleetSnapshot fleet, boolean blocked) {
        long next = Long.MAX_VALUE;
        long maxLifetime = maxLifetimeMillis;
        Provider p = null;
        String key = null;
        for (Member m : fleet.instances()) {
            if (key == null || !key.equals(m.provider())) { // most fleets list one provider's members in a row
                key = m.provider();
                p = fleet.providers().get(key);
            }
            if (p == null) {
                continue;
            }
            long launch = m.launchedAtMillis();
            next = after(now, next, launch + maxLifetime);
            next = after(now, next, launch + maxLifetime - lifetimeGraceMillis);
            next = after(now, next, launch + drainAfterMillis);
            if (m.drain().isPresent()) {
                next = after(now, next, m.drain().get().deadlineMillis());
            }
            if (p.scaleInAfterMillis() >= 0) {
                if (m.idleSinceMillis() >= 0) {
                    next = after(now, next, m.idleSinceMillis() + p.scaleInAfterMillis());
                }
                if (!blocked) {
                    next = after(now, next, Math.max(m.lastTaskChangeMillis(), launch) + p.scaleInAfterMillis());
                }
            }
        }
        return next;
    }

    /** {@code next}, or {@code at} when that is sooner and after {@code now}. */
    private static long after(long now, long next, long at) {
        return at > now && at < next ? at : next;
    }

    private List<Decision> decide(FleetSnapshot fleet) {
        Map<String, List<Member>> byProvider = new TreeMap<>();
        List<Member> group = null;
        String provider = null;
        for (Member m : fleet.instances()) {
            if (group == null || !provider.equals(m.provider())) { // most fleets list one provider's members in a row
                provider = m.provider();
                group = byProvider.computeIfAbsent(provider, k -> new ArrayList<>(fleet.instances().size()));
            }
            group.add(m);
        }
        List<Decision> out = new ArrayList<>();
        consolidation.startPass();
        byProvider.forEach((name, members) -> {
            Provider p = fleet.providers().get(name);
            if (p != null) {
                reconcile(fleet, p, members, out);
            }
        });
        return out;
    }

    private void reconcile(FleetSnapshot snapshot, Provider p, List<Member> members, List<Decision> out) {
        long now = snapshot.now().toEpochMilli();
        int inFlight = 0;
        List<Member> active = new ArrayList<>(members.size());
        List<Member> drainingNow = new ArrayList<>();
        for (Member m : members) {
            if (m.state() == State.DRAINING) {
                Decision d = draining(now, m);
                if (d != null) {
                    out.add(d);
                    if (!(d instanceof CancelDrain)) {
                        continue;
                    }
                }
                inFlight++;
                drainingNow.add(m);
            } else {
                active.add(m);
            }
        }
        List<Member> candidates = new ArrayList<>(active.size());
        for (Member m : active) {
            Decision d = involuntary(now, p, m);
            if (d instanceof StartDrain) {
                inFlight++;
                drainingNow.add(m);
            }
            if (d != null) {
                out.add(d);
                if (!(d instanceof Report)) {
                    continue;
                }
            }
            candidates.add(m);
        }
        int allowed = p.budget().allowed(members.size());
        List<Member> stay = new ArrayList<>(candidates.size());
        boolean windowless = p.window().isEmpty() && snapshot.instanceWindows().isEmpty();
        for (Member m : candidates) {
            Optional<EventWindow> window = windowless ? Optional.empty() : snapshot.window(p, m);
            long due = lifetimeDue(now, window, m);
            boolean urgent = now >= m.launchedAtMillis() + maxLifetimeMillis - lifetimeGraceMillis;
            if (due >= 0 && (inFlight < allowed || urgent)) {
                out.add(new StartDrain(m.instanceId(), DrainCause.MAX_LIFETIME, Math.min(now
                        + settings.hardDrain().toMillis(), m.launchedAtMillis() + maxLifetimeMillis),
                        lifetimeReason(now, window, m, urgent)));
                inFlight++;
                drainingNow.add(m);
            } else {
                stay.add(m);
            }
        }
        boolean compacting = false;
        for (Member m : drainingNow) {
            DrainCause cause = m.drain().map(FleetSnapshot.Drain::cause).orElse(null);
            compacting |= cause == DrainCause.UNDERUTILIZED || cause == DrainCause.REPLACEMENT;
        }
        boolean guarded = p.consolidation().enabled();
        List<Member> fleet = new ArrayList<>(active.size() + drainingNow.size());
        fleet.addAll(active);
        for (Member m : drainingNow) {
            if (m.state() == State.DRAINING) {
                fleet.add(m);
            }
        }
        if (guarded) {
            ledger.settle(p, fleet, compacting);
        }
        if (!compacting && inFlight < allowed && p.scaleInAfterMillis() >= 0) {
            optimizing = true;
            // a kind of move that did not deliver its saving waits until the provider's tasks change (MoveLedger)
            Optional<Consolidation.Move> move = guarded && !ledger.may(p, fleet, DrainCause.REPLACEMENT)
                    ? Optional.empty() : consolidation.pick(now, p, stay, drainingNow, allowed - inFlight);
            if (move.isPresent()) {
                for (String id : move.get().instanceIds()) {
                    out.add(new StartDrain(id, DrainCause.REPLACEMENT, now + settings.compactionTimeout().toMillis(),
                            move.get().reason()));
                }
                ledger.moved(p, fleet, DrainCause.REPLACEMENT, move.get().savingPerHour());
                return;
            }
            Optional<Compaction.Candidate> c = guarded && !ledger.may(p, fleet, DrainCause.UNDERUTILIZED)
                    ? Optional.empty() : compaction.pick(now, p, stay, drainingNow);
            if (c.isPresent()) {
                out.add(new StartDrain(c.get().instanceId(), DrainCause.UNDERUTILIZED, now
                        + settings.compactionTimeout().toMillis(), c.get().reason()));
                if (guarded) {
                    ledger.moved(p, fleet, DrainCause.UNDERUTILIZED, c.get().savingPerHour());
                }
            }
        }
    }

    /** A drain in progress: done when empty, forced at its deadline, a stuck compaction cancelled. */
    private Decision draining(long now, Member m) {
        if (m.tasks().isEmpty()) {
            return new Retire(m.instanceId(), false, "drained" + m.drain().map(d -> " (" + describe(d.cause()) + ")")
                    .orElse(""));
        }
        Optional<FleetSnapshot.Drain> d = m.drain();
        if (d.isPresent() && now >= d.get().deadlineMillis()) {
            if (d.get().cause() == DrainCause.UNDERUTILIZED || d.get().cause() == DrainCause.REPLACEMENT) {
                return new CancelDrain(m.instanceId(), (d.get().cause() == DrainCause.UNDERUTILIZED
                        ? "compaction" : "consolidation by replacement") + " did not finish within "
                        + settings.compactionTimeout().toMinutes() + " minutes; the instance is ACTIVE again");
            }
            return new Retire(m.instanceId(), true, "the drain deadline passed (" + describe(d.get().cause())
                    + "); remaining tasks are stopped");
        }
        long hard = m.launchedAtMillis() + maxLifetimeMillis;
        if (now >= hard) {
            return new Retire(m.instanceId(), true, "maximum lifetime of " + settings.maxLifetime().toDays()
                    + " days reached; remaining tasks are stopped");
        }
        return null;
    }

    /** Spot notice, impairment and idleness: not bounded by the budget. */
    private Decision involuntary(long now, Provider p, Member m) {
        if (m.spotNoticeMillis() >= 0) {
            return new StartDrain(m.instanceId(), DrainCause.SPOT_INTERRUPTION, m.spotNoticeMillis()
                    + settings.spotNotice().toMillis(), "Spot interruption notice: the instance is reclaimed at "
                    + Instant.ofEpochMilli(m.spotNoticeMillis() + settings.spotNotice().toMillis()));
        }
        if (m.impaired()) {
            if (p.autoRepair()) {
                return new StartDrain(m.instanceId(), DrainCause.REPAIR, now + settings.repairDeadline().toMillis(),
                        "auto repair: the instance is IMPAIRED and is replaced");
            }
            return new Report(m.instanceId(), "the instance is IMPAIRED; auto repair is DISABLED, so it is only"
                    + " reported");
        }
        if (m.tasks().isEmpty() && p.scaleInAfterMillis() >= 0 && m.idleSinceMillis() >= 0
                && now - m.idleSinceMillis() >= p.scaleInAfterMillis()) {
            return new Retire(m.instanceId(), false, "idle for " + p.scaleInAfterMillis() / 1000 + " s"
                    + " (infrastructure optimization)");
        }
        if (m.tasks().isEmpty() && now >= m.launchedAtMillis() + drainAfterMillis) {
            return new Retire(m.instanceId(), false, "idle and past its " + settings.drainAfter().toDays()
                    + "-day replacement age");
        }
        return null;
    }

    /**
     * When the maximum-lifetime drain is due: {@code now} inside the instance's maintenance window ({@link
     * FleetSnapshot#window}) once the window is due, or
     * at the default age without a window, or just before the deadline when no window fits; -1 = not yet.
     */
    long lifetimeDue(long now, Optional<EventWindow> window, Member m) {
        long launch = m.launchedAtMillis();
        long drainAt = launch + drainAfterMillis;
        long lastChance = launch + maxLifetimeMillis - lifetimeGraceMillis;
        if (now >= lastChance) {
            return now;
        }
        if (window.isEmpty()) {
            return now >= drainAt ? now : -1;
        }
        EventWindow w = window.get();
        long opening = windowOpening(w, launch, drainAt, lastChance);
        if (opening < 0 || now < opening) {
            return -1;
        }
        return w.contains(Instant.ofEpochMilli(now)) ? now : -1;
    }

    /** The window opening the drain uses: the first at or after the default age, else the last before it. */
    static long windowOpening(EventWindow w, long launch, long drainAt, long lastChance) {
        long next = w.nextOpening(Instant.ofEpochMilli(drainAt)).toEpochMilli();
        if (next < lastChance) {
            return next;
        }
        long before = w.lastOpening(Instant.ofEpochMilli(drainAt)).toEpochMilli();
        return before > launch ? before : -1;
    }

    private String lifetimeReason(long now, Optional<EventWindow> window, Member m, boolean urgent) {
        long ageDays = (now - m.launchedAtMillis()) / 86_400_000L;
        if (urgent) {
            return "maximum lifetime: " + (window.isPresent() ? "no maintenance window before the "
                    + settings.maxLifetime().toDays() + "-day deadline; replacing at the deadline"
                    : "replacing before the " + settings.maxLifetime().toDays() + "-day deadline")
                    + " (age " + ageDays + " days)";
        }
        return "maximum lifetime: scheduled replacement at age " + ageDays + " days" + (window.isPresent()
                ? " inside the maintenance window" : "");
    }

    private static String describe(DrainCause c) {
        return switch (c) {
            case USER -> "drained by the user";
            case UNDERUTILIZED -> "infrastructure optimization";
            case REPLACEMENT -> "consolidation by replacement";
            case MAX_LIFETIME -> "maximum lifetime";
            case REPAIR -> "auto repair";
            case SPOT_INTERRUPTION -> "Spot interruption";
            case DAEMON_DEPLOYMENT -> "daemon deployment";
        };
    }
}
