package io.stevedore.agent;

import java.util.List;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.NetworkBinding;

/**
 * What the agent knows of one container of a task: its Docker id, its ECS status (PENDING, RUNNING, STOPPED), exit
 * code and reason, health, network bindings, and the id of its metadata endpoint. Mutated only by its task's
 * thread; read by the reporter and the metadata endpoint (fields are volatile for them).
 */
final class ContainerRun {
    final ContainerDefinition definition;
    /** The path segment of this container's metadata endpoint, {@code /v4/<metadataId>} (kept across restarts). */
    final String metadataId;
    volatile String dockerId;
    volatile String status = "PENDING";
    volatile Integer exitCode;
    volatile String reason;
    /** HEALTHY, UNHEALTHY or UNKNOWN (also when the container has no health check). */
    volatile String health = "UNKNOWN";
    volatile List<NetworkBinding> networkBindings = List.of();
    volatile String imageId;
    volatile String imageDigest;
    volatile String createdAt;
    volatile String startedAt;
    volatile String finishedAt;
    /** Whether Docker started it at least once (dependsOn START is then satisfied). */
    volatile boolean started;

    ContainerRun(ContainerDefinition definition, String metadataId) {
        this.definition = definition;
        this.metadataId = metadataId;
    }

    String name() {
        return definition.name();
    }

    /** ECS's default: a container is essential unless it says otherwise. */
    boolean essential() {
        return definition.essential() == null || definition.essential();
    }

    boolean hasHealthCheck() {
        return definition.healthCheck() != null && definition.healthCheck().hasCommand();
    }

    boolean exited() {
        return "STOPPED".equals(status);
    }
}
