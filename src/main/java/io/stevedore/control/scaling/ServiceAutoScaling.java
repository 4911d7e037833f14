package io.stevedore.control.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.catalog.JsonTrees;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.ScalableTarget;
import io.stevedore.control.state.ScalingPolicy;
import io.stevedore.control.state.ScheduledAction;
import io.stevedore.ecs.SimulatedRun;
import io.stevedore.ecs.Statuses;
import io.stevedore.store.RowObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Service Auto Scaling, a stage of the tick: Application Auto Scaling and the CloudWatch alarms it relies on, on the
 * injected clock (so the simulator replays it as the server runs it). Every tick runs the scheduled actions that are
 * due; at each minute boundary it
 * <ol>
 *   <li>publishes the minute's AWS/ECS {@code CPUUtilization} and {@code MemoryUtilization} of each service whose
 *       workload declares its utilization (the conventions of {@link SimulatedRun}: a container environment
 *       variable per task, or a service tag with the whole service's load),</li>
 *   <li>evaluates every metric alarm (target tracking's AlarmHigh / AlarmLow and PutMetricAlarm's) on the periods
 *       that ended, and</li>
 *   <li>runs the scaling policies named by alarms in ALARM (AWS runs Auto Scaling actions once a minute while the
 *       alarm stays in ALARM), within cooldowns, the target's range and its suspended switches.</li>
 * </ol>
 * The choices are documented in docs/decisions.md, "Service Auto Scaling".
 */
public final class ServiceAutoScaling {
    private static final String CPU_ENV = SimulatedRun.CPU_UTILIZATION;
    private static final String MEMORY_ENV = SimulatedRun.MEMORY_UTILIZATION;
    private static final String CPU_TAG = SimulatedRun.CPU_LOAD_TAG;
    private static final String MEMORY_TAG = SimulatedRun.MEMORY_LOAD_TAG;
    /** ECS's default target-tracking cooldowns (seconds). */
    public static final int DEFAULT_COOLDOWN = 300;
    /** Boundaries caught up at once after a late tick (the server's wall clock), beyond which periods are lost. */
    private static final int MAX_CATCH_UP = 10;

    /** One policy's wish for a target's capacity. */
    private record Proposal(ScalingPolicy policy, int desired, boolean out, int adjustment, String cause) {
    }

    private final Context ctx;
    private final MetricStore metrics;
    /** Declared {cpu, memory} percent per task definition ARN (NaN = none). */
    private final Map<String, double[]> declared = new HashMap<>();
    /** Parsed policy configurations by their JSON text (a policy's configuration changes only by PutScalingPolicy). */
    private final Map<String, JsonNode> configs = new HashMap<>();
    /** One metric period ("minute") on the clock: 60 s divided by the server's speed. */
    private final long minute;
    private final double speed;
    private long lastMinute = Long.MIN_VALUE;
    /** Desired counts this stage set (scheduled actions and policies), ever: tells a caller whether a run changed one. */
    private long changes;

    public ServiceAutoScaling(Context ctx, MetricStore metrics) {
        this.ctx = ctx;
        this.metrics = metrics;
        this.speed = ctx.config().speed();
        this.minute = Math.max(1, Math.round(MetricStore.MINUTE / speed));
        // a service's datapoints are a function of its row, its tags and its running tasks: computed again when
        // one of them changes (writes, rollbacks and reloads alike), not every minute
        EcsState st = ctx.state();
        st.services.observe(RowObserver.of((id, before, after) -> {
            unpublish(id);
            rowChanged(id);
        }, this::forget));
        st.scalingPolicies.observe(RowObserver.of((id, before, after) -> rowChanged(id), this::forget));
        st.scalableTargets.observe(RowObserver.of((id, before, after) -> rowChanged(id), this::forget));
        st.metricAlarms.observe(RowObserver.of((id, before, after) -> alarmsChanged = true, this::forget));
        st.tags.observe(RowObserver.of((id, before, after) -> unpublish(id), this::forget));
        st.tasks.observe(RowObserver.of((id, before, after) -> {
            taskChanged(before);
            taskChanged(after);
        }, this::forget));
    }

    /** Seconds of AWS time as milliseconds on this plane's clock (divided by the speed). */
    private long scaled(long seconds) {
        return Math.round(seconds * 1000 / speed);
    }

    /** How many times this stage has set a desired count (a run that leaves it unchanged set none). */
    public long changes() {
        return changes;
    }

    public MetricStore metrics() {
        return metrics;
    }

    /** The stage: scheduled actions, then at a minute boundary metrics, alarms and policies. */
    public void run() {
        long now = ctx.now().toEpochMilli();
        runScheduledActions(now);
        long boundary = Math.floorDiv(now, minute) * minute;
        if (lastMinute == Long.MIN_VALUE) {
            lastMinute = boundary;
            return;
        }
        if (boundary <= lastMinute) {
            return;
        }
        long from = Math.max(lastMinute + minute, boundary - (MAX_CATCH_UP - 1) * minute);
        lastMinute = boundary;
        for (long b = from; b <= boundary; b += minute) {
            publishServiceMetrics(b - minute);
            evaluate(b);
        }
    }

    /** When this stage next has work: the next minute boundary while anything scales, the next scheduled action. */
    public long nextCheckMillis() {
        EcsState st = ctx.state();
        long next = Long.MAX_VALUE;
        if ((st.scalableTargets.size() > 0 || st.metricAlarms.size() > 0) && lastMinute != Long.MIN_VALUE) {
            next = lastMinute + minute;
        }
        for (ScheduledAction a : st.scheduledActions.values()) {
            next = Math.min(next, a.nextRunMillis());
        }
        return next;
    }

    // ---- scheduled actions ---------------------------------------------------------------------------------------

    private void runScheduledActions(long now) {
        EcsState st = ctx.state();
        List<ScheduledAction> due = st.scheduledActions.values(a -> a.nextRunMillis() <= now);
        due.sort(java.util.Comparator.comparingLong(ScheduledAction::nextRunMillis).thenComparing(ScheduledAction::key));
        for (ScheduledAction a : due) {
            long next = Schedules.next(a.schedule(), a.timezone(), now, a.createdMillis(), a.startMillis(),
                    a.endMillis());
            st.scheduledActions.put(a.key(), a.withNextRun(next));
            Optional<ScalableTarget> t = st.scalableTargets.get(a.targetKey());
            if (t.isEmpty() || t.get().scheduledSuspended()) {
                continue;
            }
            int min = a.minCapacity() != null ? a.minCapacity() : t.get().minCapacity();
            int max = a.maxCapacity() != null ? a.maxCapacity() : t.get().maxCapacity();
            if (min > max) { // a half-given range that crosses the other bound moves it (AWS's rule)
                if (a.minCapacity() != null) {
                    max = min;
                } else {
                    min = max;
                }
            }
            ScalableTarget updated = t.get().withCapacity(min, max);
            st.scalableTargets.put(updated.key(), updated);
            Capacity.clamp(ctx, updated, "scheduled action name " + a.name() + " was triggered");
            changes++;
        }
    }

    // ---- metrics -------------------------------------------------------------------------------------------------

    private void publishServiceMetrics(long periodStart) {
        List<Slot> publishing = publishers();
        if (periodStart != fedThrough + minute || metrics.feedsEnded() != feedsSeen) {
            // periods skipped (a late tick on the wall clock) or feeds ended beside their feeder: appends again
            publishing.forEach(this::endFeeds);
            feedsSeen = metrics.feedsEnded();
        }
        for (Slot slot : publishing) {
            Published p = slot.published;
            if (p == null) {
                endFeeds(slot); // it published its last datapoints up to the last period
                p = datapoints(slot);
                if ((p.cpu() == null) != slot.noCpu || (p.memory() == null) != slot.noMemory) {
                    mustPass = true; // a series this service fed each minute stops, or one starts
                    slot.noCpu = p.cpu() == null;
                    slot.noMemory = p.memory() == null;
                }
                slot.published = p;
            }
            publish(slot, slot.cpu, p.keys() == null ? null : p.keys()[0], p.cpu(), periodStart);
            publish(slot, slot.memory, p.keys() == null ? null : p.keys()[1], p.memory(), periodStart);
        }
        metrics.feedThrough(periodStart);
        fedThrough = periodStart;
    }

    /** The period the feeds last published; see {@link MetricStore#publish}. */
    private long fedThrough = Long.MIN_VALUE;
    private long feedsSeen;

    /** Publishes a slot's datapoint {@code stat} of {@code key} (none: nothing) through its feeder of that metric. */
    private void publish(Slot slot, MetricStore.Feeder f, MetricStore.MetricKey key, MetricStore.Stat stat,
                         long periodStart) {
        if (stat != null && metrics.publish(f, key, periodStart, stat, minute, "Percent")) {
            feeders.put(f.series, slot);
        }
    }

    /** Ends a slot's standing feeds: its series get what it published up to the last period, and no more. */
    private void endFeeds(Slot slot) {
        metrics.end(slot.cpu);
        metrics.end(slot.memory);
    }

    /**
     * A service that may publish, and its datapoints until its row, tags or running tasks change (null: to compute);
     * the series of its two metrics once written (a service's metrics are those of its ARN: kept across datapoints).
     */
    private static final class Slot {
        final String arn;
        Published published;
        final MetricStore.Feeder cpu = new MetricStore.Feeder();
        final MetricStore.Feeder memory = new MetricStore.Feeder();
        /**
         * The declared {cpu, memory} of each of its running tasks, in task id order, until one of its running tasks
         * changes (null: to read; a change of its tags or row alone keeps them).
         */
        double[][] running;
        /** Whether its last datapoints had no CPU, no memory value (a change makes every watch visited). */
        boolean noCpu = true;
        boolean noMemory = true;

        Slot(String arn) {
            this.arn = arn;
        }
    }

    /** The services that may publish, from the two indexes' memberships when {@link #publishers} last merged them. */
    private List<Slot> publishers = List.of();
    /** The same slots by service ARN (a row change empties its slot). */
    private Map<String, Slot> slots = new HashMap<>();
    private long declaringSeen = -1;
    private long taggedSeen = -1;

    /**
     * The services declaring a utilization or carrying a load tag, in ARN order: the two indexes' lists joined, again
     * only when either index gained or lost a row since (the stage runs inside the tick: live rows).
     */
    private List<Slot> publishers() {
        EcsState st = ctx.state();
        long d = st.servicesDeclaringUtilization.membership();
        long t = st.loadTags.membership();
        if (d == declaringSeen && t == taggedSeen) {
            return publishers;
        }
        java.util.TreeSet<String> arns = new java.util.TreeSet<>(st.servicesDeclaringUtilization.ids(Boolean.TRUE));
        arns.addAll(st.loadTags.ids(Boolean.TRUE)); // in ARN order, each once
        Map<String, Slot> kept = new HashMap<>();
        List<Slot> merged = new ArrayList<>(arns.size());
        for (String arn : arns) {
            Slot slot = slots.get(arn); // a service that stays keeps its datapoints
            slot = slot == null ? new Slot(arn) : slot;
            kept.put(arn, slot);
            merged.add(slot);
        }
        slots.forEach((arn, slot) -> {
            if (!kept.containsKey(arn)) {
                endFeeds(slot); // it no longer publishes
            }
        });
        slots = kept;
        publishers = merged;
        mustPass = true; // services that feed series came or went
        declaringSeen = d;
        taggedSeen = t;
        return merged;
    }

    /**
     * A service's minute datapoints {CPUUtilization, MemoryUtilization} from its row, its tags and its running tasks
     * ({@link #NONE} when it publishes none). Kept in its {@link Slot} until one of these changes.
     */
    private Published datapoints(Slot slot) {
        String arn = slot.arn;
        EcsState st = ctx.state();
        Service s = st.services.get(arn).orElse(null);
        if (s == null || !Statuses.SERVICE_ACTIVE.equals(s.status())) {
            return NONE;
        }
        Map<String, String> tags = st.tagsOf(s.serviceArn());
        double cpuLoad = number(tags.get(CPU_TAG));
        double memLoad = number(tags.get(MEMORY_TAG));
        double[] own = declared(s.taskDefinition());
        boolean single = s.deployments().size() <= 1;
        if (Double.isNaN(cpuLoad) && Double.isNaN(memLoad) && single && Double.isNaN(own[0])
                && Double.isNaN(own[1])) {
            return NONE; // nothing declared: no datapoint, as for a service without running tasks
        }
        double[][] running = slot.running;
        if (running == null) { // from here on, a change of one of its running tasks clears it (taskChanged)
            serviceByGroup.computeIfAbsent(s.clusterArn(), k -> new HashMap<>()).put("service:" + s.serviceName(),
                    arn);
            List<Task> tasks = st.tasksByGroup.values(EcsState.groupKey(s.clusterArn(), "service:"
                    + s.serviceName()), t -> Statuses.TASK_RUNNING.equals(t.lastStatus()));
            running = new double[tasks.size()][];
            for (int i = 0; i < running.length; i++) {
                running[i] = declared(tasks.get(i).taskDefinitionArn());
            }
            slot.running = running;
        }
        if (running.length == 0) {
            return NONE;
        }
        // one sample per running task: SampleCount = tasks, Sum = their utilizations, Average = the metric
        double[] sum = new double[2];
        double[] min = {Double.MAX_VALUE, Double.MAX_VALUE};
        double[] max = {0, 0};
        int[] n = new int[2];
        double[] load = {cpuLoad, memLoad};
        for (double[] d : running) {
            for (int i = 0; i < 2; i++) {
                double v = !Double.isNaN(load[i]) ? load[i] / running.length : d[i];
                if (!Double.isNaN(v)) {
                    sum[i] += v;
                    min[i] = Math.min(min[i], v);
                    max[i] = Math.max(max[i], v);
                    n[i]++;
                }
            }
        }
        MetricStore.MetricKey[] keys = serviceMetrics.computeIfAbsent(s.serviceArn(), k -> {
            String cluster = Context.clusterName(s.clusterArn());
            return new MetricStore.MetricKey[] {ecsMetric("CPUUtilization", cluster, s.serviceName()),
                    ecsMetric("MemoryUtilization", cluster, s.serviceName())};
        });
        return new Published(keys, n[0] > 0 ? new MetricStore.Stat(n[0], sum[0], min[0],
                max[0]) : null, n[1] > 0 ? new MetricStore.Stat(n[1], sum[1], min[1], max[1]) : null);
    }

    /** A service's minute datapoints (null: none) and their metrics. */
    private record Published(MetricStore.MetricKey[] keys, MetricStore.Stat cpu, MetricStore.Stat memory) {
    }

    private static final Published NONE = new Published(null, null, null);

    /** A running task changed: its service's datapoints are computed again at the next boundary. */
    private void taskChanged(Task t) {
        if (t == null || t.group() == null || !Statuses.TASK_RUNNING.equals(t.lastStatus())) {
            return;
        }
        Map<String, String> groups = serviceByGroup.get(t.clusterArn());
        String arn = groups == null ? null : groups.get(t.group());
        Slot slot = arn == null ? null : slots.get(arn);
        if (slot != null) {
            slot.published = null;
            slot.running = null;
        }
    }

    /** The AWS/ECS service metric's identity. */
    public static MetricStore.MetricKey ecsMetric(String name, String cluster, String service) {
        TreeMap<String, String> dims = new TreeMap<>();
        dims.put("ClusterName", cluster);
        dims.put("ServiceName", service);
        return new MetricStore.MetricKey("AWS/ECS", name, dims);
    }

    private double[] declared(String taskDefinitionArn) {
        if (taskDefinitionArn == null) {
            return new double[] {Double.NaN, Double.NaN};
        }
        return declared.computeIfAbsent(taskDefinitionArn, arn -> {
            Optional<TaskDefinition> td = ctx.state().taskDefinitions.get(arn);
            if (td.isEmpty()) {
                return new double[] {Double.NaN, Double.NaN};
            }
            Map<String, String> env = SimulatedRun.environment(td.get(), null);
            return new double[] {number(env.get(CPU_ENV)), number(env.get(MEMORY_ENV))};
        });
    }

    private static double number(String s) {
        if (s == null) {
            return Double.NaN;
        }
        try {
            double v = Double.parseDouble(s.trim());
            return Double.isFinite(v) && v >= 0 ? v : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    // ---- alarms and policies -------------------------------------------------------------------------------------

    private void evaluate(long boundary) {
        EcsState st = ctx.state();
        if (alarmsChanged) {
            watchAlarms(st);
        }
        Map<String, List<Proposal>> byTarget = new TreeMap<>();
        boolean full = mustPass || boundary != evaluatedAt + minute || metrics.changes() != changesSeen
                || st.db.isShared();
        mustPass = true; // until this pass ends: one that fails half way leaves every alarm to visit next time
        if (full) {
            busy.clear();
            dues.clear();
            for (Watch w : watches) {
                classify(w, visit(w, boundary, byTarget, st));
            }
        } else {
            // every series continued its run since the last boundary and was fed by its service: the watches left
            // out would find the answer they keep, and do nothing with it
            BitSet due = (BitSet) busy.clone();
            SortedMap<Long, BitSet> head = dues.headMap(boundary, true);
            head.values().forEach(due::or);
            head.clear();
            for (int i = due.nextSetBit(0); i >= 0; i = due.nextSetBit(i + 1)) {
                Watch w = watches.get(i);
                busy.clear(i);
                classify(w, visit(w, boundary, byTarget, st));
            }
            skipped += watches.size() - due.cardinality();
            if (checkSkips) {
                for (int i = due.nextClearBit(0); i < watches.size(); i = due.nextClearBit(i + 1)) {
                    checkSkipped(watches.get(i), boundary);
                }
            }
        }
        mustPass = false;
        evaluatedAt = boundary;
        changesSeen = metrics.changes();
        byTarget.forEach((key, proposals) -> apply(key, proposals, boundary));
    }

    /**
     * A watch that need not be visited again while every series continues its run, fed by its service each minute:
     * its answer is kept (the series of its service, read a minute at a time, its window within the retention) and
     * it does nothing with it ({@code inert}); in {@link #dues} when its answer holds for a number of periods. The
     * others are in {@link #busy}: visited at every boundary.
     */
    private void classify(Watch w, boolean inert) {
        if (!inert || w.series == null || w.period != minute || (long) w.n * w.period >= metrics.retentionMillis()
                || !fed(w.series)) {
            busy.set(w.index);
            return;
        }
        if (w.holds >= 0 && w.holds < w.n) {
            dues.computeIfAbsent(w.at + (w.holds + 1) * w.period, k -> new BitSet()).set(w.index);
        }
    }

    /** Visits of watches left out so far (they found their kept answer and had nothing to do). */
    public long skipped() {
        return skipped;
    }

    /** Tests: every watch left out is checked to find its kept answer at once, and to have nothing to do with it. */
    public void checkSkips(boolean on) {
        checkSkips = on;
    }

    private void checkSkipped(Watch w, long boundary) {
        boolean kept = keeps(w, boundary);
        boolean inert = idle(w.row, w.state, w.value) || w.quietAt(w.value, w.samples);
        if (!kept || !inert) {
            throw new IllegalStateException("alarm " + w.row.alarmName() + " left out at " + boundary + " but its "
                    + (kept ? "answer has something to do" : "answer is not kept"));
        }
    }

    /** Whether a service in {@link #publishers} appends to {@code series} at every boundary (its datapoint set). */
    private boolean fed(MetricStore.Points series) {
        Slot f = feeders.get(series);
        if (f == null || slots.get(f.arn) != f || f.published == null) {
            return false;
        }
        return (f.cpu.series == series && f.published.cpu() != null)
                || (f.memory.series == series && f.published.memory() != null);
    }

    /** Evaluates one alarm at {@code boundary} and proposes; true when it had nothing to do (see {@link #classify}). */
    private boolean visit(Watch w, long boundary, Map<String, List<Proposal>> byTarget, EcsState st) {
        MetricAlarm a = w.row;
        StateValue state;
        double value;
        double samples;
        if (keeps(w, boundary)) {
            // the n periods hold what they held at the last evaluation, or that window moved on by periods
            // that repeat its latest datapoint for no longer than its answer holds: that answer, already the
            // row's state
            state = w.state;
            value = w.value;
            samples = w.samples;
        } else {
            double[] last = {Double.NaN, Double.NaN};
            state = alarmState(w, boundary, last);
            value = last[0];
            samples = last[1];
            if (!state.toString().equals(a.stateValueAsString())) {
                String reason = state == StateValue.INSUFFICIENT_DATA ? "Insufficient Data: no datapoints were"
                        + " received for " + a.evaluationPeriods() + " periods."
                        : "Threshold Crossed: the latest datapoint [" + last[0] + "] was "
                        + (state == StateValue.ALARM ? "" : "not ") + comparisonWords(a.comparisonOperator())
                        + " the threshold (" + a.threshold() + ").";
                MetricAlarm updated = a.toBuilder().stateValue(state).stateReason(reason)
                        .stateUpdatedTimestamp(Instant.ofEpochMilli(boundary)).build();
                st.metricAlarms.put(a.alarmName(), updated);
                w.row = updated; // the row this watch now answers for (its state is the one found)
            }
        }
        if (idle(a, state, value)) {
            w.quiet = false;
            return true;
        }
        if (w.quietAt(value, samples)) {
            return true; // in ALARM with the same latest datapoint as when its policies last proposed nothing
        }
        if (!w.registered) {
            a.alarmActions().forEach(action -> readsWhenQuiet(w, action));
            w.registered = true;
        }
        boolean quiet = true;
        for (String action : a.alarmActions()) {
            ScalingPolicy p = st.scalingPolicies.get(action).orElse(null);
            if (p == null) {
                continue;
            }
            timely = false;
            Optional<Proposal> pr = propose(p, a, value, samples, boundary);
            if (pr.isPresent()) {
                byTarget.computeIfAbsent(pr.get().policy.targetKey(), k -> new ArrayList<>()).add(pr.get());
                quiet = false;
            } else if (timely) {
                quiet = false; // a cooldown decided: the answer changes with time alone
            }
        }
        w.quiet = quiet;
        w.quietValue = value;
        w.quietSamples = samples;
        return quiet;
    }

    /**
     * Whether the n periods hold at {@code boundary} what they held at the watch's last evaluation, or that window
     * moved on by periods that repeat its latest datapoint for no longer than its answer holds: its kept answer is
     * the answer.
     */
    private boolean keeps(Watch w, long boundary) {
        return w.series != null && (w.holds < 0 ? metrics.continued(w.series, w.version, boundary - w.period)
                : held(w, boundary));
    }

    /** An alarm whose answer calls for no action: not in ALARM, actions disabled, or no latest datapoint. */
    private static boolean idle(MetricAlarm a, StateValue state, double value) {
        return state != StateValue.ALARM || Boolean.FALSE.equals(a.actionsEnabled()) || Double.isNaN(value);
    }

    /**
     * Whether the answer a watch keeps (not uniform) holds at {@code boundary}: its series only continued its run of
     * equal datapoints since, one period apart, up to the period before the boundary, for at most {@code holds}
     * periods ({@code holds} = n: for ever, as n periods on every period repeats the latest datapoint).
     */
    private boolean held(Watch w, long boundary) {
        int k = metrics.movedOn(w.series, w.version, w.at, boundary, w.period, w.n);
        return k >= 1 && k <= w.holds;
    }

    /** The watches again, in alarm name order, from the alarm rows (a watch whose row is unchanged stays). */
    private void watchAlarms(EcsState st) {
        Map<String, Watch> old = new HashMap<>();
        watches.forEach(w -> old.put(w.row.alarmName(), w));
        watches.clear();
        for (MetricAlarm a : st.metricAlarms.values()) {
            Watch w = old.get(a.alarmName());
            w = w != null && w.row == a ? w : new Watch(a, alarmMetric(a), scaled(Math.max(60, a.period() == null ? 60
                    : a.period())));
            w.index = watches.size();
            watches.add(w);
        }
        alarmsChanged = false;
        mustPass = true; // the indexes of busy and dues
    }

    /**
     * The alarm's state at {@code boundary}; {@code last[0]} gets the latest period's value, {@code last[1]} its
     * sample count. When its n periods hold one equal datapoint each, the watch keeps the series and the answer.
     */
    private StateValue alarmState(Watch w, long boundary, double[] last) {
        MetricAlarm a = w.row;
        MetricStore.MetricKey key = w.key;
        long period = w.period;
        int n = a.evaluationPeriods() == null ? 1 : a.evaluationPeriods();
        int needed = a.datapointsToAlarm() == null ? n : a.datapointsToAlarm();
        String statistic = a.statisticAsString() == null ? "Average" : a.statisticAsString();
        int present = 0;
        int breaching = 0;
        if (w.handle == null || w.handle.dropped) {
            w.handle = metrics.series(key);
        }
        MetricStore.Points series = w.handle;
        MetricStore.Stat same = metrics.uniform(series, boundary, period, n);
        if (same != null) { // the n periods hold the same datapoint: what the loop below would find
            double v = same.get(statistic);
            last[0] = v;
            last[1] = same.sampleCount();
            StateValue state = (breaches(a.comparisonOperatorAsString(), v, a.threshold()) ? n : 0) >= needed
                    ? StateValue.ALARM : StateValue.OK;
            w.keep(series, metrics.version(series), -1, n, boundary, state, last);
            return state;
        }
        w.series = null;
        if (window.length < n) {
            window = new MetricStore.Stat[n];
        }
        List<MetricStore.Stat> periods = metrics.lastPeriods(series, boundary, period, n, window) ? null
                : metrics.periodsNewestFirst(key, boundary - n * period, boundary, period);
        // the n periods in one pass, newest first (one datapoint each, read in place; or the periods with data)
        MetricStore.Stat previous = null;
        boolean breach = false;
        if (breached.length < n) {
            breached = new boolean[n];
        }
        for (int i = 0, end = periods == null ? n : periods.size(); i < end; i++) {
            MetricStore.Stat s = periods == null ? window[i] : periods.get(i);
            if (s != previous) { // the same aggregate again (a service's unchanged minutes): the same answer
                double v = s.get(statistic);
                if (present == 0) {
                    last[0] = v;
                    last[1] = s.sampleCount();
                }
                breach = breaches(a.comparisonOperatorAsString(), v, a.threshold());
                previous = s;
            }
            present++;
            breached[i] = breach;
            if (breach) {
                breaching++;
            }
        }
        if (periods == null) { // one datapoint per period: the answer holds while the window moves on (see held)
            StateValue state = breaching >= needed ? StateValue.ALARM : StateValue.OK;
            // k periods on, repeating the latest datapoint: k times its breach, and the n - k newest of this window
            int holds = 0;
            int count = breaching;
            for (int k = 1; k <= n; k++) {
                count += (breached[0] ? 1 : 0) - (breached[n - k] ? 1 : 0);
                if ((count >= needed) != (state == StateValue.ALARM)) {
                    break;
                }
                holds = k;
            }
            w.keep(series, metrics.version(series), holds, n, boundary, state, last);
            return state;
        }
        if (present == 0) {
            String missing = a.treatMissingData() == null ? "missing" : a.treatMissingData();
            return switch (missing) {
                case "breaching" -> StateValue.ALARM;
                case "notBreaching" -> StateValue.OK;
                case "ignore" -> a.stateValue() == null ? StateValue.INSUFFICIENT_DATA : a.stateValue();
                default -> StateValue.INSUFFICIENT_DATA;
            };
        }
        return breaching >= needed ? StateValue.ALARM : StateValue.OK;
    }

    /**
     * An alarm as this stage evaluates it: its row and metric, and what its last evaluation found when the alarm's
     * periods held one equal datapoint each ({@code series} not null): the series' version then, the state, the
     * latest value and sample count. An evaluation that finds the series continued since (same version, last
     * datapoint one period before the boundary) would find the same and is skipped; a {@code quiet} one has nothing
     * to run either (no proposal, for reasons that hold until a row its policies read changes).
     */
    private static final class Watch {
        MetricAlarm row;
        final MetricStore.MetricKey key;
        final long period;
        /**
         * -1: {@code series} is the uniform case. Otherwise the evaluation at {@code at} read {@code n} periods of
         * one datapoint each, and its answer holds for {@code holds} more periods that repeat the latest one
         * (n: for ever).
         */
        int holds = -1;
        int n;
        long at;
        /** Its position in {@link #watches}. */
        int index;
        /** The metric's series (null while it has no data). */
        MetricStore.Points handle;
        MetricStore.Points series;
        long version;
        StateValue state;
        double value;
        double samples;
        /**
         * In ALARM, the policies proposed nothing for {@code quietValue} and {@code quietSamples}, for reasons that
         * hold until a row they read changes ({@link #rowChanged} clears it).
         */
        boolean quiet;
        double quietValue;
        double quietSamples;
        /** In {@link #quietReaders} under the ids of every row its policies read (until one of them changes). */
        boolean registered;

        /** Whether its policies last proposed nothing for this latest datapoint (see {@link #quiet}). */
        boolean quietAt(double value, double samples) {
            return quiet && Double.compare(value, quietValue) == 0 && Double.compare(samples, quietSamples) == 0;
        }

        /** Keeps the answer of an evaluation at {@code boundary} on {@code series} (see {@link #holds}). */
        void keep(MetricStore.Points series, long version, int holds, int n, long boundary, StateValue state,
                  double[] last) {
            this.series = series;
            this.version = version;
            this.holds = holds;
            this.n = n;
            this.at = boundary;
            this.state = state;
            this.value = last[0];
            this.samples = last[1];
        }

        Watch(MetricAlarm row, MetricStore.MetricKey key, long period) {
            this.row = row;
            this.key = key;
            this.period = period;
        }
    }

    /** The alarms' watches in alarm name order ({@link #alarmsChanged}: built again from the rows first). */
    private final List<Watch> watches = new ArrayList<>();
    /** Whether each of an alarm's periods breached, newest first (reused). */
    private boolean[] breached = new boolean[16];
    /** The aggregates of an alarm's periods, newest first (reused). */
    private MetricStore.Stat[] window = new MetricStore.Stat[16];
    private boolean alarmsChanged = true;
    /**
     * The watches to visit at every boundary, by index, and the others' boundaries when their answers may change;
     * valid between two boundaries that follow each other when no series changed otherwise than by continuing its
     * run ({@link MetricStore#changes}) and nothing set {@link #mustPass}.
     */
    private final BitSet busy = new BitSet();
    private final TreeMap<Long, BitSet> dues = new TreeMap<>();
    /** The next boundary visits every watch: a row a quiet watch read changed, a feed appeared or stopped... */
    private boolean mustPass = true;
    private long evaluatedAt = Long.MIN_VALUE;
    private long changesSeen = -1;
    private long skipped;
    private boolean checkSkips;
    /** The service feeding each series it wrote (see {@link #fed}). */
    private final Map<MetricStore.Points, Slot> feeders = new java.util.IdentityHashMap<>();
    /** Set by {@link #propose} when an empty answer depends on the time (a cooldown). */
    private boolean timely;
    /**
     * The quiet watches by the ids of the rows their policies read (policy ARN, scalable target key, service ARN):
     * a change of such a row makes them run their policies again.
     */
    private final Map<String, Set<Watch>> quietReaders = new HashMap<>();

    /** The watch reads the policy {@code arn} (and its target and service, when they exist) while quiet. */
    private void readsWhenQuiet(Watch w, String policyArn) {
        EcsState st = ctx.state();
        quietReaders.computeIfAbsent(policyArn, k -> new HashSet<>()).add(w);
        ScalingPolicy p = st.scalingPolicies.get(policyArn).orElse(null);
        if (p == null) {
            return;
        }
        quietReaders.computeIfAbsent(p.targetKey(), k -> new HashSet<>()).add(w);
        String[] cs = st.scalableTargets.get(p.targetKey()).map(t -> ScalableTarget.ecsService(t.resourceId()))
                .orElse(null);
        if (cs != null) {
            quietReaders.computeIfAbsent(ctx.arn("service/" + cs[0] + "/" + cs[1]), k -> new HashSet<>()).add(w);
        }
    }

    /** Rows were dropped from memory (a wipe, a reload): every datapoint and alarm is computed again. */
    private void forget() {
        slots.values().forEach(s -> {
            s.published = null;
            s.running = null;
        });
        quietReaders.clear();
        watches.clear();
        alarmsChanged = true;
        mustPass = true;
    }

    /** A row a quiet watch read changed: its policies run again at the next boundary. */
    private void rowChanged(String id) {
        Set<Watch> readers = quietReaders.remove(id);
        if (readers != null) {
            mustPass = true;
            readers.forEach(w -> {
                w.quiet = false;
                w.registered = false;
            });
        }
    }

    /** The AWS/ECS metrics of each service, by service ARN: {CPUUtilization, MemoryUtilization}. */
    private final Map<String, MetricStore.MetricKey[]> serviceMetrics = new HashMap<>();
    /** A service's row, tags or running tasks changed: its datapoints are computed again at the next boundary. */
    private void unpublish(String arn) {
        Slot s = slots.get(arn);
        if (s != null) {
            s.published = null;
        }
    }
    /** Service ARN by cluster ARN and task group ({@code service:NAME}), for the services computed so far. */
    private final Map<String, Map<String, String>> serviceByGroup = new HashMap<>();

    /** The metric an alarm watches. */
    public static MetricStore.MetricKey alarmMetric(MetricAlarm a) {
        TreeMap<String, String> dims = new TreeMap<>();
        for (Dimension d : a.dimensions()) {
            dims.put(d.name(), d.value());
        }
        return new MetricStore.MetricKey(a.namespace(), a.metricName(), dims);
    }

    /** The operator by its wire name: the enum getter looks the name up in a map at every call (a hot path). */
    private static boolean breaches(String op, double v, double threshold) {
        return switch (op == null ? "" : op) {
            case "GreaterThanThreshold" -> v > threshold;
            case "GreaterThanOrEqualToThreshold" -> v >= threshold;
            case "LessThanThreshold" -> v < threshold;
            case "LessThanOrEqualToThreshold" -> v <= threshold;
            default -> false;
        };
    }

    private static String comparisonWords(ComparisonOperator op) {
        return switch (op) {
            case GREATER_THAN_THRESHOLD -> "greater than";
            case GREATER_THAN_OR_EQUAL_TO_THRESHOLD -> "greater than or equal to";
            case LESS_THAN_THRESHOLD -> "less than";
            case LESS_THAN_OR_EQUAL_TO_THRESHOLD -> "less than or equal to";
            default -> String.valueOf(op);
        };
    }

    private Optional<Proposal> propose(ScalingPolicy p, MetricAlarm alarm, double value, double samples, long now) {
        EcsState st = ctx.state();
        Optional<ScalableTarget> t = st.scalableTargets.get(p.targetKey());
        Optional<Service> s = t.flatMap(x -> Capacity.service(ctx, x.resourceId()));
        if (s.isEmpty()) {
            return Optional.empty();
        }
        JsonNode c = parsed(p);
        int desired = s.get().desiredCount();
        if (ScalingPolicy.TARGET_TRACKING.equals(p.type())) {
            double target = c.path("TargetValue").asDouble();
            if (target <= 0) {
                return Optional.empty();
            }
            // the tasks that produced the datapoint: its sample count for the AWS/ECS metrics (one sample per task)
            int base = "AWS/ECS".equals(alarm.namespace()) && samples >= 1 ? (int) samples
                    : s.get().runningCount() > 0 ? s.get().runningCount() : Math.max(1, desired);
            int want = (int) Math.min(Integer.MAX_VALUE, Math.ceil(base * value / target - 1e-9));
            boolean high = alarm.alarmName().contains("-AlarmHigh-");
            if (high && want > desired) {
                return Optional.of(new Proposal(p, want, true, want - desired, cause(alarm, p)));
            }
            if (!high && want < desired && !c.path("DisableScaleIn").asBoolean(false)) {
                long inCool = scaled(c.path("ScaleInCooldown").asLong(DEFAULT_COOLDOWN));
                long outCool = scaled(c.path("ScaleOutCooldown").asLong(DEFAULT_COOLDOWN));
                if (now >= t.get().lastScaleInMillis() + inCool && now >= t.get().lastScaleOutMillis() + outCool) {
                    return Optional.of(new Proposal(p, Math.max(want, 0), false, want - desired, cause(alarm, p)));
                }
                timely = true; // a cooldown holds it back: not for long
            }
            return Optional.empty();
        }
        // step scaling: the step whose interval (relative to the alarm threshold) holds the breach
        double breach = value - alarm.threshold();
        JsonNode step = null;
        for (JsonNode a : c.path("StepAdjustments")) {
            double lo = a.has("MetricIntervalLowerBound") ? a.get("MetricIntervalLowerBound").asDouble()
                    : Double.NEGATIVE_INFINITY;
            double hi = a.has("MetricIntervalUpperBound") ? a.get("MetricIntervalUpperBound").asDouble()
                    : Double.POSITIVE_INFINITY;
            boolean in = breach >= 0 ? breach >= lo && breach < hi : breach > lo && breach <= hi;
            if (in) {
                step = a;
                break;
            }
        }
        if (step == null) {
            return Optional.empty();
        }
        int adj = step.path("ScalingAdjustment").asInt();
        String type = c.path("AdjustmentType").asText("ChangeInCapacity");
        int want;
        if ("ExactCapacity".equals(type)) {
            want = adj;
        } else if ("PercentChangeInCapacity".equals(type)) {
            double change = desired * adj / 100.0;
            int rounded = (int) (Math.abs(change) < 1 && change != 0 ? Math.signum(change) : (long) change);
            int minMag = c.path("MinAdjustmentMagnitude").asInt(0);
            if (rounded != 0 && Math.abs(rounded) < minMag) {
                rounded = (int) Math.signum(rounded) * minMag;
            }
            want = desired + rounded;
        } else {
            want = desired + adj;
        }
        int change = want - desired;
        long cooldown = scaled(c.path("Cooldown").asLong(DEFAULT_COOLDOWN));
        boolean cooling = p.lastRunMillis() > 0 && now < p.lastRunMillis() + cooldown;
        if (cooling) {
            timely = true; // the cooldown ends with time alone
            // during the cooldown only a larger scale-out than the one that started it goes on, by the difference
            if (change <= 0 || change <= p.lastAdjustment()) {
                return Optional.empty();
            }
            want = desired + (change - Math.max(0, p.lastAdjustment()));
        }
        if (want == desired) {
            return Optional.empty();
        }
        return Optional.of(new Proposal(p, want, want > desired, change, cause(alarm, p)));
    }

    /** The activity's cause when an alarm's policy changes a desired count. */
    private static String cause(MetricAlarm alarm, ScalingPolicy p) {
        return "monitor alarm " + alarm.alarmName() + " in state ALARM triggered policy " + p.name();
    }

    private void apply(String targetKey, List<Proposal> proposals, long now) {
        EcsState st = ctx.state();
        Optional<ScalableTarget> ot = st.scalableTargets.get(targetKey);
        if (ot.isEmpty()) {
            return;
        }
        ScalableTarget t = ot.get();
        Optional<Service> s = Capacity.service(ctx, t.resourceId());
        if (s.isEmpty()) {
            return;
        }
        int desired = s.get().desiredCount();
        Proposal out = null;
        for (Proposal p : proposals) {
            if (p.out && (out == null || p.desired > out.desired)) {
                out = p;
            }
        }
        Proposal chosen = null;
        if (out != null) {
            chosen = t.scaleOutSuspended() ? null : out;
        } else if (!t.scaleInSuspended()) {
            // scale in only when every target tracking policy that may scale in asks to (AWS's rule)
            long ttIn = proposals.stream().filter(p -> ScalingPolicy.TARGET_TRACKING.equals(p.policy.type()))
                    .map(p -> p.policy.arn()).distinct().count();
            long ttMayScaleIn = st.policiesByTarget.values(targetKey, p -> ScalingPolicy.TARGET_TRACKING.equals(p.type())
                    && !parsed(p).path("DisableScaleIn").asBoolean(false)).size();
            for (Proposal p : proposals) {
                boolean tt = ScalingPolicy.TARGET_TRACKING.equals(p.policy.type());
                if (!p.out && (!tt || ttIn >= ttMayScaleIn) && (chosen == null || p.desired > chosen.desired)) {
                    chosen = p;
                }
            }
        }
        if (chosen == null) {
            return;
        }
        int want = Math.max(t.minCapacity(), Math.min(t.maxCapacity(), chosen.desired));
        if (want == desired || (chosen.out && want < desired) || (!chosen.out && want > desired)) {
            return;
        }
        Capacity.set(ctx, t, s.get(), want, chosen.cause);
        changes++;
        ScalableTarget scaled = t.withScaled(chosen.out, now);
        st.scalableTargets.put(scaled.key(), scaled);
        if (ScalingPolicy.STEP.equals(chosen.policy.type())) {
            st.scalingPolicies.put(chosen.policy.arn(), chosen.policy.withRun(now, chosen.adjustment));
        }
    }

    /** A policy's configuration, parsed once per distinct configuration (read only). */
    private JsonNode parsed(ScalingPolicy p) {
        String text = p.configJson() == null ? "{}" : p.configJson();
        return configs.computeIfAbsent(text, k -> config(p));
    }

    /** A policy's configuration JSON. */
    public static JsonNode config(ScalingPolicy p) {
        try {
            return JsonTrees.read(p.configJson() == null ? "{}" : p.configJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
