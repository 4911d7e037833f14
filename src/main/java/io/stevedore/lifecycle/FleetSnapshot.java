package io.stevedore.lifecycle;

import io.stevedore.catalog.Offering;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.Zone;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the lifecycle controller sees: a snapshot of the providers, their instances and the tasks on them, built
 * by the control plane from its state (the controller never reads state itself).
 *
 * @param now             the time of the snapshot
 * @param providers       the Managed Instances providers by name
 * @param instances       every registered instance, instance-id order
 * @param instanceWindows the EC2 instance event window associated with an instance (by instance id or one of its
 *                        tags), by instance id; it takes precedence over the provider's window
 */
public record FleetSnapshot(Instant now, Map<String, Provider> providers, List<Member> instances,
                            Map<String, EventWindow> instanceWindows) {
    public FleetSnapshot {
        Objects.requireNonNull(now, "now");
        providers = Map.copyOf(providers);
        instances = List.copyOf(instances);
        instanceWindows = Map.copyOf(instanceWindows);
    }

    /** A fleet without EC2 instance event windows (every instance keeps its provider's window, if any). */
    public FleetSnapshot(Instant now, Map<String, Provider> providers, List<Member> instances) {
        this(now, providers, instances, Map.of());
    }

    /**
     * The maintenance window of an instance: the EC2 instance event window associated with it, else its provider's
     * (the {@code stevedore:event-window} tag or the admin API), else none.
     */
    public Optional<EventWindow> window(Provider p, Member m) {
        EventWindow own = instanceWindows.get(m.instanceId());
        return own != null ? Optional.of(own) : p.window();
    }

    /**
     * A provider's lifecycle policy and what it may launch.
     *
     * @param name              the provider
     * @param scaleInAfterMillis idle / underutilized delay, -1 = optimization off
     * @param autoRepair        {@code autoRepairConfiguration.actionsStatus} ENABLED
     * @param window            the maintenance window, if the user attached one
     * @param budget            the disruption budget
     * @param offerings         what it may launch, cheapest first (for re-placement on new capacity)
     * @param zones             its subnets
     * @param settled           none of its tasks waits for capacity (PROVISIONING): compaction only acts then, so it
     *                          never takes room a waiting task is about to get
     * @param consolidation     whether and when it consolidates by replacement ({@link Consolidation})
     * @param daemonOverhead    what its daemons reserve on every instance (new capacity is planned with it)
     */
    public record Provider(String name, long scaleInAfterMillis, boolean autoRepair, Optional<EventWindow> window,
                           DisruptionBudget budget, List<Offering> offerings, List<Zone> zones, boolean settled,
                           ConsolidationPolicy consolidation, Resources daemonOverhead) {
        public Provider {
            daemonOverhead = daemonOverhead == null ? Resources.ZERO : daemonOverhead;
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(budget, "budget");
            Objects.requireNonNull(consolidation, "consolidation");
            offerings = List.copyOf(offerings);
            zones = List.copyOf(zones);
        }

        /** A provider without consolidation by replacement (the default) and without daemons. */
        public Provider(String name, long scaleInAfterMillis, boolean autoRepair, Optional<EventWindow> window,
                        DisruptionBudget budget, List<Offering> offerings, List<Zone> zones, boolean settled) {
            this(name, scaleInAfterMillis, autoRepair, window, budget, offerings, zones, settled,
                    ConsolidationPolicy.off(), Resources.ZERO);
        }
    }

    /** Container instance states the controller distinguishes. */
    public enum State { ACTIVE, DRAINING }

    /** A drain in progress. */
    public record Drain(long startedMillis, DrainCause cause, long deadlineMillis) {
    }

    /**
     * One registered instance.
     *
     * @param instanceId           EC2 id
     * @param provider             its capacity provider
     * @param instanceType         its type
     * @param pricePerHour         what it costs (EC2, the offering's price)
     * @param registered           its registered resources
     * @param launchedAtMillis     launch time
     * @param state                ACTIVE or DRAINING
     * @param drain                the drain in progress, if the controller or the user started one
     * @param impaired             health IMPAIRED
     * @param spotNoticeMillis     when a Spot interruption notice arrived, -1 = none
     * @param idleSinceMillis      when its last task ended, -1 while it has tasks
     * @param lastTaskChangeMillis the last task start or stop on it, -1 = never
     * @param tasks                the tasks on it that are not STOPPED
     */
    public record Member(String instanceId, String provider, String instanceType, double pricePerHour,
                         Resources registered, long launchedAtMillis, State state, Optional<Drain> drain,
                         boolean impaired, long spotNoticeMillis, long idleSinceMillis, long lastTaskChangeMillis,
                         List<Work> tasks) {
        public Member {
            Objects.requireNonNull(instanceId, "instanceId");
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(drain, "drain");
            tasks = List.copyOf(tasks);
        }

        public Resources used() {
            Resources r = Resources.ZERO;
            for (Work w : tasks) {
                r = r.plus(w.demand().resources());
            }
            return r;
        }
    }

    /**
     * A task on an instance. Build one with {@link #running} (or {@link #standalone}) and the withers
     * ({@code Work.running(arn, "web", demand).withProtection()}); the canonical constructor is for the control
     * plane, which has every flag at hand.
     *
     * @param taskArn   the task
     * @param service   its service name, null for a standalone (RunTask) task
     * @param demand    what it needs
     * @param running   lastStatus RUNNING
     * @param protectedFromScaleIn task scale-in protection is on
     * @param optedOut  its service opted out of optimization (tag {@code stevedore:optimization=disabled})
     * @param constrained it has placement constraints (compaction's simulation does not model them: never moved)
     */
    public record Work(String taskArn, String service, TaskDemand demand, boolean running, boolean protectedFromScaleIn,
                       boolean optedOut, boolean constrained) {
        public Work {
            Objects.requireNonNull(taskArn, "taskArn");
            Objects.requireNonNull(demand, "demand");
        }

        /** A RUNNING task of {@code service}: unprotected, not opted out, unconstrained (compaction may move it). */
        public static Work running(String taskArn, String service, TaskDemand demand) {
            return new Work(taskArn, service, demand, true, false, false, false);
        }

        /** A RUNNING standalone (RunTask) task: no service. */
        public static Work standalone(String taskArn, TaskDemand demand) {
            return running(taskArn, null, demand);
        }

        /** This task, not (or no longer) RUNNING. */
        public Work notRunning() {
            return new Work(taskArn, service, demand, false, protectedFromScaleIn, optedOut, constrained);
        }

        /** This task with scale-in protection on. */
        public Work withProtection() {
            return new Work(taskArn, service, demand, running, true, optedOut, constrained);
        }

        /** This task, its service opted out of optimization. */
        public Work withOptOut() {
            return new Work(taskArn, service, demand, running, protectedFromScaleIn, true, constrained);
        }

        /** This task with placement constraints. */
        public Work withConstraints() {
            return new Work(taskArn, service, demand, running, protectedFromScaleIn, optedOut, true);
        }
    }
}
