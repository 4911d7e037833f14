package io.stevedore.control.tasks;

import io.stevedore.control.state.Context;
import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.PlacementRules;
import io.stevedore.control.state.RowKind;
import io.stevedore.control.state.ServiceMessage;
import io.stevedore.ecs.Statuses;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;

/**
 * The service scheduler: keeps each service's primary deployment at its desired count and replaces older
 * deployments' tasks in a rolling fashion within {@code maximumPercent} (tasks in flight) and
 * {@code minimumHealthyPercent} (RUNNING tasks kept), then marks the rollout COMPLETED. A deployment the circuit
 * breaker failed ({@link DeploymentWatch}) launches no more tasks and replaces no old ones; with the breaker on, a new
 * task counts as healthy (an old one may stop for it) only once it has stayed RUNNING for the breaker's window.
 *
 * <p>Above 300 lines on purpose: one service's pass (scale, roll, move off draining instances) is one algorithm
 * whose steps share the counts they change; the counts themselves are {@link ServiceCounts}.
 */
public final class ServiceController {
    private static final int RECENT_EVENTS = 5;
    private static final TaskStopCode BY_SCHEDULER = TaskStopCode.SERVICE_SCHEDULER_INITIATED;
    /** The order in which a service's tasks stop: not yet RUNNING first, then the newest, then by ARN. */
    private static final Comparator<Task> STOP_ORDER = Comparator
            .comparing((Task t) -> Statuses.isRunning(t.lastStatus()) ? 1 : 0)
            .thenComparing(Task::createdAt, Comparator.reverseOrder()).thenComparing(Task::taskArn);
    /** The order in which tasks leave a DRAINING instance: not yet RUNNING first, then the oldest, then by ARN. */
    private static final Comparator<Task> DRAIN_ORDER = Comparator
            .comparing((Task t) -> Statuses.isRunning(t.lastStatus()) ? 1 : 0)
            .thenComparing(Task::createdAt).thenComparing(Task::taskArn);

    private final Context ctx;
    private final TaskFactory factory;
    private final TaskLifecycle lifecycle;
    private final DeploymentWatch watch;
    private final TaskSetController taskSets;
    /** Container instances that are DRAINING this tick: their service tasks move elsewhere (start-before-stop). */
    private Map<String, String> draining = Map.of();

    public ServiceController(Context ctx, TaskFactory factory, TaskLifecycle lifecycle) {
        this.ctx = ctx;
        this.factory = factory;
        this.lifecycle = lifecycle;
        this.watch = new DeploymentWatch(ctx);
        this.taskSets = new TaskSetController(ctx, factory, lifecycle);
        ctx.state().feed.committed()
                .on(RowKind.SERVICE, (id, before, after) -> {
                    if (after == null || savedByPass.get(id) != after) { // not this pass's own write (counts, events)
                        dirtyServices.add(id);
                    }
                })
                .on(RowKind.SERVICE_DEPLOYMENT, ServiceDeployment::status, (id, before, after) -> {
                    if (after != null) {
                        dirtyServices.add(after.serviceArn()); // a rollback StopServiceDeployment asked for
                    }
                })
                .on(RowKind.CONTAINER_INSTANCE, (id, before, after) ->
                        dirtyInstances.add(id)) // a drain (or its end) concerns every service with tasks on it,
                                                // and a new or changed instance every DAEMON service of its cluster
                .on(RowKind.TASK, (id, before, after) -> {
                    if (after != null && after.group() != null && (before == null || !sameFacts(before, after))) {
                        dirtyGroups.add(EcsState.groupKey(after.clusterArn(), after.group()));
                    }
                })
                .onReset(() -> {
                    everything = true;
                    forgetQuiet();
                });
        // what may void a quiet entry, as it happens (a transaction's own writes, earlier stages of the tick,
        // rollbacks and loads alike): see "Quiet services", 3.
        ctx.state().feed.live()
                .on(RowKind.TASK, (id, before, after) -> {
                    taskChanges++;
                    if (!passing && !quiet.isEmpty()) {
                        touchTask(before, after);
                    }
                })
                .on(RowKind.SERVICE, (id, before, after) -> {
                    if (!passing) {
                        touch(quiet.get(id));
                    }
                })
                .on(RowKind.SERVICE_DEPLOYMENT, (id, before, after) -> {
                    if (before != null) {
                        touch(quiet.get(before.serviceArn()));
                    }
                    if (after != null) {
                        touch(quiet.get(after.serviceArn()));
                    }
                })
                .onReset(this::forgetQuiet);
    }

    /*
     * Incremental passes. A service's reconciliation depends only on the service, its tasks and whether the
     * instances under them drain, so a pass visits the services that changed, whose tasks changed, or that have
     * tasks on a container instance that changed since the previous pass (learnt from the database's committed
     * changes; a service's tasks come from the state's group index). 10,000 services would otherwise cost every
     * tick 10,000 reconciliations. The first pass, a pass after a failed or rolled-back one and every pass over a
     * shared store (other processes change rows without telling this one) visit every service.
     */
    private Set<String> dirtyServices = new HashSet<>();
    private Set<String> dirtyGroups = new HashSet<>();
    private Set<String> dirtyInstances = new HashSet<>();
    /** The service rows the last pass wrote, by ARN (their commit does not call for another pass). */
    private final Map<String, Service> savedByPass = new HashMap<>();
    /** Services to visit again at a time (ms): a deployment whose tasks' stability window ends then. */
    private final TreeMap<Long, Set<String>> wakeUps = new TreeMap<>();
    private boolean everything = true;

