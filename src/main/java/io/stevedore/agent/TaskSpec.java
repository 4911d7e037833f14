package io.stevedore.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.wire.AwsJsonCodec;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskOverride;

/**
 * One task of a poll answer (docs/execution.md): what to run and whether to keep it running. The task definition
 * and overrides are the SDK's model objects, read from their wire JSON by the model-driven codec; {@link #json}
 * keeps the entry as it came, for the state file.
 */
public record TaskSpec(String taskArn, String clusterArn, String desiredStatus, TaskDefinition taskDefinition,
                       TaskOverride overrides, String cpu, String memory, String availabilityZone, String launchType,
                       Eni eni, String stopReason, ObjectNode json) {

    private static final AwsJsonCodec CODEC = new AwsJsonCodec();

    /** The task's elastic network interface (awsvpc): its address in its subnet. */
    public record Eni(String attachmentArn, String privateIPv4Address, String subnetCidr, String gateway,
                      String subnetId, String macAddress) {
    }

    /** Reads one element of the poll answer's {@code tasks}. */
    public static TaskSpec read(ObjectNode task) {
        TaskDefinition definition = CODEC.read(task.path("taskDefinition"), TaskDefinition::builder,
                TaskDefinition.class, "taskDefinition.");
        TaskOverride overrides = CODEC.read(task.path("overrides"), TaskOverride::builder, TaskOverride.class,
                "overrides.");
        JsonNode e = task.path("eni");
        Eni eni = e.isObject() ? new Eni(text(e, "attachmentArn"), text(e, "privateIPv4Address"), text(e, "subnetCidr"),
                text(e, "gateway"), text(e, "subnetId"), text(e, "macAddress")) : null;
        return new TaskSpec(text(task, "taskArn"), text(task, "clusterArn"), text(task, "desiredStatus"), definition,
                overrides, text(task, "cpu"), text(task, "memory"), text(task, "availabilityZone"),
                text(task, "launchType"), eni, text(task, "stopReason"), task.deepCopy());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The task's id: the last part of its ARN. */
    public String taskId() {
        return taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }

    /** The cluster's name: the last part of its ARN. */
    public String clusterName() {
        return clusterArn == null ? "" : clusterArn.substring(clusterArn.lastIndexOf('/') + 1);
    }

    public boolean wantsRunning() {
        return !"STOPPED".equals(desiredStatus);
    }

    /** The network mode: awsvpc, host, bridge or none (ECS's default on Linux EC2 is bridge). */
    public String networkMode() {
        return taskDefinition.networkModeAsString() == null ? "bridge" : taskDefinition.networkModeAsString();
    }

    public List<ContainerDefinition> containers() {
        return taskDefinition.containerDefinitions();
    }

    /** The override of one container, if the task has one. */
    public Optional<ContainerOverride> overrideOf(String containerName) {
        if (overrides == null || !overrides.hasContainerOverrides()) {
            return Optional.empty();
        }
        return overrides.containerOverrides().stream().filter(o -> containerName.equals(o.name())).findFirst();
    }
}
