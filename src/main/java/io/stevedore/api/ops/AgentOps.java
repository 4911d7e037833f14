package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.api.EcsApi;
import io.stevedore.control.Reconciler;
import io.stevedore.control.agents.Agents;
import io.stevedore.control.fleet.InstanceQuota;
import io.stevedore.control.state.AgentInstance;
import io.stevedore.control.state.ContainerInstances;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.Ec2Registration;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.Statuses;
import io.stevedore.wire.AwsException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceHealthStatus;
import software.amazon.awssdk.services.ecs.model.ContainerStateChange;
import software.amazon.awssdk.services.ecs.model.DeregisterContainerInstanceRequest;
import software.amazon.awssdk.services.ecs.model.DeregisterContainerInstanceResponse;
import software.amazon.awssdk.services.ecs.model.DiscoverPollEndpointRequest;
import software.amazon.awssdk.services.ecs.model.DiscoverPollEndpointResponse;
import software.amazon.awssdk.services.ecs.model.InstanceHealthCheckState;
import software.amazon.awssdk.services.ecs.model.RegisterContainerInstanceRequest;
import software.amazon.awssdk.services.ecs.model.RegisterContainerInstanceResponse;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.SubmitAttachmentStateChangesRequest;
import software.amazon.awssdk.services.ecs.model.SubmitAttachmentStateChangesResponse;
import software.amazon.awssdk.services.ecs.model.SubmitContainerStateChangeRequest;
import software.amazon.awssdk.services.ecs.model.SubmitContainerStateChangeResponse;
import software.amazon.awssdk.services.ecs.model.SubmitTaskStateChangeRequest;
import software.amazon.awssdk.services.ecs.model.SubmitTaskStateChangeResponse;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;
import software.amazon.awssdk.services.ecs.model.UpdateContainerAgentRequest;
import software.amazon.awssdk.services.ecs.model.UpdateContainerAgentResponse;
import software.amazon.awssdk.services.ecs.model.VersionInfo;

/**
 * The agent-facing operations (docs/execution.md "Control plane side"): RegisterContainerInstance,
 * DeregisterContainerInstance, DiscoverPollEndpoint, SubmitTaskStateChange, SubmitContainerStateChange,
 * SubmitAttachmentStateChanges and UpdateContainerAgent.
 */
public final class AgentOps {
    /** What every state change answers. */
    static final String ACK = "ACK";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Context ctx;
    private final Reconciler reconciler;
    private final Agents agents;
    private final ContainerInstanceOps instances;

    public AgentOps(Context ctx, Reconciler reconciler) {
        this.ctx = ctx;
        this.reconciler = reconciler;
        this.agents = reconciler.agents();
        this.instances = new ContainerInstanceOps(ctx, reconciler);
    }

    public void register(EcsApi api) {
        api.register("RegisterContainerInstance", RegisterContainerInstanceRequest::builder,
                RegisterContainerInstanceRequest.class, this::registerInstance);
        api.register("DeregisterContainerInstance", DeregisterContainerInstanceRequest::builder,
                DeregisterContainerInstanceRequest.class, this::deregister);
        api.register("DiscoverPollEndpoint", DiscoverPollEndpointRequest::builder, DiscoverPollEndpointRequest.class,
                this::discover);
        api.register("SubmitTaskStateChange", SubmitTaskStateChangeRequest::builder,
                SubmitTaskStateChangeRequest.class, this::taskChange);
        api.register("SubmitContainerStateChange", SubmitContainerStateChangeRequest::builder,
                SubmitContainerStateChangeRequest.class, this::containerChange);
        api.register("SubmitAttachmentStateChanges", SubmitAttachmentStateChangesRequest::builder,
                SubmitAttachmentStateChangesRequest.class, this::attachmentChanges);
        api.register("UpdateContainerAgent", UpdateContainerAgentRequest::builder, UpdateContainerAgentRequest.class,
                this::updateAgent);
    }

