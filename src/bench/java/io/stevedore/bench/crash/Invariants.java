package io.stevedore.bench.crash;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Whole-state invariants, read through the ECS and EC2 APIs: no task starting or running on a terminated
 * instance, no container instance over-committed (sum of its live tasks' cpu and memory within its registered
 * resources), and every active service converging to its desired count.
 */
final class Invariants {
    private static final Set<String> STARTED = Set.of("PENDING", "ACTIVATING", "RUNNING");

    private Invariants() {
    }

    static List<Task> allTasks(EcsClient ecs, String cluster) {
        List<String> arns = new ArrayList<>();
        for (DesiredStatus d : List.of(DesiredStatus.RUNNING, DesiredStatus.STOPPED)) {
            ecs.listTasksPaginator(b -> b.cluster(cluster).desiredStatus(d)).taskArns().forEach(arns::add);
        }
        List<Task> out = new ArrayList<>();
        for (int i = 0; i < arns.size(); i += 100) {
            List<String> chunk = arns.subList(i, Math.min(arns.size(), i + 100));
            out.addAll(ecs.describeTasks(b -> b.cluster(cluster).tasks(chunk)).tasks());
        }
        return out;
    }

    /** The violations of the placement invariants right now. */
    static List<String> placement(EcsClient ecs, Ec2Client ec2) {
        List<String> out = new ArrayList<>();
        for (String cluster : ecs.listClustersPaginator(b -> { }).clusterArns()) {
            List<Task> live = allTasks(ecs, cluster).stream().filter(t -> !"STOPPED".equals(t.lastStatus())
                    && t.containerInstanceArn() != null).toList();
            Map<String, List<Task>> byInstance = new HashMap<>();
            live.forEach(t -> byInstance.computeIfAbsent(t.containerInstanceArn(), k -> new ArrayList<>()).add(t));
            if (byInstance.isEmpty()) {
                continue;
            }
            List<String> ciArns = new ArrayList<>(byInstance.keySet());
            List<ContainerInstance> cis = new ArrayList<>();
            for (int i = 0; i < ciArns.size(); i += 100) {
                List<String> chunk = ciArns.subList(i, Math.min(ciArns.size(), i + 100));
                cis.addAll(ecs.describeContainerInstances(b -> b.cluster(cluster).containerInstances(chunk))
                        .containerInstances());
            }
            Map<String, String> ec2State = instanceStates(ec2, cis.stream()
                    .map(ContainerInstance::ec2InstanceId).toList());
            for (ContainerInstance ci : cis) {
                List<Task> on = byInstance.get(ci.containerInstanceArn());
                String state = ec2State.getOrDefault(ci.ec2InstanceId(), "missing");
                for (Task t : on) {
                    if (STARTED.contains(t.lastStatus()) && !"running".equals(state)) {
                        // EC2 and ECS are separate: a Spot reclaim or a terminate fault ends the instance first
                        // and ECS stops its tasks on its next pass (as the real ECS does), and the tasks were read
                        // before the instance. A task still started 2 s after its instance was seen terminated is
                        // the violation.
                        Task now = stillStarted(ecs, cluster, t.taskArn(), Duration.ofSeconds(2));
                        if (STARTED.contains(now.lastStatus())) {
                            out.add("task " + t.taskArn() + " is " + now.lastStatus() + " on instance "
                                    + ci.ec2InstanceId() + " which is " + state);
                        }
                    }
                }
                long cpu = on.stream().mapToLong(t -> Long.parseLong(t.cpu())).sum();
                long mem = on.stream().mapToLong(t -> Long.parseLong(t.memory())).sum();
                long regCpu = registered(ci, "CPU");
                long regMem = registered(ci, "MEMORY");
                if (cpu > regCpu || mem > regMem) {
                    out.add("container instance " + ci.ec2InstanceId() + " over-committed: tasks reserve " + cpu
                            + " cpu / " + mem + " MiB of registered " + regCpu + " / " + regMem);
                }
            }
        }
        return out;
    }

    /** The task as it stands when it left the started states, or when the bound passed. */
    private static Task stillStarted(EcsClient ecs, String cluster, String taskArn, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            Task now = ecs.describeTasks(b -> b.cluster(cluster).tasks(taskArn)).tasks().get(0);
            if (!STARTED.contains(now.lastStatus()) || System.nanoTime() > deadline) {
                return now;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return now;
            }
        }
    }

    private static long registered(ContainerInstance ci, String name) {
        return ci.registeredResources().stream().filter(r -> name.equals(r.name())).mapToLong(Resource::integerValue)
                .findFirst().orElse(0);
    }

    private static Map<String, String> instanceStates(Ec2Client ec2, List<String> ids) {
        Map<String, String> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        ec2.describeInstancesPaginator(b -> b.instanceIds(ids)).reservations().forEach(r -> {
            for (Instance i : r.instances()) {
                out.put(i.instanceId(), i.state().nameAsString());
            }
        });
        return out;
    }

    /**
     * Waits until every ACTIVE service runs its desired count with nothing pending; the time it took, or
     * empty when the bound passed first.
     */
    static Optional<Duration> awaitConvergence(EcsClient ecs, Duration bound) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < bound.toNanos()) {
            if (unconverged(ecs).isEmpty()) {
                return Optional.of(Duration.ofNanos(System.nanoTime() - start));
            }
            Thread.sleep(200);
        }
        return Optional.empty();
    }

    /** Describes the services that have not converged (for the report). */
    static List<String> unconverged(EcsClient ecs) {
        List<String> out = new ArrayList<>();
        for (String cluster : ecs.listClustersPaginator(b -> { }).clusterArns()) {
            List<String> arns = new ArrayList<>();
            ecs.listServicesPaginator(b -> b.cluster(cluster)).serviceArns().forEach(arns::add);
            for (int i = 0; i < arns.size(); i += 10) {
                List<String> chunk = arns.subList(i, Math.min(arns.size(), i + 10));
                for (Service s : ecs.describeServices(b -> b.cluster(cluster).services(chunk)).services()) {
                    if ("ACTIVE".equals(s.status()) && (s.runningCount() != s.desiredCount()
                            || s.pendingCount() != 0)) {
                        out.add(s.serviceArn() + " running " + s.runningCount() + " pending " + s.pendingCount()
                                + " desired " + s.desiredCount());
                    }
                }
            }
        }
        return out;
    }
}