    /*
     * Quiet services: passes that provably change nothing are skipped. Most passes a change calls for only echo a
     * pass's own work (the task it created or asked to stop, committed with the tick, then placed on an instance) or
     * answer a change a settled REPLICA service does not read (a stopping task's lastStatus, an instance's task
     * counts). Such a pass is skipped when both of these hold, so that the outcome is the same by construction:
     *
     * 1. At the end of the last pass over it, the service was quiet (recordQuiet): ACTIVE, REPLICA without task
     *    sets, not of the EC2 launch type (whose pass reads the instances' free resources), no service deployment
     *    of it in progress or asked to roll back, its primary deployment's rollout not IN_PROGRESS or the circuit
     *    breaker off (a desired count change alone sets IN_PROGRESS), every task it wants RUNNING started by the
     *    primary and on no DRAINING instance, as many of them as it desires (or fewer with the rollout FAILED).
     *    On such a state a pass is a no-op at any time: the deployment watch returns before its tally (no service
     *    deployment to watch), no task is created (room 0, or FAILED), none is stopped (no excess, no older
     *    deployment's, none moving off a drain), the counts are those the pass wrote (ServiceCounts returns the
     *    same row when the tasks give the same counts), and an IN_PROGRESS rollout completes now exactly when it
     *    did then (without the breaker's stability window completion reads only the counts); no event, no row. No
     *    step reads the clock, a task's health or its runtime (the stability window only feeds the healthy count,
     *    used for old and moving tasks, of which there are none).
     * 2. Now, at the start of this pass, what such a pass reads is as it was then (unchangedSinceQuiet): the same
     *    service row (the same object: rows are immutable), still no busy service deployment, and of its tasks
     *    the same ones, each still wanted RUNNING or not as then and, if so, with the same deployment and stage
     *    and on no DRAINING instance. This is checked on the current state, so it also covers what earlier stages
     *    of this tick changed (e.g. a desired count Service Auto Scaling set), which no committed change announced
     *    yet.
     * 3. Check 2 is not made again while nothing it reads has changed since it last held (or since the entry was
     *    recorded): the live change feed (every change in memory as it happens, in this tick's earlier stages and
     *    rollbacks too) marks an entry touched when its service row or a service deployment of the service changes, or
     *    a task enters or leaves its group, changes whether it is wanted RUNNING or, wanted RUNNING, changes its
     *    deployment or stage; one that changes only its container instance marks the entry moved. An untouched entry
     *    then reads as when check 2 last held but for the DRAINING instances, which are checked again (when some
     *    instance drains: on the tasks it holds, or by check 2 if moved); such a service is not even looked up. A
     *    touched entry takes check 2, and when it holds, keeps the tasks it read (comparing later tasks with those or
     *    with the earlier ones gives the same answer) and is untouched again. A reset of the feed forgets every entry.
     *    Whether a service is known quiet is decided before the passes of the tick: no pass writes another service's
     *    row, tasks or service deployments, and the DRAINING instances are those of the tick's start.
     */
    /**
     * A quiet service (see above): its row and its tasks (in ARN order) as its last pass left them, and its task
     * group's key ({@link #groupKey}).
     */
    private static final class Quiet {
        Service row;
        List<Task> tasks;
        final String key;
        /** Whether something check 2 reads may have changed since it last held ("Quiet services", 3). */
        boolean touched;
        /** Whether a task wanted RUNNING has changed its container instance since (and nothing else check 2 reads). */
        boolean moved;
        /**
         * The {@link #drainingEpoch} at which none of {@link #tasks} wanted RUNNING was on a DRAINING instance (-1:
         * not known); void when the tasks are replaced.
         */
        long drainFreeAt = -1;

        Quiet(Service row, List<Task> tasks, String key) {
            this.row = row;
            this.tasks = tasks;
            this.key = key;
        }
    }

    /** Stands for a quiet entry not looked up yet (in {@link #reconcile()}). */
    private static final Quiet LOOK_UP = new Quiet(null, List.of(), "");

    /** The quiet services by ARN. */
    private final Map<String, Quiet> quiet = new HashMap<>();
    /**
     * True during this stage's passes: a pass writes only its own service's row and tasks, and ends by recording
     * that service's entry again or dropping it, so its writes need not touch entries.
     */
    private boolean passing;
    /** The same entries by their task group's key ({@link #groupKey}, one per service). */
    private final Map<String, Quiet> quietByKey = new HashMap<>();
    /**
     * Counts the task changes in memory (live feed): a pass that changed no task has the task list it started with
     * (the index changes only with a task).
     */
    private long taskChanges;

    private void forgetQuiet() {
        quiet.clear();
        quietByKey.clear();
    }

    private void keepQuiet(Quiet q) {
        Quiet old = quiet.put(q.row.serviceArn(), q);
        if (old != null && !old.key.equals(q.key)) {
            quietByKey.remove(old.key);
        }
        quietByKey.put(q.key, q);
    }