    private String arn(Cluster c, String ref) {
        require(ref != null && !ref.isEmpty(), "containerInstance must be specified.");
        return ref.startsWith("arn:") ? ref : ctx.arn("container-instance/" + c.clusterName() + "/" + ref);
    }

    /** A registered container instance of the cluster, or InvalidParameterException. */
    private ContainerInstance registered(Cluster c, String ref) {
        String a = arn(c, ref);
        return ctx.state().containerInstances.get(a)
                .filter(ci -> c.clusterArn().equals(ClusterOps.clusterOf(ci.containerInstanceArn()))
                        && Statuses.isRegistered(ci.status()))
                .orElseThrow(() -> Errors.invalid("The referenced container instance " + a
                        + " is not registered in cluster " + c.clusterName() + "."));
    }

    RegisterContainerInstanceResponse registerInstance(RegisterContainerInstanceRequest r) {
        Cluster c = ctx.cluster(r.cluster());
        Checks.tags(ctx, r.tags());
        if (r.attributes() != null) {
            Checks.maxItems(r.attributes(), 10, "attributes");
        }
        ContainerInstance ci = null;
        if (r.containerInstanceArn() != null && !r.containerInstanceArn().isEmpty()) {
            // an agent restarting with its saved ARN: the same instance while it is registered
            String a = arn(c, r.containerInstanceArn());
            ci = ctx.state().containerInstances.get(a).filter(x -> Statuses.isRegistered(x.status())
                    && ctx.state().agents.get(a).isPresent()).orElse(null);
            require(ci == null || c.clusterArn().equals(ClusterOps.clusterOf(a)), "Container instance " + a
                    + " is registered in another cluster.");
        }
        if (ci == null && r.instanceIdentityDocument() != null && !r.instanceIdentityDocument().isEmpty()) {
            ci = attach(c, r.instanceIdentityDocument());
        } else if (ci == null) {
            ci = external(c, r.totalResources());
        }
        AgentInstance ai = ctx.state().agents.get(ci.containerInstanceArn()).orElse(null);
        if (ai != null) { // a user's EC2 instance has none: its tasks run in the simulated way
            ctx.state().agents.put(ai.containerInstanceArn(), ai.polled(ctx.now().toEpochMilli()));
        }
        ContainerInstance.Builder b = ci.toBuilder().agentConnected(true).version(ci.version() + 1)
                .attributes(attributes(ci, r.attributes()));
        if (r.versionInfo() != null) {
            b.versionInfo(VersionInfo.builder().agentVersion(r.versionInfo().agentVersion())
                    .agentHash(r.versionInfo().agentHash()).dockerVersion(r.versionInfo().dockerVersion()).build());
        }
        ContainerInstance saved = b.build();
        ctx.state().containerInstances.put(saved.containerInstanceArn(), saved);
        if (r.hasTags() && !r.tags().isEmpty()) {
            TagOps.setTags(ctx, saved.containerInstanceArn(), r.tags());
        }
        return RegisterContainerInstanceResponse.builder().containerInstance(instances.view(saved, r.hasTags(),
                false)).build();
    }

