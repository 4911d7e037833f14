package io.stevedore.bench.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Mutating ECS load from one client thread: clusters with a Managed Instances provider as default strategy,
 * task definitions, services created, scaled and deleted, tasks run and stopped, round-robin over the given
 * endpoints. Every acknowledged write goes into the {@link Ledger}; the call that fails because the server
 * died is recorded as of unknown outcome, and the load ends there.
 */
final class LoadDriver {
    static final String ROLE = "arn:aws:iam::000000000000:role/ecsInfrastructureRole";
    static final String PROFILE = "arn:aws:iam::000000000000:instance-profile/ecsInstanceRole";

    private final List<EcsClient> clients;
    private final Random random;
    private final Ledger ledger;
    private final NetworkConfiguration awsvpc;
    private final List<String> subnets;
    private final String securityGroup;
    private final List<String> clusters = new ArrayList<>();
    private final List<String> families = new ArrayList<>();
    private final Map<String, List<String>> services = new TreeMap<>();
    private final Map<String, List<String>> tasks = new TreeMap<>();
    private int calls;
    int serverErrors;
    /** Set when the load stopped for another reason than the server's death (a harness defect). */
    volatile String failure;
    int refused;

    LoadDriver(List<EcsClient> clients, Random random, Ledger ledger, List<String> subnets, String securityGroup) {
        this.clients = clients;
        this.random = random;
        this.ledger = ledger;
        this.subnets = subnets;
        this.securityGroup = securityGroup;
        this.awsvpc = NetworkConfiguration.builder().awsvpcConfiguration(a -> a.subnets(subnets)
                .securityGroups(securityGroup)).build();
    }

    private EcsClient next() {
        return clients.get(calls++ % clients.size());
    }

    /** Runs until {@code stop} or until a call fails because the server is gone. */
    void run(AtomicBoolean stop) {
        try {
            while (!stop.get()) {
                step();
            }
        } catch (SdkClientException gone) {
            // the server died during the last call: its outcome was recorded as unknown
        } catch (RuntimeException e) {
            failure = e.toString();
        }
    }

    private void step() {
        if (clusters.isEmpty() || clusters.size() < 3 && random.nextInt(20) == 0) {
            createCluster("c" + clusters.size());
            return;
        }
        if (families.isEmpty() || families.size() < 3 && random.nextInt(20) == 0) {
            register("web" + families.size());
            return;
        }
        String cluster = clusters.get(random.nextInt(clusters.size()));
        List<String> svc = services.computeIfAbsent(cluster, c -> new ArrayList<>());
        List<String> run = tasks.computeIfAbsent(cluster, c -> new ArrayList<>());
        if (calls % 8 == 7) {
            observeInstances(cluster);
            return;
        }
        int dice = random.nextInt(100);
        if (dice < 12 && svc.size() < 3) {
            createService(cluster, "s" + svc.size() + "-" + calls, 1 + random.nextInt(3));
        } else if (dice < 45 && !svc.isEmpty()) {
            updateService(cluster, svc.get(random.nextInt(svc.size())), random.nextInt(6));
        } else if (dice < 50 && !svc.isEmpty()) {
            deleteService(cluster, svc.remove(random.nextInt(svc.size())));
        } else if (dice < 80) {
            runTask(cluster, families.get(random.nextInt(families.size())), 1 + random.nextInt(2));
        } else if (!run.isEmpty()) {
            stopTask(cluster, run.remove(random.nextInt(run.size())));
        }
    }

    /** One write: acknowledged → ledger; server gone → unknown outcome, rethrown; refused (4xx) → nothing. */
    private <T> Optional<T> write(String key, Ledger.Check expect, java.util.function.Supplier<T> call) {
        try {
            T answer = call.get();
            ledger.ack(key, expect);
            return Optional.ofNullable(answer);
        } catch (SdkClientException e) {
            ledger.unknown(key, expect);
            throw e;
        } catch (AwsServiceException e) {
            if (e.statusCode() >= 500) {
                serverErrors++;
            } else {
                refused++;
            }
            return Optional.empty();
        }
    }

