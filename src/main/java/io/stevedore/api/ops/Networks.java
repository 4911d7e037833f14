package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.cloud.Network;
import io.stevedore.control.state.Context;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.ServiceQuota;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/** Validation of a task's or service's network configuration against its task definition and provider. */
final class Networks {
    private Networks() {
    }

    static void validate(Context ctx, TaskDefinition td, NetworkConfiguration nc, CapacityProvider provider) {
        boolean awsvpc = "awsvpc".equals(td.networkModeAsString());
        AwsVpcConfiguration a = nc == null ? null : nc.awsvpcConfiguration();
        if (!awsvpc) {
            require(a == null, "Network Configuration is not valid for the given networkMode of this task"
                    + " definition.");
            return;
        }
        require(a != null, "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        require(a.hasSubnets() && !a.subnets().isEmpty(), "subnets can not be empty.");
        ctx.config().quotas().check(ServiceQuota.SUBNETS_PER_AWSVPC_CONFIGURATION, a.subnets().size());
        ctx.config().quotas().check(ServiceQuota.SECURITY_GROUPS_PER_AWSVPC_CONFIGURATION,
                a.securityGroups().size());
        String vpc = null;
        for (String s : a.subnets()) {
            Network.Subnet subnet = ctx.cloud().subnet(s).orElseThrow(() -> Errors.invalid(
                    "Error retrieving subnet information for [" + s + "]: The subnet ID '" + s + "' does not exist"
                            + " (ErrorCode: InvalidSubnetID.NotFound)"));
            require(vpc == null || vpc.equals(subnet.vpcId()), "All subnets must belong to the same VPC.");
            vpc = subnet.vpcId();
        }
        for (String g : a.securityGroups()) {
            if (ctx.cloud().securityGroup(g).isEmpty()) { // the message built only to be thrown
                throw Errors.invalid("Error retrieving security group information for [" + g + "]: The security"
                        + " group '" + g + "' does not exist");
            }
        }
        if (provider != null && CapacityProviderStrategies.isManagedInstances(provider)) {
            require(a.assignPublicIp() != AssignPublicIp.ENABLED, "assignPublicIp is not supported for tasks"
                    + " on Amazon ECS Managed Instances.");
            List<String> providerSubnets = provider.managedInstancesProvider().instanceLaunchTemplate()
                    .networkConfiguration().subnets();
            String providerVpc = ctx.cloud().subnet(providerSubnets.get(0)).map(Network.Subnet::vpcId).orElse(null);
            if (!vpc.equals(providerVpc)) {
                throw Errors.invalid("The task's subnets must be in the VPC of the capacity provider "
                        + provider.name() + " (" + providerVpc + ").");
            }
        }
    }
}