    /** The managed instance the identity document names, registered as a container instance of the cluster. */
    private ContainerInstance attach(Cluster c, String document) {
        JsonNode doc;
        try {
            doc = JSON.readTree(document);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw Errors.invalid("instanceIdentityDocument is not valid JSON: " + e.getOriginalMessage());
        }
        String instanceId = doc == null ? null : doc.path("instanceId").asText(null);
        require(instanceId != null && !instanceId.isEmpty(), "instanceIdentityDocument has no instanceId.");
        String region = doc.path("region").asText(ctx.config().region());
        require(ctx.config().region().equals(region), "The instance identity document is for region " + region
                + ", not " + ctx.config().region() + ".");
        if (ctx.cloud().userLaunch(instanceId).isPresent()) { // an instance the user launched: EC2 launch type
            return reconciler.ec2Agents().registerNow(c, instanceId).orElseThrow(() -> Errors.client("Instance "
                    + instanceId + " is not running; start it and retry the registration."));
        }
        ManagedInstance mi = ctx.state().instances.get(instanceId).orElseThrow(() -> Errors.invalid("Instance "
                + instanceId + " is not a Managed Instance of this account in " + region + ": Stevedore runs"
                + " agents on its own Managed Instances, or on external instances (register without an instance"
                + " identity document)."));
        require(mi.clusterArn().equals(c.clusterArn()), "Instance " + instanceId + " belongs to cluster "
                + Context.clusterName(mi.clusterArn()) + ", not " + c.clusterName() + ".");
        if (mi.containerInstanceArn() == null) {
            reconciler.registerBootedInstances(); // about to register: register it now if it runs
            mi = ctx.state().instances.get(instanceId).orElseThrow(() -> Errors.invalid("Instance " + instanceId
                    + " was terminated."));
            if (mi.containerInstanceArn() == null) {
                throw Errors.client("Instance " + instanceId + " is still booting; retry the registration.");
            }
        }
        ContainerInstance ci = ctx.state().containerInstances.get(mi.containerInstanceArn()).orElseThrow();
        require(Statuses.isRegistered(ci.status()), "Container instance " + ci.containerInstanceArn()
                + " is " + ci.status() + ".");
        if (ctx.state().agents.get(ci.containerInstanceArn()).isEmpty()) {
            ctx.state().agents.put(ci.containerInstanceArn(), new AgentInstance(ci.containerInstanceArn(),
                    c.clusterArn(), mi.instanceId(), false, ctx.now().toEpochMilli(), true, false));
        }
        return ci;
    }

    /** A new EXTERNAL container instance ({@code mi-} id) with the agent's resources. */
    private ContainerInstance external(Cluster c, List<Resource> total) {
        int cpu = -1;
        int memory = -1;
        List<String> ports = new ArrayList<>();
        List<String> udp = new ArrayList<>();
        for (Resource res : total == null ? List.<Resource>of() : total) {
            require(res != null && res.name() != null, "Each of totalResources needs a name.");
            switch (res.name()) {
                case "CPU" -> cpu = res.integerValue() == null ? -1 : res.integerValue();
                case "MEMORY" -> memory = res.integerValue() == null ? -1 : res.integerValue();
                case "PORTS" -> ports.addAll(res.stringSetValue());
                case "PORTS_UDP" -> udp.addAll(res.stringSetValue());
                default -> {
                    // other resources (e.g. GPU ids) are not modelled on external instances
                }
            }
        }
        require(cpu > 0 && memory > 0, "totalResources must include CPU and MEMORY as positive INTEGER values"
                + " (CPU in units of 1/1024 vCPU, MEMORY in MiB).");
        InstanceQuota.check(ctx, c.clusterArn(), 1);
        String id = ctx.state().newId("container-instance");
        String arn = ctx.arn("container-instance/" + c.clusterName() + "/" + id);
        String miId = "mi-" + ctx.state().newId("external-instance").substring(0, 17);
        List<Resource> registered = List.of(
                Resource.builder().name("CPU").type("INTEGER").integerValue(cpu).doubleValue(0.0).longValue(0L)
                        .build(),
                Resource.builder().name("MEMORY").type("INTEGER").integerValue(memory).doubleValue(0.0)
                        .longValue(0L).build(),
                Resource.builder().name("PORTS").type("STRINGSET").stringSetValue(ports).doubleValue(0.0)
                        .longValue(0L).integerValue(0).build(),
                Resource.builder().name("PORTS_UDP").type("STRINGSET").stringSetValue(udp).doubleValue(0.0)
                        .longValue(0L).integerValue(0).build());
        List<Attribute> attrs = new ArrayList<>();
        attrs.add(Attribute.builder().name("ecs.capability.external").build());
        attrs.add(Attribute.builder().name("ecs.os-family").value("LINUX").build());
        ContainerInstance ci = ContainerInstance.builder().containerInstanceArn(arn).ec2InstanceId(miId).version(1L)
                .registeredResources(registered).status(Statuses.INSTANCE_ACTIVE).agentConnected(true)
                .registeredAt(ctx.now()).attributes(attrs)
                .healthStatus(ContainerInstanceHealthStatus.builder().overallStatus(InstanceHealthCheckState.OK)
                        .build())
                .build();
        ctx.state().containerInstances.put(arn, ci);
        ctx.state().agents.put(arn, new AgentInstance(arn, c.clusterArn(), miId, true, ctx.now().toEpochMilli(),
                true, false));
        return ci;
    }

