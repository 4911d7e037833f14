package io.stevedore.sim;

import io.stevedore.catalog.InstanceType;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.cloud.Instance;
import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.control.state.RowKind;
import io.stevedore.control.state.TaskRuntime.Phase;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.ecs.DaemonDefinitions;
import io.stevedore.ecs.Statuses;
import io.stevedore.ecs.fargate.FargateQuote;
import io.stevedore.sim.billing.FargateTaskBill;
import io.stevedore.sim.billing.InstanceBill;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Watches the control plane's committed changes (never scans its tables between samples) and keeps what the
 * report needs: every instance's life and bill, each task's start latency and the Fargate bill of the same
 * task, stop causes, allocated and provisioned capacity, and the times the control plane next needs a tick.
 */
final class Recorder {
    /** One launched instance. */
    static final class LaunchedInstance {
        final String id;
        final String type;
        final String provider;
        final PurchaseOption option;
        final long launched;
        long ended = -1;
        String endCause;

        LaunchedInstance(String id, String type, String provider, PurchaseOption option, long launched) {
            this.id = id;
            this.type = type;
            this.provider = provider;
            this.option = option;
            this.launched = launched;
        }
    }

    private static final class TaskLife {
        final long created;
        final String taskDefinitionArn;
        final String provider;
        final int cpu;
        final long memoryMiB;
        long jobRunMillis = -1;
        boolean newInstance;
        boolean cold;
        long pullStarted = -1;
        long started = -1;
        boolean allocated;
        /** A daemon's task: it holds room on its instance (allocation) but is no workload task (latency, Fargate). */
        boolean daemon;

        TaskLife(long created, String taskDefinitionArn, String provider, int cpu, long memoryMiB) {
            this.created = created;
            this.taskDefinitionArn = taskDefinitionArn;
            this.provider = provider;
            this.cpu = cpu;
            this.memoryMiB = memoryMiB;
        }
    }

    /** Fargate's view of one task definition. */
    record FargateView(FargateQuote quote, String family) {
    }

    private final SimContext sim;
    private final Map<String, LaunchedInstance> instances = new LinkedHashMap<>();
    private final Map<String, TaskLife> tasks = new HashMap<>();
    private final Set<String> pending = new HashSet<>();
    private final Set<String> unplaced = new HashSet<>();
    private final TreeMap<String, Integer> liveByType = new TreeMap<>();
    private final TreeSet<Long> dues = new TreeSet<>();
    private final SplittableRandom fargateRandom;
    /** Start latency by what the task waited for: {@link #START_KINDS}. */
    final Map<String, Percentiles> latency = new LinkedHashMap<>();
    final Percentiles fargateLatency = new Percentiles();
    /** The same by capacity provider (name order): kind → latency, and Fargate's for the tasks it can run. */
    final Map<String, Map<String, Percentiles>> latencyByProvider = new TreeMap<>();
    final Map<String, Percentiles> fargateLatencyByProvider = new TreeMap<>();
    /** Started tasks Fargate cannot run, by capacity provider. */
    final Map<String, Integer> fargateCannotStartByProvider = new TreeMap<>();
    /** New instance (cold: launch, boot, full pull), running instance without the image, running with it cached. */
    static final String[] START_KINDS = {"newInstance", "coldPull", "warm"};
    final Percentiles pendingTime = new Percentiles();
    final EnumMap<StopCause, Integer> stops = new EnumMap<>(StopCause.class);
    final Map<String, FargateView> fargateByDefinition = new TreeMap<>();
    final Map<String, Integer> unrunnableTasks = new TreeMap<>();
    final Series miEc2;
    final Series miFee;
    final Series fargateCost;
    double fargateRunning;
    double fargateStartup;
    double fargateMinimum;
    int fargateTasks;
    long provisionedCpu;
    long provisionedMemory;
    long allocatedCpu;
    long allocatedMemory;
    int running;
    int tasksStarted;
    private EcsState state;
    /** Availability sums over the active services (outside the Fargate twins' cluster); see {@link #availability}. */
    private boolean availabilityKnown;
    private long desiredTasks;
    private long upTasks;
    private long servicesBelow;

