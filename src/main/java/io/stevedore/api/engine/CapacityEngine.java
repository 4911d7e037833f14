package io.stevedore.api.engine;

import io.stevedore.catalog.InstanceType;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.InstanceRequirementsRequest;

/**
 * The decisions the reconciler delegates: where a task goes among existing (or launching) instances, and which
 * instance types to launch when none fits. The one place where the placement chain and the instance selector
 * with real prices are wired in; {@link SimpleCapacityEngine} is the provisional implementation.
 */
public interface CapacityEngine {

    /**
     * An instance a task could go on.
     *
     * @param instanceId       the cloud instance
     * @param type             its type
     * @param availabilityZone its zone
     * @param remaining        registered minus what its tasks take
     * @param usedHostPorts    host ports taken by host-mode tasks
     * @param tasks            how many tasks it has
     */
    record Candidate(String instanceId, InstanceType type, String availabilityZone, Resources remaining,
                     Set<Integer> usedHostPorts, int tasks) {
        public Candidate {
            Objects.requireNonNull(instanceId, "instanceId");
            usedHostPorts = Set.copyOf(usedHostPorts);
        }
    }

    /** Picks an instance for the task among {@code candidates}, or empty when none fits. */
    Optional<Candidate> place(TaskDemand demand, List<Candidate> candidates);

    /** Instance types to launch for the task, best first; empty when no type of the requirements fits it. */
    List<InstanceType> launchTypes(InstanceRequirementsRequest requirements, TaskDemand demand);
}
