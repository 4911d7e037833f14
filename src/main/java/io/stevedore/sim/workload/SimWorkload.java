package io.stevedore.sim.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.ecs.Quotas;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A simulation workload (docs/workload-format.md, "Simulation"): capacity providers and task definitions in ECS
 * shapes, services with a desired count over time, batch jobs, deployments and fault injections.
 *
 * @param name            a label for reports (the file name without extension)
 * @param region          AWS Region for prices and the simulated network
 * @param duration        how long to simulate unless the command line says otherwise
 * @param providers       Managed Instances capacity providers, file order
 * @param taskDefinitions task definitions (RegisterTaskDefinition request JSON), file order
 * @param services        services, file order
 * @param jobs            batch job streams (RunTask), file order
 * @param faults          fault injections, file order
 * @param fargate         the Fargate comparison's assumptions
 * @param daemons         Managed Daemons, file order: one task of each on every instance of their providers
 */
public record SimWorkload(String name, String region, Duration duration, List<Provider> providers,
                          List<TaskDefinitionSpec> taskDefinitions, List<ServiceSpec> services, List<JobSpec> jobs,
                          List<FaultSpec> faults, FargateAssumptions fargate, List<DaemonSpec> daemons,
                          Quotas quotas) {
    /** A workload under AWS's default service quotas. */
    public SimWorkload(String name, String region, Duration duration, List<Provider> providers,
                       List<TaskDefinitionSpec> taskDefinitions, List<ServiceSpec> services, List<JobSpec> jobs,
                       List<FaultSpec> faults, FargateAssumptions fargate, List<DaemonSpec> daemons) {
        this(name, region, duration, providers, taskDefinitions, services, jobs, faults, fargate, daemons,
                Quotas.defaults());
    }

    /** A workload without daemons. */
    public SimWorkload(String name, String region, Duration duration, List<Provider> providers,
                       List<TaskDefinitionSpec> taskDefinitions, List<ServiceSpec> services, List<JobSpec> jobs,
                       List<FaultSpec> faults, FargateAssumptions fargate) {
        this(name, region, duration, providers, taskDefinitions, services, jobs, faults, fargate, List.of());
    }

    public SimWorkload {
        daemons = daemons == null ? List.of() : List.copyOf(daemons);
        quotas = quotas == null ? Quotas.defaults() : quotas;
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(region, "region");
        providers = List.copyOf(providers);
        taskDefinitions = List.copyOf(taskDefinitions);
        services = List.copyOf(services);
        jobs = List.copyOf(jobs);
        faults = List.copyOf(faults);
    }

    /**
     * A Managed Instances capacity provider.
     *
     * @param capacityOptionType ON_DEMAND or SPOT
     * @param instanceRequirements ECS InstanceRequirementsRequest JSON
     * @param zones              Availability Zones of its subnets (the simulated network has one subnet per zone)
     * @param scaleInAfter       infrastructureOptimization.scaleInAfter (null = the service default)
     */
    public record Provider(String name, String capacityOptionType, ObjectNode instanceRequirements,
                           List<String> zones, Integer scaleInAfter, int line) {
        public Provider {
            zones = List.copyOf(zones);
        }
    }

    /**
     * A daemon: its RegisterDaemonTaskDefinition request (family = the daemon's name) and the providers it covers.
     *
     * @param providers capacity provider names (all of the workload's when the file names none)
     */
    public record DaemonSpec(String name, ObjectNode request, List<String> providers, int line) {
        public DaemonSpec {
            providers = List.copyOf(providers);
        }
    }

    /** A task definition as the RegisterTaskDefinition request (family, cpu, memory, containerDefinitions…). */
    public record TaskDefinitionSpec(String family, ObjectNode request, int line) {
    }

    /**
     * A service (or {@code replicas} identical services named {@code name-00001}…).
     *
     * @param deploymentConfiguration ECS DeploymentConfiguration JSON, or null
     * @param placementConstraints    ECS PlacementConstraint list JSON, or null
     * @param deployments             fixed deployment times
     * @param dailyDeployFraction     share of the replicas that deploy each day at a seeded time (0 = none)
     * @param scaling                 Service Auto Scaling of each replica, or null
     * @param cpuLoad                 the service's whole CPU demand over time, in percent of one task (the
     *                                {@code stevedore:cpu-load} tag the control plane turns into AWS/ECS
     *                                CPUUtilization), or null
     * @param queue                   a queue of work the service's running tasks drain, published as a custom
     *                                metric each minute, or null
     */
    public record ServiceSpec(String name, String taskDefinition, int replicas, DesiredCount desired,
                              String capacityProvider, ObjectNode deploymentConfiguration,
                              com.fasterxml.jackson.databind.node.ArrayNode placementConstraints,
                              List<Duration> deployments, double dailyDeployFraction, ScalingSpec scaling,
                              DesiredCount cpuLoad, QueueSpec queue, int line) {
        public ServiceSpec {
            deployments = List.copyOf(deployments);
        }
    }

    /**
     * Application Auto Scaling of a service: its range and, in the API's own request shapes (validated by the
     * API when the simulator makes the calls), its policies ({@code PutScalingPolicy} without the target's
     * fields), the CloudWatch alarms that trigger step policies ({@code PutMetricAlarm}; {@code AlarmActions}
     * name policies by their {@code PolicyName}) and scheduled actions ({@code PutScheduledAction} likewise).
     */
    public record ScalingSpec(int minCapacity, int maxCapacity, List<ObjectNode> policies, List<ObjectNode> alarms,
                              List<ObjectNode> scheduledActions, int line) {
        public ScalingSpec {
            policies = List.copyOf(policies);
            alarms = List.copyOf(alarms);
            scheduledActions = List.copyOf(scheduledActions);
        }
    }

    /**
     * A queue in front of a service: messages arrive as a Poisson process whose rate per hour follows
     * {@code perHour} (a constant, or base, steps and daily pattern as a desired count), each running task drains
     * {@code drainPerTaskPerMinute} a minute, and the depth is published each minute with PutMetricData as
     * {@code Stevedore/Queue QueueDepth} with the dimension {@code QueueName} = {@code name}.
     */
    public record QueueSpec(String name, DesiredCount perHour, double drainPerTaskPerMinute, int line) {
        public static final String NAMESPACE = "Stevedore/Queue";
        public static final String METRIC = "QueueDepth";
        public static final String DIMENSION = "QueueName";
    }

    /** A stream of RunTask jobs of one task definition. */
    public record JobSpec(String name, String taskDefinition, Arrivals arrivals, DurationDistribution duration,
                          String capacityProvider, int line) {
    }

    /** What goes wrong, when. */
    public record FaultSpec(Duration at, FaultType type, int count, double fraction, List<String> instanceTypes,
                            String availabilityZone, Duration lasting, int line) {
        public FaultSpec {
            instanceTypes = List.copyOf(instanceTypes);
        }
    }

    /** Fault kinds (docs/workload-format.md "faults[]"). */
    public enum FaultType {
        TERMINATE_INSTANCE("terminateInstance"), IMPAIR_INSTANCE("impairInstance"),
        SPOT_INTERRUPTION("spotInterruption"), CAPACITY_SHORTAGE("capacityShortage");

        private final String wire;

        FaultType(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /**
     * The Fargate side's assumptions (docs/decisions.md "Simulation", Fargate side).
     *
     * @param startLatencyMin  fastest Fargate start (created → RUNNING)
     * @param startLatencyMax  slowest; each task draws uniformly in between (seeded)
     * @param billedStartup    the billed part of the start: image download and container start (Fargate bills from
     *                         the start of the image download; there is no image cache)
     */
    public record FargateAssumptions(Duration startLatencyMin, Duration startLatencyMax, Duration billedStartup) {
        public static FargateAssumptions defaults() {
            return new FargateAssumptions(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(20));
        }
    }
}
