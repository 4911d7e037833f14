package io.stevedore.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.catalog.InstanceRate;
import io.stevedore.catalog.Offering;
import io.stevedore.catalog.PriceBook;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.catalog.Selection;
import io.stevedore.control.fleet.ProviderPolicies;
import io.stevedore.control.state.ContainerInstances;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.InstanceLifecycleState;
import io.stevedore.control.state.InstancePrices;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.ecs.PurchaseOptions;
import io.stevedore.ecs.Statuses;
import io.stevedore.ecs.fargate.FargatePricing;
import io.stevedore.ecs.fargate.FargateProfiles;
import io.stevedore.ecs.fargate.FargateQuote;
import io.stevedore.lifecycle.DrainCause;
import io.stevedore.lifecycle.LifecycleSettings;
import io.stevedore.wire.AwsException;
import io.stevedore.wire.AwsJsonCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.InstanceLaunchTemplate;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * The console's read models: one JSON document per page section, read from the state in one transaction. Lists
 * are paginated ({@code offset}, {@code limit} at most {@link #MAX_PAGE}), so a fleet of thousands of instances is
 * never sent whole. Prices come from the same price book as {@code plan} and {@code simulate}; Fargate's side uses
 * the simulator's rules ({@link FargatePricing}).
 */
final class ConsoleViews {
    static final int MAX_PAGE = 200;
    static final int DEFAULT_PAGE = 50;
    /** The cheapest matching instance types listed per capacity provider. */
    static final int TYPES_SHOWN = 12;
    /** Longest service event message sent to the page (DescribeServices has the whole text). */
    static final int MAX_MESSAGE = 600;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Wire shapes as the API writes them (the SDK's model). */
    private static final AwsJsonCodec CODEC = new AwsJsonCodec();

    private final Backend plane;
    private final PriceBook prices;
    private final Optional<FargatePricing> fargate;
    private final Map<String, FargateQuote> quotes = new ConcurrentHashMap<>();
    private final LifecycleSettings lifecycle = LifecycleSettings.defaults();

    ConsoleViews(Backend plane) {
        this.plane = plane;
        this.prices = PriceBook.load();
        this.fargate = prices.fargate(plane.config().region()).map(FargatePricing::new);
    }

    private EcsState state() {
        return plane.state();
    }

    private <T> T read(java.util.function.Supplier<T> body) {
        return state().db.transaction(body::get);
    }

    // ---------------------------------------------------------------- clusters

    ObjectNode clusters() {
        return read(() -> {
            ObjectNode out = MAPPER.createObjectNode();
            out.put("region", plane.config().region());
            out.put("account", plane.config().accountId());
            out.put("now", plane.clock().now().toString());
            ArrayNode list = out.putArray("clusters");
            List<Cluster> clusters = new ArrayList<>(state().clusters.values());
            clusters.sort(Comparator.comparing(Cluster::clusterName));
            for (Cluster c : clusters) {
                ObjectNode n = list.addObject();
                n.put("name", c.clusterName());
                n.put("arn", c.clusterArn());
                n.put("status", c.status());
                Counts k = counts(c.clusterArn());
                n.put("services", k.services);
                n.put("runningTasks", k.running);
                n.put("pendingTasks", k.pending);
                n.put("instances", k.instances);
                n.put("costPerHour", round(cost(c.clusterArn()).total()));
            }
            return out;
        });
    }

    private record Counts(int services, int running, int pending, int instances, int draining) {
    }

    private Counts counts(String clusterArn) {
        int services = 0;
        for (Service s : state().services.values()) {
            if (clusterArn.equals(s.clusterArn()) && "ACTIVE".equals(s.status())) {
                services++;
            }
        }
        int running = 0;
        int pending = 0;
        for (Task t : state().tasksByDesiredStatus.values(EcsState.desiredKey(clusterArn, Statuses.TASK_RUNNING))) {
            if (Statuses.TASK_RUNNING.equals(t.lastStatus())) {
                running++;
            } else if (!Statuses.isStopped(t.lastStatus())) {
                pending++;
            }
        }
        int instances = 0;
        int draining = 0;
        for (ManagedInstance mi : state().instances.values()) {
            if (clusterArn.equals(mi.clusterArn())) {
                instances++;
                ContainerInstance ci = containerInstance(mi);
                if (ci != null && "DRAINING".equals(ci.status())) {
                    draining++;
                }
            }
        }
        return new Counts(services, running, pending, instances, draining);
    }

    // ---------------------------------------------------------------- one cluster

    ObjectNode cluster(String name) {
        return read(() -> {
            Cluster c = clusterNamed(name);
            ObjectNode out = MAPPER.createObjectNode();
            out.put("name", c.clusterName());
            out.put("arn", c.clusterArn());
            out.put("status", c.status());
            out.put("region", plane.config().region());
            out.put("now", plane.clock().now().toString());
            Counts k = counts(c.clusterArn());
            ObjectNode counts = out.putObject("counts");
            counts.put("services", k.services);
            counts.put("runningTasks", k.running);
            counts.put("pendingTasks", k.pending);
            counts.put("instances", k.instances);
            counts.put("drainingInstances", k.draining);
            ArrayNode strategy = out.putArray("defaultStrategy");
            for (CapacityProviderStrategyItem i : c.defaultCapacityProviderStrategy()) {
                strategy.addObject().put("capacityProvider", i.capacityProvider())
                        .put("weight", i.weight() == null ? 0 : i.weight()).put("base", i.base() == null ? 0 : i.base());
            }
            ArrayNode providers = out.putArray("capacityProviders");
            for (String p : c.capacityProviders()) {
                providers.add(provider(p));
            }
            for (CapacityProvider p : state().capacityProviders.values()) {
                if (c.clusterName().equals(p.cluster()) && !c.capacityProviders().contains(p.name())) {
                    providers.add(provider(p.name()));
                }
            }
            Cost cost = cost(c.clusterArn());
            ObjectNode co = out.putObject("cost");
            co.put("ec2PerHour", round(cost.ec2));
            co.put("managementFeePerHour", round(cost.fees));
            co.put("totalPerHour", round(cost.total()));
            co.put("fargatePerHour", round(cost.fargate));
            co.put("fargateTasks", cost.fargateTasks);
            co.put("tasksPriced", cost.tasks);
            ArrayNode unrunnable = co.putArray("fargateCannotRun");
            cost.unrunnable.forEach((reason, n) -> unrunnable.addObject().put("reason", reason).put("tasks", n));
            ArrayNode fleet = out.putArray("fleet");
            cost.fleet.forEach((type, g) -> fleet.addObject().put("instanceType", type).put("count", g.count)
                    .put("perHour", round(g.perHour)));
            return out;
        });
    }

    private Cluster clusterNamed(String name) {
        if (name == null || name.isBlank()) {
            throw new AwsException("InvalidParameterException", 400, "cluster is required");
        }
        for (Cluster c : state().clusters.values()) {
            if (c.clusterName().equals(name) || c.clusterArn().equals(name)) {
                return c;
            }
        }
        throw new AwsException("ClusterNotFoundException", 400, "Cluster not found: " + name);
    }

    private ObjectNode provider(String name) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("name", name);
        Optional<CapacityProvider> found = state().capacityProviders.get(name);
        if (found.isEmpty()) {
            n.put("type", name.startsWith("FARGATE") ? "FARGATE" : "UNKNOWN");
            return n;
        }
        CapacityProvider p = found.get();
        n.put("status", p.statusAsString());
        n.put("type", p.typeAsString());
        if (p.managedInstancesProvider() == null) {
            return n;
        }
        InstanceLaunchTemplate t = p.managedInstancesProvider().instanceLaunchTemplate();
        PurchaseOption option = PurchaseOptions.of(p);
        n.put("capacityOptionType", option == PurchaseOption.SPOT ? "SPOT" : "ON_DEMAND");
        if (t != null && t.instanceRequirements() != null) {
            n.set("instanceRequirements", CODEC.write(t.instanceRequirements()));
        } else {
            n.put("instanceRequirements", "none: the default general-purpose types");
        }
        Selection s = plane.offerings().select(t == null ? null : t.instanceRequirements(), plane.config().region(),
                option);
        ObjectNode types = n.putObject("instanceTypes");
        types.put("count", s.offerings().size());
        ArrayNode cheapest = types.putArray("cheapest");
        s.offerings().stream().sorted(PriceBook.CHEAPEST_FIRST).limit(TYPES_SHOWN).forEach(o -> cheapest.add(type(o)));
        return n;
    }

    private static ObjectNode type(Offering o) {
        return MAPPER.createObjectNode().put("instanceType", o.type().name()).put("vcpus", o.type().vcpus())
                .put("memoryMiB", o.type().memoryMiB())
                .put("architectures", String.join(",", o.type().architectures().stream().map(Enum::name).sorted()
                        .toList()))
                .put("pricePerHour", round(o.pricePerHour())).put("feePerHour", round(o.feePerHour()))
                .put("perHour", round(o.effectivePerHour()));
    }

    // ---------------------------------------------------------------- cost now

    private static final class Group {
        int count;
        double perHour;
    }

    /** The cluster's hourly bill now: the managed fleet (EC2 + fee) and what its running tasks would cost on Fargate. */
    private record Cost(double ec2, double fees, double fargate, int tasks, int fargateTasks,
                        Map<String, Integer> unrunnable, Map<String, Group> fleet) {
        double total() {
            return ec2 + fees;
        }
    }

    private Cost cost(String clusterArn) {
        double ec2 = 0;
        double fees = 0;
        Map<String, Group> fleet = new TreeMap<>();
        String region = plane.config().region();
        for (ManagedInstance mi : state().instances.values()) {
            if (!clusterArn.equals(mi.clusterArn())) {
                continue;
            }
            Optional<InstanceRate> rate = InstancePrices.rate(state(), prices, region, mi);
            double price = rate.map(InstanceRate::ec2PerHour).orElse(0.0);
            double fee = rate.map(InstanceRate::feePerHour).orElse(0.0);
            ec2 += price;
            fees += fee;
            Group g = fleet.computeIfAbsent(mi.instanceType(), k -> new Group());
            g.count++;
            g.perHour += price + fee;
        }
        double onFargate = 0;
        int tasks = 0;
        int runs = 0;
        Map<String, Integer> unrunnable = new TreeMap<>();
        for (Task t : state().tasksByDesiredStatus.values(EcsState.desiredKey(clusterArn, Statuses.TASK_RUNNING))) {
            if (!Statuses.TASK_RUNNING.equals(t.lastStatus()) || "FARGATE".equals(t.launchTypeAsString())) {
                continue;
            }
            tasks++;
            boolean spot = t.capacityProviderName() != null && PurchaseOptions.of(state().capacityProviders
                    .get(t.capacityProviderName()).orElse(null)) == PurchaseOption.SPOT;
            FargateQuote q = quote(t.taskDefinitionArn(), spot);
            if (q instanceof FargateQuote.Runs r) {
                onFargate += r.perHour();
                runs++;
            } else if (q instanceof FargateQuote.Unrunnable u) {
                unrunnable.merge(u.reason(), 1, Integer::sum);
            }
        }
        return new Cost(ec2, fees, onFargate, tasks, runs, unrunnable, fleet);
    }

    /**
     * Fargate's quote for a task definition (Fargate Spot for a task of a Spot provider, as {@code simulate} prices
     * it), cached by the definition's ARN and registration time (a reset re-registers the same ARN).
     */
    private FargateQuote quote(String taskDefinitionArn, boolean spot) {
        Optional<TaskDefinition> td = state().taskDefinitions.get(taskDefinitionArn);
        if (td.isEmpty()) {
            return new FargateQuote.Unrunnable("task definition not found");
        }
        if (fargate.isEmpty()) {
            return new FargateQuote.Unrunnable("no Fargate price for " + plane.config().region());
        }
        String key = taskDefinitionArn + "@" + td.get().registeredAt() + (spot ? "/spot" : "");
        FargateQuote cached = quotes.get(key);
        if (cached != null) {
            return cached;
        }
        FargateQuote q;
        try {
            q = fargate.get().quote(FargateProfiles.of(td.get()), spot);
        } catch (AwsException | IllegalArgumentException e) { // sizes only a RunTask override completes
            q = new FargateQuote.Unrunnable("its size is not in the task definition: " + e.getMessage());
        }
        if (quotes.size() >= 10_000) {
            quotes.clear();
        }
        quotes.put(key, q);
        return q;
    }

    // ---------------------------------------------------------------- services

    ObjectNode services(String cluster, int offset, int limit) {
        return read(() -> {
            Cluster c = clusterNamed(cluster);
            List<Service> all = new ArrayList<>();
            for (Service s : state().services.values()) {
                if (c.clusterArn().equals(s.clusterArn()) && !"INACTIVE".equals(s.status())) {
                    all.add(s);
                }
            }
            all.sort(Comparator.comparing(Service::serviceName));
            ObjectNode out = page(all.size(), offset, limit);
            ArrayNode items = out.putArray("items");
            for (Service s : slice(all, offset, limit)) {
                ObjectNode n = items.addObject();
                n.put("name", s.serviceName());
                n.put("arn", s.serviceArn());
                n.put("status", s.status());
                n.put("desiredCount", s.desiredCount());
                n.put("runningCount", s.runningCount());
                n.put("pendingCount", s.pendingCount());
                n.put("taskDefinition", shortArn(s.taskDefinition()));
                ArrayNode deployments = n.putArray("deployments");
                for (Deployment d : s.deployments()) {
                    ObjectNode dn = deployments.addObject();
                    dn.put("id", d.id());
                    dn.put("status", d.status());
                    dn.put("rolloutState", d.rolloutStateAsString());
                    dn.put("rolloutStateReason", d.rolloutStateReason());
                    dn.put("taskDefinition", shortArn(d.taskDefinition()));
                    dn.put("desiredCount", d.desiredCount());
                    dn.put("runningCount", d.runningCount());
                    dn.put("pendingCount", d.pendingCount());
                    dn.put("failedTasks", d.failedTasks());
                }
                ArrayNode events = n.putArray("events");
                for (ServiceEvent e : state().withEvents(s).events().stream().limit(5).toList()) {
                    ObjectNode en = events.addObject().put("message", clip(e.message()));
                    if (e.createdAt() != null) {
                        en.put("at", e.createdAt().toString());
                    }
                }
            }
            return out;
        });
    }

    // ---------------------------------------------------------------- tasks

    /** {@code status}: RUNNING, PENDING (every state before RUNNING), STOPPED or ALL. */
    ObjectNode tasks(String cluster, String status, String service, int offset, int limit) {
        String filter = status == null || status.isBlank() ? "ALL" : status;
        if (!List.of("ALL", "RUNNING", "PENDING", "STOPPED").contains(filter)) {
            throw new AwsException("InvalidParameterException", 400,
                    "status must be ALL, RUNNING, PENDING or STOPPED, got " + status);
        }
        return read(() -> {
            Cluster c = clusterNamed(cluster);
            String group = service == null || service.isBlank() ? null : "service:" + service;
            List<Task> all = new ArrayList<>();
            List<Task> candidates = group != null
                    ? state().tasksByGroup.values(EcsState.groupKey(c.clusterArn(), group))
                    : state().tasks.values(t -> c.clusterArn().equals(t.clusterArn()));
            for (Task t : candidates) {
                if (matches(filter, t)) {
                    all.add(t);
                }
            }
            all.sort(Comparator.comparingInt((Task t) -> statusRank(t.lastStatus()))
                    .thenComparing(t -> t.createdAt() == null ? Instant.EPOCH : t.createdAt(), Comparator.reverseOrder())
                    .thenComparing(Task::taskArn));
            ObjectNode out = page(all.size(), offset, limit);
            ArrayNode items = out.putArray("items");
            for (Task t : slice(all, offset, limit)) {
                items.add(task(t));
            }
            return out;
        });
    }

    private static boolean matches(String filter, Task t) {
        return switch (filter) {
            case "RUNNING" -> Statuses.TASK_RUNNING.equals(t.lastStatus());
            case "STOPPED" -> Statuses.isStopped(t.lastStatus());
            case "PENDING" -> !Statuses.TASK_RUNNING.equals(t.lastStatus()) && !Statuses.isStopped(t.lastStatus())
                    && Statuses.TASK_RUNNING.equals(t.desiredStatus());
            default -> true;
        };
    }

    private static int statusRank(String lastStatus) {
        return switch (String.valueOf(lastStatus)) {
            case "PROVISIONING", "PENDING", "ACTIVATING" -> 0;
            case "RUNNING" -> 1;
            case "STOPPED" -> 3;
            default -> 2;
        };
    }

    private ObjectNode task(Task t) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", t.taskArn().substring(t.taskArn().lastIndexOf('/') + 1));
        n.put("arn", t.taskArn());
        n.put("lastStatus", t.lastStatus());
        n.put("desiredStatus", t.desiredStatus());
        n.put("group", t.group());
        n.put("taskDefinition", shortArn(t.taskDefinitionArn()));
        n.put("capacityProvider", t.capacityProviderName());
        n.put("availabilityZone", t.availabilityZone());
        if (t.createdAt() != null) {
            n.put("createdAt", t.createdAt().toString());
        }
        if (t.startedAt() != null && t.createdAt() != null) {
            n.put("startLatencySeconds", Duration.between(t.createdAt(), t.startedAt()).toMillis() / 1000.0);
        }
        if (t.stoppedReason() != null) {
            n.put("stoppedReason", t.stoppedReason());
        }
        String address = null;
        for (var a : t.attachments()) {
            for (KeyValuePair kv : a.details()) {
                if ("privateIPv4Address".equals(kv.name())) {
                    address = kv.value();
                }
            }
        }
        n.put("address", address);
        Optional<TaskRuntime> rt = state().runtimes.get(t.taskArn());
        String instanceId = rt.map(TaskRuntime::instanceId).orElse(null);
        n.put("instanceId", instanceId);
        if (instanceId != null) {
            state().instances.get(instanceId).ifPresent(mi -> n.put("instanceType", mi.instanceType()));
        }
        if (!Statuses.TASK_RUNNING.equals(t.lastStatus()) && !Statuses.isStopped(t.lastStatus())
                && rt.isPresent()) {
            n.put("explanation", explain(t, rt.get()));
        }
        return n;
    }

    /** Why a task is not RUNNING yet: the engine's phase, and for unplaced tasks the scheduler's own reason. */
    private String explain(Task t, TaskRuntime rt) {
        return switch (rt.phase()) {
            case UNPLACED -> {
                String reason = unplacedReason(t);
                yield reason != null ? "Not placed: " + reason
                        : "Waiting for the scheduler: it is placed on a registered instance with room, or new capacity"
                        + " is launched for it, on the next pass.";
            }
            case WAIT_INSTANCE -> {
                Optional<ManagedInstance> mi = state().instances.get(rt.instanceId());
                yield "Placed on " + rt.instanceId() + mi.map(m -> " (" + m.instanceType() + ")").orElse("")
                        + ", a new instance still booting: the task starts once the instance registers with the"
                        + " cluster.";
            }
            case ATTACH_ENI -> "Attaching the task's network interface (awsvpc) on " + rt.instanceId() + ".";
            case PULL -> "Pulling image " + rt.image() + " on " + rt.instanceId()
                    + (rt.cold() ? " (not cached on the instance: a full pull)." : " (cached on the instance).");
            case ACTIVATE -> "Starting its containers on " + rt.instanceId() + ".";
            default -> "In phase " + rt.phase().name().toLowerCase() + ".";
        };
    }

    /** The latest "unable to place" event of the task's service (the scheduler's reason), or null. */
    private String unplacedReason(Task t) {
        if (t.group() == null || !t.group().startsWith("service:")) {
            return null;
        }
        String arn = plane.config().arnPrefix() + "service/" + Context.clusterName(t.clusterArn()) + "/"
                + t.group().substring("service:".length()); // the services table's key, as ServiceOps builds it
        Service s = state().services.get(arn).orElse(null);
        if (s == null) {
            return null;
        }
        for (ServiceEvent e : state().withEvents(s).events().stream().limit(10).toList()) {
            if (t.createdAt() != null && e.createdAt() != null && e.createdAt().isBefore(t.createdAt())) {
                break; // newest first: the rest are older than the task
            }
            int at = e.message().indexOf("was unable to place a task");
            if (at >= 0) {
                return e.message().substring(at);
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- container instances

    /** {@code status}: ALL, ACTIVE, DRAINING or BOOTING (launched, not yet registered). */
    ObjectNode instances(String cluster, String status, int offset, int limit) {
        String filter = status == null || status.isBlank() ? "ALL" : status;
        if (!List.of("ALL", "ACTIVE", "DRAINING", "BOOTING").contains(filter)) {
            throw new AwsException("InvalidParameterException", 400,
                    "status must be ALL, ACTIVE, DRAINING or BOOTING, got " + status);
        }
        return read(() -> {
            Cluster c = clusterNamed(cluster);
            List<Row> all = new ArrayList<>();
            for (ManagedInstance mi : state().instances.values()) {
                if (c.clusterArn().equals(mi.clusterArn())) {
                    Row r = new Row(mi, containerInstance(mi));
                    if ("ALL".equals(filter) || filter.equals(r.status())) {
                        all.add(r);
                    }
                }
            }
            all.sort(Comparator.comparing((Row r) -> r.mi().instanceType()).thenComparing((Row r) -> r.mi().instanceId()));
            ObjectNode out = page(all.size(), offset, limit);
            ArrayNode items = out.putArray("items");
            long now = plane.clock().now().toEpochMilli();
            for (Row r : slice(all, offset, limit)) {
                items.add(instance(r.mi(), r.ci(), now));
            }
            return out;
        });
    }

    private record Row(ManagedInstance mi, ContainerInstance ci) {
        String status() {
            return ci == null ? "BOOTING" : ci.status();
        }
    }

    private ContainerInstance containerInstance(ManagedInstance mi) {
        return mi.containerInstanceArn() == null ? null
                : state().containerInstances.get(mi.containerInstanceArn()).orElse(null);
    }

    private ObjectNode instance(ManagedInstance mi, ContainerInstance ci, long now) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("ec2InstanceId", mi.instanceId());
        n.put("instanceType", mi.instanceType());
        n.put("capacityProvider", mi.capacityProvider());
        n.put("status", ci == null ? "BOOTING" : ci.status());
        int tasks = state().runtimesByInstance.count(mi.instanceId());
        n.put("tasks", tasks);
        if (ci != null) {
            n.put("containerInstanceArn", ci.containerInstanceArn());
            n.put("availabilityZone", attribute(ci, "ecs.availability-zone"));
            if (ci.registeredAt() != null) {
                n.put("registeredAt", ci.registeredAt().toString());
                n.put("ageSeconds", Math.max(0, (now - ci.registeredAt().toEpochMilli()) / 1000));
            }
            ContainerInstances.Reserved held = ContainerInstances.reserved(state(), ci.containerInstanceArn());
            n.put("cpuRegistered", resource(ci.registeredResources(), "CPU"));
            n.put("cpuUsed", held.resources().cpu());
            n.put("memoryRegistered", resource(ci.registeredResources(), "MEMORY"));
            n.put("memoryUsed", held.resources().memoryMiB());
            n.put("agentConnected", Boolean.TRUE.equals(ci.agentConnected()));
        }
        ObjectNode life = n.putObject("lifecycle");
        InstanceLifecycleState ls = state().instanceLifecycle.get(mi.instanceId()).orElse(null);
        if (ls != null && ls.drainCause() != null) {
            life.put("state", "DRAINING");
            life.put("reason", drainReason(ls.drainCause()));
            if (ls.drainDeadlineMillis() > 0 && ls.drainDeadlineMillis() < Long.MAX_VALUE) { // a user's drain has none
                life.put("deadline", Instant.ofEpochMilli(ls.drainDeadlineMillis()).toString());
            }
        } else if (ci == null) {
            life.put("state", "BOOTING");
            life.put("reason", "launched; registers with the cluster once booted");
        } else if ("DRAINING".equals(ci.status())) {
            life.put("state", "DRAINING");
            life.put("reason", drainReason(DrainCause.USER.name()));
        } else if (tasks == 0 && mi.idleSinceMillis() >= 0) {
            life.put("state", "IDLE");
            long after = state().capacityProviders.get(mi.capacityProvider()).map(p -> ProviderPolicies
                    .scaleInAfterMillis(p, plane.timings().defaultScaleInAfter(), plane.config().speed())).orElse(-1L);
            life.put("reason", "no tasks since " + Instant.ofEpochMilli(mi.idleSinceMillis()) + (after < 0
                    ? " (the provider never scales in)" : ": idle scale-in"));
            if (after >= 0) {
                life.put("deadline", Instant.ofEpochMilli(mi.idleSinceMillis() + after).toString());
            }
        } else {
            life.put("state", "IN_USE");
            life.put("reason", tasks + (tasks == 1 ? " task" : " tasks"));
        }
        if (ls != null && ls.spotNoticeMillis() >= 0) {
            life.put("spotNotice", Instant.ofEpochMilli(ls.spotNoticeMillis()).toString());
        }
        if (ls != null && ls.impairedReported()) {
            life.put("impaired", "IMPAIRED (auto repair disabled on the provider)");
        }
        if (ci != null && ci.registeredAt() != null) {
            life.put("replacementFrom", ci.registeredAt().plus(lifecycle.drainAfter()).toString());
            life.put("replacementDeadline", ci.registeredAt().plus(lifecycle.maxLifetime()).toString());
        }
        return n;
    }

    static String drainReason(String cause) {
        DrainCause c;
        try {
            c = DrainCause.valueOf(cause);
        } catch (IllegalArgumentException e) {
            return cause;
        }
        return switch (c) {
            case USER -> "drained by a user (UpdateContainerInstancesState DRAINING)";
            case UNDERUTILIZED -> "compaction: its tasks fit on fewer instances";
            case REPLACEMENT -> "consolidation: a cheaper set of instances takes its tasks";
            case MAX_LIFETIME -> "maximum-lifetime replacement (patching)";
            case REPAIR -> "auto repair of an impaired instance";
            case SPOT_INTERRUPTION -> "Spot interruption notice";
            case DAEMON_DEPLOYMENT -> "daemon deployment: replaced by an instance running the daemon's revision";
        };
    }

    private static String attribute(ContainerInstance ci, String name) {
        for (Attribute a : ci.attributes()) {
            if (name.equals(a.name())) {
                return a.value();
            }
        }
        return null;
    }

    private static long resource(List<Resource> resources, String name) {
        for (Resource r : resources) {
            if (name.equals(r.name()) && r.integerValue() != null) {
                return r.integerValue();
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A page's header. An offset past the end (the list shrank under the page a person was on) is moved to the last
     * page; the answer's {@code offset} says where the page starts.
     */
    private static ObjectNode page(int total, int offset, int limit) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("total", total);
        out.put("offset", clamp(total, offset, limit));
        out.put("limit", limit);
        return out;
    }

    static int clamp(int total, int offset, int limit) {
        return offset < total ? offset : total == 0 ? 0 : (total - 1) / limit * limit;
    }

    private static <T> List<T> slice(List<T> all, int offset, int limit) {
        int from = clamp(all.size(), offset, limit);
        return all.subList(from, Math.min(all.size(), from + limit));
    }

    /** A service event as the page shows it: messages that list thousands of task ids are cut. */
    static String clip(String message) {
        return message == null || message.length() <= MAX_MESSAGE ? message
                : message.substring(0, MAX_MESSAGE) + "… (" + (message.length() - MAX_MESSAGE) + " more characters)";
    }

    static String shortArn(String arn) {
        return arn == null ? null : arn.substring(arn.lastIndexOf('/') + 1);
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
