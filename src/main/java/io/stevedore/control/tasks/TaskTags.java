package io.stevedore.control.tasks;

import io.stevedore.control.state.EcsState;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.PropagateTags;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * The tags a new task gets: propagated from its service or task definition ({@code propagateTags}) and, with
 * {@code enableECSManagedTags}, the Amazon ECS managed tags naming its cluster and service (Amazon ECS Developer
 * Guide, tagging your resources: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-using-tags.html).
 */
public final class TaskTags {
    /** Managed tag: the task's cluster name. */
    public static final String CLUSTER_NAME = "aws:ecs:clusterName";
    /** Managed tag: the task's service name. */
    public static final String SERVICE_NAME = "aws:ecs:serviceName";

    private TaskTags() {
    }

    /** A service task's tags, in the order they are applied (managed tags last). */
    static Map<String, String> ofServiceTask(EcsState state, Service s, TaskDefinition td, String clusterName) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (s.propagateTags() == PropagateTags.SERVICE) {
            tags.putAll(state.tagsOf(s.serviceArn()));
        } else if (s.propagateTags() == PropagateTags.TASK_DEFINITION) {
            tags.putAll(state.tagsOf(td.taskDefinitionArn()));
        }
        if (Boolean.TRUE.equals(s.enableECSManagedTags())) {
            tags.put(CLUSTER_NAME, clusterName);
            tags.put(SERVICE_NAME, s.serviceName());
        }
        return tags;
    }
}
