package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.api.EcsApi;
import io.stevedore.api.Pages;
import io.stevedore.control.state.Context;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.ServiceQuota;
import io.stevedore.ecs.Statuses;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStatus;
import software.amazon.awssdk.services.ecs.model.CapacityProviderType;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ClusterSetting;
import software.amazon.awssdk.services.ecs.model.CreateClusterRequest;
import software.amazon.awssdk.services.ecs.model.CreateClusterResponse;
import software.amazon.awssdk.services.ecs.model.DeleteClusterRequest;
import software.amazon.awssdk.services.ecs.model.DeleteClusterResponse;
import software.amazon.awssdk.services.ecs.model.DescribeClustersRequest;
import software.amazon.awssdk.services.ecs.model.DescribeClustersResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.ListClustersRequest;
import software.amazon.awssdk.services.ecs.model.ListClustersResponse;
import software.amazon.awssdk.services.ecs.model.PutClusterCapacityProvidersRequest;
import software.amazon.awssdk.services.ecs.model.PutClusterCapacityProvidersResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateClusterRequest;
import software.amazon.awssdk.services.ecs.model.UpdateClusterResponse;
import software.amazon.awssdk.services.ecs.model.UpdateClusterSettingsRequest;
import software.amazon.awssdk.services.ecs.model.UpdateClusterSettingsResponse;

/** CreateCluster, DescribeClusters, ListClusters, UpdateCluster, UpdateClusterSettings, DeleteCluster, PutClusterCapacityProviders. */
public final class ClusterOps {
    private final Context ctx;

    public ClusterOps(Context ctx) {
        this.ctx = ctx;
    }

    public void register(EcsApi api) {
        api.register("CreateCluster", CreateClusterRequest::builder, CreateClusterRequest.class, this::create);
        api.register("DescribeClusters", DescribeClustersRequest::builder, DescribeClustersRequest.class,
                this::describe);
        api.register("ListClusters", ListClustersRequest::builder, ListClustersRequest.class, this::list);
        api.register("UpdateCluster", UpdateClusterRequest::builder, UpdateClusterRequest.class, this::update);
        api.register("UpdateClusterSettings", UpdateClusterSettingsRequest::builder,
                UpdateClusterSettingsRequest.class, this::updateSettings);
        api.register("DeleteCluster", DeleteClusterRequest::builder, DeleteClusterRequest.class, this::delete);
        api.register("PutClusterCapacityProviders", PutClusterCapacityProvidersRequest::builder,
                PutClusterCapacityProvidersRequest.class, this::putCapacityProviders);
    }

