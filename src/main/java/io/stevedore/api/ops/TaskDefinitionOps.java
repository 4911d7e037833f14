package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.api.EcsApi;
import io.stevedore.api.Pages;
import io.stevedore.control.state.Context;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.ImageSizes;
import io.stevedore.ecs.ServiceQuota;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DeleteTaskDefinitionsRequest;
import software.amazon.awssdk.services.ecs.model.DeleteTaskDefinitionsResponse;
import software.amazon.awssdk.services.ecs.model.DeregisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.DeregisterTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.EFSVolumeConfiguration;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.ListTaskDefinitionFamiliesRequest;
import software.amazon.awssdk.services.ecs.model.ListTaskDefinitionFamiliesResponse;
import software.amazon.awssdk.services.ecs.model.ListTaskDefinitionsRequest;
import software.amazon.awssdk.services.ecs.model.ListTaskDefinitionsResponse;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionFamilyStatus;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.Volume;

/** RegisterTaskDefinition, DescribeTaskDefinition, List*, DeregisterTaskDefinition, DeleteTaskDefinitions. */
public final class TaskDefinitionOps {
    private final Context ctx;

    public TaskDefinitionOps(Context ctx) {
        this.ctx = ctx;
    }

    public void register(EcsApi api) {
        api.register("RegisterTaskDefinition", RegisterTaskDefinitionRequest::builder,
                RegisterTaskDefinitionRequest.class, this::registerTd);
        api.register("DescribeTaskDefinition", DescribeTaskDefinitionRequest::builder,
                DescribeTaskDefinitionRequest.class, this::describe);
        api.register("ListTaskDefinitions", ListTaskDefinitionsRequest::builder, ListTaskDefinitionsRequest.class,
                this::list);
        api.register("ListTaskDefinitionFamilies", ListTaskDefinitionFamiliesRequest::builder,
                ListTaskDefinitionFamiliesRequest.class, this::families);
        api.register("DeregisterTaskDefinition", DeregisterTaskDefinitionRequest::builder,
                DeregisterTaskDefinitionRequest.class, this::deregister);
        api.register("DeleteTaskDefinitions", DeleteTaskDefinitionsRequest::builder,
                DeleteTaskDefinitionsRequest.class, this::delete);
    }

    /**
     * Stevedore's image-size docker label (docs/decisions.md "Start latency model") must be a size, so that a typo is
     * not silently taken for the default size.
     */
    private static void imageSizes(RegisterTaskDefinitionRequest r) {
        for (var c : r.containerDefinitions()) {
            String v = c.dockerLabels() == null ? null : c.dockerLabels().get(ImageSizes.LABEL);
            if (v != null) {
                try {
                    ImageSizes.parse(v);
                } catch (IllegalArgumentException e) {
                    throw Errors.invalid("Container " + c.name() + ": docker label " + ImageSizes.LABEL + ": "
                            + e.getMessage());
                }
            }
        }
    }

    RegisterTaskDefinitionResponse registerTd(RegisterTaskDefinitionRequest r) {
        require(r.family() != null && !r.family().isEmpty(), "Family should not be null or empty.");
        Checks.name(r.family(), "family");
        Checks.tags(ctx, r.tags());
        Set<Compatibility> requires = new LinkedHashSet<>(r.requiresCompatibilities());
        String networkMode = r.networkModeAsString();
        if (networkMode == null) {
            networkMode = (requires.contains(Compatibility.MANAGED_INSTANCES)
                    || requires.contains(Compatibility.FARGATE) ? NetworkMode.AWSVPC : NetworkMode.BRIDGE).toString();
        }
        TaskDefinitionRules.common(r, networkMode, ctx.config().quotas());
        imageSizes(r);
        List<Compatibility> compatible = new ArrayList<>();
        for (Compatibility c : List.of(Compatibility.EC2, Compatibility.EXTERNAL, Compatibility.FARGATE,
                Compatibility.MANAGED_INSTANCES)) {
            Optional<String> problem = switch (c) {
                case FARGATE -> TaskDefinitionRules.fargate(r, networkMode);
                case MANAGED_INSTANCES -> TaskDefinitionRules.managedInstances(r, networkMode);
                default -> TaskDefinitionRules.ec2(r);
            };
            if (problem.isPresent() && requires.contains(c)) {
                throw Errors.client(problem.get());
            }
            if (problem.isEmpty()) {
                compatible.add(c);
            }
        }
        Integer cpu = TaskDefinitionRules.cpu(r.cpu());
        Integer mem = TaskDefinitionRules.memory(r.memory());
        long next = ctx.state().next("td/" + r.family()); // deregistered revisions count too
        ctx.config().quotas().check(ServiceQuota.REVISIONS_PER_TASK_DEFINITION_FAMILY, next);
        int revision = (int) next;
        String arn = ctx.arn("task-definition/" + r.family() + ":" + revision);
        TaskDefinition td = TaskDefinition.builder().taskDefinitionArn(arn).family(r.family()).revision(revision)
                .status(TaskDefinitionStatus.ACTIVE).containerDefinitions(r.containerDefinitions().stream()
                        .map(TaskDefinitionOps::asRegistered).toList())
                .taskRoleArn(r.taskRoleArn())
                .executionRoleArn(r.executionRoleArn()).networkMode(networkMode)
                .volumes(r.volumes().stream().map(TaskDefinitionOps::asRegistered).toList())
                .placementConstraints(r.hasPlacementConstraints() ? r.placementConstraints() : List.of())
                .requiresCompatibilitiesWithStrings(r.requiresCompatibilitiesAsStrings()).compatibilities(compatible)
                .cpu(cpu == null ? null : cpu.toString()).memory(mem == null ? null : mem.toString())
                .runtimePlatform(r.runtimePlatform()).pidMode(r.pidModeAsString()).ipcMode(r.ipcModeAsString())
                .proxyConfiguration(r.proxyConfiguration()).inferenceAccelerators(r.inferenceAccelerators())
                .ephemeralStorage(r.ephemeralStorage()).enableFaultInjection(r.enableFaultInjection())
                .registeredAt(ctx.now()).registeredBy("arn:aws:iam::" + ctx.config().accountId() + ":root")
                .build();
        ctx.state().taskDefinitions.put(arn, td);
        TagOps.setTags(ctx, arn, r.tags());
        return RegisterTaskDefinitionResponse.builder().taskDefinition(td)
                .tags(r.hasTags() ? r.tags() : null).build();
    }

