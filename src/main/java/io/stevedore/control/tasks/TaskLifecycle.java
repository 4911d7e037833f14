package io.stevedore.control.tasks;

import io.stevedore.control.state.AgentInstance;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.RowKind;
import io.stevedore.control.state.TaskRuntime.Phase;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.control.state.Timings;
import io.stevedore.ecs.Statuses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.Connectivity;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.NetworkInterface;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;

/**
 * Moves tasks through PROVISIONING → PENDING → ACTIVATING → RUNNING → DEACTIVATING → STOPPING →
 * DEPROVISIONING → STOPPED as their phase deadlines pass, with the ECS timestamps at each step.
 */
public final class TaskLifecycle {
    private static final Set<Phase> BEFORE_RUN = Set.of(Phase.UNPLACED, Phase.WAIT_INSTANCE, Phase.ATTACH_ENI,
            Phase.PULL, Phase.ACTIVATE);

    private final Context ctx;
    private final Timings timings;

    /*
     * Incremental advances. Only a task whose phase deadline has passed or whose stop was requested can move, so
     * a pass looks at those: deadlines and stop requests are learnt from the database's committed changes (and
     * from requestStop directly, for stops asked within the same tick). The first pass, a pass after a failed
     * tick and every pass over a shared store look at every task and rebuild both indexes. A deadline's tasks are
     * listed in the order their runtimes were committed (a task listed twice is looked at once): mostly ARN order
     * already, as one pass writes them, so the pass's sort finds runs instead of a hash set's random order.
     */
    private final TreeMap<Long, List<String>> dueIndex = new TreeMap<>();
    private final Set<String> stopWanted = new HashSet<>();
    private boolean everything = true;
    /**
     * The task rows this lifecycle wrote in the open transaction with a stopping phase (DEACTIVATE, STOP,
     * DEPROVISION) and their runtime, by ARN. Such a row, committed as written, needs no look for its stop: its
     * stop is under way, and the next move is its runtime's deadline, which the due index holds (committed in the
     * same transaction). Any other committed row with a pending stop is looked at, as before.
     */
    private final Map<String, Task> stopMoves = new HashMap<>();
    /**
     * Builders of the task rows this lifecycle wrote, by ARN, while the task moves through its short phases (not
     * kept in RUN, dropped at DONE). A task whose row is still the one a kept builder built (the same object: rows are
     * immutable, so no one wrote it since) moves on from that builder, which holds exactly its values, instead of a
     * toBuilder() that copies every field and list of the row again; any other row is copied as before. A builder
     * is taken out while it changes and kept again with the row it built.
     */
    private final Map<String, Kept> kept = new HashMap<>();

    /** A task row and the builder that built it (holding its values, unchanged since). */
    private record Kept(Task row, Task.Builder builder) {
    }

    public TaskLifecycle(Context ctx, Timings timings) {
        this.ctx = ctx;
        this.timings = timings;
        ctx.state().feed.committed()
                .on(RowKind.TASK_RUNTIME, (id, before, after) -> {
                    if (after != null) {
                        due(after);
                    }
                })
                .on(RowKind.TASK, (id, before, after) -> {
                    Task moved = stopMoves.isEmpty() ? null : stopMoves.remove(id);
                    if (after != null && stopPending(after) && after != moved) {
                        stopWanted.add(id);
                    }
                    if (after == null) {
                        kept.remove(id);
                    }
                })
                .onReset(() -> {
                    everything = true;
                    stopMoves.clear();
                    kept.clear();
                });
    }

    private void due(TaskRuntime rt) {
        if (rt.phase() != Phase.DONE && rt.dueAtMillis() > 0) {
            dueIndex.computeIfAbsent(rt.dueAtMillis(), k -> new ArrayList<>()).add(rt.taskArn());
        }
    }

    private static boolean stopPending(Task t) {
        return Statuses.isStopped(t.desiredStatus()) && !Statuses.isStopped(t.lastStatus());
    }

    private long now() {
        return ctx.now().toEpochMilli();
    }

    private long after(java.time.Duration d) {
        return now() + Math.max(1, d.toMillis());
    }

