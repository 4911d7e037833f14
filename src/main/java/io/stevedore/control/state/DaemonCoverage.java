package io.stevedore.control.state;

import io.stevedore.ecs.Statuses;
import io.stevedore.ecs.TaskDemandMapper;
import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import io.stevedore.wire.AwsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.DaemonRevision;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Which daemons cover a capacity provider and what they reserve on each of its instances: what the scheduler keeps
 * free on every instance (launched or planned) and the daemon stage starts there. Cheap when there is no daemon.
 */
public final class DaemonCoverage {
    private DaemonCoverage() {
    }

    /** The ACTIVE daemons of the cluster that cover the provider, in ARN order. */
    public static List<Daemon> covering(EcsState s, String clusterArn, String provider) {
        if (s.daemons.size() == 0 || provider == null) {
            return List.of();
        }
        List<Daemon> out = new ArrayList<>();
        for (Daemon d : s.daemons.values()) {
            if (d.active() && d.clusterArn().equals(clusterArn) && d.capacityProviders().contains(provider)) {
                out.add(d);
            }
        }
        return out;
    }

    /** The definition of a daemon's current revision, in the task definition's shape. */
    public static Optional<TaskDefinition> definition(EcsState s, Daemon d) {
        return s.daemonRevisions.get(d.revisionArn()).map(DaemonRevision::daemonTaskDefinitionArn)
                .flatMap(s::definitionOf);
    }

    /** What one task of the daemon's current revision reserves; empty when its definition cannot be read. */
    public static Optional<TaskDemand> demand(EcsState s, Daemon d) {
        try {
            return definition(s, d).map(TaskDemandMapper::toDemand);
        } catch (AwsException e) {
            return Optional.empty(); // RegisterDaemonTaskDefinition validated it: never expected
        }
    }

    /** What the tasks of a daemon revision carry as {@code startedBy}: {@code ecs-daemon/<revision id>}. */
    public static String startedBy(String revisionArn) {
        return "ecs-daemon/" + revisionArn.substring(revisionArn.lastIndexOf('/') + 1);
    }

    /** The daemon's tasks on a container instance that are neither stopped nor asked to stop. */
    public static List<Task> liveTasks(EcsState s, String containerInstanceArn, Daemon d) {
        List<Task> out = new ArrayList<>();
        for (Task t : s.tasksByContainerInstance.values(containerInstanceArn)) {
            if (d.group().equals(t.group()) && Statuses.isRunning(t.desiredStatus())
                    && !Statuses.isStopped(t.lastStatus())) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Whether a registered instance may start other tasks: every covering daemon whose task belongs there has it
     * RUNNING. A daemon's task belongs on every instance registered since the daemon was created; an older instance
     * without one waits for the daemon's deployment to replace it and is not held back. Always open without daemons.
     */
    public static boolean gateOpen(EcsState s, ManagedInstance mi) {
        List<Daemon> daemons = covering(s, mi.clusterArn(), mi.capacityProvider());
        if (daemons.isEmpty()) {
            return true;
        }
        if (mi.containerInstanceArn() == null) {
            return false;
        }
        ContainerInstance ci = s.containerInstances.get(mi.containerInstanceArn()).orElse(null);
        long registered = ci == null || ci.registeredAt() == null ? 0 : ci.registeredAt().toEpochMilli();
        for (Daemon d : daemons) {
            List<Task> live = liveTasks(s, mi.containerInstanceArn(), d);
            if (live.isEmpty() ? registered >= d.createdAtMillis()
                    : live.stream().noneMatch(t -> Statuses.isRunning(t.lastStatus()))) {
                return false;
            }
        }
        return true;
    }

    /** The sum of the covering daemons' reservations: what every instance of the provider holds for them. */
    public static Resources overhead(EcsState s, String clusterArn, String provider) {
        Resources r = Resources.ZERO;
        for (Daemon d : covering(s, clusterArn, provider)) {
            r = r.plus(demand(s, d).map(TaskDemand::resources).orElse(Resources.ZERO));
        }
        return r;
    }
}
