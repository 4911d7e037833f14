package io.stevedore.control.tasks;

import io.stevedore.control.state.Context;
import io.stevedore.control.state.PlacementRules;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.control.state.Timings;
import io.stevedore.ecs.ImageSizes;
import io.stevedore.ecs.SimulatedRun;
import io.stevedore.ecs.Statuses;
import io.stevedore.ecs.TaskDemandMapper;
import io.stevedore.placement.TaskDemand;
import io.stevedore.wire.AwsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.HealthStatus;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskOverride;

/** Creates new tasks (RunTask and the service scheduler) in PROVISIONING with their engine runtime. */
public final class TaskFactory {
    private final Context ctx;
    private final Timings timings;

    /**
     * What a new task is.
     *
     * @param cluster          its cluster
     * @param taskDefinition   its task definition
     * @param capacityProvider the capacity provider (null with a launch type)
     * @param launchType       the launch type (null with a capacity provider)
     * @param group            {@code family:x} or {@code service:x}
     * @param startedBy        free text, or the deployment id of a service
     * @param overrides        RunTask overrides (may be null)
     * @param subnets          awsvpc subnets (may be empty)
     * @param enableExecuteCommand ECS Exec flag
     * @param placement        placement constraints and strategies of the RunTask call or service
     */
    public record Spec(Cluster cluster, TaskDefinition taskDefinition, String capacityProvider, String launchType,
                       String group, String startedBy, TaskOverride overrides, List<String> subnets,
                       boolean enableExecuteCommand, PlacementRules placement) {
        public Spec {
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(taskDefinition, "taskDefinition");
            subnets = subnets == null ? List.of() : List.copyOf(subnets);
            placement = placement == null ? PlacementRules.NONE : placement;
        }
    }

    public TaskFactory(Context ctx, Timings timings) {
        this.ctx = ctx;
        this.timings = timings;
    }

    public Task create(Spec s) {
        String id = ctx.state().newId("task");
        String cluster = s.cluster().clusterName();
        String arn = ctx.arn("task/" + cluster + "/" + id);
        TaskDefinition td = s.taskDefinition();
        Shape shape = s.overrides() == null && last != null && last.td() == td ? last : shape(td, s.overrides());
        if (s.overrides() == null) {
            last = shape;
        }
        List<Container> containers = new ArrayList<>();
        for (ContainerDefinition c : td.containerDefinitions()) {
            containers.add(Container.builder()
                    .containerArn(ctx.arn("container/" + cluster + "/" + id + "/" + ctx.state().newId("container")))
                    .taskArn(arn).name(c.name()).image(c.image()).lastStatus(Statuses.TASK_PENDING)
                    .healthStatus(HealthStatus.UNKNOWN)
                    .cpu(c.cpu() == null ? "0" : c.cpu().toString())
                    .memory(c.memory() == null ? null : c.memory().toString())
                    .memoryReservation(c.memoryReservation() == null ? null : c.memoryReservation().toString())
                    .build());
        }
        Task t = Task.builder().taskArn(arn).clusterArn(s.cluster().clusterArn())
                .taskDefinitionArn(td.taskDefinitionArn()).lastStatus(Statuses.TASK_PROVISIONING)
                .desiredStatus(Statuses.TASK_RUNNING)
                .createdAt(ctx.now()).group(s.group()).startedBy(s.startedBy()).launchType(s.launchType())
                .capacityProviderName(s.capacityProvider()).cpu(shape.cpu())
                .memory(shape.memory()).containers(containers)
                .overrides(s.overrides() == null ? TaskOverride.builder().build() : s.overrides())
                .version(1L).enableExecuteCommand(s.enableExecuteCommand()).healthStatus("UNKNOWN")
                .platformFamily("Linux").build();
        long run = shape.runMillis();
        ctx.state().tasks.put(arn, t);
        ctx.state().runtimes.put(arn, new TaskRuntime(arn, TaskRuntime.Phase.UNPLACED, 0, null,
                run < 0 ? -1 : Timings.div(java.time.Duration.ofMillis(run), speed()).toMillis(),
                shape.exitCode(), true, s.subnets(), shape.image(), s.placement(), shape.imageBytes(), 0));
        return t;
    }

    /**
     * What a new task takes from its task definition and overrides alone: its cpu and memory, the image (the first
     * essential container's) and its declared size, the simulated run's length and exit code.
     */
    private record Shape(TaskDefinition td, String cpu, String memory, String image, long imageBytes, long runMillis,
                         int exitCode) {
    }

    /**
     * The shape of the last task created without overrides, for its task definition (the same object: rows are
     * immutable): a service's tasks are created in runs of the same definition.
     */
    private Shape last;

    private static Shape shape(TaskDefinition td, TaskOverride overrides) {
        String cpu;
        String memory;
        try {
            TaskDemand demand = TaskDemandMapper.toDemand(td, overrides);
            cpu = Integer.toString(demand.cpu());
            memory = Long.toString(demand.memoryMiB());
        } catch (AwsException e) {
            cpu = td.cpu(); // a launch-type task placement never models (e.g. bridge mode on EC2)
            memory = td.memory();
        }
        String image = null;
        long imageBytes = 0;
        for (ContainerDefinition c : td.containerDefinitions()) {
            if (image == null && !Boolean.FALSE.equals(c.essential())) {
                image = c.image();
                imageBytes = ImageSizes.declared(c);
            }
        }
        if (image == null) {
            image = td.containerDefinitions().get(0).image();
            imageBytes = ImageSizes.declared(td.containerDefinitions().get(0));
        }
        Map<String, String> env = SimulatedRun.environment(td, overrides);
        return new Shape(td, cpu, memory, image, imageBytes, SimulatedRun.runMillis(env), SimulatedRun.exitCode(env));
    }

    private double speed() {
        return ctx.config().speed();
    }

    Timings timings() {
        return timings;
    }
}
