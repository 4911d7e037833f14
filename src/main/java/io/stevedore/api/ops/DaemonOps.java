package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.api.EcsApi;
import io.stevedore.api.Pages;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.Daemon;
import io.stevedore.control.state.DaemonCoverage;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.Statuses;
import io.stevedore.wire.AwsException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStatus;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.CreateDaemonRequest;
import software.amazon.awssdk.services.ecs.model.CreateDaemonResponse;
import software.amazon.awssdk.services.ecs.model.DaemonCapacityProvider;
import software.amazon.awssdk.services.ecs.model.DaemonCircuitBreaker;
import software.amazon.awssdk.services.ecs.model.DaemonContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DaemonContainerImage;
import software.amazon.awssdk.services.ecs.model.DaemonDeployment;
import software.amazon.awssdk.services.ecs.model.DaemonDeploymentAlarms;
import software.amazon.awssdk.services.ecs.model.DaemonDeploymentCapacityProvider;
import software.amazon.awssdk.services.ecs.model.DaemonDeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DaemonDeploymentRevisionDetail;
import software.amazon.awssdk.services.ecs.model.DaemonDeploymentRollbackMonitorsStatus;
import software.amazon.awssdk.services.ecs.model.DaemonDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.DaemonDeploymentSummary;
import software.amazon.awssdk.services.ecs.model.DaemonDetail;
import software.amazon.awssdk.services.ecs.model.DaemonRevision;
import software.amazon.awssdk.services.ecs.model.DaemonRevisionDetail;
import software.amazon.awssdk.services.ecs.model.DaemonStatus;
import software.amazon.awssdk.services.ecs.model.DaemonSummary;
import software.amazon.awssdk.services.ecs.model.DaemonTaskDefinition;
import software.amazon.awssdk.services.ecs.model.DaemonTaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.DeleteDaemonRequest;
import software.amazon.awssdk.services.ecs.model.DeleteDaemonResponse;
import software.amazon.awssdk.services.ecs.model.DescribeDaemonDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeDaemonDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.DescribeDaemonRequest;
import software.amazon.awssdk.services.ecs.model.DescribeDaemonResponse;
import software.amazon.awssdk.services.ecs.model.DescribeDaemonRevisionsRequest;
import software.amazon.awssdk.services.ecs.model.DescribeDaemonRevisionsResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.ListDaemonDeploymentsRequest;
import software.amazon.awssdk.services.ecs.model.ListDaemonDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.ListDaemonsRequest;
import software.amazon.awssdk.services.ecs.model.ListDaemonsResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateDaemonRequest;
import software.amazon.awssdk.services.ecs.model.UpdateDaemonResponse;

/**
 * CreateDaemon, DescribeDaemon, ListDaemons, UpdateDaemon, DeleteDaemon, DescribeDaemonDeployments,
 * ListDaemonDeployments, DescribeDaemonRevisions. The daemon stage of the control loop
 * ({@code control.daemons.DaemonController}) runs what these record; counts are read from the live tasks.
 */
public final class DaemonOps {
    private static final int MAX_DESCRIBE = 20;
    private final Context ctx;

    public DaemonOps(Context ctx) {
        this.ctx = ctx;
    }

    public void register(EcsApi api) {
        api.register("CreateDaemon", CreateDaemonRequest::builder, CreateDaemonRequest.class, this::create);
        api.register("DescribeDaemon", DescribeDaemonRequest::builder, DescribeDaemonRequest.class, this::describe);
        api.register("ListDaemons", ListDaemonsRequest::builder, ListDaemonsRequest.class, this::list);
        api.register("UpdateDaemon", UpdateDaemonRequest::builder, UpdateDaemonRequest.class, this::update);
        api.register("DeleteDaemon", DeleteDaemonRequest::builder, DeleteDaemonRequest.class, this::delete);
        api.register("DescribeDaemonDeployments", DescribeDaemonDeploymentsRequest::builder,
                DescribeDaemonDeploymentsRequest.class, this::describeDeployments);
        api.register("ListDaemonDeployments", ListDaemonDeploymentsRequest::builder,
                ListDaemonDeploymentsRequest.class, this::listDeployments);
        api.register("DescribeDaemonRevisions", DescribeDaemonRevisionsRequest::builder,
                DescribeDaemonRevisionsRequest.class, this::describeRevisions);
    }

