package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.api.EcsApi;
import io.stevedore.api.Pages;
import io.stevedore.control.state.Context;
import io.stevedore.ecs.DaemonDefinitions;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.TaskDemandMapper;
import io.stevedore.placement.TaskDemand;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.model.DaemonContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DaemonTaskDefinition;
import software.amazon.awssdk.services.ecs.model.DaemonTaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.DaemonTaskDefinitionSummary;
import software.amazon.awssdk.services.ecs.model.DaemonVolume;
import software.amazon.awssdk.services.ecs.model.DeleteDaemonTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.DeleteDaemonTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.DescribeDaemonTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.DescribeDaemonTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.ListDaemonTaskDefinitionsRequest;
import software.amazon.awssdk.services.ecs.model.ListDaemonTaskDefinitionsResponse;
import software.amazon.awssdk.services.ecs.model.RegisterDaemonTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RegisterDaemonTaskDefinitionResponse;

/** RegisterDaemonTaskDefinition, DescribeDaemonTaskDefinition, ListDaemonTaskDefinitions, DeleteDaemonTaskDefinition. */
public final class DaemonTaskDefinitionOps {
    private final Context ctx;

    public DaemonTaskDefinitionOps(Context ctx) {
        this.ctx = ctx;
    }

    public void register(EcsApi api) {
        api.register("RegisterDaemonTaskDefinition", RegisterDaemonTaskDefinitionRequest::builder,
                RegisterDaemonTaskDefinitionRequest.class, this::registerDtd);
        api.register("DescribeDaemonTaskDefinition", DescribeDaemonTaskDefinitionRequest::builder,
                DescribeDaemonTaskDefinitionRequest.class, this::describe);
        api.register("ListDaemonTaskDefinitions", ListDaemonTaskDefinitionsRequest::builder,
                ListDaemonTaskDefinitionsRequest.class, this::list);
        api.register("DeleteDaemonTaskDefinition", DeleteDaemonTaskDefinitionRequest::builder,
                DeleteDaemonTaskDefinitionRequest.class, this::delete);
    }

    RegisterDaemonTaskDefinitionResponse registerDtd(RegisterDaemonTaskDefinitionRequest r) {
        require(r.family() != null && !r.family().isEmpty(), "Family should not be null or empty.");
        Checks.name(r.family(), "family");
        Checks.tags(ctx, r.tags());
        require(r.hasContainerDefinitions() && !r.containerDefinitions().isEmpty(),
                "The daemon task definition must contain at least one container definition.");
        Set<String> names = new HashSet<>();
        boolean essential = false;
        for (DaemonContainerDefinition c : r.containerDefinitions()) {
            require(c.name() != null && !c.name().isEmpty(), "Container name should not be null or empty.");
            Checks.name(c.name(), "Container name");
            require(names.add(c.name()), "Duplicate container name '" + c.name() + "'.");
            require(c.image() != null && !c.image().isBlank(), "Container '" + c.name()
                    + "': image should not be null or empty.");
            essential |= !Boolean.FALSE.equals(c.essential());
        }
        if (!essential) {
            throw Errors.client("A daemon task definition must have at least one essential container.");
        }
        Set<String> volumes = new HashSet<>();
        for (DaemonVolume v : r.volumes()) {
            require(v.name() != null && !v.name().isEmpty(), "Volume name should not be null or empty.");
            require(volumes.add(v.name()), "Duplicate volume name '" + v.name() + "'.");
        }
        Integer cpu = TaskDefinitionRules.cpu(r.cpu());
        Integer mem = TaskDefinitionRules.memory(r.memory());
        int revision = (int) ctx.state().next("dtd/" + r.family());
        String arn = ctx.arn("daemon-task-definition/" + r.family() + ":" + revision);
        DaemonTaskDefinition d = DaemonTaskDefinition.builder().daemonTaskDefinitionArn(arn).family(r.family())
                .revision(revision).taskRoleArn(r.taskRoleArn()).executionRoleArn(r.executionRoleArn())
                .containerDefinitions(r.containerDefinitions()).volumes(r.volumes())
                .cpu(cpu == null ? null : cpu.toString()).memory(mem == null ? null : mem.toString())
                .status(DaemonTaskDefinitionStatus.ACTIVE).registeredAt(ctx.now())
                .registeredBy("arn:aws:iam::" + ctx.config().accountId() + ":root").build();
        // what every instance of the daemon's providers will reserve: checked like a task definition's containers
        TaskDemand demand = TaskDemandMapper.toDemand(DaemonDefinitions.asTaskDefinition(d));
        if (demand.memoryMiB() <= 0) {
            throw Errors.client("The daemon task definition reserves no memory: set its 'memory' or a container's"
                    + " 'memory' or 'memoryReservation'.");
        }
        ctx.state().daemonTaskDefinitions.put(arn, d);
        TagOps.setTags(ctx, arn, r.tags());
        return RegisterDaemonTaskDefinitionResponse.builder().daemonTaskDefinitionArn(arn).build();
    }

