package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.control.state.Context;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.PlacementModelMapper;
import io.stevedore.placement.ManagedInstancesConstraints;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStatus;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Where tasks of a RunTask or a service go: a launch type, or a capacity provider strategy (given, or the
 * cluster's default), checked against the task definition's compatibilities and network configuration.
 *
 * @param launchType    the launch type, or null
 * @param strategy      the strategy, or empty
 * @param compatibility what the tasks run on: MANAGED_INSTANCES, FARGATE or EC2
 */
record LaunchTargets(String launchType, List<CapacityProviderStrategyItem> strategy, String compatibility) {

    LaunchTargets(String launchType, List<CapacityProviderStrategyItem> strategy) {
        this(launchType, strategy, null);
    }

    static LaunchTargets resolve(Context ctx, Cluster cluster, String launchType,
                           List<CapacityProviderStrategyItem> strategy, TaskDefinition td, NetworkConfiguration nc) {
        boolean hasStrategy = strategy != null && !strategy.isEmpty();
        require(launchType == null || !hasStrategy, "Specifying both a launch type and capacity provider strategy"
                + " is not supported. Remove one and try again.");
        require(!LaunchType.MANAGED_INSTANCES.toString().equals(launchType),
                "To use Amazon ECS Managed Instances, specify a capacity"
                + " provider strategy with a Managed Instances capacity provider and omit launchType.");
        LaunchTargets t;
        if (hasStrategy) {
            CapacityProviderStrategies.validate(ctx, cluster, strategy, "capacityProviderStrategy", true);
            t = new LaunchTargets(null, List.copyOf(strategy));
        } else if (launchType != null) {
            t = new LaunchTargets(launchType, List.of());
        } else if (cluster.hasDefaultCapacityProviderStrategy() && !cluster.defaultCapacityProviderStrategy()
                .isEmpty()) {
            t = new LaunchTargets(null, cluster.defaultCapacityProviderStrategy());
        } else {
            t = new LaunchTargets(LaunchType.EC2.toString(), List.of());
        }
        CapacityProvider first = null;
        for (CapacityProviderStrategyItem i : t.strategy) {
            CapacityProvider p = CapacityProviderStrategies.find(ctx, i.capacityProvider())
                    .orElseThrow(() -> Errors.invalid("The specified capacity provider '" + i.capacityProvider()
                            + "' does not exist."));
            if (CapacityProviderStrategies.isManagedInstances(p) && p.status() != CapacityProviderStatus.ACTIVE) {
                // the messages here are built only to be thrown: UpdateService resolves its service's targets
                throw Errors.invalid("The specified capacity provider '" + p.name() + "' is not in an ACTIVE state");
            }
            first = first == null ? p : first;
        }
        String needed = first == null ? t.launchType
                : CapacityProviderStrategies.isManagedInstances(first) ? Compatibility.MANAGED_INSTANCES.toString()
                : CapacityProviderStrategies.FARGATE.contains(first.name()) ? Compatibility.FARGATE.toString()
                : Compatibility.EC2.toString();
        if (!td.compatibilitiesAsStrings().contains(needed)) {
            throw Errors.invalid("Task definition does not support launch_type " + needed + ".");
        }
        // ECS Anywhere runs bridge, host and none network modes; awsvpc needs an ENI only a VPC instance has
        require(!Compatibility.EXTERNAL.toString().equals(needed) || !"awsvpc".equals(td.networkModeAsString()),
                "The awsvpc network mode is not supported for tasks with the EXTERNAL launch type: use the bridge,"
                        + " host or none network mode.");
        Networks.validate(ctx, td, nc, first);
        return new LaunchTargets(t.launchType, t.strategy, needed);
    }

    /**
     * Placement constraints as the target capacity accepts them: on Managed Instances only {@code memberOf} on
     * {@code ecs.subnet-id}, {@code ecs.availability-zone}, {@code ecs.instance-type} and
     * {@code ecs.cpu-architecture}; an InvalidParameterException names the refused one. AWS:
     * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-tasks-services.html
     */
    void checkConstraints(List<software.amazon.awssdk.services.ecs.model.PlacementConstraint> wire) {
        if (Compatibility.MANAGED_INSTANCES.toString().equals(compatibility) && wire != null && !wire.isEmpty()) {
            PlacementModelMapper.guarded(() -> {
                ManagedInstancesConstraints.validateConstraints(PlacementModelMapper.constraints(wire));
                return null;
            });
        }
    }

    /** Normalizes provider names (ARNs → names) so tasks record the name. */
    List<CapacityProviderStrategyItem> named() {
        return strategy.stream().map(i -> i.toBuilder().capacityProvider(CapacityProviderStrategies.providerName(
                i.capacityProvider())).weight(i.weight() == null ? 0 : i.weight()).base(i.base() == null ? 0
                : i.base()).build()).toList();
    }
}