    static AwsException daemonNotFound() {
        return Errors.of("DaemonNotFoundException", "The specified daemon was not found.");
    }

    static AwsException daemonNotActive() {
        return Errors.of("DaemonNotActiveException", "The specified daemon is not ACTIVE.");
    }

    private String clusterSegment(String clusterArn) {
        return Context.clusterName(clusterArn);
    }

    // ----- create / update / delete -----

    CreateDaemonResponse create(CreateDaemonRequest r) {
        Checks.name(r.daemonName(), "daemonName");
        Checks.tags(ctx, r.tags());
        Cluster cluster = ctx.cluster(r.clusterArn());
        String arn = ctx.arn("daemon/" + cluster.clusterName() + "/" + r.daemonName());
        if (ctx.state().daemons.contains(arn)) {
            throw Errors.invalid("A daemon named " + r.daemonName() + " already exists in cluster "
                    + cluster.clusterName() + ".");
        }
        DaemonTaskDefinition dtd = definition(r.daemonTaskDefinitionArn());
        List<String> providers = providers(cluster, r.capacityProviderArns());
        DaemonDeploymentConfiguration config = configuration(r.deploymentConfiguration());
        long now = ctx.now().toEpochMilli();
        String revision = revision(arn, cluster, r.daemonName(), dtd, r.propagateTagsAsString(),
                r.enableECSManagedTags(), r.enableExecuteCommand());
        String deployment = deployment(cluster, r.daemonName(), revision, List.of(), config);
        ctx.state().daemons.put(arn, new Daemon(arn, cluster.clusterArn(), r.daemonName(), Daemon.ACTIVE, revision,
                deployment, providers, now, now, false, -1));
        TagOps.setTags(ctx, arn, r.tags());
        return CreateDaemonResponse.builder().daemonArn(arn).status(DaemonStatus.ACTIVE).createdAt(ctx.now())
                .deploymentArn(deployment).build();
    }

    UpdateDaemonResponse update(UpdateDaemonRequest r) {
        Daemon d = daemon(r.daemonArn());
        if (!d.active()) {
            throw daemonNotActive();
        }
        Cluster cluster = ctx.cluster(d.clusterArn());
        DaemonTaskDefinition dtd = definition(r.daemonTaskDefinitionArn());
        List<String> providers = providers(cluster, r.capacityProviderArns());
        DaemonDeploymentConfiguration config = configuration(r.deploymentConfiguration());
        List<String> sources = runningRevisions(d);
        String revision = revision(d.daemonArn(), cluster, d.name(), dtd, r.propagateTagsAsString(),
                r.enableECSManagedTags(), r.enableExecuteCommand());
        stopDeployment(d.deploymentArn());
        String deployment = deployment(cluster, d.name(), revision, sources, config);
        Daemon updated = d.deploying(revision, deployment, providers, ctx.now().toEpochMilli());
        ctx.state().daemons.put(d.daemonArn(), updated);
        return UpdateDaemonResponse.builder().daemonArn(d.daemonArn()).status(DaemonStatus.ACTIVE)
                .createdAt(Instant.ofEpochMilli(d.createdAtMillis())).updatedAt(ctx.now()).deploymentArn(deployment)
                .build();
    }