    private void createCluster(String name) {
        EcsClient c = next();
        if (write("cluster " + name, ecs -> Checks.clusterStatus(ecs, name, "ACTIVE"),
                () -> c.createCluster(b -> b.clusterName(name))).isEmpty()) {
            return;
        }
        String provider = name + "-mi";
        EcsClient p = next();
        if (write("provider " + provider, ecs -> Checks.providerActive(ecs, provider),
                () -> p.createCapacityProvider(b -> b.name(provider).cluster(name).managedInstancesProvider(m -> m
                        .infrastructureRoleArn(ROLE).propagateTags("CAPACITY_PROVIDER")
                        .instanceLaunchTemplate(t -> t.ec2InstanceProfileArn(PROFILE)
                                .networkConfiguration(n -> n.subnets(subnets).securityGroups(securityGroup))
                                .instanceRequirements(r -> r.vCpuCount(v -> v.min(2).max(4))
                                        .memoryMiB(v -> v.min(2048).max(16384))
                                        .cpuManufacturersWithStrings("amazon-web-services")))))).isEmpty()) {
            return;
        }
        EcsClient s = next();
        if (write("strategy " + name, ecs -> Checks.defaultStrategy(ecs, name, provider),
                () -> s.putClusterCapacityProviders(b -> b.cluster(name).capacityProviders(List.of())
                        .defaultCapacityProviderStrategy(x -> x.capacityProvider(provider).weight(1))))
                .isPresent()) {
            clusters.add(name);
        }
    }

    private void register(String family) {
        EcsClient c = next();
        write(null, null, () -> c.registerTaskDefinition(b -> b.family(family)
                .cpu("512").memory("1024").networkMode("awsvpc").requiresCompatibilitiesWithStrings("MANAGED_INSTANCES")
                .runtimePlatform(p -> p.operatingSystemFamily("LINUX").cpuArchitecture("ARM64"))
                .containerDefinitions(ContainerDefinition.builder().name("web").image("public.ecr.aws/nginx/nginx")
                        .essential(true).build())).taskDefinition())
                .ifPresent(td -> {
                    ledger.expect("task definition " + td.taskDefinitionArn(),
                            ecs -> Checks.taskDefinitionActive(ecs, td.taskDefinitionArn()));
                    families.add(family);
                });
    }

    private void createService(String cluster, String name, int desired) {
        EcsClient c = next();
        String family = families.get(random.nextInt(families.size()));
        write("service " + cluster + "/" + name, ecs -> Checks.serviceDesired(ecs, cluster, name, desired),
                () -> c.createService(b -> b.cluster(cluster).serviceName(name).taskDefinition(family)
                        .desiredCount(desired).networkConfiguration(awsvpc)).service())
                .map(Service::serviceName).ifPresent(services.get(cluster)::add);
    }

    private void updateService(String cluster, String name, int desired) {
        EcsClient c = next();
        write("service " + cluster + "/" + name, ecs -> Checks.serviceDesired(ecs, cluster, name, desired),
                () -> c.updateService(b -> b.cluster(cluster).service(name).desiredCount(desired)));
    }

    private void deleteService(String cluster, String name) {
        EcsClient c = next();
        write("service " + cluster + "/" + name, ecs -> Checks.serviceDeleted(ecs, cluster, name),
                () -> c.deleteService(b -> b.cluster(cluster).service(name).force(true)));
    }

    private void runTask(String cluster, String family, int count) {
        EcsClient c = next();
        write(null, null,
                () -> c.runTask(b -> b.cluster(cluster).taskDefinition(family).count(count)
                        .networkConfiguration(awsvpc)).tasks())
                .ifPresent(started -> {
                    for (Task t : started) {
                        ledger.expect("task " + t.taskArn(), ecs -> Checks.taskExists(ecs, cluster, t.taskArn()));
                        tasks.get(cluster).add(t.taskArn());
                    }
                });
    }

    /**
     * Reads the cluster's container instances: an instance a client has seen is durable state and must still
     * be there (in any status) after the restart.
     */
    private void observeInstances(String cluster) {
        EcsClient c = next();
        List<String> arns = c.listContainerInstances(b -> b.cluster(cluster)).containerInstanceArns();
        if (arns.isEmpty()) {
            return;
        }
        for (var ci : c.describeContainerInstances(b -> b.cluster(cluster).containerInstances(arns))
                .containerInstances()) {
            ledger.expect("instance " + ci.ec2InstanceId(), ecs -> Checks.containerInstanceExists(ecs, cluster,
                    ci.containerInstanceArn()));
        }
    }

    private void stopTask(String cluster, String arn) {
        EcsClient c = next();
        write("task " + arn, ecs -> Checks.taskStopRequested(ecs, cluster, arn),
                () -> c.stopTask(b -> b.cluster(cluster).task(arn)));
    }
}