    /** The instance's attributes with the agent's (its own {@code ecs.*} facts and the user's) merged in. */
    private static List<Attribute> attributes(ContainerInstance ci, List<Attribute> given) {
        Map<String, Attribute> byName = new LinkedHashMap<>();
        ci.attributes().forEach(a -> byName.put(a.name(), a));
        if (given != null) {
            for (Attribute a : given) {
                require(a != null && a.name() != null && !a.name().isEmpty(), "Attribute name must be specified.");
                require(a.name().length() <= 128 && (a.value() == null || a.value().length() <= 128),
                        "Attribute names and values must be at most 128 characters.");
                if (a.name().startsWith("ecs.") && byName.containsKey(a.name()) && !isExternal(ci)) {
                    continue; // a managed instance's own ecs.* facts stay as the plane registered them
                }
                byName.put(a.name(), Attribute.builder().name(a.name()).value(a.value()).build());
            }
        }
        byName.putIfAbsent("ecs.os-type", Attribute.builder().name("ecs.os-type").value("linux").build());
        byName.putIfAbsent("ecs.cpu-architecture", Attribute.builder().name("ecs.cpu-architecture")
                .value("x86_64").build());
        Set<String> names = new TreeSet<>(byName.keySet());
        List<Attribute> out = new ArrayList<>();
        names.forEach(n -> out.add(byName.get(n)));
        return out;
    }

    private static boolean isExternal(ContainerInstance ci) {
        return ci.ec2InstanceId() != null && ci.ec2InstanceId().startsWith("mi-");
    }

    DeregisterContainerInstanceResponse deregister(DeregisterContainerInstanceRequest r) {
        Cluster c = ctx.cluster(r.cluster());
        ContainerInstance ci = registered(c, r.containerInstance());
        AgentInstance ai = ctx.state().agents.get(ci.containerInstanceArn()).orElse(null);
        List<Ec2Registration> ec2 = ctx.state().ec2ByContainerInstance.values(ci.containerInstanceArn());
        if (ai == null && !ec2.isEmpty()) { // a user's EC2 instance: its agent stops registering it
            requireIdle(ci, r.force());
            reconciler.ec2Agents().deregister(ec2.get(0), "Container instance " + ci.ec2InstanceId()
                    + " was deregistered.");
            ContainerInstance out = ctx.state().containerInstances.get(ci.containerInstanceArn()).orElseThrow();
            return DeregisterContainerInstanceResponse.builder().containerInstance(instances.view(out, false, false))
                    .build();
        }
        if (ai == null || !ai.external()) {
            throw Errors.invalid("Container instance " + ci.containerInstanceArn() + " is a Managed Instance:"
                    + " Amazon ECS deregisters it when it terminates the instance. Drain it with"
                    + " UpdateContainerInstancesState to move its tasks.");
        }
        requireIdle(ci, r.force());
        agents.stopAll(ai, TaskStopCode.TERMINATION_NOTICE, "Container instance " + ci.ec2InstanceId()
                + " was deregistered.");
        ctx.state().agents.remove(ai.containerInstanceArn());
        ContainerInstance out = ci.toBuilder().status(Statuses.INSTANCE_INACTIVE).agentConnected(false)
                .version(ci.version() + 1).build();
        ctx.state().containerInstances.put(out.containerInstanceArn(), out);
        return DeregisterContainerInstanceResponse.builder().containerInstance(instances.view(out, false, false))
                .build();
    }