    DeleteDaemonResponse delete(DeleteDaemonRequest r) {
        Daemon d = daemon(r.daemonArn());
        if (!d.active()) {
            throw daemonNotActive();
        }
        Cluster cluster = ctx.findCluster(d.clusterArn()).orElseThrow(Errors::clusterNotFound);
        DaemonDeploymentConfiguration config = ctx.state().daemonDeployments.get(d.deploymentArn())
                .map(DaemonDeployment::deploymentConfiguration).orElse(configuration(null));
        stopDeployment(d.deploymentArn());
        String deployment = deployment(cluster, d.name(), null, runningRevisions(d), config);
        ctx.state().daemons.put(d.daemonArn(), d.deleting(deployment, ctx.now().toEpochMilli()));
        return DeleteDaemonResponse.builder().daemonArn(d.daemonArn()).status(DaemonStatus.DELETE_IN_PROGRESS)
                .createdAt(Instant.ofEpochMilli(d.createdAtMillis())).updatedAt(ctx.now()).deploymentArn(deployment)
                .build();
    }

    private Daemon daemon(String arn) {
        require(arn != null && !arn.isEmpty(), "daemonArn must be specified.");
        return ctx.state().daemons.get(arn).orElseThrow(DaemonOps::daemonNotFound);
    }

    /** An ACTIVE daemon task definition by ARN or {@code family:revision}. */
    private DaemonTaskDefinition definition(String ref) {
        require(ref != null && !ref.isEmpty(), "daemonTaskDefinitionArn must be specified.");
        DaemonTaskDefinition d = DaemonTaskDefinitionOps.resolve(ctx, ref)
                .orElseThrow(() -> Errors.client("The specified daemon task definition " + ref
                        + " does not exist."));
        if (d.status() != DaemonTaskDefinitionStatus.ACTIVE) {
            throw Errors.client("The specified daemon task definition " + d.daemonTaskDefinitionArn() + " is not"
                    + " ACTIVE (" + d.statusAsString() + ").");
        }
        return d;
    }

    /** The named providers: each an ACTIVE Managed Instances capacity provider of the cluster. */
    private List<String> providers(Cluster cluster, List<String> refs) {
        Checks.nonEmpty(refs, "capacityProviderArns");
        Set<String> names = new LinkedHashSet<>();
        for (String ref : refs) {
            require(ref != null && !ref.isEmpty(), "capacityProviderArns must not contain empty values.");
            int i = ref.indexOf(":capacity-provider/");
            String name = ref.startsWith("arn:") && i >= 0 ? ref.substring(i + 19) : ref;
            if (name.startsWith("FARGATE")) {
                throw Errors.unsupported("ECS Managed Daemons is only supported for Amazon ECS Managed Instances"
                        + " capacity providers: " + name + " is a Fargate capacity provider.");
            }
            CapacityProvider p = ctx.state().capacityProviders.get(name).orElseThrow(() -> Errors.invalid(
                    "The specified capacity provider " + ref + " does not exist."));
            if (p.managedInstancesProvider() == null) {
                throw Errors.unsupported("ECS Managed Daemons is only supported for Amazon ECS Managed Instances"
                        + " capacity providers: " + name + " is not one.");
            }
            if (p.cluster() == null || !Context.clusterName(p.cluster()).equals(cluster.clusterName())) {
                throw Errors.invalid("The capacity provider " + name + " does not belong to cluster "
                        + cluster.clusterName() + ".");
            }
            if (p.status() != CapacityProviderStatus.ACTIVE) {
                throw Errors.invalid("The specified capacity provider '" + name + "' is not in an ACTIVE state.");
            }
            names.add(name);
        }
        return new ArrayList<>(names);
    }

