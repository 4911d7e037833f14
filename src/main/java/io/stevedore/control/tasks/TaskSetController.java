package io.stevedore.control.tasks;

import io.stevedore.control.state.Context;
import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.PlacementRules;
import io.stevedore.control.state.ServiceMessage;
import io.stevedore.ecs.Statuses;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.DeploymentControllerType;
import software.amazon.awssdk.services.ecs.model.Scale;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.StabilityStatus;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskSet;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;

/**
 * The service scheduler's pass over a service with the {@code EXTERNAL} or {@code CODE_DEPLOY} deployment
 * controller: the service starts no tasks of its own; each task set keeps {@code computedDesiredCount} tasks
 * (the service's desiredCount × the set's scale, rounded up) started by its id; a DRAINING (deleted) set's tasks
 * stop and the set disappears once none is left; each set's counts and stability status, and the service's counts
 * (their sum), follow its tasks. Amazon ECS API Reference, TaskSet:
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskSet.html
 */
public final class TaskSetController {
    /** Task set status: serving production traffic (the service shows its fields). */
    public static final String PRIMARY = "PRIMARY";
    /** Task set status: not serving production traffic. */
    public static final String ACTIVE = "ACTIVE";
    /** Task set status: deleted, its tasks stopping. */
    public static final String DRAINING = "DRAINING";

    private static final TaskStopCode BY_SCHEDULER = TaskStopCode.SERVICE_SCHEDULER_INITIATED;
    private static final Comparator<Task> STOP_ORDER = Comparator
            .comparing((Task t) -> Statuses.isRunning(t.lastStatus()) ? 1 : 0)
            .thenComparing(Task::createdAt, Comparator.reverseOrder()).thenComparing(Task::taskArn);

    private final Context ctx;
    private final TaskFactory factory;
    private final TaskLifecycle lifecycle;

    TaskSetController(Context ctx, TaskFactory factory, TaskLifecycle lifecycle) {
        this.ctx = ctx;
        this.factory = factory;
        this.lifecycle = lifecycle;
    }

    /** Whether the service's tasks belong to task sets (EXTERNAL or CODE_DEPLOY deployment controller). */
    public static boolean usesTaskSets(Service s) {
        // by the wire name: the enum getter looks it up in a map, and this runs at every service reconcile
        return s.deploymentController() != null && s.deploymentController().typeAsString() != null
                && !DeploymentControllerType.ECS.toString().equals(s.deploymentController().typeAsString());
    }

    /** ECS's computed desired count: the service's desired count × the scale percentage, rounded up. */
    public static int computedDesiredCount(int desiredCount, Scale scale) {
        double percent = scale == null || scale.value() == null ? 100 : scale.value();
        return BigDecimal.valueOf(desiredCount).multiply(BigDecimal.valueOf(percent))
                .divide(BigDecimal.valueOf(100), 0, RoundingMode.CEILING).intValue();
    }

    /** Whether every task set is steady and none drains (the service's steady state); false without task sets. */
    static boolean steady(Service s) {
        return s.hasTaskSets() && !s.taskSets().isEmpty() && s.taskSets().stream().allMatch(ts ->
                ts.stabilityStatus() == StabilityStatus.STEADY_STATE && !DRAINING.equals(ts.status()));
    }

    /**
     * One pass: tasks started or stopped toward each set's computed desired count, draining sets emptied and then
     * dropped, counts written. {@code draining} holds the container instances that drain: a set's tasks there are
     * replaced elsewhere before they stop. Returns the service as it now stands (the same object when unchanged).
     */
    Service reconcile(Service s, Map<String, String> draining, List<CharSequence> events) {
        String group = EcsState.groupKey(s.clusterArn(), "service:" + s.serviceName());
        List<Task> before = ctx.state().tasksByGroup.values(group);
        List<String> started = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        List<String> movedOff = new ArrayList<>();
        for (TaskSet ts : s.taskSets()) {
            List<Task> live = new ArrayList<>();
            for (Task t : before) {
                if (ts.id().equals(t.startedBy()) && Statuses.isRunning(t.desiredStatus())) {
                    live.add(t);
                }
            }
            if (DRAINING.equals(ts.status())) {
                for (Task t : live) {
                    lifecycle.requestStop(t, BY_SCHEDULER, "Task set " + ts.id() + " is being deleted");
                    stopped.add(ServiceController.id(t));
                }
                continue;
            }
            int desired = computedDesiredCount(s.desiredCount(), ts.scale());
            List<Task> mine = new ArrayList<>();
            List<Task> moving = new ArrayList<>();
            for (Task t : live) {
                (draining.containsKey(t.containerInstanceArn()) ? moving : mine).add(t);
            }
            if (mine.size() > desired) {
                mine.sort(STOP_ORDER);
                for (Task t : new ArrayList<>(mine.subList(0, mine.size() - desired))) {
                    lifecycle.requestStop(t, BY_SCHEDULER, "Scaling activity initiated by (task set " + ts.id()
                            + ")");
                    stopped.add(ServiceController.id(t));
                    mine.remove(t);
                }
            }
            if (mine.size() < desired) {
                start(s, ts, desired - mine.size(), mine, started);
            }
            int runningElsewhere = ServiceController.running(mine);
            moving.sort(STOP_ORDER);
            for (Task t : moving) {
                if (!Statuses.isRunning(t.lastStatus()) || runningElsewhere >= desired) {
                    lifecycle.requestStop(t, BY_SCHEDULER, "Container instance is draining");
                    movedOff.add(ServiceController.id(t));
                }
            }
        }
        if (!started.isEmpty()) {
            events.add(ServiceMessage.started(s.serviceName(), started));
        }
        if (!stopped.isEmpty()) {
            events.add(ServiceMessage.stopped(s.serviceName(), stopped));
        }
        if (!movedOff.isEmpty()) {
            events.add(ServiceMessage.stoppedDraining(s.serviceName(), movedOff));
        }
        return withCounts(s, ctx.state().tasksByGroup.values(group), draining);
    }