    Recorder(SimContext sim, long seed) {
        this.sim = sim;
        this.fargateRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (String k : START_KINDS) {
            latency.put(k, new Percentiles());
        }
        int buckets = sim.samples();
        miEc2 = new Series(sim.start(), sim.step(), buckets);
        miFee = new Series(sim.start(), sim.step(), buckets);
        fargateCost = new Series(sim.start(), sim.step(), buckets);
    }

    private long now() {
        return sim.clock().now().toEpochMilli();
    }

    /** Follows the control plane's committed changes from now on. */
    void attach(EcsState state) {
        this.state = state;
        state.feed.committed()
                .on(RowKind.TASK, (id, before, after) -> task(id, after))
                .on(RowKind.TASK_RUNTIME, (id, before, after) -> runtime(id, after))
                .on(RowKind.CLOUD_INSTANCE, (id, before, after) -> instance(after))
                .on(RowKind.MANAGED_INSTANCE, (id, before, after) -> managed(after))
                .on(RowKind.SERVICE, (id, before, after) -> {
                    if (availabilityKnown) {
                        count(before, -1);
                        count(after, 1);
                    }
                })
                .onReset(() -> availabilityKnown = false);
    }

    // ---- tasks -----------------------------------------------------------------------------------------------

    void jobStarted(String taskArn, long runMillis) {
        TaskLife l = tasks.get(taskArn);
        if (l != null) {
            l.jobRunMillis = runMillis;
        }
    }

    private void task(String arn, Task t) {
        if (t != null && t.clusterArn().endsWith(":cluster/" + Scaling.TWIN_CLUSTER)) {
            return; // a Fargate twin of a scaled service (Scaling): not part of these figures
        }
        if (t == null) {
            TaskLife gone = tasks.remove(arn);
            if (gone != null && gone.allocated) {
                release(gone);
            }
            pending.remove(arn);
            return;
        }
        TaskLife l = tasks.get(arn);
        if (l == null) {
            if (Statuses.isStopped(t.lastStatus())) {
                return; // finished and accounted for already
            }
            l = new TaskLife(t.createdAt().toEpochMilli(), t.taskDefinitionArn(), t.capacityProviderName(),
                    parse(t.cpu()), parse(t.memory()));
            tasks.put(arn, l);
            l.daemon = DaemonDefinitions.isDaemonGroup(t.group());
            FargateView v = l.daemon ? null : fargateView(l);
            if (v != null && v.quote() instanceof FargateQuote.Unrunnable) {
                unrunnableTasks.merge(v.family(), 1, Integer::sum);
            }
        }
        String s = t.lastStatus();
        if (l.daemon) { // a daemon's task is the instance's: no start latency, no stop cause, no Fargate twin
            if (Statuses.isStopped(s)) {
                tasks.remove(arn);
                if (l.allocated) {
                    release(l);
                }
            }
            return;
        }
        boolean isPending = Statuses.isRunning(t.desiredStatus()) && Statuses.isStarting(s);
        if (isPending) {
            pending.add(arn);
        } else {
            pending.remove(arn);
        }
        if (t.pullStartedAt() != null && l.pullStarted < 0) {
            l.pullStarted = t.pullStartedAt().toEpochMilli();
            pendingTime.add(l.pullStarted - l.created);
        }
        if (t.startedAt() != null && l.started < 0) {
            l.started = t.startedAt().toEpochMilli();
            running++;
            tasksStarted++;
            String category = l.newInstance ? "newInstance" : l.cold ? "coldPull" : "warm";
            String provider = l.provider == null ? "" : l.provider;
            latency.get(category).add(l.started - l.created);
            latencyByProvider.computeIfAbsent(provider, p -> {
                Map<String, Percentiles> m = new LinkedHashMap<>();
                for (String k : START_KINDS) {
                    m.put(k, new Percentiles());
                }
                return m;
            }).get(category).add(l.started - l.created);
            if (sim.fargate() != null) {
                long min = sim.fargateAssumptions().startLatencyMin().toMillis();
                long max = sim.fargateAssumptions().startLatencyMax().toMillis();
                long fargate = min + (long) (fargateRandom.nextDouble() * (max - min));
                if (fargateView(l).quote() instanceof FargateQuote.Runs) {
                    fargateLatency.add(fargate);
                    fargateLatencyByProvider.computeIfAbsent(provider, p -> new Percentiles()).add(fargate);
                } else {
                    fargateCannotStartByProvider.merge(provider, 1, Integer::sum);
                }
            }
        }
        if (Statuses.isStopped(s)) {
            long stopAt = t.stoppingAt() != null ? t.stoppingAt().toEpochMilli() : now();
            StopCause cause = StopCause.of(t.stopCodeAsString(), t.stoppedReason());
            stops.merge(cause, 1, Integer::sum);
            finish(arn, l, stopAt);
        }
    }