    /** The deployment configuration with its defaults: 25% drained at a time, no bake time, alarms off. */
    private static DaemonDeploymentConfiguration configuration(DaemonDeploymentConfiguration c) {
        Double drain = c == null ? null : c.drainPercent();
        Integer bake = c == null ? null : c.bakeTimeInMinutes();
        if (drain != null) {
            require(drain >= 0.0 && drain <= 100.0, "drainPercent must be between 0.0 and 100.0, got " + drain
                    + ".");
        }
        if (bake != null) {
            require(bake >= 0 && bake <= 1440, "bakeTimeInMinutes must be between 0 and 1440, got " + bake + ".");
        }
        DaemonDeploymentConfiguration.Builder b = DaemonDeploymentConfiguration.builder()
                .drainPercent(drain == null ? io.stevedore.control.daemons.DaemonController.DEFAULT_DRAIN_PERCENT
                        : drain)
                .bakeTimeInMinutes(bake == null ? 0 : bake);
        if (c != null && c.alarms() != null) {
            require(!Boolean.TRUE.equals(c.alarms().enable()) || c.alarms().hasAlarmNames()
                    && !c.alarms().alarmNames().isEmpty(), "alarms.alarmNames must not be empty when alarms are"
                    + " enabled.");
            b.alarms(c.alarms());
        }
        return b.build();
    }

    private String revision(String daemonArn, Cluster cluster, String name, DaemonTaskDefinition dtd,
                            String propagateTags, Boolean managedTags, Boolean exec) {
        require(propagateTags == null || "DAEMON".equals(propagateTags) || "NONE".equals(propagateTags),
                "Invalid value for propagateTags: " + propagateTags + " (valid values: DAEMON, NONE).");
        String arn = ctx.arn("daemon-revision/" + cluster.clusterName() + "/" + name + "/"
                + ctx.state().newId("daemon-revision"));
        List<DaemonContainerImage> images = new ArrayList<>();
        for (DaemonContainerDefinition c : dtd.containerDefinitions()) {
            images.add(DaemonContainerImage.builder().containerName(c.name()).image(c.image()).build());
        }
        ctx.state().daemonRevisions.put(arn, DaemonRevision.builder().daemonRevisionArn(arn)
                .clusterArn(cluster.clusterArn()).daemonArn(daemonArn)
                .daemonTaskDefinitionArn(dtd.daemonTaskDefinitionArn()).createdAt(ctx.now())
                .containerImages(images).propagateTags(propagateTags == null ? "NONE" : propagateTags)
                .enableECSManagedTags(Boolean.TRUE.equals(managedTags))
                .enableExecuteCommand(Boolean.TRUE.equals(exec)).build());
        return arn;
    }

    /** A new PENDING deployment to {@code target} (null: a deletion) from {@code sources}. */
    private String deployment(Cluster cluster, String name, String target, List<String> sources,
                              DaemonDeploymentConfiguration config) {
        String arn = ctx.arn("daemon-deployment/" + cluster.clusterName() + "/" + name + "/"
                + ctx.state().newId("daemon-deployment"));
        boolean alarms = config.alarms() != null && Boolean.TRUE.equals(config.alarms().enable());
        DaemonDeployment.Builder b = DaemonDeployment.builder().daemonDeploymentArn(arn)
                .clusterArn(cluster.clusterArn()).status(DaemonDeploymentStatus.PENDING)
                .sourceDaemonRevisions(sources.stream().map(s -> DaemonDeploymentRevisionDetail.builder().arn(s)
                        .build()).toList())
                .circuitBreaker(DaemonCircuitBreaker.builder().status(DaemonDeploymentRollbackMonitorsStatus.DISABLED)
                        .failureCount(0).threshold(0).build())
                .alarms(DaemonDeploymentAlarms.builder().status(alarms ? DaemonDeploymentRollbackMonitorsStatus
                        .MONITORING : DaemonDeploymentRollbackMonitorsStatus.DISABLED)
                        .alarmNames(alarms ? config.alarms().alarmNames() : List.of()).build())
                .deploymentConfiguration(config).createdAt(ctx.now());
        if (target != null) {
            b.targetDaemonRevision(DaemonDeploymentRevisionDetail.builder().arn(target).build());
        }
        ctx.state().daemonDeployments.put(arn, b.build());
        return arn;
    }