    private void start(Service s, TaskSet ts, int count, List<Task> mine, List<String> started) {
        TaskDefinition td = ctx.state().taskDefinitions.get(ts.taskDefinition()).orElse(null);
        Cluster cluster = ctx.state().clusters.get(s.clusterArn()).orElse(null);
        if (td == null || cluster == null) {
            return;
        }
        List<String> subnets = ts.networkConfiguration() == null
                || ts.networkConfiguration().awsvpcConfiguration() == null ? List.of()
                : ts.networkConfiguration().awsvpcConfiguration().subnets();
        for (int i = 0; i < count; i++) {
            String provider = ProviderChoice.choose(ts.hasCapacityProviderStrategy()
                    && !ts.capacityProviderStrategy().isEmpty() ? ts.capacityProviderStrategy() : null, mine);
            Task t = factory.create(new TaskFactory.Spec(cluster, td, provider,
                    provider == null ? ts.launchTypeAsString() : null, "service:" + s.serviceName(), ts.id(), null,
                    subnets, Boolean.TRUE.equals(s.enableExecuteCommand()),
                    PlacementRules.of(s.placementConstraints(), s.placementStrategy())));
            Map<String, String> tags = TaskTags.ofServiceTask(ctx.state(), s, td, cluster.clusterName());
            if (!tags.isEmpty()) {
                ctx.state().tags.put(t.taskArn(), new EcsState.TagSet(t.taskArn(), tags));
            }
            mine.add(t);
            started.add(ServiceController.id(t));
        }
    }

    /**
     * Each set's counts and stability from {@code tasks} (the service's task group), draining sets without a task
     * left dropped (with their tags), the service's counts their sum; the same object when nothing changed.
     */
    private Service withCounts(Service s, List<Task> tasks, Map<String, String> draining) {
        Instant now = ctx.now();
        List<TaskSet> sets = new ArrayList<>();
        int running = 0;
        int pending = 0;
        for (TaskSet ts : s.taskSets()) {
            int r = 0;
            int p = 0;
            boolean left = false;
            boolean onDraining = false;
            for (Task t : tasks) {
                if (!ts.id().equals(t.startedBy())) {
                    continue;
                }
                left |= !Statuses.isStopped(t.lastStatus());
                if (Statuses.isRunning(t.desiredStatus())) {
                    if (Statuses.isRunning(t.lastStatus())) {
                        r++;
                    } else if (Statuses.isStarting(t.lastStatus())) {
                        p++;
                    }
                    onDraining |= draining.containsKey(t.containerInstanceArn());
                }
            }
            boolean drainingSet = DRAINING.equals(ts.status());
            if (drainingSet && !left) {
                ctx.state().tags.remove(ts.taskSetArn()); // the deleted set is gone with its last task
                continue;
            }
            running += r;
            pending += p;
            int desired = drainingSet ? 0 : computedDesiredCount(s.desiredCount(), ts.scale());
            StabilityStatus stability = r == desired && p == 0 && !onDraining && !(drainingSet && left)
                    ? StabilityStatus.STEADY_STATE : StabilityStatus.STABILIZING;
            TaskSet.Builder b = ts.toBuilder().computedDesiredCount(desired).runningCount(r).pendingCount(p)
                    .stabilityStatus(stability);
            if (stability != ts.stabilityStatus()) {
                b.stabilityStatusAt(now);
            }
            if (!Objects.equals(ts.runningCount(), r) || !Objects.equals(ts.pendingCount(), p)
                    || !Objects.equals(ts.computedDesiredCount(), desired)) {
                b.updatedAt(now);
            }
            TaskSet u = b.build();
            sets.add(u.equals(ts) ? ts : u);
        }
        if (sets.equals(s.taskSets()) && Objects.equals(s.runningCount(), running)
                && Objects.equals(s.pendingCount(), pending)) {
            return s;
        }
        return s.toBuilder().taskSets(sets).runningCount(running).pendingCount(pending).build();
    }
}
