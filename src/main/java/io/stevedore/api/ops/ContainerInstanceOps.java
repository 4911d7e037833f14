package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.api.EcsApi;
import io.stevedore.api.Pages;
import io.stevedore.catalog.InstanceType;
import io.stevedore.control.Reconciler;
import io.stevedore.control.state.ContainerInstances;
import io.stevedore.control.state.Context;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.Statuses;
import io.stevedore.placement.InstanceReservation;
import io.stevedore.placement.Resources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceStatus;
import software.amazon.awssdk.services.ecs.model.DeleteAttributesRequest;
import software.amazon.awssdk.services.ecs.model.DeleteAttributesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeContainerInstancesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeContainerInstancesResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.ListAttributesRequest;
import software.amazon.awssdk.services.ecs.model.ListAttributesResponse;
import software.amazon.awssdk.services.ecs.model.ListContainerInstancesRequest;
import software.amazon.awssdk.services.ecs.model.ListContainerInstancesResponse;
import software.amazon.awssdk.services.ecs.model.PutAttributesRequest;
import software.amazon.awssdk.services.ecs.model.PutAttributesResponse;
import software.amazon.awssdk.services.ecs.model.UpdateContainerInstancesStateRequest;
import software.amazon.awssdk.services.ecs.model.UpdateContainerInstancesStateResponse;

/**
 * DescribeContainerInstances, ListContainerInstances, UpdateContainerInstancesState, PutAttributes,
 * ListAttributes, DeleteAttributes.
 */