    /** A deployment still running when a new one starts is STOPPED. */
    private void stopDeployment(String arn) {
        ctx.state().daemonDeployments.get(arn).filter(x -> x.status() == DaemonDeploymentStatus.PENDING
                || x.status() == DaemonDeploymentStatus.IN_PROGRESS).ifPresent(x -> ctx.state().daemonDeployments
                .put(arn, x.toBuilder().status(DaemonDeploymentStatus.STOPPED).stoppedAt(ctx.now())
                        .statusReason("Replaced by a new deployment.").build()));
    }

    // ----- reads -----

    /** The daemon's tasks that are not stopped, on registered instances. */
    private List<Task> tasksOf(Daemon d) {
        List<Task> out = new ArrayList<>();
        for (Task t : ctx.state().tasksByGroup.values(io.stevedore.control.state.EcsState.groupKey(d.clusterArn(),
                d.group()))) {
            if (!Statuses.isStopped(t.lastStatus()) && t.containerInstanceArn() != null) {
                out.add(t);
            }
        }
        return out;
    }

    /** The revisions of the daemon's tasks that run now, oldest first. */
    private List<String> runningRevisions(Daemon d) {
        Set<String> tags = new HashSet<>();
        tasksOf(d).forEach(t -> tags.add(t.startedBy()));
        return ctx.state().daemonRevisions.values(r -> d.daemonArn().equals(r.daemonArn())
                        && tags.contains(DaemonCoverage.startedBy(r.daemonRevisionArn()))).stream()
                .sorted(Comparator.comparing(DaemonRevision::createdAt)).map(DaemonRevision::daemonRevisionArn)
                .toList();
    }

    private String providerArn(String name) {
        return ctx.state().capacityProviders.get(name).map(CapacityProvider::capacityProviderArn)
                .orElse(ctx.arn("capacity-provider/" + name));
    }

    DescribeDaemonResponse describe(DescribeDaemonRequest r) {
        Daemon d = daemon(r.daemonArn());
        Map<String, Map<String, Integer>> running = new TreeMap<>(); // revision tag -> provider -> RUNNING tasks
        for (Task t : tasksOf(d)) {
            if (Statuses.isRunning(t.lastStatus())) {
                running.computeIfAbsent(t.startedBy(), k -> new TreeMap<>()).merge(t.capacityProviderName(), 1,
                        Integer::sum);
            }
        }
        List<DaemonRevisionDetail> current = new ArrayList<>();
        for (DaemonRevision rev : ctx.state().daemonRevisions.values(x -> d.daemonArn().equals(x.daemonArn()))) {
            String tag = DaemonCoverage.startedBy(rev.daemonRevisionArn());
            boolean isCurrent = rev.daemonRevisionArn().equals(d.revisionArn()) && d.active();
            if (!isCurrent && !running.containsKey(tag)) {
                continue;
            }
            Map<String, Integer> byProvider = running.getOrDefault(tag, Map.of());
            List<DaemonCapacityProvider> cps = new ArrayList<>();
            Set<String> names = new LinkedHashSet<>(isCurrent ? d.capacityProviders() : List.of());
            names.addAll(byProvider.keySet());
            int total = 0;
            for (String n : names) {
                int c = byProvider.getOrDefault(n, 0);
                total += c;
                cps.add(DaemonCapacityProvider.builder().arn(providerArn(n)).runningCount(c).build());
            }
            current.add(DaemonRevisionDetail.builder().arn(rev.daemonRevisionArn()).capacityProviders(cps)
                    .totalRunningCount(total).build());
        }
        return DescribeDaemonResponse.builder().daemon(DaemonDetail.builder().daemonArn(d.daemonArn())
                .clusterArn(d.clusterArn()).status(d.status()).currentRevisions(current)
                .deploymentArn(d.deploymentArn()).createdAt(Instant.ofEpochMilli(d.createdAtMillis()))
                .updatedAt(Instant.ofEpochMilli(d.updatedAtMillis())).build()).build();
    }