    private void finish(String arn, TaskLife l, long stopAt) {
        tasks.remove(arn);
        pending.remove(arn);
        if (l.allocated) {
            release(l);
        }
        if (l.started < 0) {
            return;
        }
        running--;
        long run = Math.max(0, stopAt - l.started);
        if (l.jobRunMillis >= 0) {
            run = Math.min(run, l.jobRunMillis);
        }
        fargate(l, run);
    }

    private void fargate(TaskLife l, long runMillis) {
        if (sim.fargate() == null) {
            return;
        }
        FargateView v = fargateView(l);
        if (v.quote() instanceof FargateQuote.Unrunnable) {
            return; // counted when the task was created
        }
        FargateQuote.Runs runs = (FargateQuote.Runs) v.quote();
        long startup = sim.fargateAssumptions().billedStartup().toMillis();
        FargateTaskBill bill = new FargateTaskBill(runs.perHour(), startup, runMillis);
        fargateTasks++;
        fargateRunning += bill.running();
        fargateStartup += bill.startup();
        fargateMinimum += bill.minimum();
        long from = l.started - startup;
        fargateCost.spread(from, l.started + runMillis, runs.perHour() / 3_600_000.0);
        fargateCost.addAt(l.started + runMillis, bill.minimum());
    }

    /** Fargate's view of the task's definition (null without the Fargate comparison). */
    private FargateView fargateView(TaskLife l) {
        if (sim.fargate() == null) {
            return null;
        }
        return fargateByDefinition.computeIfAbsent(l.taskDefinitionArn, a -> sim.fargateView(a, l.provider));
    }

    private void runtime(String arn, TaskRuntime rt) {
        TaskLife l = tasks.get(arn);
        if (rt == null) {
            unplaced.remove(arn);
            return;
        }
        if (rt.phase() == Phase.UNPLACED) {
            unplaced.add(arn);
        } else {
            unplaced.remove(arn);
        }
        if (rt.dueAtMillis() > 0 && rt.phase() != Phase.DONE) {
            dues.add(rt.dueAtMillis());
        }
        if (l == null) {
            return;
        }
        if (rt.phase() == Phase.WAIT_INSTANCE) {
            l.newInstance = true;
        }
        l.cold = rt.cold();
        if (rt.instanceId() != null && rt.phase() != Phase.DONE && !l.allocated) {
            l.allocated = true;
            allocatedCpu += l.cpu;
            allocatedMemory += l.memoryMiB;
        } else if (rt.phase() == Phase.DONE && l.allocated) {
            release(l);
        }
    }

    private void release(TaskLife l) {
        l.allocated = false;
        allocatedCpu -= l.cpu;
        allocatedMemory -= l.memoryMiB;
    }