public final class ContainerInstanceOps {
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-/]{0,127}");

    private final Context ctx;

    public ContainerInstanceOps(Context ctx, Reconciler reconciler) {
        this.ctx = ctx;
    }

    public void register(EcsApi api) {
        api.register("DescribeContainerInstances", DescribeContainerInstancesRequest::builder,
                DescribeContainerInstancesRequest.class, this::describe);
        api.register("ListContainerInstances", ListContainerInstancesRequest::builder,
                ListContainerInstancesRequest.class, this::list);
        api.register("UpdateContainerInstancesState", UpdateContainerInstancesStateRequest::builder,
                UpdateContainerInstancesStateRequest.class, this::updateState);
        api.register("PutAttributes", PutAttributesRequest::builder, PutAttributesRequest.class, this::putAttributes);
        api.register("ListAttributes", ListAttributesRequest::builder, ListAttributesRequest.class,
                this::listAttributes);
        api.register("DeleteAttributes", DeleteAttributesRequest::builder, DeleteAttributesRequest.class,
                this::deleteAttributes);
    }

    private String arn(Cluster c, String ref) {
        require(ref != null && !ref.isEmpty(), "containerInstance must not be blank.");
        return ref.startsWith("arn:") ? ref : ctx.arn("container-instance/" + c.clusterName() + "/" + ref);
    }

    private Optional<ContainerInstance> find(Cluster c, String ref) {
        String a = arn(c, ref);
        return ctx.state().containerInstances.get(a)
                .filter(ci -> c.clusterArn().equals(ClusterOps.clusterOf(ci.containerInstanceArn())));
    }

    /** The live view: remaining resources and task counts from the tasks on the instance. */
    ContainerInstance view(ContainerInstance ci, boolean tags, boolean health) {
        ContainerInstances.Reserved held = ContainerInstances.reserved(ctx.state(), ci.containerInstanceArn());
        String type = ci.attributes().stream().filter(a -> "ecs.instance-type".equals(a.name()))
                .map(Attribute::value).findFirst().orElse(null);
        Optional<InstanceType> it = type == null ? Optional.empty() : ctx.catalog().find(type);
        // an instance an agent registered without an identity document has no type: its own totalResources
        Resources registered = it.map(InstanceReservation::registered).orElseGet(() ->
                ContainerInstances.registered(ci));
        ContainerInstance.Builder b = ci.toBuilder()
                .runningTasksCount(held.running()).pendingTasksCount(held.starting())
                .remainingResources(ContainerInstances.resources(registered.minus(held.resources()),
                        held.hostPorts()));
        if (tags) {
            b.tags(TagOps.sdkTags(ctx, ci.containerInstanceArn()));
        }
        if (!health) {
            b.healthStatus((software.amazon.awssdk.services.ecs.model.ContainerInstanceHealthStatus) null);
        }
        return b.build();
    }

    DescribeContainerInstancesResponse describe(DescribeContainerInstancesRequest r) {
        Cluster c = ctx.cluster(r.cluster());
        // ECS's wording (an SDK v2 stack trace quoted in gchq/sleeper issue 3387).
        require(r.hasContainerInstances() && !r.containerInstances().isEmpty(),
                "Container instance cannot be empty.");
        Checks.maxItems(r.containerInstances(), 100, "containerInstances");
        List<String> include = r.includeAsStrings() == null ? List.of() : r.includeAsStrings();
        List<ContainerInstance> found = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (String ref : new LinkedHashSet<>(r.containerInstances())) {
            Optional<ContainerInstance> ci = find(c, ref);
            if (ci.isPresent()) {
                found.add(view(ci.get(), include.contains("TAGS"), include.contains("CONTAINER_INSTANCE_HEALTH")));
            } else {
                failures.add(Failure.builder().arn(arn(c, ref)).reason("MISSING").build());
            }
        }
        return DescribeContainerInstancesResponse.builder().containerInstances(found).failures(failures).build();
    }

    private static Map<String, String> attributeMap(ContainerInstance ci) {
        Map<String, String> m = new HashMap<>();
        for (Attribute a : ci.attributes()) {
            m.put(a.name(), a.value() == null ? "" : a.value());
        }
        m.put("ecs.ec2-instance-id", ci.ec2InstanceId());
        return m;
    }

    ListContainerInstancesResponse list(ListContainerInstancesRequest r) {
        Cluster c = ctx.cluster(r.cluster());
        Predicate<Map<String, String>> filter = FilterExpression.parse(r.filter());
        String status = r.statusAsString();
        List<String> arns = ctx.state().containerInstances.values(ci ->
                        c.clusterArn().equals(ClusterOps.clusterOf(ci.containerInstanceArn()))
                                && (status == null ? Statuses.isRegistered(ci.status())
                                : status.equals(ci.status()))
                                && filter.test(attributeMap(ci)))
                .stream().map(ContainerInstance::containerInstanceArn).toList();
        Pages.Page<String> p = Pages.page(arns, a -> a, r.nextToken(), r.maxResults(), 100);
        return ListContainerInstancesResponse.builder().containerInstanceArns(p.items()).nextToken(p.nextToken())
                .build();
    }

    UpdateContainerInstancesStateResponse updateState(UpdateContainerInstancesStateRequest r) {
        Cluster c = ctx.cluster(r.cluster());
        require(r.hasContainerInstances() && !r.containerInstances().isEmpty(),
                "ContainerInstances cannot be empty.");
        Checks.maxItems(r.containerInstances(), 10, "containerInstances");
        String status = r.statusAsString();
        require(r.status() == ContainerInstanceStatus.ACTIVE || r.status() == ContainerInstanceStatus.DRAINING,
                "Container instances status can only be updated to ACTIVE or DRAINING.");
        List<ContainerInstance> done = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (String ref : r.containerInstances()) {
            Optional<ContainerInstance> ci = find(c, ref);
            if (ci.isEmpty() || Statuses.INSTANCE_INACTIVE.equals(ci.get().status())) {
                failures.add(Failure.builder().arn(arn(c, ref)).reason("MISSING").build());
                continue;
            }
            ContainerInstance u = ci.get().toBuilder().status(status).version(ci.get().version() + 1).build();
            ctx.state().containerInstances.put(u.containerInstanceArn(), u);
            done.add(view(u, false, false));
        }
        return UpdateContainerInstancesStateResponse.builder().containerInstances(done).failures(failures).build();
    }

    private ContainerInstance target(Cluster c, Attribute a) {
        require(a.targetType() == null || "container-instance".equals(a.targetTypeAsString()),
                "targetType must be container-instance.");
        require(a.targetId() != null && !a.targetId().isEmpty(), "attribute targetId must be specified.");
        return find(c, a.targetId()).orElseThrow(() -> Errors.of("TargetNotFoundException",
                "Could not find target " + a.targetId() + "."));
    }

    PutAttributesResponse putAttributes(PutAttributesRequest r) {
        Cluster c = ctx.cluster(r.cluster());
        require(r.hasAttributes() && !r.attributes().isEmpty(), "attributes must not be empty.");
        Checks.maxItems(r.attributes(), 10, "attributes");
        for (Attribute a : r.attributes()) {
            require(a != null && a.name() != null && ATTRIBUTE_NAME.matcher(a.name()).matches(),
                    "Attribute name is invalid: up to 128 letters, numbers, hyphens, underscores, periods, and"
                            + " slashes.");
            require(!a.name().startsWith("ecs."), "Attribute names starting with 'ecs.' are reserved.");
            require(a.value() == null || a.value().length() <= 128, "Attribute value must be at most 128"
                    + " characters.");
            ContainerInstance ci = target(c, a);
            List<Attribute> attrs = new ArrayList<>(ci.attributes().stream()
                    .filter(x -> !x.name().equals(a.name())).toList());
            attrs.add(Attribute.builder().name(a.name()).value(a.value()).build());
            ctx.state().containerInstances.put(ci.containerInstanceArn(), ci.toBuilder().attributes(attrs).build());
        }
        return PutAttributesResponse.builder().attributes(r.attributes()).build();
    }

    DeleteAttributesResponse deleteAttributes(DeleteAttributesRequest r) {
        Cluster c = ctx.cluster(r.cluster());
        require(r.hasAttributes() && !r.attributes().isEmpty(), "attributes must not be empty.");
        for (Attribute a : r.attributes()) {
            require(a != null && a.name() != null, "Attribute name must be specified.");
            require(!a.name().startsWith("ecs."), "Attribute names starting with 'ecs.' are reserved.");
            ContainerInstance ci = target(c, a);
            List<Attribute> attrs = ci.attributes().stream().filter(x -> !x.name().equals(a.name())).toList();
            ctx.state().containerInstances.put(ci.containerInstanceArn(), ci.toBuilder().attributes(attrs).build());
        }
        return DeleteAttributesResponse.builder().attributes(r.attributes()).build();
    }

    ListAttributesResponse listAttributes(ListAttributesRequest r) {
        Cluster c = ctx.cluster(r.cluster());
        require("container-instance".equals(r.targetTypeAsString()), "targetType must be container-instance.");
        require(r.attributeValue() == null || r.attributeName() != null,
                "attributeName must be specified with attributeValue.");
        List<Attribute> out = new ArrayList<>();
        for (ContainerInstance ci : ctx.state().containerInstances.values(ci ->
                c.clusterArn().equals(ClusterOps.clusterOf(ci.containerInstanceArn()))
                        && !Statuses.INSTANCE_INACTIVE.equals(ci.status()))) {
            for (Attribute a : ci.attributes()) {
                if ((r.attributeName() == null || r.attributeName().equals(a.name()))
                        && (r.attributeValue() == null || r.attributeValue().equals(a.value()))) {
                    out.add(a.toBuilder().targetType("container-instance").targetId(ci.containerInstanceArn())
                            .build());
                }
            }
        }
        Pages.Page<Attribute> p = Pages.page(out, a -> a.targetId() + "\u0000" + a.name(), r.nextToken(),
                r.maxResults(), 100);
        return ListAttributesResponse.builder().attributes(p.items()).nextToken(p.nextToken()).build();
    }
}