    ListDaemonsResponse list(ListDaemonsRequest r) {
        String cluster = r.clusterArn() == null ? null : ctx.findCluster(r.clusterArn())
                .orElseThrow(Errors::clusterNotFound).clusterArn();
        Set<String> providers = new HashSet<>();
        for (String ref : r.capacityProviderArns()) {
            int i = ref == null ? -1 : ref.indexOf(":capacity-provider/");
            providers.add(ref != null && ref.startsWith("arn:") && i >= 0 ? ref.substring(i + 19) : ref);
        }
        List<Daemon> all = new ArrayList<>(ctx.state().daemons.values(d -> (cluster == null
                || d.clusterArn().equals(cluster)) && (providers.isEmpty()
                || d.capacityProviders().stream().anyMatch(providers::contains))));
        all.sort(Comparator.comparing(Daemon::daemonArn));
        Pages.Page<Daemon> p = Pages.page(all, Daemon::daemonArn, r.nextToken(), r.maxResults(), 100);
        return ListDaemonsResponse.builder().daemonSummariesList(p.items().stream().map(d -> DaemonSummary.builder()
                .daemonArn(d.daemonArn()).status(d.status()).createdAt(Instant.ofEpochMilli(d.createdAtMillis()))
                .updatedAt(Instant.ofEpochMilli(d.updatedAtMillis())).build()).toList()).nextToken(p.nextToken())
                .build();
    }

    /** The daemon of a deployment: {@code …:daemon-deployment/<cluster>/<name>/<id>} → {@code …:daemon/<cluster>/<name>}. */
    private static String daemonOf(String deploymentArn) {
        String s = deploymentArn.replace(":daemon-deployment/", ":daemon/");
        return s.substring(0, s.lastIndexOf('/'));
    }

    /** A deployment with its running and draining instance counts as they are now. */
    private DaemonDeployment withCounts(DaemonDeployment dep) {
        Map<String, int[]> byRevisionProvider = new TreeMap<>(); // tag|provider -> {running, draining}
        ctx.state().daemons.get(daemonOf(dep.daemonDeploymentArn())).ifPresent(d -> {
            for (Task t : tasksOf(d)) {
                boolean draining = ctx.state().containerInstances.get(t.containerInstanceArn())
                        .map(ContainerInstance::status).filter(Statuses.INSTANCE_DRAINING::equals).isPresent();
                int[] c = byRevisionProvider.computeIfAbsent(t.startedBy() + "|" + t.capacityProviderName(),
                        k -> new int[2]);
                c[draining ? 1 : 0] += Statuses.isRunning(t.lastStatus()) || draining ? 1 : 0;
            }
        });
        DaemonDeployment.Builder b = dep.toBuilder();
        if (dep.targetDaemonRevision() != null) {
            b.targetDaemonRevision(counted(dep.targetDaemonRevision().arn(), byRevisionProvider));
        }
        b.sourceDaemonRevisions(dep.sourceDaemonRevisions().stream().map(s -> counted(s.arn(), byRevisionProvider))
                .toList());
        return b.build();
    }