    private void dropQuiet(String arn) {
        Quiet old = quiet.remove(arn);
        if (old != null) {
            quietByKey.remove(old.key);
        }
    }

    private static void touch(Quiet q) {
        if (q != null) {
            q.touched = true;
        }
    }

    /**
     * Marks the quiet entry of a changed task's group touched if check 2 may read the change, or only moved when a
     * task wanted RUNNING changed no more than its container instance (read only against DRAINING instances).
     * What changed is compared first: most task changes (a starting or stopping step) concern no entry.
     */
    private void touchTask(Task before, Task after) {
        boolean moved = false;
        if (before != null && after != null && java.util.Objects.equals(before.group(), after.group())
                && java.util.Objects.equals(before.clusterArn(), after.clusterArn())) {
            boolean live = Statuses.isRunning(after.desiredStatus());
            if (live == Statuses.isRunning(before.desiredStatus())) {
                if (!live) {
                    return; // a task not wanted RUNNING is not read
                }
                if (java.util.Objects.equals(before.startedBy(), after.startedBy()) && sameStage(before, after)) {
                    if (java.util.Objects.equals(before.containerInstanceArn(), after.containerInstanceArn())) {
                        return;
                    }
                    moved = true;
                }
            }
        } else if (before != null && after != null && before.group() != null) {
            touch(quietByKey.get(EcsState.groupKey(before.clusterArn(), before.group()))); // left its group
        }
        Task t = after != null ? after : before;
        Quiet q = t.group() == null ? null : quietByKey.get(EcsState.groupKey(t.clusterArn(), t.group()));
        if (q != null) {
            if (moved) {
                q.moved = true;
            } else {
                q.touched = true;
            }
        }
    }

    /**
     * Whether a pass over the service of quiet entry {@code q} is known to be a no-op without reading the state:
     * the entry is untouched and none of its tasks wanted RUNNING is on a DRAINING instance ("Quiet services", 3).
     */
    private boolean knownQuiet(Quiet q) {
        if (q == null || q.touched) {
            return false;
        }
        if (!draining.isEmpty()) {
            if (q.moved) {
                return false; // the tasks' instances are not those of q.tasks
            }
            if (q.drainFreeAt == drainingEpoch) {
                return true; // the same tasks, the same DRAINING instances as when this last held
            }
            for (Task t : q.tasks) {
                if (Statuses.isRunning(t.desiredStatus()) && draining.containsKey(t.containerInstanceArn())) {
                    return false;
                }
            }
            q.drainFreeAt = drainingEpoch;
        }
        return true;
    }

    /**
     * Whether a task's change leaves what the service scheduler reads of it: its stage (starting ones count as
     * pending, stopping ones as neither), desired status, container instance, who started it and its group. A change
     * of anything else (e.g. PENDING to ACTIVATING) calls for no pass over its service. Compared field by field, with
     * no record of the facts made twice per committed task change.
     */
    private static boolean sameFacts(Task before, Task after) {
        return java.util.Objects.equals(before.desiredStatus(), after.desiredStatus())
                && java.util.Objects.equals(before.containerInstanceArn(), after.containerInstanceArn())
                && java.util.Objects.equals(before.startedBy(), after.startedBy())
                && java.util.Objects.equals(before.group(), after.group()) && sameStage(before, after);
    }

    /** Whether two rows of a task are at the same {@link #stage} (the same lastStatus is, without mapping it). */
    private static boolean sameStage(Task before, Task after) {
        return java.util.Objects.equals(before.lastStatus(), after.lastStatus())
                || stage(before.lastStatus()).equals(stage(after.lastStatus()));
    }

    /** The scheduler's view of a lastStatus: starting ones count as pending, stopping ones as neither. */
    private static String stage(String lastStatus) {
        if (lastStatus == null) {
            return "";
        }
        if (Statuses.isStarting(lastStatus)) {
            return Statuses.TASK_PENDING;
        }
        return Statuses.isStopping(lastStatus) ? Statuses.TASK_STOPPING : lastStatus;
    }