    private static int parse(String s) {
        try {
            return s == null ? 0 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ---- instances -------------------------------------------------------------------------------------------

    private void instance(Instance i) {
        if (i == null) {
            return;
        }
        LaunchedInstance l = instances.get(i.id());
        if (l == null) {
            String provider = i.tags().getOrDefault("aws:ecs:capacityProviderName", "");
            l = new LaunchedInstance(i.id(), i.instanceType(), provider, sim.option(provider), i.launchedAtMillis());
            instances.put(i.id(), l);
            liveByType.merge(l.type, 1, Integer::sum);
            InstanceType type = sim.catalog().find(l.type).orElse(null);
            if (type != null) {
                provisionedCpu += type.vcpus() * 1024L;
                provisionedMemory += type.memoryMiB();
            }
            if ("pending".equals(i.state())) {
                dues.add(i.launchedAtMillis() + sim.bootMillis(i.instanceType()));
            }
        }
        if (("terminated".equals(i.state()) || "shutting-down".equals(i.state())) && l.ended < 0) {
            end(l, now(), l.endCause == null ? "scaledIn" : l.endCause);
        }
    }

    private void end(LaunchedInstance l, long at, String cause) {
        l.ended = at;
        l.endCause = cause;
        liveByType.merge(l.type, -1, Integer::sum);
        if (liveByType.get(l.type) == 0) {
            liveByType.remove(l.type);
        }
        InstanceType type = sim.catalog().find(l.type).orElse(null);
        if (type != null) {
            provisionedCpu -= type.vcpus() * 1024L;
            provisionedMemory -= type.memoryMiB();
        }
        bill(l, at);
    }

    private void bill(LaunchedInstance l, long until) {
        InstanceBill b = InstanceBill.of(sim.prices(), sim.region(), l.type, l.option, until - l.launched);
        long billedEnd = l.launched + b.billedSeconds() * 1000;
        miEc2.spread(l.launched, Math.min(billedEnd, Math.max(until, l.launched + 1)), b.ec2PerHour() / 3_600_000.0);
        miFee.spread(l.launched, Math.min(billedEnd, Math.max(until, l.launched + 1)), b.feePerHour() / 3_600_000.0);
        if (billedEnd > until) {
            double extra = (billedEnd - Math.max(until, l.launched + 1)) / 3_600_000.0;
            miEc2.addAt(until, extra * b.ec2PerHour());
            miFee.addAt(until, extra * b.feePerHour());
        }
    }

    /** Marks why the next termination of {@code instanceId} happens (fault injection). */
    void causeOfEnd(String instanceId, String cause) {
        LaunchedInstance l = instances.get(instanceId);
        if (l != null && l.ended < 0) {
            l.endCause = cause;
        }
    }

    private void managed(ManagedInstance mi) {
        if (mi != null && mi.idleSinceMillis() >= 0) {
            long delay = sim.scaleInDelayMillis(mi.capacityProvider());
            if (delay >= 0) {
                dues.add(mi.idleSinceMillis() + delay);
            }
        }
    }

    // ---- timers and samples ----------------------------------------------------------------------------------

    /** The earliest time after {@code now} the control plane needs a tick for, or {@code Long.MAX_VALUE}. */
    long nextDue(long now, long retryMillis) {
        Long d = dues.higher(now);
        dues.headSet(now, true).clear();
        long next = d == null ? Long.MAX_VALUE : d;
        if (!unplaced.isEmpty()) {
            next = Math.min(next, now + retryMillis);
        }
        return next;
    }

    int pendingCount() {
        return pending.size();
    }

    Map<String, Integer> liveByType() {
        return liveByType;
    }

    Map<String, LaunchedInstance> instances() {
        return instances;
    }

    /**
     * Service availability now: desired tasks, how many of them run, and the services below their desired count.
     * Kept from the committed service changes (a sample does not visit every service); counted from the table
     * after a reset.
     */
    long[] availability() {
        if (!availabilityKnown) {
            desiredTasks = 0;
            upTasks = 0;
            servicesBelow = 0;
            for (Service s : state.services.values()) {
                count(s, 1);
            }
            availabilityKnown = true;
        }
        return new long[] {desiredTasks, upTasks, servicesBelow};
    }

    /** Adds ({@code sign} 1) or takes away (-1) what one service row counts for availability. */
    private void count(Service s, int sign) {
        if (s == null || !Statuses.SERVICE_ACTIVE.equals(s.status())
                || s.clusterArn().endsWith(":cluster/" + Scaling.TWIN_CLUSTER)) {
            return;
        }
        int d = s.desiredCount() == null ? 0 : s.desiredCount();
        int r = s.runningCount() == null ? 0 : s.runningCount();
        desiredTasks += sign * (long) d;
        upTasks += sign * (long) Math.min(d, r);
        if (r < d) {
            servicesBelow += sign;
        }
    }

    /** Closes the books at {@code end}: instances still alive and tasks still running are billed to then. */
    void close(long end) {
        for (LaunchedInstance l : instances.values()) {
            if (l.ended < 0) {
                l.ended = end;
                l.endCause = "running";
                bill(l, end);
            }
        }
        for (String arn : new TreeSet<>(tasks.keySet())) {
            TaskLife l = tasks.get(arn);
            if (l.started >= 0) {
                fargate(l, Math.max(0, end - l.started));
            }
        }
    }
}
