package io.stevedore.ecs;

import io.stevedore.wire.AwsJsonCodec;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DaemonContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DaemonTaskDefinition;
import software.amazon.awssdk.services.ecs.model.DaemonVolume;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.Volume;

/**
 * A daemon task definition as the engine reads every task's definition: a {@link TaskDefinition} with the same ARN,
 * containers, volumes, cpu and memory, in host network mode (a daemon task shares the instance's network; the agent's
 * {@code daemon-bridge} mode has no ENI of its own). The daemon shapes are the task definition shapes' subsets, member
 * for member, so each container and volume is carried over through its AWS JSON form.
 */
public final class DaemonDefinitions {
    private static final AwsJsonCodec JSON = new AwsJsonCodec();
    /** The resource segment of a daemon task definition ARN ({@code …:daemon-task-definition/family:revision}). */
    public static final String ARN_SEGMENT = ":daemon-task-definition/";
    /** The task group of a daemon's tasks: {@code daemon:<daemon name>}. */
    public static final String GROUP_PREFIX = "daemon:";

    private DaemonDefinitions() {
    }

    /** Whether a task definition ARN names a daemon task definition. */
    public static boolean isDaemonDefinition(String arn) {
        return arn != null && arn.contains(ARN_SEGMENT);
    }

    /** Whether a task group is a daemon's. */
    public static boolean isDaemonGroup(String group) {
        return group != null && group.startsWith(GROUP_PREFIX);
    }

    /** The daemon task definition in the task definition's shape (see the class comment). */
    public static TaskDefinition asTaskDefinition(DaemonTaskDefinition d) {
        List<ContainerDefinition> containers = new ArrayList<>();
        for (DaemonContainerDefinition c : d.containerDefinitions()) {
            containers.add(JSON.read(JSON.writeString(c), ContainerDefinition::builder, ContainerDefinition.class));
        }
        List<Volume> volumes = new ArrayList<>();
        for (DaemonVolume v : d.volumes()) {
            volumes.add(JSON.read(JSON.writeString(v), Volume::builder, Volume.class));
        }
        return TaskDefinition.builder().taskDefinitionArn(d.daemonTaskDefinitionArn()).family(d.family())
                .revision(d.revision()).containerDefinitions(containers).volumes(volumes).cpu(d.cpu())
                .memory(d.memory()).networkMode(NetworkMode.HOST).taskRoleArn(d.taskRoleArn())
                .executionRoleArn(d.executionRoleArn()).requiresCompatibilities(Compatibility.MANAGED_INSTANCES)
                .compatibilities(Compatibility.MANAGED_INSTANCES).status(TaskDefinitionStatus.ACTIVE)
                .registeredAt(d.registeredAt()).build();
    }
}