    public void reconcile() {
        drainingNow();
        boolean full = everything || ctx.state().db.isShared();
        if (full) {
            wakeUps.clear(); // a full pass visits every service and sets them again
        }
        everything = true; // until this pass succeeds
        savedByPass.clear();
        List<Service> todo;
        List<Quiet> entries = null; // the services' quiet entries as looked up above (null: look them up)
        if (full) {
            todo = ctx.state().services.values(s -> Statuses.isServiceLive(s.status()));
        } else {
            Set<String> clusters = new TreeSet<>();
            for (String ci : dirtyInstances) {
                for (Task t : ctx.state().tasksByContainerInstance.values(ci)) {
                    if (t.group() != null) {
                        dirtyGroups.add(EcsState.groupKey(t.clusterArn(), t.group()));
                    }
                }
                int at = ci.indexOf(":container-instance/");
                int slash = at < 0 ? -1 : ci.indexOf('/', at + 20);
                if (slash > 0) {
                    clusters.add(ctx.arn("cluster/" + ci.substring(at + 20, slash)));
                }
            }
            for (String c : clusters) {
                ctx.state().daemonServicesByCluster.ids(c).forEach(dirtyServices::add);
            }
            // in ARN order; a service known quiet is left out (its pass is a no-op: "Quiet services", 3)
            // with the quiet entry looked up for it (null: none; LOOK_UP: not looked up), so as not to look it up again
            TreeMap<String, Quiet> arns = new TreeMap<>();
            for (String arn : dirtyServices) {
                Quiet q = quiet.get(arn);
                if (!knownQuiet(q)) {
                    arns.put(arn, q);
                }
            }
            var due = wakeUps.headMap(ctx.now().toEpochMilli(), true);
            for (Set<String> at : due.values()) {
                for (String arn : at) {
                    Quiet q = quiet.get(arn);
                    if (!knownQuiet(q)) {
                        arns.put(arn, q);
                    }
                }
            }
            due.clear();
            for (String g : dirtyGroups) {
                Quiet q = quietByKey.get(g);
                if (q != null) {
                    if (!knownQuiet(q)) {
                        arns.put(q.row.serviceArn(), q);
                    }
                    continue;
                }
                int space = g.indexOf(" service:");
                if (space > 0) {
                    String cluster = g.substring(0, space);
                    arns.putIfAbsent(ctx.arn("service/" + cluster.substring(cluster.indexOf("cluster/") + 8) + "/"
                            + g.substring(space + 9)), LOOK_UP);
                }
            }
            todo = new ArrayList<>();
            entries = new ArrayList<>();
            for (Map.Entry<String, Quiet> e : arns.entrySet()) {
                Service s = ctx.state().services.get(e.getKey()).orElse(null);
                if (s != null && Statuses.isServiceLive(s.status())) {
                    todo.add(s);
                    entries.add(e.getValue());
                }
            }
        }
        // new sets rather than clear(): a set that once grew large (a wave of changes) would otherwise cost its
        // whole capacity to clear and to iterate on every later pass
        dirtyServices = new HashSet<>();
        dirtyGroups = new HashSet<>();
        dirtyInstances = new HashSet<>();
        passing = true;
        try {
            for (int i = 0; i < todo.size(); i++) {
                Service s = todo.get(i);
                // no pass changes another service's entry: one looked up above is still the service's
                Quiet q = entries == null || entries.get(i) == LOOK_UP ? quiet.get(s.serviceArn()) : entries.get(i);
                // made once per service: a quiet entry's key is the service's (its ARN names its cluster and name)
                String key = q != null ? q.key : groupKey(s);
                List<Task> tasks = full ? null : unchangedSinceQuiet(s, q, key);
                if (tasks == NO_OP) {
                    continue; // a no-op (see "Quiet services")
                }
                reconcile(s, key, tasks == null ? tasksOf(key) : tasks, q);
            }
        } finally {
            passing = false;
        }
        everything = false;
    }

    /** What {@link #unchangedSinceQuiet} answers when the pass would change nothing. */
    private static final List<Task> NO_OP = java.util.Collections.unmodifiableList(new ArrayList<>()); // its own

    /**
     * {@link #NO_OP} when the service was quiet after its last pass ({@code q}, its entry in {@link #quiet}) and
     * nothing its pass would read has changed since; else the service's tasks if they were read ({@link #tasksOf}
     * of its group {@code key}, for the pass), or null.
     */
    private List<Task> unchangedSinceQuiet(Service s, Quiet q, String key) {
        if (q == null || q.row != s || watch.busy(s)) {
            return null;
        }
        List<Task> tasks = tasksOf(key);
        if (!sameAsQuiet(q, tasks)) {
            return tasks;
        }
        q.tasks = tasks; // what check 2 held on ("Quiet services", 3)
        q.touched = false;
        q.moved = false;
        q.drainFreeAt = -1;
        return NO_OP;
    }

