package io.stevedore.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.api.EcsApi;
import io.stevedore.assembly.ControlPlane;
import io.stevedore.cloud.Network;
import io.stevedore.control.state.PlaneConfig;
import io.stevedore.ecs.SdkCodec;
import io.stevedore.sim.workload.SimWorkload;
import io.stevedore.sim.workload.WorkloadError;
import io.stevedore.wire.AwsException;
import io.stevedore.wire.AwsJsonCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TagResourceRequest;

/**
 * Creates the workload's resources through the ECS operations, exactly as a user's API calls would: a cluster,
 * the Managed Instances capacity providers, the task definitions. Errors from the API come back with the line of
 * the workload entry that caused them.
 */
final class Setup {
    static final String CLUSTER = "sim";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final AwsJsonCodec CODEC = new AwsJsonCodec();
    private final ControlPlane plane;
    private final SimWorkload workload;
    /** The spec whose replicas {@link #template} is the CreateService request of (one spec after the other). */
    private SimWorkload.ServiceSpec templateOf;
    private CreateServiceRequest template;

    Setup(ControlPlane plane, SimWorkload workload) {
        this.plane = plane;
        this.workload = workload;
    }

    /** Calls one ECS operation in-process. */
    JsonNode call(String operation, ObjectNode body) {
        try {
            return MAPPER.readTree(plane.api().handle(EcsApi.TARGET_PREFIX + operation, body.toString()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ARN of the workload's service {@code name} (UpdateService takes a service's name or its ARN). */
    String serviceArn(String name) {
        return plane.config().arnPrefix() + "service/" + CLUSTER + "/" + name;
    }

    /**
     * UpdateService with a new desired count (the most frequent call of a simulation: no JSON round trip, and the
     * answer, which nothing here reads, without the service's events: {@link io.stevedore.api.EcsApi#send}).
     */
    void scale(String service, int desiredCount) { // service: its ARN ({@link #serviceArn})
        plane.api().send("UpdateService", software.amazon.awssdk.services.ecs.model.UpdateServiceRequest.builder()
                .cluster(CLUSTER).service(service).desiredCount(desiredCount).build());
    }

    /** TagResource with one tag (a scaled service's declared load, each time it changes: no JSON round trip). */
    void tag(String resourceArn, String key, String value) {
        plane.api().invoke("TagResource", TagResourceRequest.builder().resourceArn(resourceArn)
                .tags(Tag.builder().key(key).value(value).build()).build());
    }

    /** UpdateService with forceNewDeployment (a deployment of the workload: no JSON round trip). */
    void deploy(String service) {
        plane.api().send("UpdateService", software.amazon.awssdk.services.ecs.model.UpdateServiceRequest.builder()
                .cluster(CLUSTER).service(service).forceNewDeployment(true).build());
    }

    /** RunTask (a job arrival: the most frequent call of a batch workload, no JSON round trip). */
    RunTaskResponse runTask(RunTaskRequest request) {
        return (RunTaskResponse) plane.api().invoke("RunTask", request);
    }

    /** {@link #network} as the SDK's object (null in host mode), read by the same codec as the wire path. */
    NetworkConfiguration networkConfiguration(String family, SimWorkload.Provider provider) {
        ObjectNode n = network(family, provider);
        return n == null ? null : new SdkCodec<>(NetworkConfiguration::builder, NetworkConfiguration.class)
                .read(n.toString());
    }

    private JsonNode call(String operation, ObjectNode body, String field, int line) {
        try {
            return call(operation, body);
        } catch (AwsException e) {
            throw new WorkloadError(field, line, 0, operation + " failed: " + e.getMessage());
        }
    }

    void createAll() {
        call("CreateCluster", JSON.objectNode().put("clusterName", CLUSTER));
        for (int i = 0; i < workload.providers().size(); i++) {
            SimWorkload.Provider p = workload.providers().get(i);
            call("CreateCapacityProvider", provider(p), "capacityProviders." + i, p.line());
        }
        ObjectNode put = JSON.objectNode().put("cluster", CLUSTER);
        put.set("capacityProviders", JSON.arrayNode());
        put.set("defaultCapacityProviderStrategy", JSON.arrayNode().add(JSON.objectNode()
                .put("capacityProvider", workload.providers().get(0).name()).put("weight", 1)));
        call("PutClusterCapacityProviders", put);
        for (int i = 0; i < workload.taskDefinitions().size(); i++) {
            SimWorkload.TaskDefinitionSpec td = workload.taskDefinitions().get(i);
            call("RegisterTaskDefinition", td.request().deepCopy(), "taskDefinitions." + i, td.line());
        }
        for (int i = 0; i < workload.daemons().size(); i++) {
            SimWorkload.DaemonSpec d = workload.daemons().get(i);
            String arn = call("RegisterDaemonTaskDefinition", d.request().deepCopy(), "daemons." + i, d.line())
                    .path("daemonTaskDefinitionArn").asText();
            ObjectNode create = JSON.objectNode().put("daemonName", d.name()).put("clusterArn", CLUSTER)
                    .put("daemonTaskDefinitionArn", arn);
            ArrayNode providers = JSON.arrayNode();
            d.providers().forEach(providers::add);
            create.set("capacityProviderArns", providers);
            call("CreateDaemon", create, "daemons." + i, d.line());
        }
    }

    private ObjectNode provider(SimWorkload.Provider p) {
        String account = PlaneConfig.DEFAULT_ACCOUNT;
        ObjectNode lt = JSON.objectNode().put("ec2InstanceProfileArn", "arn:aws:iam::" + account
                + ":instance-profile/ecsInstanceRole").put("capacityOptionType", p.capacityOptionType());
        ObjectNode net = JSON.objectNode();
        net.set("subnets", subnets(p.zones()));
        net.set("securityGroups", JSON.arrayNode().add(securityGroup()));
        lt.set("networkConfiguration", net);
        lt.set("instanceRequirements", p.instanceRequirements().deepCopy());
        ObjectNode mip = JSON.objectNode().put("infrastructureRoleArn", "arn:aws:iam::" + account
                + ":role/ecsInfrastructureRole").put("propagateTags", "CAPACITY_PROVIDER");
        mip.set("instanceLaunchTemplate", lt);
        if (p.scaleInAfter() != null) {
            mip.set("infrastructureOptimization", JSON.objectNode().put("scaleInAfter", p.scaleInAfter()));
        }
        ObjectNode body = JSON.objectNode().put("name", p.name()).put("cluster", CLUSTER);
        body.set("managedInstancesProvider", mip);
        return body;
    }

    ArrayNode subnets(List<String> zones) {
        ArrayNode out = JSON.arrayNode();
        for (String z : zones) {
            for (Network.Subnet s : plane.cloud().network().subnets()) {
                if (s.availabilityZone().equals(z)) {
                    out.add(s.id());
                }
            }
        }
        return out;
    }

    String securityGroup() {
        return plane.cloud().network().securityGroups().get(0).id();
    }

    boolean awsvpc(String family) {
        for (SimWorkload.TaskDefinitionSpec td : workload.taskDefinitions()) {
            if (td.family().equals(family)) {
                return "awsvpc".equals(td.request().path("networkMode").asText("awsvpc"));
            }
        }
        return true;
    }

    /** The network configuration for tasks of {@code family} on {@code provider}, or null (host mode). */
    ObjectNode network(String family, SimWorkload.Provider provider) {
        if (!awsvpc(family)) {
            return null;
        }
        ObjectNode a = JSON.objectNode();
        a.set("subnets", subnets(provider.zones()));
        a.set("securityGroups", JSON.arrayNode().add(securityGroup()));
        ObjectNode n = JSON.objectNode();
        n.set("awsvpcConfiguration", a);
        return n;
    }

    ArrayNode strategy(String provider) {
        return JSON.arrayNode().add(JSON.objectNode().put("capacityProvider", provider).put("weight", 1));
    }

    /**
     * CreateService for one replica of a service spec. The replicas of a spec differ only in their name and desired
     * count, so the request is read from the spec's JSON by the wire path's codec once per spec (its validation and
     * errors as before) and each replica's request is that object with its own name and count; it then goes to the
     * same handler, checks and transaction ({@link EcsApi#invoke}) without a JSON round trip per replica.
     */
    void createService(SimWorkload.ServiceSpec s, String name, int desired, Map<String, SimWorkload.Provider> ps,
                       int index) {
        try {
            if (templateOf != s) {
                template = CODEC.read(createServiceJson(s, name, desired, ps).toString(), CreateServiceRequest::builder,
                        CreateServiceRequest.class);
                templateOf = s;
            }
            plane.api().invoke("CreateService", template.toBuilder().serviceName(name).desiredCount(desired).build());
        } catch (AwsException e) {
            throw new WorkloadError("services." + index, s.line(), 0, "CreateService failed: " + e.getMessage());
        }
    }

    /** The CreateService request of one replica of {@code s} as the wire's JSON. */
    private ObjectNode createServiceJson(SimWorkload.ServiceSpec s, String name, int desired,
                                         Map<String, SimWorkload.Provider> ps) {
        ObjectNode b = JSON.objectNode().put("cluster", CLUSTER).put("serviceName", name)
                .put("taskDefinition", s.taskDefinition()).put("desiredCount", desired);
        b.set("capacityProviderStrategy", strategy(s.capacityProvider()));
        ObjectNode net = network(s.taskDefinition(), ps.get(s.capacityProvider()));
        if (net != null) {
            b.set("networkConfiguration", net);
        }
        if (s.deploymentConfiguration() != null) {
            b.set("deploymentConfiguration", s.deploymentConfiguration().deepCopy());
        }
        if (s.placementConstraints() != null) {
            b.set("placementConstraints", s.placementConstraints().deepCopy());
        }
        return b;
    }

    /** The workload's task definitions. */
    List<SimWorkload.TaskDefinitionSpec> taskDefinitions() {
        return workload.taskDefinitions();
    }

    /** The first container's name of a task definition family (for RunTask overrides). */
    String containerName(String family) {
        for (SimWorkload.TaskDefinitionSpec td : workload.taskDefinitions()) {
            if (td.family().equals(family)) {
                return td.request().path("containerDefinitions").path(0).path("name").asText();
            }
        }
        throw new IllegalArgumentException(family);
    }

    static List<String> names(SimWorkload.ServiceSpec s) {
        List<String> out = new ArrayList<>(s.replicas());
        if (s.replicas() == 1) {
            out.add(s.name());
        } else {
            StringBuilder b = new StringBuilder();
            for (int i = 1; i <= s.replicas(); i++) {
                // String.format("%s-%05d", name, i) without the formatter (10,000 names at start-up)
                String digits = Integer.toString(i);
                b.setLength(0);
                b.append(s.name()).append('-');
                for (int pad = digits.length(); pad < 5; pad++) {
                    b.append('0');
                }
                out.add(b.append(digits).toString());
            }
        }
        return out;
    }
}