    /** Resolves "family" (its latest ACTIVE revision), "family:revision" or an ARN. */
    public static Optional<DaemonTaskDefinition> resolve(Context ctx, String ref) {
        if (ref == null || ref.isEmpty()) {
            return Optional.empty();
        }
        String s = ref;
        if (s.startsWith("arn:")) {
            int i = s.indexOf(DaemonDefinitions.ARN_SEGMENT);
            if (i < 0) {
                return Optional.empty();
            }
            s = s.substring(i + DaemonDefinitions.ARN_SEGMENT.length());
        }
        if (s.contains(":")) {
            return ctx.state().daemonTaskDefinitions.get(ctx.arn("daemon-task-definition/" + s));
        }
        String family = s;
        return ctx.state().daemonTaskDefinitions.values(d -> d.family().equals(family)
                && d.status() == DaemonTaskDefinitionStatus.ACTIVE).stream()
                .max(Comparator.comparingInt(DaemonTaskDefinition::revision));
    }

    DescribeDaemonTaskDefinitionResponse describe(DescribeDaemonTaskDefinitionRequest r) {
        require(r.daemonTaskDefinition() != null && !r.daemonTaskDefinition().isEmpty(),
                "daemonTaskDefinition must be specified.");
        DaemonTaskDefinition d = resolve(ctx, r.daemonTaskDefinition())
                .orElseThrow(() -> Errors.client("Unable to describe daemon task definition."));
        return DescribeDaemonTaskDefinitionResponse.builder().daemonTaskDefinition(d).build();
    }

    ListDaemonTaskDefinitionsResponse list(ListDaemonTaskDefinitionsRequest r) {
        String status = r.statusAsString() == null ? "ACTIVE" : r.statusAsString();
        require(List.of("ACTIVE", "DELETE_IN_PROGRESS", "ALL").contains(status), "Invalid status '" + status
                + "': valid values are ACTIVE, DELETE_IN_PROGRESS and ALL.");
        require(r.revisionAsString() == null || "LAST_REGISTERED".equals(r.revisionAsString()),
                "Invalid revision '" + r.revisionAsString() + "': the valid value is LAST_REGISTERED.");
        require(r.family() == null || r.familyPrefix() == null, "Specify either family or familyPrefix, not both.");
        List<DaemonTaskDefinition> all = new ArrayList<>(ctx.state().daemonTaskDefinitions.values(d ->
                ("ALL".equals(status) || status.equals(d.statusAsString()))
                        && (r.family() == null || d.family().equals(r.family()))
                        && (r.familyPrefix() == null || d.family().startsWith(r.familyPrefix()))));
        if (r.revisionAsString() != null) {
            Map<String, DaemonTaskDefinition> last = new TreeMap<>();
            for (DaemonTaskDefinition d : all) {
                last.merge(d.family(), d, (a, b) -> a.revision() >= b.revision() ? a : b);
            }
            all = new ArrayList<>(last.values());
        }
        all.sort(Comparator.comparing(DaemonTaskDefinition::family).thenComparingInt(DaemonTaskDefinition::revision));
        if ("DESC".equals(r.sortAsString())) {
            Collections.reverse(all);
        }
        List<String> keyed = new ArrayList<>();
        Map<String, DaemonTaskDefinition> byKey = new TreeMap<>();
        for (int i = 0; i < all.size(); i++) {
            String k = String.format("%010d", i);
            keyed.add(k);
            byKey.put(k, all.get(i));
        }
        Pages.Page<String> p = Pages.page(keyed, k -> k, r.nextToken(), r.maxResults(), 100);
        List<DaemonTaskDefinitionSummary> out = new ArrayList<>();
        for (String k : p.items()) {
            DaemonTaskDefinition d = byKey.get(k);
            out.add(DaemonTaskDefinitionSummary.builder().arn(d.daemonTaskDefinitionArn())
                    .registeredAt(d.registeredAt()).registeredBy(d.registeredBy())
                    .deleteRequestedAt(d.deleteRequestedAt()).status(d.status()).build());
        }
        return ListDaemonTaskDefinitionsResponse.builder().daemonTaskDefinitions(out).nextToken(p.nextToken())
                .build();
    }

    DeleteDaemonTaskDefinitionResponse delete(DeleteDaemonTaskDefinitionRequest r) {
        String ref = r.daemonTaskDefinition();
        require(ref != null && !ref.isEmpty(), "daemonTaskDefinition must be specified.");
        String key = ref.startsWith("arn:") ? ref : ctx.arn("daemon-task-definition/" + ref);
        require(key.matches(".*" + DaemonDefinitions.ARN_SEGMENT + "[a-zA-Z0-9_-]+:\\d+"), "Invalid revision"
                + " number. Specify the daemon task definition as family:revision or its full ARN.");
        DaemonTaskDefinition d = ctx.state().daemonTaskDefinitions.get(key)
                .orElseThrow(() -> Errors.client("The specified daemon task definition does not exist."));
        if (d.status() != DaemonTaskDefinitionStatus.ACTIVE) {
            throw Errors.client("The specified daemon task definition is not ACTIVE (" + d.statusAsString()
                    + "): only an ACTIVE daemon task definition can be deleted.");
        }
        ctx.state().daemonTaskDefinitions.put(key, d.toBuilder().status(DaemonTaskDefinitionStatus.DELETE_IN_PROGRESS)
                .deleteRequestedAt(ctx.now()).build());
        return DeleteDaemonTaskDefinitionResponse.builder().daemonTaskDefinitionArn(key).build();
    }
}
