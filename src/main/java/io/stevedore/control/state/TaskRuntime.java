package io.stevedore.control.state;

import io.stevedore.ecs.Statuses;
import java.util.List;
import java.util.Objects;

/**
 * What the engine knows about a task beyond its ECS view: the phase it is in, when that phase ends, where it
 * runs and how the simulated workload behaves.
 *
 * @param taskArn    the task
 * @param phase      the engine phase
 * @param dueAtMillis when the current phase ends (epoch ms; 0 = waits for an event, not a time)
 * @param instanceId the cloud instance the task is placed on, or null while unplaced
 * @param runMillis  how long the essential container runs once RUNNING; -1 = until stopped
 * @param exitCode   the exit code of the essential container when it ends by itself
 * @param cold       the image was not cached on the instance (a full pull)
 * @param subnets    the subnets the task may use (awsvpc network configuration), empty = the provider's
 * @param image      the essential container's image (for the instance image cache)
 * @param placement  the placement constraints and strategies of its RunTask call or service (wire shapes)
 * @param imageBytes the essential image's declared compressed size (0 = undeclared: the model's default)
 * @param pullMillis how long its image pull takes on the instance it started on (set when it starts there)
 */
public record TaskRuntime(String taskArn, Phase phase, long dueAtMillis, String instanceId, long runMillis,
                          int exitCode, boolean cold, List<String> subnets, String image, PlacementRules placement,
                          long imageBytes, long pullMillis) {
    /** Engine phases; each maps to one ECS lastStatus. */
    public enum Phase {
        /** Waiting for a container instance (placement or instance launch): PROVISIONING. */
        UNPLACED(Statuses.TASK_PROVISIONING),
        /** Placed on an instance that is still booting: PROVISIONING. */
        WAIT_INSTANCE(Statuses.TASK_PROVISIONING),
        /** Task network interface being attached: PROVISIONING. */
        ATTACH_ENI(Statuses.TASK_PROVISIONING),
        /** Image pull: PENDING. */
        PULL(Statuses.TASK_PENDING),
        /** Containers starting: ACTIVATING. */
        ACTIVATE(Statuses.TASK_ACTIVATING),
        /** Running. */
        RUN(Statuses.TASK_RUNNING),
        /** Leaving load balancers: DEACTIVATING. */
        DEACTIVATE(Statuses.TASK_DEACTIVATING),
        /** Containers stopping: STOPPING. */
        STOP(Statuses.TASK_STOPPING),
        /** Network interface detaching: DEPROVISIONING. */
        DEPROVISION(Statuses.TASK_DEPROVISIONING),
        /** Done: STOPPED. */
        DONE(Statuses.TASK_STOPPED);

        private final String lastStatus;

        Phase(String lastStatus) {
            this.lastStatus = lastStatus;
        }

        public String lastStatus() {
            return lastStatus;
        }
    }

    public TaskRuntime {
        Objects.requireNonNull(taskArn, "taskArn");
        Objects.requireNonNull(phase, "phase");
        subnets = subnets == null ? List.of() : List.copyOf(subnets);
        placement = placement == null ? PlacementRules.NONE : placement;
    }

    public TaskRuntime to(Phase next, long due) {
        return new TaskRuntime(taskArn, next, due, instanceId, runMillis, exitCode, cold, subnets, image, placement,
                imageBytes, pullMillis);
    }

    public TaskRuntime placed(String instance, boolean coldPull) {
        return new TaskRuntime(taskArn, phase, dueAtMillis, instance, runMillis, exitCode, coldPull, subnets, image,
                placement, imageBytes, pullMillis);
    }

    /** The same task with its image pull on the instance it starts on taking {@code millis}. */
    public TaskRuntime pulling(long millis) {
        return new TaskRuntime(taskArn, phase, dueAtMillis, instanceId, runMillis, exitCode, cold, subnets, image,
                placement, imageBytes, millis);
    }
}
