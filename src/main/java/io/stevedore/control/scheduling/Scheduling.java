package io.stevedore.control.scheduling;

import io.stevedore.catalog.Offering;
import io.stevedore.placement.PlacementConstraint;
import io.stevedore.placement.PlacementStrategy;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.Zone;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link Scheduler#schedule} decides on and decides, once per tick and cluster, as data: the tasks waiting for
 * capacity ({@link PendingTask}) and what each provider may launch ({@link ProviderCapacity}) in; which tasks go on
 * which instance ({@link Placement}), which instances to launch for the rest ({@link Launch}) and which tasks cannot
 * get capacity and why ({@link Unplaced}) out. {@code control.PlaceTasks} commits the {@link Decisions}.
 */
public final class Scheduling {
    private Scheduling() {
    }

    /**
     * A task waiting for capacity.
     *
     * @param taskArn          the task
     * @param group            its task group ({@code service:x}, {@code family:x}), what spread and
     *                         distinctInstance count
     * @param demand           what it needs
     * @param capacityProvider the Managed Instances provider it runs on
     * @param constraints      placement constraints (RunTask / service plus the task definition's)
     * @param strategies       placement strategies in order (empty: the default)
     * @param zones            the Availability Zones it may run in (its subnets' zones within the provider's)
     */
    public record PendingTask(String taskArn, String group, TaskDemand demand, String capacityProvider,
                       List<PlacementConstraint> constraints, List<PlacementStrategy> strategies, Set<String> zones) {
        public PendingTask {
            Objects.requireNonNull(taskArn, "taskArn");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(demand, "demand");
            Objects.requireNonNull(capacityProvider, "capacityProvider");
            constraints = List.copyOf(constraints);
            strategies = List.copyOf(strategies);
            zones = Set.copyOf(zones);
        }
    }

    /**
     * What a Managed Instances provider may launch.
     *
     * @param name          the provider
     * @param offerings     priced offerings of its instance requirements and capacity option, cheapest first
     * @param zones         its subnets and their zones
     * @param noMatchReason why there are no offerings (empty when there are)
     * @param daemonOverhead what the provider's daemons reserve on each of its instances (one task of each)
     */
    public record ProviderCapacity(String name, List<Offering> offerings, List<Zone> zones,
                                   Optional<String> noMatchReason, Resources daemonOverhead) {
        /** A provider without daemons. */
        public ProviderCapacity(String name, List<Offering> offerings, List<Zone> zones,
                                Optional<String> noMatchReason) {
            this(name, offerings, zones, noMatchReason, Resources.ZERO);
        }

        public ProviderCapacity {
            daemonOverhead = daemonOverhead == null ? Resources.ZERO : daemonOverhead;
            Objects.requireNonNull(name, "name");
            offerings = List.copyOf(offerings);
            zones = List.copyOf(zones);
            Objects.requireNonNull(noMatchReason, "noMatchReason");
        }
    }

    /** A task goes on an instance (registered or launching). */
    public record Placement(String taskArn, String ec2InstanceId) {
    }

    /**
     * An instance to launch and the tasks planned onto it.
     *
     * @param capacityProvider the provider
     * @param zone             the subnet to launch into
     * @param offerings        acceptable offerings, best first: the planned one, then cheaper-to-dearer fallbacks
     *                         that also hold every planned task (for insufficient capacity)
     * @param taskArns         the tasks that will run on it
     */
    public record Launch(String capacityProvider, Zone zone, List<Offering> offerings, List<String> taskArns) {
        public Launch {
            offerings = List.copyOf(offerings);
            taskArns = List.copyOf(taskArns);
            if (offerings.isEmpty()) {
                throw new IllegalArgumentException("a launch needs at least one offering");
            }
        }
    }

    /** A task no allowed instance can run, with a reason a person can act on. */
    public record Unplaced(String taskArn, String reason) {
    }

    /** Everything decided for one cluster. */
    public record Decisions(List<Placement> placements, List<Launch> launches, List<Unplaced> unplaced) {
        public Decisions {
            placements = List.copyOf(placements);
            launches = List.copyOf(launches);
            unplaced = List.copyOf(unplaced);
        }
    }
}