    /**
     * A container definition as ECS registers it: unset lists ECS always answers (portMappings, environment,
     * mountPoints, volumesFrom) become empty lists, an unset cpu 0 and an unset essential true (the answers of
     * register-task-definition and describe-task-definition in the aws CLI's examples, e.g. github.com/aws/aws-cli,
     * file awscli/examples/ecs/register-task-definition.rst).
     */
    static ContainerDefinition asRegistered(ContainerDefinition c) {
        ContainerDefinition.Builder b = c.toBuilder();
        if (!c.hasPortMappings()) {
            b.portMappings(List.of());
        }
        if (!c.hasEnvironment()) {
            b.environment(List.of());
        }
        if (!c.hasMountPoints()) {
            b.mountPoints(List.of());
        }
        if (!c.hasVolumesFrom()) {
            b.volumesFrom(List.of());
        }
        if (c.cpu() == null) {
            b.cpu(0);
        }
        if (c.essential() == null) {
            b.essential(true);
        }
        return b.build();
    }

    /** An EFS volume without a root directory mounts the file system's root, and ECS registers it as "/". */
    static Volume asRegistered(Volume v) {
        EFSVolumeConfiguration efs = v.efsVolumeConfiguration();
        if (efs == null || efs.rootDirectory() != null) {
            return v;
        }
        return v.toBuilder().efsVolumeConfiguration(efs.toBuilder().rootDirectory("/").build()).build();
    }

    /** Resolves "family", "family:revision" or an ARN; family alone means its latest ACTIVE revision. */
    public static Optional<TaskDefinition> resolve(Context ctx, String ref) {
        if (ref == null || ref.isEmpty()) {
            return Optional.empty();
        }
        String s = ref;
        int i = s.indexOf(":task-definition/");
        if (s.startsWith("arn:")) {
            if (i < 0) {
                return Optional.empty();
            }
            s = s.substring(i + 17);
        }
        if (s.contains(":")) {
            return ctx.state().taskDefinitions.get(ctx.arn("task-definition/" + s));
        }
        String family = s;
        return ctx.state().taskDefinitions.values(td -> td.family().equals(family)
                && td.status() == TaskDefinitionStatus.ACTIVE).stream()
                .max(Comparator.comparingInt(TaskDefinition::revision));
    }

    DescribeTaskDefinitionResponse describe(DescribeTaskDefinitionRequest r) {
        require(r.taskDefinition() != null && !r.taskDefinition().isEmpty(), "taskDefinition must be specified.");
        TaskDefinition td = resolve(ctx, r.taskDefinition())
                .orElseThrow(() -> Errors.client("Unable to describe task definition."));
        boolean tags = r.includeAsStrings() != null && r.includeAsStrings().contains("TAGS");
        return DescribeTaskDefinitionResponse.builder().taskDefinition(td)
                .tags(tags ? TagOps.sdkTags(ctx, td.taskDefinitionArn()) : null).build();
    }

    private static String sortKey(TaskDefinition td) {
        return td.family() + "\u0000" + String.format("%010d", td.revision());
    }

