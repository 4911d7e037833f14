package io.stevedore.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.wire.AwsException;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceStatus;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.StopTaskRequest;
import software.amazon.awssdk.services.ecs.model.StopTaskResponse;
import software.amazon.awssdk.services.ecs.model.UpdateContainerInstancesStateRequest;
import software.amazon.awssdk.services.ecs.model.UpdateContainerInstancesStateResponse;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * The actions a person takes from the console during an incident. Each one is the ECS operation itself, called
 * through {@link EcsApi#invoke} (the handler, validation and transaction of {@code POST /}), so the console can do
 * nothing the API would refuse and its errors are the API's.
 */
final class ConsoleActions {
    private final EcsApi api;

    ConsoleActions(EcsApi api) {
        this.api = api;
    }

    ObjectNode run(JsonNode body, String user) {
        String action = text(body, "action");
        String cluster = text(body, "cluster");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("action", action);
        switch (action) {
            case "scale" -> {
                JsonNode n = body.get("desiredCount");
                if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 0) {
                    throw invalid("desiredCount must be a whole number of tasks, 0 or more.");
                }
                Service s = ((UpdateServiceResponse) api.invoke("UpdateService", UpdateServiceRequest.builder()
                        .cluster(cluster).service(text(body, "service")).desiredCount(n.asInt()).build())).service();
                out.put("message", "Service " + s.serviceName() + ": desired count set to " + s.desiredCount() + ".");
            }
            case "deploy" -> {
                Service s = ((UpdateServiceResponse) api.invoke("UpdateService", UpdateServiceRequest.builder()
                        .cluster(cluster).service(text(body, "service")).forceNewDeployment(true).build())).service();
                out.put("message", s.deployments().isEmpty() // EXTERNAL / CODE_DEPLOY: the task sets deploy
                        ? "Service " + s.serviceName() + ": its task sets carry its deployments (" + s
                        .deploymentController().typeAsString() + " deployment controller)."
                        : "Service " + s.serviceName() + ": new deployment started (" + s.deployments().get(0).id()
                        + ").");
            }
            case "drain" -> {
                UpdateContainerInstancesStateResponse r = (UpdateContainerInstancesStateResponse) api.invoke(
                        "UpdateContainerInstancesState", UpdateContainerInstancesStateRequest.builder()
                                .cluster(cluster).containerInstances(text(body, "containerInstance"))
                                .status(ContainerInstanceStatus.DRAINING).build());
                if (!r.failures().isEmpty()) {
                    throw invalid("Could not drain: " + r.failures().get(0).reason() + " ("
                            + r.failures().get(0).arn() + ").");
                }
                out.put("message", "Instance " + r.containerInstances().get(0).ec2InstanceId() + " is DRAINING.");
            }
            case "stop" -> {
                StopTaskResponse r = (StopTaskResponse) api.invoke("StopTask", StopTaskRequest.builder()
                        .cluster(cluster).task(text(body, "task"))
                        .reason("Stopped from the Stevedore console by " + user).build());
                out.put("message", "Task " + ConsoleViews.shortArn(r.task().taskArn()) + " is stopping.");
            }
            default -> throw invalid("Unknown action " + action + ": use scale, deploy, drain or stop.");
        }
        return out;
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw invalid(field + " is required.");
        }
        return n.asText();
    }

    private static AwsException invalid(String message) {
        return new AwsException("InvalidParameterException", 400, message);
    }
}