    private DaemonDeploymentRevisionDetail counted(String revisionArn, Map<String, int[]> counts) {
        String tag = DaemonCoverage.startedBy(revisionArn);
        List<DaemonDeploymentCapacityProvider> cps = new ArrayList<>();
        int running = 0;
        int draining = 0;
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            if (e.getKey().startsWith(tag + "|")) {
                String provider = e.getKey().substring(tag.length() + 1);
                cps.add(DaemonDeploymentCapacityProvider.builder().arn(providerArn(provider))
                        .runningInstanceCount(e.getValue()[0]).drainingInstanceCount(e.getValue()[1]).build());
                running += e.getValue()[0];
                draining += e.getValue()[1];
            }
        }
        return DaemonDeploymentRevisionDetail.builder().arn(revisionArn).capacityProviders(cps)
                .totalRunningInstanceCount(running).totalDrainingInstanceCount(draining).build();
    }

    DescribeDaemonDeploymentsResponse describeDeployments(DescribeDaemonDeploymentsRequest r) {
        Checks.nonEmpty(r.daemonDeploymentArns(), "daemonDeploymentArns");
        Checks.maxItems(r.daemonDeploymentArns(), MAX_DESCRIBE, "daemonDeploymentArns");
        List<DaemonDeployment> out = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (String arn : r.daemonDeploymentArns()) {
            ctx.state().daemonDeployments.get(arn).ifPresentOrElse(dep -> out.add(withCounts(dep)),
                    () -> failures.add(Failure.builder().arn(arn).reason("MISSING").build()));
        }
        return DescribeDaemonDeploymentsResponse.builder().daemonDeployments(out).failures(failures).build();
    }

    ListDaemonDeploymentsResponse listDeployments(ListDaemonDeploymentsRequest r) {
        require(r.daemonArn() != null && !r.daemonArn().isEmpty(), "daemonArn must be specified.");
        Set<String> statuses = new HashSet<>(r.statusAsStrings());
        Instant before = r.createdAt() == null ? null : r.createdAt().before();
        Instant after = r.createdAt() == null ? null : r.createdAt().after();
        List<DaemonDeployment> all = new ArrayList<>(ctx.state().daemonDeployments.values(dep ->
                daemonOf(dep.daemonDeploymentArn()).equals(r.daemonArn())));
        if (all.isEmpty() && !ctx.state().daemons.contains(r.daemonArn())) {
            throw Errors.client("The specified daemon " + r.daemonArn() + " does not exist.");
        }
        all.removeIf(dep -> !statuses.isEmpty() && !statuses.contains(dep.statusAsString())
                || before != null && !dep.createdAt().isBefore(before)
                || after != null && !dep.createdAt().isAfter(after));
        all.sort(Comparator.comparing(DaemonDeployment::createdAt).reversed()
                .thenComparing(DaemonDeployment::daemonDeploymentArn));
        List<String> keyed = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            keyed.add(String.format("%010d", i));
        }
        Pages.Page<String> p = Pages.page(keyed, k -> k, r.nextToken(), r.maxResults(), 20);
        List<DaemonDeploymentSummary> out = new ArrayList<>();
        for (String k : p.items()) {
            DaemonDeployment dep = all.get(Integer.parseInt(k));
            out.add(DaemonDeploymentSummary.builder().daemonDeploymentArn(dep.daemonDeploymentArn())
                    .daemonArn(r.daemonArn()).clusterArn(dep.clusterArn()).status(dep.status())
                    .statusReason(dep.statusReason()).targetDaemonRevisionArn(dep.targetDaemonRevision() == null
                            ? null : dep.targetDaemonRevision().arn()).createdAt(dep.createdAt())
                    .startedAt(dep.startedAt()).stoppedAt(dep.stoppedAt()).finishedAt(dep.finishedAt()).build());
        }
        return ListDaemonDeploymentsResponse.builder().daemonDeployments(out).nextToken(p.nextToken()).build();
    }

    DescribeDaemonRevisionsResponse describeRevisions(DescribeDaemonRevisionsRequest r) {
        Checks.nonEmpty(r.daemonRevisionArns(), "daemonRevisionArns");
        Checks.maxItems(r.daemonRevisionArns(), MAX_DESCRIBE, "daemonRevisionArns");
        List<DaemonRevision> out = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (String arn : r.daemonRevisionArns()) {
            ctx.state().daemonRevisions.get(arn).ifPresentOrElse(out::add,
                    () -> failures.add(Failure.builder().arn(arn).reason("MISSING").build()));
        }
        return DescribeDaemonRevisionsResponse.builder().daemonRevisions(out).failures(failures).build();
    }
}