    /** Whether the service's {@code tasks} read as the quiet entry's (check 2 of "Quiet services"). */
    private boolean sameAsQuiet(Quiet q, List<Task> tasks) {
        List<Task> then = q.tasks;
        if (tasks.size() != then.size()) {
            return false; // a task came or went
        }
        for (int i = 0; i < tasks.size(); i++) {
            Task t = tasks.get(i);
            Task seen = then.get(i);
            if (t != seen && !t.taskArn().equals(seen.taskArn())) {
                return false; // a task came or went
            }
            boolean live = Statuses.isRunning(t.desiredStatus());
            if (t != seen && live != Statuses.isRunning(seen.desiredStatus())) {
                return false;
            }
            if (live) { // a task not wanted RUNNING is not read at all
                if (t != seen && (!java.util.Objects.equals(seen.startedBy(), t.startedBy())
                        || !sameStage(seen, t))
                        || draining.containsKey(t.containerInstanceArn())) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * For tests: the ARNs of the services now known quiet ("Quiet services", 3) whose pass would not be a no-op on
     * the current state (check 2 fails, or the service is gone); {@code known[0]} gets how many were known quiet.
     */
    List<String> knownQuietWrong(int[] known) {
        drainingNow();
        List<String> wrong = new ArrayList<>();
        for (Quiet q : quiet.values()) {
            if (!knownQuiet(q)) {
                continue;
            }
            known[0]++;
            Service s = ctx.state().services.get(q.row.serviceArn()).orElse(null);
            if (s != q.row || watch.busy(s) || !sameAsQuiet(q, tasksOf(q.key))) {
                wrong.add(q.row.serviceArn());
            }
        }
        return wrong;
    }

    /**
     * Sets {@link #draining} to the DRAINING container instances now, with their status reasons ("" for none), and
     * moves {@link #drainingEpoch} on if they are not the same instances as before.
     */
    private void drainingNow() {
        Map<String, String> out = new HashMap<>();
        ctx.state().containerInstancesByStatus.values(Statuses.INSTANCE_DRAINING)
                .forEach(ci -> out.put(ci.containerInstanceArn(), ci.statusReason() == null ? ""
                        : ci.statusReason()));
        if (!out.keySet().equals(draining.keySet())) {
            drainingEpoch++;
        }
        draining = out;
    }

    /** Moves on whenever the set of DRAINING container instances changes (see {@link Quiet#drainFreeAt}). */
    private long drainingEpoch;

    /**
     * After a REPLICA pass: records whether the service is quiet (see "Quiet services"), from its row as the pass
     * left it and its tasks at the end of the pass.
     */
    private void recordQuiet(Service row, List<Task> now, String key, Quiet entry) {
        Deployment first = row.deployments().get(0);
        String rollout = first.rolloutStateAsString();
        boolean calm = Statuses.SERVICE_ACTIVE.equals(row.status()) && !ec2(first) && !watch.busy(row)
                && (!DeploymentRolloutState.IN_PROGRESS.toString().equals(rollout)
                || !ServiceDeployments.breakerOn(row.deploymentConfiguration()));
        int wanted = 0;
        for (int i = 0; calm && i < now.size(); i++) {
            Task t = now.get(i);
            if (Statuses.isRunning(t.desiredStatus())) {
                wanted++;
                calm = first.id().equals(t.startedBy()) && !draining.containsKey(t.containerInstanceArn());
            }
        }
        int desired = row.desiredCount();
        if (!calm || wanted != desired
                && (wanted > desired || !DeploymentRolloutState.FAILED.toString().equals(rollout))) {
            dropQuiet(row.serviceArn());
            return;
        }
        if (entry != null) { // the service's entry (under the same key), as a new one would be
            entry.row = row;
            entry.tasks = now;
            entry.touched = false;
            entry.moved = false;
            entry.drainFreeAt = -1;
            return;
        }
        keepQuiet(new Quiet(row, now, key));
    }

    /** When a service next needs a pass that no change announces (a stability window ending); MAX_VALUE if never. */
    public long nextCheckMillis() {
        return wakeUps.isEmpty() ? Long.MAX_VALUE : wakeUps.firstKey();
    }

    /** How many of {@code tasks} are RUNNING. */
    static int running(List<Task> tasks) {
        int n = 0;
        for (Task t : tasks) {
            if (Statuses.isRunning(t.lastStatus())) {
                n++;
            }
        }
        return n;
    }

    /**
     * How many of {@code tasks} are RUNNING and, with a window, have stayed so for {@code settleMillis} without being
     * due to exit before then.
     */
    private long settled(List<Task> tasks, long settleMillis) {
        if (settleMillis <= 0) {
            return running(tasks);
        }
        long now = ctx.now().toEpochMilli();
        int n = 0;
        for (Task t : tasks) {
            if (Statuses.isRunning(t.lastStatus()) && t.startedAt() != null) {
                long settles = t.startedAt().toEpochMilli() + settleMillis;
                if (settles <= now && settles <= watch.exitsAt(t)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The key of the service's task group in the state's index (cluster ARN and {@code service:name}). */
    private static String groupKey(Service s) {
        return EcsState.groupKey(s.clusterArn(), "service:" + s.serviceName());
    }

    /** The service's tasks in ARN order (current values; tasks created during this pass included). */
    private List<Task> tasksOf(Service s) {
        return tasksOf(groupKey(s));
    }

    /** The tasks of the service whose {@link #groupKey} is {@code key}, as {@link #tasksOf(Service)}. */
    private List<Task> tasksOf(String key) {
        return ctx.state().tasksByGroup.values(key);
    }

    /**
     * One service's pass; {@code key}: its {@link #groupKey}; {@code all}: its tasks ({@link #tasksOf}, read just
     * before); {@code entry}: its quiet entry when the pass began (null: none), which the pass's end updates in place
     * if the service stays quiet (no pass but its own changes its entry).
     */
    private void reconcile(Service stored, String key, List<Task> all, Quiet entry) {
        long changes = taskChanges; // all is the group as it is now
        List<Task> live = new ArrayList<>();
        for (Task t : all) {
            if (Statuses.isRunning(t.desiredStatus())) {
                live.add(t);
            }
        }
        List<CharSequence> events = new ArrayList<>();
        if (Statuses.SERVICE_DRAINING.equals(stored.status()) || TaskSetController.usesTaskSets(stored)
                || "DAEMON".equals(stored.schedulingStrategyAsString())) {
            dropQuiet(stored.serviceArn()); // not quiet
        }
        if (Statuses.SERVICE_DRAINING.equals(stored.status())) {
            live.forEach(t -> lifecycle.requestStop(t, BY_SCHEDULER, "Service is being deleted"));
            boolean anyLeft = tasksOf(key).stream().anyMatch(t -> !Statuses.isStopped(t.lastStatus()));
            save(stored, anyLeft ? stored : stored.toBuilder().status(Statuses.SERVICE_INACTIVE).runningCount(0)
                    .pendingCount(0).build(), events);
            return;
        }
        if (TaskSetController.usesTaskSets(stored)) { // EXTERNAL, CODE_DEPLOY: the task sets carry the tasks
            save(stored, taskSets.reconcile(stored, draining, events), events);
            return;
        }
        if ("DAEMON".equals(stored.schedulingStrategyAsString())) {
            reconcileDaemon(stored, all, events);
            return;
        }
        Service s = watch.watch(stored, all, events);
        Deployment primary = s.deployments().get(0);
        // a deployment the circuit breaker failed launches no new tasks and replaces no old ones
        boolean halted = DeploymentRolloutState.FAILED.toString().equals(primary.rolloutStateAsString());
        int desired = s.desiredCount();
        DeploymentConfiguration dc = s.deploymentConfiguration();
        int maxTotal = Math.max(desired, (int) Math.floor(desired * (dc.maximumPercent() == null ? 200
                : dc.maximumPercent()) / 100.0));
        int minHealthy = (int) Math.ceil(desired * (dc.minimumHealthyPercent() == null ? 100
                : dc.minimumHealthyPercent()) / 100.0);
        List<Task> moving = new ArrayList<>();
        List<Task> mine = new ArrayList<>();
        List<Task> old = new ArrayList<>();
        for (Task t : live) {
            if (!primary.id().equals(t.startedBy())) {
                old.add(t);
            } else if (draining.containsKey(t.containerInstanceArn())) {
                moving.add(t);
            } else {
                mine.add(t);
            }
        }
        Comparator<Task> stopOrder = STOP_ORDER;
        if (mine.size() > desired) {
            mine.sort(stopOrder);
            List<Task> excess = new ArrayList<>(mine.subList(0, mine.size() - desired));
            mine.removeAll(excess);
            List<String> stopped = new ArrayList<>();
            for (Task t : excess) {
                lifecycle.requestStop(t, BY_SCHEDULER, "Scaling activity initiated by (deployment "
                        + primary.id() + ")");
                stopped.add(id(t));
            }
            events.add(ServiceMessage.stopped(s.serviceName(), stopped));
        }
        int room = old.isEmpty() && moving.isEmpty() ? desired - mine.size() : Math.min(desired - mine.size(),
                maxTotal - mine.size() - old.size() - moving.size());
        if (room > 0 && !halted && ec2(primary) && daemons != null) {
            // ECS's service scheduler creates no EC2 task it cannot place now: an event, and another try later
            TaskDefinition td = ctx.state().taskDefinitions.get(primary.taskDefinition()).orElse(null);
            DaemonPlacement.Fit fit = td == null ? new DaemonPlacement.Fit(room, null) : daemons.fits(s, td, room);
            if (fit.count() < room) {
                unableToPlace(s, fit.failure());
                retryLater(s);
                room = fit.count();
            }
        }
        if (room > 0 && !halted) {
            TaskDefinition td = ctx.state().taskDefinitions.get(primary.taskDefinition()).orElse(null);
            Cluster cluster = ctx.state().clusters.get(s.clusterArn()).orElse(null);
            if (td != null && cluster != null) {
                List<String> started = new ArrayList<>();
                // what every task of this pass shares, made once (a scale-up creates dozens): its group, subnets,
                // placement rules and tags (creating tasks changes none of the rows they come from)
                String group = "service:" + s.serviceName();
                List<String> subnets = subnets(primary);
                boolean exec = Boolean.TRUE.equals(s.enableExecuteCommand());
                PlacementRules rules = PlacementRules.of(s.placementConstraints(), s.placementStrategy());
                Map<String, String> tags = TaskTags.ofServiceTask(ctx.state(), s, td, cluster.clusterName());
                ProviderChoice.Run providers = new ProviderChoice.Run(primary.capacityProviderStrategy(), mine);
                for (int i = 0; i < room; i++) {
                    String provider = providers.next();
                    Task t = factory.create(new TaskFactory.Spec(cluster, td, provider,
                            provider == null ? primary.launchTypeAsString() : null, group, primary.id(), null,
                            subnets, exec, rules));
                    if (!tags.isEmpty()) {
                        ctx.state().tags.put(t.taskArn(), new EcsState.TagSet(t.taskArn(), tags));
                    }
                    mine.add(t);
                    providers.added(t);
                    started.add(id(t));
                }
                events.add(ServiceMessage.started(s.serviceName(), started));
            }
        }
        // with the breaker on, a new task counts as healthy (an old one may stop for it) once it has settled
        long settle = ServiceDeployments.breakerOn(s.deploymentConfiguration()) ? watch.healthyAfterMillis(s) : 0;
        long healthy = settled(mine, settle) + running(old) + running(moving);
        healthy = drain(s, moving, healthy, maxTotal > desired ? Math.max(minHealthy, desired) : minHealthy, events);
        old.sort(stopOrder);
        List<String> stoppedOld = new ArrayList<>();
        for (Task t : halted ? List.<Task>of() : old) {
            boolean running = Statuses.isRunning(t.lastStatus());
            if (!running || healthy - 1 >= minHealthy) {
                lifecycle.requestStop(t, BY_SCHEDULER, "Task replaced by deployment " + primary.id());
                stoppedOld.add(id(t));
                if (running) {
                    healthy--;
                }
            }
        }
        if (!stoppedOld.isEmpty()) {
            events.add(ServiceMessage.stopped(s.serviceName(), stoppedOld));
        }
        List<Task> now = taskChanges == changes ? all : tasksOf(key); // read again if a task changed
        Service counted = ServiceCounts.withCounts(s, primary, now, ctx.now(), settle, watch::exitsAt);
        Deployment first = counted.deployments().get(0);
        if (DeploymentRolloutState.IN_PROGRESS.toString().equals(first.rolloutStateAsString()) && settle > 0) {
            long at = ServiceCounts.settledAt(first, now, settle, watch::exitsAt);
            if (at > ctx.now().toEpochMilli() && at != Long.MAX_VALUE) {
                wakeUps.computeIfAbsent(at, k -> new TreeSet<>()).add(s.serviceArn()); // to complete it then
            }
        }
        watch.settled(counted);
        recordQuiet(save(stored, counted, events), now, key, entry);
    }

    /** Where DAEMON services' tasks go (the EC2 launch type's placement), or null: they get none. */
    private DaemonPlacement daemons;

    public void daemonPlacement(DaemonPlacement placement) {
        this.daemons = placement;
    }

    /**
     * The DAEMON scheduling strategy: one task of the primary deployment on every container instance
     * {@link DaemonPlacement#eligible} names; tasks elsewhere (an instance drained, deregistered, or no longer
     * meeting the constraints) stop; a task of an older deployment stops first and its instance gets the new one once
     * it stopped (ECS's daemon deployments, minimum healthy 0 %); the desired count is the number of instances.
     */
    private void reconcileDaemon(Service stored, List<Task> all, List<CharSequence> events) {
        Service s = watch.watch(stored, all, events);
        Deployment primary = s.deployments().get(0);
        TaskDefinition td = ctx.state().taskDefinitions.get(primary.taskDefinition()).orElse(null);
        Cluster cluster = ctx.state().clusters.get(s.clusterArn()).orElse(null);
        if (td == null || cluster == null || daemons == null) {
            save(stored, s, events);
            return;
        }
        List<String> eligible = daemons.eligible(s, td);
        Map<String, List<Task>> occupying = new TreeMap<>(); // not STOPPED yet, by container instance
        for (Task t : all) {
            if (!Statuses.isStopped(t.lastStatus())) {
                occupying.computeIfAbsent(t.containerInstanceArn() == null ? "" : t.containerInstanceArn(),
                        k -> new ArrayList<>()).add(t);
            }
        }
        List<String> stopped = new ArrayList<>();
        occupying.forEach((ci, on) -> {
            if (!eligible.contains(ci)) {
                for (Task t : on) {
                    if (Statuses.isRunning(t.desiredStatus())) {
                        lifecycle.requestStop(t, BY_SCHEDULER, "Container instance no longer meets the service's"
                                + " requirements (deployment " + primary.id() + ")");
                        stopped.add(id(t));
                    }
                }
            }
        });
        List<String> started = new ArrayList<>();
        for (String ci : eligible) {
            List<Task> on = occupying.getOrDefault(ci, List.of());
            boolean current = false;
            for (Task t : on) {
                if (!Statuses.isRunning(t.desiredStatus())) {
                    continue;
                }
                if (primary.id().equals(t.startedBy()) && !current) {
                    current = true;
                } else {
                    lifecycle.requestStop(t, BY_SCHEDULER, "Task replaced by deployment " + primary.id());
                    stopped.add(id(t));
                }
            }
            if (!on.isEmpty() || DeploymentRolloutState.FAILED.toString().equals(primary.rolloutStateAsString())) {
                continue; // its task runs, or the old one is still stopping
            }
            Task t = factory.create(new TaskFactory.Spec(cluster, td, null, primary.launchTypeAsString(),
                    "service:" + s.serviceName(), primary.id(), null, subnets(primary),
                    Boolean.TRUE.equals(s.enableExecuteCommand()), PlacementRules.of(s.placementConstraints(),
                    List.of())));
            String refused = daemons.placeOn(t, ctx.state().runtimes.get(t.taskArn()).orElseThrow(), ci);
            if (refused != null) {
                ctx.state().tasks.remove(t.taskArn());
                ctx.state().runtimes.remove(t.taskArn());
                String message = "(service " + s.serviceName() + ") was unable to place a task on container instance "
                        + ci.substring(ci.lastIndexOf('/') + 1) + ". Reason: " + refused + ".";
                if (!ctx.state().recentEventMessages(s, RECENT_EVENTS).contains(message)) {
                    events.add(message);
                }
                retryLater(s); // a task stopping on a user's instance changes no container instance row
                continue;
            }
            Map<String, String> tags = TaskTags.ofServiceTask(ctx.state(), s, td, cluster.clusterName());
            if (!tags.isEmpty()) {
                ctx.state().tags.put(t.taskArn(), new EcsState.TagSet(t.taskArn(), tags));
            }
            started.add(id(t));
        }
        if (!started.isEmpty()) {
            events.add(ServiceMessage.started(s.serviceName(), started));
        }
        if (!stopped.isEmpty()) {
            events.add(ServiceMessage.stopped(s.serviceName(), stopped));
        }
        int desired = eligible.size();
        List<Deployment> deployments = new ArrayList<>(s.deployments());
        deployments.set(0, primary.toBuilder().desiredCount(desired).build());
        s = s.toBuilder().desiredCount(desired).deployments(deployments).build();
        Service counted = ServiceCounts.withCounts(s, deployments.get(0), tasksOf(s), ctx.now(), 0, watch::exitsAt);
        watch.settled(counted);
        save(stored, counted, events);
    }

    /**
     * Service tasks on DRAINING instances: not yet running ones stop at once; RUNNING ones stop only while at least
     * {@code keep} tasks stay RUNNING (start-before-stop when {@code maximumPercent} leaves room for replacements,
     * else down to {@code minimumHealthyPercent}). Returns the healthy count left.
     */
    private long drain(Service s, List<Task> moving, long healthy, int keep, List<CharSequence> events) {
        moving.sort(DRAIN_ORDER);
        List<String> stopped = new ArrayList<>();
        for (Task t : moving) {
            boolean running = Statuses.isRunning(t.lastStatus());
            if (!running || healthy - 1 >= keep) {
                String why = draining.getOrDefault(t.containerInstanceArn(), "");
                lifecycle.requestStop(t, BY_SCHEDULER, "Container instance is draining"
                        + (why.isEmpty() ? "" : " (" + why + ")"));
                stopped.add(id(t));
                if (running) {
                    healthy--;
                }
            }
        }
        if (!stopped.isEmpty()) {
            events.add(ServiceMessage.stoppedDraining(s.serviceName(), stopped));
        }
        return healthy;
    }

    /**
     * Reports that a task of the service cannot be placed, as ECS does ("was unable to place a task because no
     * container instance met all of its requirements. Reason: …"); the same message is not repeated while it is
     * among the latest events.
     */
    public void unableToPlace(Task t, String reason) {
        String name = t.group().substring("service:".length());
        String cluster = t.clusterArn().substring(t.clusterArn().indexOf("cluster/") + 8);
        ctx.state().services.get(ctx.arn("service/" + cluster + "/" + name)).ifPresent(s -> unableToPlace(s, reason));
    }

    /** The service's event for tasks it could not place; {@code reason} with or without its full stop. */
    private void unableToPlace(Service s, String reason) {
        String message = "(service " + s.serviceName() + ") was unable to place a task because no container instance"
                + " met all of its requirements. Reason: " + (reason.endsWith(".") ? reason.substring(0,
                reason.length() - 1) : reason) + ".";
        boolean recent = ctx.state().recentEventMessages(s, RECENT_EVENTS).contains(message);
        if (!recent) {
            save(s, s, List.of(message));
        }
    }

    /** How long a service whose EC2 tasks found no room waits before it tries again (ms). */
    static final long EC2_RETRY_MILLIS = 10_000;

    /** Visits the service again {@link #EC2_RETRY_MILLIS} from now (EC2 capacity may have freed by then). */
    private void retryLater(Service s) {
        wakeUps.computeIfAbsent(ctx.now().toEpochMilli() + EC2_RETRY_MILLIS, k -> new TreeSet<>())
                .add(s.serviceArn());
    }

    /** Whether the deployment's tasks use the EC2 launch type (no capacity provider): the EC2 placement's. */
    private static boolean ec2(Deployment primary) {
        return (primary.capacityProviderStrategy() == null || primary.capacityProviderStrategy().isEmpty())
                && "EC2".equals(primary.launchTypeAsString());
    }

    private static List<String> subnets(Deployment d) {
        return d.networkConfiguration() == null || d.networkConfiguration().awsvpcConfiguration() == null
                ? List.of() : d.networkConfiguration().awsvpcConfiguration().subnets();
    }

    /** Saves the pass's outcome; returns the service's row as it now stands. */
    private Service save(Service before, Service after, List<? extends CharSequence> messages) {
        Service s = after;
        boolean steadyNow = steady(s);
        boolean steadyBefore = steady(before);
        List<CharSequence> all = new ArrayList<>(messages);
        if (Statuses.SERVICE_ACTIVE.equals(s.status()) && steadyNow && !steadyBefore) {
            all.add(ServiceMessage.steady(s.serviceName()));
        }
        if (!all.isEmpty()) {
            ctx.state().addServiceEvents(s, all, ctx.now());
            if (!s.events().isEmpty()) {
                s = s.toBuilder().events(List.of()).build(); // stored before the log: its events moved there
            }
        }
        if (s == before) {
            return before; // only events: the service row stays as it is
        }
        ctx.state().services.put(s.serviceArn(), s);
        savedByPass.put(s.serviceArn(), s);
        return s;
    }

    /** Whether the service has reached a steady state (its deployment, or its task sets, done and at count). */
    private static boolean steady(Service s) {
        if (TaskSetController.usesTaskSets(s)) {
            return TaskSetController.steady(s);
        }
        return s.deployments().size() == 1 && s.deployments().get(0).rolloutState()
                == DeploymentRolloutState.COMPLETED && s.runningCount().equals(s.desiredCount());
    }

    static String id(Task t) {
        return t.taskArn().substring(t.taskArn().lastIndexOf('/') + 1);
    }
}
