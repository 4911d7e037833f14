package io.stevedore.sim;

import io.stevedore.ecs.SimulatedRun;
import io.stevedore.sim.workload.DesiredCount;
import io.stevedore.sim.workload.SimWorkload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskOverride;

/**
 * Turns the workload into timed ECS calls: CreateService at the start, UpdateService when a desired count
 * changes, UpdateService with forceNewDeployment for deployments, RunTask for each job arrival (its run time in
 * the {@code STEVEDORE_RUN_SECONDS} override the engine honours) and the fault injections. Every random draw
 * comes from a generator seeded by the run's seed and the entry's position, so runs replay exactly.
 */
final class Schedule {
    private final SimWorkload workload;
    private final SimOptions options;
    private final Setup setup;
    private final Map<String, SimWorkload.Provider> providers;
    private final Recorder recorder;
    private final Faults faults;
    private final Scaling scaling;

    Schedule(SimWorkload workload, SimOptions options, Setup setup, Map<String, SimWorkload.Provider> providers,
             Recorder recorder, Faults faults, Scaling scaling) {
        this.scaling = scaling;
        this.workload = workload;
        this.options = options;
        this.setup = setup;
        this.providers = providers;
        this.recorder = recorder;
        this.faults = faults;
    }

    private SplittableRandom random(String kind, int index) {
        return new SplittableRandom(options.seed() * 1_000_003L + kind.hashCode() * 31L + index);
    }

    void plan(Faults.Scheduler at, long start, long end) {
        for (int i = 0; i < workload.services().size(); i++) {
            service(i, workload.services().get(i), at, start, end);
        }
        for (int i = 0; i < workload.jobs().size(); i++) {
            jobs(i, workload.jobs().get(i), at, start, end);
        }
        for (SimWorkload.FaultSpec f : workload.faults()) {
            long t = start + f.at().toMillis();
            if (t <= end) {
                at.at(t, () -> faults.apply(f, t, at));
            }
        }
    }

    private void service(int index, SimWorkload.ServiceSpec s, Faults.Scheduler at, long start, long end) {
        List<String> names = Setup.names(s);
        SplittableRandom r = random("dither", index);
        double[] u = new double[names.size()];
        int[] current = new int[names.size()];
        DesiredCount dc = s.desired();
        for (int i = 0; i < names.size(); i++) {
            u[i] = dc.varies() ? r.nextDouble() : 0;
            current[i] = dc.at(Duration.ZERO, u[i]);
            setup.createService(s, names.get(i), current[i], providers, index);
        }
        scaling.plan(index, s, names, providers, at, start, end);
        if (dc.varies() || !dc.steps().isEmpty()) {
            List<String> arns = new java.util.ArrayList<>(names.size()); // named by ARN: no ARN spelled per call
            for (String name : names) {
                arns.add(setup.serviceArn(name));
            }
            long step = dc.varies() ? dc.resolution().toMillis() : Long.MAX_VALUE;
            java.util.TreeSet<Long> times = new java.util.TreeSet<>();
            for (long t = start + step; dc.varies() && t <= end; t += step) {
                times.add(t);
            }
            dc.steps().forEach(st -> times.add(start + st.at().toMillis()));
            for (long t : times.headSet(end, true)) {
                at.at(t, () -> {
                    DesiredCount.Level level = dc.level(Duration.ofMillis(t - start));
                    for (int i = 0; i < names.size(); i++) {
                        int d = level.count(u[i]);
                        if (d != current[i]) {
                            current[i] = d;
                            setup.scale(arns.get(i), d);
                        }
                    }
                });
            }
        }
        for (Duration d : s.deployments()) {
            long t = start + d.toMillis();
            if (t <= end) {
                at.at(t, () -> names.forEach(this::deploy));
            }
        }
        if (s.dailyDeployFraction() > 0) {
            SplittableRandom dr = random("deploy", index);
            long slot = dc.resolution().toMillis();
            long slots = Math.max(1, 86_400_000L / slot);
            int perDay = (int) Math.round(s.dailyDeployFraction() * names.size());
            for (long day = start; day < end; day += 86_400_000L) {
                int[] pool = new int[names.size()];
                for (int i = 0; i < pool.length; i++) {
                    pool[i] = i;
                }
                for (int k = 0; k < perDay; k++) {
                    int j = k + dr.nextInt(pool.length - k);
                    int chosen = pool[j];
                    pool[j] = pool[k];
                    pool[k] = chosen;
                    long t = day + dr.nextLong(slots) * slot;
                    if (t <= end) {
                        at.at(t, () -> deploy(names.get(chosen)));
                    }
                }
            }
        }
    }

    private void deploy(String service) {
        setup.deploy(service);
    }

    private void jobs(int index, SimWorkload.JobSpec j, Faults.Scheduler at, long start, long end) {
        SplittableRandom r = random("job", index);
        List<Duration> times = j.arrivals().times(Duration.ofMillis(end - start), r);
        String container = setup.containerName(j.taskDefinition());
        NetworkConfiguration net = setup.networkConfiguration(j.taskDefinition(),
                providers.get(j.capacityProvider()));
        CapacityProviderStrategyItem strategy = CapacityProviderStrategyItem.builder()
                .capacityProvider(j.capacityProvider()).weight(1).build();
        for (Duration t : times) {
            Duration run = j.duration().sample(r);
            at.at(start + t.toMillis(), () -> {
                KeyValuePair env = KeyValuePair.builder().name(SimulatedRun.RUN_SECONDS).value(
                        seconds(run.toMillis())).build();
                RunTaskRequest.Builder b = RunTaskRequest.builder().cluster(Setup.CLUSTER)
                        .taskDefinition(j.taskDefinition()).startedBy(j.name()).capacityProviderStrategy(strategy)
                        .overrides(TaskOverride.builder().containerOverrides(ContainerOverride.builder()
                                .name(container).environment(env).build()).build());
                if (net != null) {
                    b.networkConfiguration(net);
                }
                for (Task task : setup.runTask(b.build()).tasks()) {
                    recorder.jobStarted(task.taskArn(), run.toMillis());
                }
            });
        }
    }

    /**
     * {@code millis} in seconds with three decimals, as {@code String.format(Locale.ROOT, "%.3f", millis / 1000.0)}
     * writes them for a non-negative count (without the formatter's cost on every job).
     */
    static String seconds(long millis) {
        StringBuilder b = new StringBuilder(12).append(millis / 1000).append('.');
        long frac = millis % 1000;
        if (frac < 100) {
            b.append('0');
        }
        if (frac < 10) {
            b.append('0');
        }
        return b.append(frac).toString();
    }
}