    /**
     * {@code familyPrefix} is, despite its name, "the full family name" (ListTaskDefinitions API reference): only
     * that family's revisions are listed. ListTaskDefinitionFamilies' {@code familyPrefix} is a prefix.
     */
    ListTaskDefinitionsResponse list(ListTaskDefinitionsRequest r) {
        String status = r.statusAsString() == null ? TaskDefinitionStatus.ACTIVE.toString() : r.statusAsString();
        List<TaskDefinition> tds = new ArrayList<>(ctx.state().taskDefinitions.values(td ->
                status.equals(td.statusAsString())
                        && (r.familyPrefix() == null || td.family().equals(r.familyPrefix()))));
        tds.sort(Comparator.comparing(TaskDefinitionOps::sortKey));
        if ("DESC".equals(r.sortAsString())) {
            java.util.Collections.reverse(tds);
        }
        List<String> keyed = new ArrayList<>();
        for (int i = 0; i < tds.size(); i++) {
            keyed.add(String.format("%010d", i) + tds.get(i).taskDefinitionArn());
        }
        Pages.Page<String> p = Pages.page(keyed, k -> k.substring(0, 10), r.nextToken(), r.maxResults(), 100);
        return ListTaskDefinitionsResponse.builder().taskDefinitionArns(p.items().stream().map(k -> k.substring(10))
                .toList()).nextToken(p.nextToken()).build();
    }

    ListTaskDefinitionFamiliesResponse families(ListTaskDefinitionFamiliesRequest r) {
        TaskDefinitionFamilyStatus status = r.status() == null ? TaskDefinitionFamilyStatus.ACTIVE : r.status();
        TreeSet<String> active = new TreeSet<>();
        TreeSet<String> any = new TreeSet<>();
        for (TaskDefinition td : ctx.state().taskDefinitions.values()) {
            if (r.familyPrefix() == null || td.family().startsWith(r.familyPrefix())) {
                any.add(td.family());
                if (td.status() == TaskDefinitionStatus.ACTIVE) {
                    active.add(td.family());
                }
            }
        }
        List<String> out = switch (status) {
            case ALL -> new ArrayList<>(any);
            case INACTIVE -> any.stream().filter(f -> !active.contains(f)).toList();
            default -> new ArrayList<>(active);
        };
        Pages.Page<String> p = Pages.page(out, f -> f, r.nextToken(), r.maxResults(), 100);
        return ListTaskDefinitionFamiliesResponse.builder().families(p.items()).nextToken(p.nextToken()).build();
    }

    DeregisterTaskDefinitionResponse deregister(DeregisterTaskDefinitionRequest r) {
        require(r.taskDefinition() != null && !r.taskDefinition().isEmpty(), "taskDefinition must be specified.");
        String ref = r.taskDefinition().startsWith("arn:") ? r.taskDefinition() : ctx.arn("task-definition/"
                + r.taskDefinition());
        require(ref.matches(".*:task-definition/[a-zA-Z0-9_-]+:\\d+"), "Invalid revision number. Specify the task"
                + " definition as family:revision or its full ARN.");
        TaskDefinition td = ctx.state().taskDefinitions.get(ref)
                .orElseThrow(() -> Errors.client("The specified task definition does not exist."));
        if (td.status() == TaskDefinitionStatus.ACTIVE) {
            td = td.toBuilder().status(TaskDefinitionStatus.INACTIVE).deregisteredAt(ctx.now()).build();
            ctx.state().taskDefinitions.put(ref, td);
        }
        return DeregisterTaskDefinitionResponse.builder().taskDefinition(td).build();
    }

    DeleteTaskDefinitionsResponse delete(DeleteTaskDefinitionsRequest r) {
        Checks.nonEmpty(r.taskDefinitions(), "taskDefinitions");
        Checks.maxItems(r.taskDefinitions(), 10, "taskDefinitions");
        List<TaskDefinition> done = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (String ref : r.taskDefinitions()) {
            String arn = ref != null && ref.startsWith("arn:") ? ref : ctx.arn("task-definition/" + ref);
            Optional<TaskDefinition> td = ctx.state().taskDefinitions.get(arn);
            if (td.isEmpty()) {
                failures.add(Failure.builder().arn(arn).reason("The specified task definition does not exist.")
                        .build());
            } else if (td.get().status() == TaskDefinitionStatus.ACTIVE) {
                failures.add(Failure.builder().arn(arn).reason("The specified task definition is still in ACTIVE"
                        + " status. Please deregister the target and try again.").build());
            } else {
                TaskDefinition d = td.get().toBuilder().status(TaskDefinitionStatus.DELETE_IN_PROGRESS)
                        .deleteRequestedAt(ctx.now()).build();
                ctx.state().taskDefinitions.put(arn, d);
                done.add(d);
            }
        }
        return DeleteTaskDefinitionsResponse.builder().taskDefinitions(done).failures(failures).build();
    }
}
