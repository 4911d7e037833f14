package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.api.EcsApi;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.EcsState;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.ServiceQuota;
import io.stevedore.ecs.Statuses;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.ListTagsForResourceRequest;
import software.amazon.awssdk.services.ecs.model.ListTagsForResourceResponse;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TagResourceRequest;
import software.amazon.awssdk.services.ecs.model.TagResourceResponse;
import software.amazon.awssdk.services.ecs.model.UntagResourceRequest;
import software.amazon.awssdk.services.ecs.model.UntagResourceResponse;

/** TagResource, UntagResource, ListTagsForResource, and the tag store every resource uses. */
public final class TagOps {
    private final Context ctx;

    public TagOps(Context ctx) {
        this.ctx = ctx;
    }

    public void register(EcsApi api) {
        api.register("TagResource", TagResourceRequest::builder, TagResourceRequest.class, this::tag);
        api.register("UntagResource", UntagResourceRequest::builder, UntagResourceRequest.class, this::untag);
        api.register("ListTagsForResource", ListTagsForResourceRequest::builder, ListTagsForResourceRequest.class,
                this::list);
    }

    static void setTags(Context ctx, String arn, List<Tag> tags) {
        if (tags == null || tags.isEmpty()) {
            return;
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Tag t : tags) {
            m.put(t.key(), t.value() == null ? "" : t.value());
        }
        ctx.state().tags.put(arn, new EcsState.TagSet(arn, m));
    }

    static List<Tag> sdkTags(Context ctx, String arn) {
        List<Tag> out = new ArrayList<>();
        ctx.state().tagsOf(arn).forEach((k, v) -> out.add(Tag.builder().key(k).value(v).build()));
        return out;
    }

    /** Whether an ARN names an existing (not deleted) resource. */
    private boolean exists(String arn) {
        EcsState s = ctx.state();
        if (arn.contains(":cluster/")) {
            return s.clusters.get(arn).filter(c -> Statuses.CLUSTER_ACTIVE.equals(c.status())).isPresent();
        } else if (arn.contains(":service/")) {
            return s.services.contains(arn);
        } else if (arn.contains(":task/")) {
            return s.tasks.contains(arn);
        } else if (arn.contains(":task-definition/")) {
            return s.taskDefinitions.contains(arn);
        } else if (arn.contains(":daemon-task-definition/")) {
            return s.daemonTaskDefinitions.contains(arn);
        } else if (arn.contains(":daemon/")) {
            return s.daemons.contains(arn);
        } else if (arn.contains(":task-set/")) { // task-set/CLUSTER/SERVICE/ecs-svc/ID, kept on its service
            String[] p = arn.substring(arn.indexOf(":task-set/") + ":task-set/".length()).split("/", 3);
            return p.length == 3 && s.services.get(ctx.arn("service/" + p[0] + "/" + p[1]))
                    .filter(x -> x.taskSets().stream().anyMatch(ts -> arn.equals(ts.taskSetArn()))).isPresent();
        } else if (arn.contains(":container-instance/")) {
            return s.containerInstances.contains(arn);
        } else if (arn.contains(":capacity-provider/")) {
            return s.capacityProviders.get(CapacityProviderStrategies.providerName(arn))
                    .filter(p -> arn.equals(p.capacityProviderArn())).isPresent();
        }
        return false;
    }

    private String resource(String arn) {
        require(arn != null && !arn.isEmpty(), "resourceArn must be specified.");
        if (!arn.startsWith(ctx.config().arnPrefix())) { // the message built only to be thrown
            throw Errors.invalid("Invalid identifier: the resourceArn '" + arn
                    + "' is not an ECS resource ARN of this account and region.");
        }
        if (!exists(arn)) {
            throw Errors.notFound("The specified resource could not be found.");
        }
        return arn;
    }

    TagResourceResponse tag(TagResourceRequest r) {
        String arn = resource(r.resourceArn());
        require(r.tags() != null, "tags must be specified.");
        Checks.tags(ctx, r.tags());
        Map<String, String> m = new LinkedHashMap<>(ctx.state().tagsOf(arn));
        for (Tag t : r.tags()) {
            m.put(t.key(), t.value() == null ? "" : t.value());
        }
        boolean managedInstances = arn.contains(":capacity-provider/") && ctx.state().capacityProviders
                .get(arn.substring(arn.indexOf(":capacity-provider/") + 19))
                .filter(CapacityProviderStrategies::isManagedInstances).isPresent();
        ctx.config().quotas().check(managedInstances ? ServiceQuota.TAGS_PER_MANAGED_INSTANCES_CAPACITY_PROVIDER
                : ServiceQuota.TAGS_PER_RESOURCE, m.size());
        ctx.state().tags.put(arn, new EcsState.TagSet(arn, m));
        return TagResourceResponse.builder().build();
    }

    UntagResourceResponse untag(UntagResourceRequest r) {
        String arn = resource(r.resourceArn());
        require(r.tagKeys() != null, "tagKeys must be specified.");
        Map<String, String> m = new LinkedHashMap<>(ctx.state().tagsOf(arn));
        r.tagKeys().forEach(m::remove);
        ctx.state().tags.put(arn, new EcsState.TagSet(arn, m));
        return UntagResourceResponse.builder().build();
    }

    ListTagsForResourceResponse list(ListTagsForResourceRequest r) {
        String arn = resource(r.resourceArn());
        return ListTagsForResourceResponse.builder().tags(sdkTags(ctx, arn)).build();
    }
}