    /** Marks a task to stop (desired STOPPED); the next advance moves it. No-op on stopping tasks. */
    public void requestStop(Task t, TaskStopCode stopCode, String reason) {
        if (Statuses.isStopped(t.desiredStatus())) {
            return;
        }
        Task.Builder b = edit(t).desiredStatus(Statuses.TASK_STOPPED).stopCode(stopCode).stoppedReason(reason)
                .stoppingAt(ctx.now()).version(t.version() + 1);
        Task u = b.build();
        ctx.state().tasks.put(t.taskArn(), u);
        kept.put(t.taskArn(), new Kept(u, b));
        stopWanted.add(t.taskArn());
    }

    /**
     * The task's instance is gone (terminated by EC2 or retired by the lifecycle): the stop is requested and a
     * running task is already STOPPING, because its containers died with the host; it never shows RUNNING on a
     * terminated instance.
     */
    public void hostGone(Task t, TaskStopCode stopCode, String reason) {
        requestStop(t, stopCode, reason);
        ctx.state().runtimes.get(t.taskArn()).ifPresent(rt -> ctx.state().runtimes.put(t.taskArn(),
                rt.to(rt.phase() == Phase.RUN ? Phase.STOP : rt.phase(), ctx.now().toEpochMilli())));
    }

    public void advanceAll() {
        boolean full = everything || ctx.state().db.isShared();
        everything = true; // until this pass succeeds
        if (full) {
            dueIndex.clear();
            stopWanted.clear();
            kept.clear();
            for (TaskRuntime rt : ctx.state().runtimes.values(r -> r.phase() != Phase.DONE)) {
                advanceOne(rt);
                ctx.state().runtimes.get(rt.taskArn()).ifPresent(this::due);
                ctx.state().tasks.get(rt.taskArn()).filter(TaskLifecycle::stopPending)
                        .ifPresent(t -> stopWanted.add(t.taskArn()));
            }
        } else {
            // the tasks to look at in ARN order, each once: a sorted array, not a tree built per pass
            List<String> arns = new ArrayList<>(stopWanted);
            stopWanted.clear();
            var head = dueIndex.headMap(now(), true);
            head.values().forEach(arns::addAll);
            head.clear();
            arns.sort(null);
            String previous = null;
            for (String arn : arns) {
                if (!arn.equals(previous)) {
                    ctx.state().runtimes.get(arn).filter(r -> r.phase() != Phase.DONE).ifPresent(this::advanceOne);
                }
                previous = arn;
            }
        }
        everything = false;
    }

    private void advanceOne(TaskRuntime rt) {
        Task t = ctx.state().tasks.get(rt.taskArn()).orElse(null);
        if (t == null) {
            ctx.state().runtimes.remove(rt.taskArn());
            return;
        }
        advance(t, rt);
    }

