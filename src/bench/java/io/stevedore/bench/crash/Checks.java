package io.stevedore.bench.crash;

import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/** The state each kind of acknowledged write must leave behind, read through the ECS API. */
final class Checks {
    private Checks() {
    }

    static Optional<String> clusterStatus(EcsClient ecs, String name, String status) {
        List<Cluster> found = ecs.describeClusters(b -> b.clusters(name)).clusters();
        if (found.isEmpty()) {
            return Optional.of("cluster missing");
        }
        return status.equals(found.get(0).status()) ? Optional.empty()
                : Optional.of("cluster status " + found.get(0).status() + ", expected " + status);
    }

    static Optional<String> providerActive(EcsClient ecs, String name) {
        List<CapacityProvider> found = ecs.describeCapacityProviders(b -> b.capacityProviders(name))
                .capacityProviders();
        if (found.isEmpty()) {
            return Optional.of("capacity provider missing");
        }
        return "ACTIVE".equals(found.get(0).statusAsString()) ? Optional.empty()
                : Optional.of("capacity provider status " + found.get(0).statusAsString());
    }

    static Optional<String> defaultStrategy(EcsClient ecs, String cluster, String provider) {
        List<Cluster> found = ecs.describeClusters(b -> b.clusters(cluster)).clusters();
        boolean has = !found.isEmpty() && found.get(0).defaultCapacityProviderStrategy().stream()
                .anyMatch(i -> provider.equals(i.capacityProvider()));
        return has ? Optional.empty() : Optional.of("default strategy without " + provider);
    }

    static Optional<String> taskDefinitionActive(EcsClient ecs, String arn) {
        try {
            String status = ecs.describeTaskDefinition(b -> b.taskDefinition(arn)).taskDefinition().statusAsString();
            return "ACTIVE".equals(status) ? Optional.empty() : Optional.of("task definition " + status);
        } catch (software.amazon.awssdk.services.ecs.model.EcsException e) {
            return Optional.of("task definition missing: " + e.getMessage());
        }
    }

    private static Optional<Service> service(EcsClient ecs, String cluster, String name) {
        DescribeServicesResponse r = ecs.describeServices(b -> b.cluster(cluster).services(name));
        return r.services().stream().findFirst();
    }

    static Optional<String> serviceDesired(EcsClient ecs, String cluster, String name, int desired) {
        Optional<Service> s = service(ecs, cluster, name);
        if (s.isEmpty()) {
            return Optional.of("service missing");
        }
        if (!"ACTIVE".equals(s.get().status())) {
            return Optional.of("service status " + s.get().status());
        }
        return s.get().desiredCount() == desired ? Optional.empty()
                : Optional.of("desiredCount " + s.get().desiredCount() + ", acknowledged " + desired);
    }

    static Optional<String> serviceDeleted(EcsClient ecs, String cluster, String name) {
        Optional<Service> s = service(ecs, cluster, name);
        return s.isEmpty() || !"ACTIVE".equals(s.get().status()) ? Optional.empty()
                : Optional.of("deleted service still ACTIVE");
    }

    private static Optional<Task> task(EcsClient ecs, String cluster, String arn) {
        DescribeTasksResponse r = ecs.describeTasks(b -> b.cluster(cluster).tasks(arn));
        return r.tasks().stream().findFirst();
    }

    static Optional<String> taskExists(EcsClient ecs, String cluster, String arn) {
        return task(ecs, cluster, arn).isPresent() ? Optional.empty() : Optional.of("task missing");
    }

    static Optional<String> taskStopRequested(EcsClient ecs, String cluster, String arn) {
        Optional<Task> t = task(ecs, cluster, arn);
        if (t.isEmpty()) {
            return Optional.of("task missing");
        }
        return "STOPPED".equals(t.get().desiredStatus()) ? Optional.empty()
                : Optional.of("stopped task has desiredStatus " + t.get().desiredStatus());
    }

    static Optional<String> containerInstanceExists(EcsClient ecs, String cluster, String arn) {
        return ecs.describeContainerInstances(b -> b.cluster(cluster).containerInstances(arn)).containerInstances()
                .isEmpty() ? Optional.of("container instance missing") : Optional.empty();
    }
}