    CreateClusterResponse create(CreateClusterRequest r) {
        String name = r.clusterName() == null ? "default" : r.clusterName();
        Checks.name(name, "clusterName");
        Checks.tags(ctx, r.tags());
        settings(r.settings());
        Optional<Cluster> existing = ctx.findCluster(name).filter(c -> Statuses.CLUSTER_ACTIVE.equals(c.status()));
        if (existing.isPresent()) {
            return CreateClusterResponse.builder().cluster(view(existing.get(), Set.of("SETTINGS"))).build();
        }
        ctx.config().quotas().check(ServiceQuota.CLUSTERS_PER_ACCOUNT, 1 + ctx.state().clusters.values(c ->
                Statuses.CLUSTER_ACTIVE.equals(c.status()) || Statuses.CLUSTER_PROVISIONING.equals(c.status())).size());
        Cluster base = Cluster.builder().clusterName(name).clusterArn(ctx.clusterArn(name))
                .status(Statuses.CLUSTER_ACTIVE).build();
        List<String> providers = r.capacityProviders() == null ? List.of() : r.capacityProviders();
        for (String p : providers) {
            require(CapacityProviderStrategies.FARGATE.contains(p) || ctx.state().capacityProviders.get(p)
                    .filter(cp -> !CapacityProviderStrategies.isManagedInstances(cp)).isPresent(),
                    "The specified capacity provider '" + p + "' does not exist.");
        }
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(providers));
        ctx.config().quotas().check(ServiceQuota.CAPACITY_PROVIDERS_PER_CLUSTER, distinct.size());
        Cluster withProviders = base.toBuilder().capacityProviders(distinct).build();
        CapacityProviderStrategies.validate(ctx, withProviders, r.defaultCapacityProviderStrategy(),
                "defaultCapacityProviderStrategy", true);
        Cluster c = withProviders.toBuilder()
                .defaultCapacityProviderStrategy(r.defaultCapacityProviderStrategy())
                .settings(r.settings() == null || r.settings().isEmpty()
                        ? List.of(ClusterSetting.builder().name("containerInsights").value("disabled").build())
                        : r.settings())
                .configuration(r.configuration()).serviceConnectDefaults(
                        r.serviceConnectDefaults() == null ? null
                                : software.amazon.awssdk.services.ecs.model.ClusterServiceConnectDefaults.builder()
                                .namespace(r.serviceConnectDefaults().namespace()).build())
                .build();
        ctx.state().clusters.put(c.clusterArn(), c);
        TagOps.setTags(ctx, c.clusterArn(), r.tags());
        return CreateClusterResponse.builder().cluster(view(c, Set.of("SETTINGS", "TAGS", "CONFIGURATIONS"))).build();
    }

    private static void settings(List<ClusterSetting> settings) {
        if (settings == null) {
            return;
        }
        for (ClusterSetting s : settings) {
            require(s != null && "containerInsights".equals(s.nameAsString()),
                    "Cluster setting name must be containerInsights.");
            require(Set.of("enabled", "disabled", "enhanced").contains(s.value()), "The value '" + s.value()
                    + "' for containerInsights is invalid: use enabled, disabled or enhanced.");
        }
    }

    DescribeClustersResponse describe(DescribeClustersRequest r) {
        List<String> names = r.clusters() == null || r.clusters().isEmpty() ? List.of("default") : r.clusters();
        Checks.maxItems(names, 100, "clusters");
        Set<String> include = new LinkedHashSet<>(r.includeAsStrings() == null ? List.of() : r.includeAsStrings());
        List<Cluster> found = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (String n : names) {
            require(n != null && !n.isEmpty(), "clusters must not contain blank names.");
            Optional<Cluster> c = ctx.findCluster(n);
            if (c.isPresent()) {
                found.add(view(c.get(), include));
            } else {
                failures.add(Failure.builder().arn(n.startsWith("arn:") ? n
                        : ctx.clusterArn(Context.clusterName(n))).reason("MISSING").build());
            }
        }
        return DescribeClustersResponse.builder().clusters(found).failures(failures).build();
    }

    /** The cluster as DescribeClusters shows it: live counts, optional settings, tags, statistics. */
    Cluster view(Cluster c, Set<String> include) {
        String arn = c.clusterArn();
        List<Task> tasks = ctx.state().tasks.values(t -> arn.equals(t.clusterArn()));
        int running = (int) tasks.stream().filter(t -> Statuses.isRunning(t.lastStatus())).count();
        int pending = (int) tasks.stream().filter(t -> Statuses.isStarting(t.lastStatus())).count();
        int instances = ctx.state().containerInstances.values(ci -> arn.equals(clusterOf(ci.containerInstanceArn()))
                && Statuses.isRegistered(ci.status())).size();
        int services = ctx.state().services.values(s -> arn.equals(s.clusterArn())
                && Statuses.SERVICE_ACTIVE.equals(s.status())).size();
        Cluster.Builder b = c.toBuilder().registeredContainerInstancesCount(instances).runningTasksCount(running)
                .pendingTasksCount(pending).activeServicesCount(services)
                .capacityProviders(c.capacityProviders()).attachmentsStatus(null);
        if (!include.contains("SETTINGS")) {
            b.settings((List<ClusterSetting>) null);
        }
        if (!include.contains("CONFIGURATIONS")) {
            b.configuration((software.amazon.awssdk.services.ecs.model.ClusterConfiguration) null);
        }
        if (include.contains("TAGS")) {
            b.tags(TagOps.sdkTags(ctx, arn));
        }
        if (include.contains("STATISTICS")) {
            b.statistics(List.of(kv("runningEC2TasksCount", 0), kv("runningFargateTasksCount", 0),
                    kv("pendingEC2TasksCount", 0), kv("pendingFargateTasksCount", 0),
                    kv("runningManagedInstancesTasksCount", running), kv("pendingManagedInstancesTasksCount", pending),
                    kv("activeManagedInstancesServiceCount", services)));
        }
        return b.build();
    }

    private static KeyValuePair kv(String name, int value) {
        return KeyValuePair.builder().name(name).value(Integer.toString(value)).build();
    }

    /** The cluster ARN inside a task / container-instance / service ARN of the long format. */
    static String clusterOf(String resourceArn) {
        int slash = resourceArn.indexOf('/');
        int colon = resourceArn.lastIndexOf(':', slash);
        String prefix = resourceArn.substring(0, colon + 1);
        String cluster = resourceArn.substring(slash + 1, resourceArn.indexOf('/', slash + 1));
        return prefix + "cluster/" + cluster;
    }

    ListClustersResponse list(ListClustersRequest r) {
        List<String> arns = ctx.state().clusters.values(c -> Statuses.CLUSTER_ACTIVE.equals(c.status())).stream()
                .map(Cluster::clusterArn).toList();
        Pages.Page<String> p = Pages.page(arns, a -> a, r.nextToken(), r.maxResults(), 100);
        return ListClustersResponse.builder().clusterArns(p.items()).nextToken(p.nextToken()).build();
    }

    UpdateClusterResponse update(UpdateClusterRequest r) {
        require(r.cluster() != null, "cluster must be specified.");
        Cluster c = ctx.cluster(r.cluster());
        settings(r.settings());
        Cluster.Builder b = c.toBuilder();
        if (r.settings() != null && !r.settings().isEmpty()) {
            b.settings(r.settings());
        }
        if (r.configuration() != null) {
            b.configuration(r.configuration());
        }
        if (r.serviceConnectDefaults() != null) {
            b.serviceConnectDefaults(software.amazon.awssdk.services.ecs.model.ClusterServiceConnectDefaults
                    .builder().namespace(r.serviceConnectDefaults().namespace()).build());
        }
        Cluster u = b.build();
        ctx.state().clusters.put(u.clusterArn(), u);
        return UpdateClusterResponse.builder().cluster(view(u, Set.of("SETTINGS", "CONFIGURATIONS"))).build();
    }

    UpdateClusterSettingsResponse updateSettings(UpdateClusterSettingsRequest r) {
        require(r.cluster() != null, "cluster must be specified.");
        Checks.nonEmpty(r.settings(), "settings");
        Cluster c = ctx.cluster(r.cluster());
        settings(r.settings());
        Cluster u = c.toBuilder().settings(r.settings()).build();
        ctx.state().clusters.put(u.clusterArn(), u);
        return UpdateClusterSettingsResponse.builder().cluster(view(u, Set.of("SETTINGS"))).build();
    }

    DeleteClusterResponse delete(DeleteClusterRequest r) {
        require(r.cluster() != null, "cluster must be specified.");
        Cluster c = ctx.cluster(r.cluster());
        Cluster v = view(c, Set.of());
        if (v.activeServicesCount() > 0 || !ctx.state().services.values(s -> c.clusterArn().equals(s.clusterArn())
                && Statuses.SERVICE_DRAINING.equals(s.status())).isEmpty()) {
            throw Errors.of("ClusterContainsServicesException",
                    "The Cluster cannot be deleted while Services are active.");
        }
        if (!ctx.state().tasks.values(t -> c.clusterArn().equals(t.clusterArn())
                && !Statuses.isStopped(t.lastStatus())).isEmpty()) {
            throw Errors.of("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.");
        }
        if (v.registeredContainerInstancesCount() > 0) {
            throw Errors.of("ClusterContainsContainerInstancesException",
                    "The Cluster cannot be deleted while Container Instances are active or draining.");
        }
        List<CapacityProvider> mi = ctx.state().capacityProviders.values(p -> c.clusterName().equals(p.cluster())
                && p.status() != CapacityProviderStatus.INACTIVE);
        if (!mi.isEmpty()) {
            throw Errors.of("ClusterContainsCapacityProviderException", "The Cluster cannot be deleted while it"
                    + " has Managed Instances capacity providers: delete " + mi.get(0).name() + " first.");
        }
        Cluster deleted = c.toBuilder().status(Statuses.CLUSTER_INACTIVE).build();
        ctx.state().clusters.put(deleted.clusterArn(), deleted);
        return DeleteClusterResponse.builder().cluster(view(deleted, Set.of())).build();
    }

    /** ECS's answer when a Managed Instances provider is listed where it cannot be (see putCapacityProviders). */
    static final String MI_ALREADY_ASSOCIATED = "Cannot associate Managed Instances capacity provider to clusters using"
            + " this API. Managed Instances capacity providers are already associated with the cluster they were"
            + " created in.";

    PutClusterCapacityProvidersResponse putCapacityProviders(PutClusterCapacityProvidersRequest r) {
        require(r.cluster() != null, "cluster must be specified.");
        require(r.capacityProviders() != null, "capacityProviders must be specified.");
        require(r.defaultCapacityProviderStrategy() != null, "defaultCapacityProviderStrategy must be specified.");
        Cluster c = ctx.cluster(r.cluster());
        List<String> associated = new ArrayList<>();
        List<CapacityProvider> listed = new ArrayList<>();
        for (String nameOrArn : r.capacityProviders()) {
            String name = CapacityProviderStrategies.providerName(nameOrArn);
            CapacityProvider p = CapacityProviderStrategies.find(ctx, name)
                    .filter(cp -> cp.status() != CapacityProviderStatus.INACTIVE)
                    .orElseThrow(() -> Errors.invalid("The specified capacity provider '" + name
                            + "' does not exist."));
            listed.add(p);
        }
        boolean autoScaling = listed.stream().anyMatch(p -> p.type() == CapacityProviderType.EC2_AUTOSCALING);
        for (CapacityProvider p : listed) {
            if (CapacityProviderStrategies.isManagedInstances(p)) {
                // docs/decisions.md "PutClusterCapacityProviders and Managed Instances providers": a cluster's own
                // ACTIVE provider may be listed (it is associated already); another cluster's, or one listed beside
                // an Auto Scaling group provider, is refused as ECS refuses it.
                require(c.clusterName().equals(p.cluster()) && !autoScaling, MI_ALREADY_ASSOCIATED);
                require(p.status() == CapacityProviderStatus.ACTIVE, "The specified capacity provider '" + p.name()
                        + "' is not in an ACTIVE state. Specify a valid capacity provider and try again.");
                continue; // added below with the cluster's other Managed Instances providers
            }
            if (!associated.contains(p.name())) {
                associated.add(p.name());
            }
        }
        List<String> all = new ArrayList<>(associated);
        for (CapacityProvider p : ctx.state().capacityProviders.values(p -> c.clusterName().equals(p.cluster())
                && p.status() != CapacityProviderStatus.INACTIVE)) {
            all.add(p.name());
        }
        ctx.config().quotas().check(ServiceQuota.CAPACITY_PROVIDERS_PER_CLUSTER, all.size());
        Cluster u = c.toBuilder().capacityProviders(all).defaultCapacityProviderStrategy(
                r.defaultCapacityProviderStrategy()).build();
        CapacityProviderStrategies.validate(ctx, u, r.defaultCapacityProviderStrategy(), "defaultCapacityProviderStrategy", true);
        ctx.state().clusters.put(u.clusterArn(), u);
        return PutClusterCapacityProvidersResponse.builder().cluster(view(u, Set.of())).build();
    }
}