    private void advance(Task t, TaskRuntime rt) {
        if (AgentInstance.drives(ctx.state(), rt.instanceId())) {
            return; // its agent's state changes move it (control.agents.Agents), not deadlines
        }
        boolean stopWanted = Statuses.isStopped(t.desiredStatus());
        if (stopWanted && BEFORE_RUN.contains(rt.phase())) {
            if (hasEni(t) && rt.phase() != Phase.UNPLACED && rt.phase() != Phase.WAIT_INSTANCE) {
                save(t, containers(edit(t).lastStatus(Phase.DEPROVISION.lastStatus())
                        .executionStoppedAt(ctx.now()), t, Statuses.TASK_STOPPED, null).attachments(eni(t, "DELETING")),
                        rt.to(Phase.DEPROVISION, after(timings.deprovision())));
            } else {
                finish(t, rt);
            }
            return;
        }
        if (stopWanted && rt.phase() == Phase.RUN) {
            save(t, edit(t).lastStatus(Phase.DEACTIVATE.lastStatus()),
                    rt.to(Phase.DEACTIVATE, after(timings.deactivate())));
            return;
        }
        if (rt.dueAtMillis() <= 0 || now() < rt.dueAtMillis()) {
            return;
        }
        Instant now = ctx.now();
        switch (rt.phase()) {
            case ATTACH_ENI -> save(t, edit(t).lastStatus(Phase.PULL.lastStatus()).pullStartedAt(now)
                    .attachments(eni(t, "ATTACHED")), rt.to(Phase.PULL, now() + Math.max(1, rt.pullMillis())));
            case PULL -> {
                cacheImage(rt);
                save(t, edit(t).lastStatus(Phase.ACTIVATE.lastStatus()).pullStoppedAt(now),
                        rt.to(Phase.ACTIVATE, after(timings.containerStart())));
            }
            case ACTIVATE -> save(t, containers(edit(t).lastStatus(Phase.RUN.lastStatus()).startedAt(now)
                    .connectivity(Connectivity.CONNECTED).connectivityAt(now), t, Statuses.TASK_RUNNING, null),
                    rt.to(Phase.RUN, rt.runMillis() < 0 ? 0 : now() + Math.max(1, rt.runMillis())));
            case RUN -> save(t, containers(edit(t).desiredStatus(Statuses.TASK_STOPPED)
                    .stopCode(TaskStopCode.ESSENTIAL_CONTAINER_EXITED)
                    .stoppedReason("Essential container in task exited").stoppingAt(now)
                    .lastStatus(Phase.DEACTIVATE.lastStatus()), t, Statuses.TASK_STOPPED, rt.exitCode()),
                    rt.to(Phase.DEACTIVATE, after(timings.deactivate())));
            case DEACTIVATE -> save(t, edit(t).lastStatus(Phase.STOP.lastStatus()),
                    rt.to(Phase.STOP, after(timings.stop())));
            case STOP -> {
                Task.Builder b = containers(edit(t).executionStoppedAt(now), t, Statuses.TASK_STOPPED, 0);
                if (hasEni(t)) {
                    save(t, b.lastStatus(Phase.DEPROVISION.lastStatus()).attachments(eni(t, "DELETING")),
                            rt.to(Phase.DEPROVISION, after(timings.deprovision())));
                } else {
                    Task stopped = b.build();
                    kept.put(t.taskArn(), new Kept(stopped, b)); // finish goes on from b
                    finish(stopped, rt);
                }
            }
            case DEPROVISION -> finish(t, rt);
            default -> {
                // UNPLACED and WAIT_INSTANCE wait for events, not deadlines
            }
        }
    }

    private void cacheImage(TaskRuntime rt) {
        if (rt.instanceId() != null && rt.image() != null) {
            ctx.state().instances.get(rt.instanceId())
                    .ifPresent(mi -> ctx.state().instances.put(mi.instanceId(), mi.withImage(rt.image())));
        }
    }

    private void finish(Task t, TaskRuntime rt) {
        Task.Builder b = containers(edit(t).lastStatus(Phase.DONE.lastStatus())
                .desiredStatus(Statuses.TASK_STOPPED).stoppedAt(ctx.now()), t, Statuses.TASK_STOPPED, null);
        if (t.executionStoppedAt() == null) {
            b.executionStoppedAt(ctx.now());
        }
        if (t.stoppingAt() == null) {
            b.stoppingAt(ctx.now());
        }
        if (hasEni(t)) {
            b.attachments(eni(t, "DELETED"));
        }
        save(t, b, rt.to(Phase.DONE, 0));
    }

    /** Writes the task as {@code b} (made from {@code t}) with the next version, and its runtime. */
    private void save(Task t, Task.Builder b, TaskRuntime rt) {
        Task u = b.version(t.version() + 1).build();
        ctx.state().tasks.put(t.taskArn(), u);
        ctx.state().runtimes.put(rt.taskArn(), rt);
        Phase p = rt.phase();
        if (p != Phase.DONE && p != Phase.RUN) {
            kept.put(t.taskArn(), new Kept(u, b));
        }
        if (p == Phase.DEACTIVATE || p == Phase.STOP || p == Phase.DEPROVISION) {
            stopMoves.put(t.taskArn(), u);
        }
    }

    /**
     * A builder holding {@code t}'s values for its next row: the kept one that built {@code t} (taken out while it
     * changes), or {@code t.toBuilder()}.
     */
    private Task.Builder edit(Task t) {
        Kept k = kept.isEmpty() ? null : kept.remove(t.taskArn());
        return k != null && k.row() == t ? k.builder() : t.toBuilder();
    }