    /** ECS refuses to deregister an instance with tasks that are not STOPPED unless {@code force} is set. */
    private void requireIdle(ContainerInstance ci, Boolean force) {
        boolean busy = !ctx.state().tasksByContainerInstance.values(ci.containerInstanceArn(),
                t -> !Statuses.isStopped(t.lastStatus())).isEmpty();
        if (busy && !Boolean.TRUE.equals(force)) {
            throw Errors.invalid("Found running tasks on container instance " + ci.containerInstanceArn()
                    + ". Stop them first, or deregister with force.");
        }
    }

    DiscoverPollEndpointResponse discover(DiscoverPollEndpointRequest r) {
        Cluster c = ctx.cluster(r.cluster());
        if (r.containerInstance() != null && !r.containerInstance().isEmpty()) {
            registered(c, r.containerInstance());
        }
        String endpoint = EcsApi.endpoint();
        return DiscoverPollEndpointResponse.builder().endpoint(endpoint).telemetryEndpoint(endpoint)
                .serviceConnectEndpoint(endpoint).build();
    }

    SubmitTaskStateChangeResponse taskChange(SubmitTaskStateChangeRequest r) {
        agents.taskChanged(r.cluster(), r.task(), r.status(), r.reason(), r.hasContainers() ? r.containers()
                : List.of(), r.hasAttachments() ? r.attachments() : List.of(), r.pullStartedAt(), r.pullStoppedAt(),
                r.executionStoppedAt());
        return SubmitTaskStateChangeResponse.builder().acknowledgment(ACK).build();
    }

    SubmitContainerStateChangeResponse containerChange(SubmitContainerStateChangeRequest r) {
        agents.containerChanged(r.cluster(), r.task(), ContainerStateChange.builder()
                .containerName(r.containerName()).runtimeId(r.runtimeId()).status(r.status()).exitCode(r.exitCode())
                .reason(r.reason()).networkBindings(r.hasNetworkBindings() ? r.networkBindings() : null).build());
        return SubmitContainerStateChangeResponse.builder().acknowledgment(ACK).build();
    }

    SubmitAttachmentStateChangesResponse attachmentChanges(SubmitAttachmentStateChangesRequest r) {
        require(r.hasAttachments() && !r.attachments().isEmpty(), "attachments must not be empty.");
        agents.attachmentsChanged(r.cluster(), r.attachments());
        return SubmitAttachmentStateChangesResponse.builder().acknowledgment(ACK).build();
    }

    /**
     * ECS updates an agent with UpdateContainerAgent only on the ECS-optimized AMI with {@code ecs-init}: an agent
     * that registered itself here is not one ECS can update (MissingVersionException, as ECS answers an agent whose
     * version it cannot place), and Managed Instances' agents are kept current by ECS itself.
     */
    UpdateContainerAgentResponse updateAgent(UpdateContainerAgentRequest r) {
        Cluster c = ctx.cluster(r.cluster());
        ContainerInstance ci = registered(c, r.containerInstance());
        if (ctx.state().agents.get(ci.containerInstanceArn()).isPresent()) {
            throw new AwsException("MissingVersionException", 400, "Amazon ECS can't determine the current version"
                    + " of the Amazon ECS container agent on container instance " + ci.containerInstanceArn()
                    + " and doesn't have enough information to proceed with an update: the agent is not the ECS"
                    + " agent of an ECS-optimized AMI with ecs-init.");
        }
        throw Errors.unsupported("UpdateContainerAgent is not supported for Amazon ECS Managed Instances: Amazon ECS"
                + " keeps the agent of container instance " + ci.containerInstanceArn() + " up to date.");
    }
}