    /**
     * For tests: the ARNs of the tasks a full pass would move at some time that the next incremental pass may leave
     * out: a pending stop to act on (before or in RUN) that is not among the stops to look at, or a deadline (of a
     * phase that moves by deadline) not in the due index under its time. Empty while the next pass is a full one.
     */
    List<String> unindexed() {
        List<String> out = new ArrayList<>();
        if (everything || ctx.state().db.isShared()) {
            return out;
        }
        for (TaskRuntime rt : ctx.state().runtimes.values(r -> r.phase() != Phase.DONE)) {
            Task t = ctx.state().tasks.get(rt.taskArn()).orElse(null);
            if (t == null || AgentInstance.drives(ctx.state(), rt.instanceId())) {
                continue;
            }
            boolean stop = Statuses.isStopped(t.desiredStatus())
                    && (BEFORE_RUN.contains(rt.phase()) || rt.phase() == Phase.RUN);
            boolean timed = rt.dueAtMillis() > 0 && rt.phase() != Phase.UNPLACED && rt.phase() != Phase.WAIT_INSTANCE;
            if (stop && !stopWanted.contains(rt.taskArn()) || timed
                    && !dueIndex.getOrDefault(rt.dueAtMillis(), List.of()).contains(rt.taskArn())) {
                out.add(rt.taskArn());
            }
        }
        return out;
    }

    /**
     * For tests: the ARNs of the tasks whose kept builder belongs to their current row but would not build a row
     * equal to it; {@code held[0]} gets how many kept builders belong to their current row.
     */
    List<String> keptBuildersWrong(int[] held) {
        List<String> wrong = new ArrayList<>();
        kept.forEach((arn, k) -> {
            if (ctx.state().tasks.get(arn).orElse(null) == k.row()) {
                held[0]++;
                if (!k.builder().build().equals(k.row())) {
                    wrong.add(arn);
                }
            }
        });
        return wrong;
    }

    static boolean hasEni(Task t) {
        for (Attachment a : t.attachments()) {
            if ("ElasticNetworkInterface".equals(a.type())) {
                return true;
            }
        }
        return false;
    }

    private static List<Attachment> eni(Task t, String status) {
        List<Attachment> out = new ArrayList<>();
        for (Attachment a : t.attachments()) {
            out.add("ElasticNetworkInterface".equals(a.type()) ? a.toBuilder().status(status).build() : a);
        }
        return out;
    }

    /**
     * {@code b} (made from {@code t}) with the task's containers at {@code status}: left as they are when none of
     * them changes (the builder holds them already; a copy would equal them).
     */
    private static Task.Builder containers(Task.Builder b, Task t, String status, Integer exitCode) {
        List<Container> out = containers(t, status, exitCode);
        return out == t.containers() ? b : b.containers(out);
    }

    /** The task's containers at {@code status}; {@code t.containers()} itself when none of them changes. */
    private static List<Container> containers(Task t, String status, Integer exitCode) {
        String ip = null;
        for (int i = 0; Statuses.isRunning(status) && i < t.attachments().size(); i++) { // read only when RUNNING
            for (var kv : t.attachments().get(i).details()) {
                if ("privateIPv4Address".equals(kv.name())) {
                    ip = kv.value();
                }
            }
        }
        List<Container> out = new ArrayList<>();
        boolean changed = false;
        for (Container c : t.containers()) {
            boolean exits = Statuses.isStopped(status) && c.exitCode() == null && exitCode != null;
            if (!Statuses.isRunning(status) && status.equals(c.lastStatus()) && !exits) {
                out.add(c); // already so: the same row, no copy (its rebuild would equal it)
                continue;
            }
            Container.Builder b = c.toBuilder().lastStatus(status);
            if (Statuses.isRunning(status)) {
                b.runtimeId(c.taskArn().substring(c.taskArn().lastIndexOf('/') + 1) + "-" + c.name());
                if (ip != null) {
                    b.networkInterfaces(NetworkInterface.builder().attachmentId(t.attachments().get(0)
                            .id()).privateIpv4Address(ip).build());
                }
            }
            if (exits) {
                b.exitCode(exitCode);
            }
            out.add(b.build());
            changed = true;
        }
        return changed || out.isEmpty() ? out : t.containers();
    }
}
