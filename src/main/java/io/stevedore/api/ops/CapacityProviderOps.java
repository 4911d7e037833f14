package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.api.EcsApi;
import io.stevedore.api.Pages;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.catalog.Selection;
import io.stevedore.cloud.Network;
import io.stevedore.control.scheduling.CapacityOfferings;
import io.stevedore.control.state.Context;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.ServiceQuota;
import io.stevedore.ecs.Statuses;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.model.AutoRepairActionsStatus;
import software.amazon.awssdk.services.ecs.model.AutoRepairConfiguration;
import software.amazon.awssdk.services.ecs.model.CapacityOptionType;
import software.amazon.awssdk.services.ecs.model.AutoScalingGroupProvider;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.ManagedScaling;
import software.amazon.awssdk.services.ecs.model.ManagedTerminationProtection;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStatus;
import software.amazon.awssdk.services.ecs.model.CapacityProviderType;
import software.amazon.awssdk.services.ecs.model.CapacityProviderUpdateStatus;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.CreateCapacityProviderRequest;
import software.amazon.awssdk.services.ecs.model.CreateCapacityProviderResponse;
import software.amazon.awssdk.services.ecs.model.CreateManagedInstancesProviderConfiguration;
import software.amazon.awssdk.services.ecs.model.DeleteCapacityProviderRequest;
import software.amazon.awssdk.services.ecs.model.DeleteCapacityProviderResponse;
import software.amazon.awssdk.services.ecs.model.DescribeCapacityProvidersRequest;
import software.amazon.awssdk.services.ecs.model.DescribeCapacityProvidersResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.InfrastructureOptimization;
import software.amazon.awssdk.services.ecs.model.InstanceLaunchTemplate;
import software.amazon.awssdk.services.ecs.model.InstanceLaunchTemplateUpdate;
import software.amazon.awssdk.services.ecs.model.InstanceRequirementsRequest;
import software.amazon.awssdk.services.ecs.model.ManagedInstancesNetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.ManagedInstancesProvider;
import software.amazon.awssdk.services.ecs.model.ManagedInstancesStorageConfiguration;
import software.amazon.awssdk.services.ecs.model.PropagateMITags;
import software.amazon.awssdk.services.ecs.model.UpdateCapacityProviderRequest;
import software.amazon.awssdk.services.ecs.model.UpdateCapacityProviderResponse;
import software.amazon.awssdk.services.ecs.model.UpdateManagedInstancesProviderConfiguration;

/** CreateCapacityProvider, DescribeCapacityProviders, UpdateCapacityProvider, DeleteCapacityProvider. */
public final class CapacityProviderOps {
    private static final Pattern ROLE = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
    private static final Pattern PROFILE =
            Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:instance-profile/[\\w+=,.@/-]{1,512}");
    private static final Pattern SUBNET = Pattern.compile("subnet-([0-9a-f]{8}|[0-9a-f]{17})");
    private static final Pattern SG = Pattern.compile("sg-([0-9a-f]{8}|[0-9a-f]{17})");
    private static final Pattern TYPE_PATTERN = Pattern.compile("[a-zA-Z0-9.*-]{1,30}");
    private static final String MI = "Amazon ECS Managed Instances capacity provider";

    private final Context ctx;
    private final Supplier<CapacityOfferings> offerings;

    /** {@code offerings} selects the types a provider's requirements allow (shared with the reconciler). */
    public CapacityProviderOps(Context ctx, Supplier<CapacityOfferings> offerings) {
        this.ctx = ctx;
        this.offerings = offerings;
    }

    public void register(EcsApi api) {
        api.register("CreateCapacityProvider", CreateCapacityProviderRequest::builder,
                CreateCapacityProviderRequest.class, this::create);
        api.register("DescribeCapacityProviders", DescribeCapacityProvidersRequest::builder,
                DescribeCapacityProvidersRequest.class, this::describe);
        api.register("UpdateCapacityProvider", UpdateCapacityProviderRequest::builder,
                UpdateCapacityProviderRequest.class, this::update);
        api.register("DeleteCapacityProvider", DeleteCapacityProviderRequest::builder,
                DeleteCapacityProviderRequest.class, this::delete);
    }

    CreateCapacityProviderResponse create(CreateCapacityProviderRequest r) {
        require(r.name() != null && !r.name().isBlank(), "CapacityProvider name must not be blank");
        Checks.name(r.name(), "name");
        String lower = r.name().toLowerCase(Locale.ROOT);
        require(!lower.startsWith("aws") && !lower.startsWith("ecs") && !lower.startsWith("fargate"),
                "The capacity provider name cannot start with 'aws', 'ecs', or 'fargate'.");
        require(r.autoScalingGroupProvider() == null || r.managedInstancesProvider() == null,
                "Specify either autoScalingGroupProvider or managedInstancesProvider, not both.");
        Optional<CapacityProvider> existing = ctx.state().capacityProviders.get(r.name())
                .filter(p -> p.status() != CapacityProviderStatus.INACTIVE);
        if (r.autoScalingGroupProvider() != null) {
            require(r.cluster() == null, "The cluster parameter must be omitted for an Auto Scaling group"
                    + " capacity provider.");
            Checks.tags(ctx, r.tags());
            // "The Amazon Resource Name (ARN) that identifies the Auto Scaling group, or the Auto Scaling group
            // name." (AutoScalingGroupProvider, ECS API reference); Stevedore has no Auto Scaling groups to look up
            require(r.autoScalingGroupProvider().autoScalingGroupArn() != null
                    && !r.autoScalingGroupProvider().autoScalingGroupArn().isBlank(),
                    "autoScalingGroupProvider.autoScalingGroupArn must be an Auto Scaling group ARN or name.");
            if (existing.isPresent()) {
                throw Errors.client("The specified capacity provider already exists. To change the configuration"
                        + " of an existing capacity provider, update the capacity provider.");
            }
            CapacityProvider p = CapacityProvider.builder().name(r.name())
                    .capacityProviderArn(ctx.arn("capacity-provider/" + r.name())).status(CapacityProviderStatus.ACTIVE)
                    .type(CapacityProviderType.EC2_AUTOSCALING)
                    .autoScalingGroupProvider(withScalingDefaults(r.autoScalingGroupProvider())).build();
            return store(p, r);
        }
        require(r.cluster() != null && !r.cluster().isEmpty(),
                "Amazon ECS Managed Instances Provider is not supported without a Cluster Name");
        Cluster cluster = ctx.cluster(r.cluster());
        require(r.managedInstancesProvider() != null, "The Amazon ECS Managed Instances provider details are"
                + " required when creating a Amazon ECS Managed Instances capacity provider");
        Checks.tags(ctx, r.tags(), ServiceQuota.TAGS_PER_MANAGED_INSTANCES_CAPACITY_PROVIDER);
        if (existing.isPresent()) {
            throw Errors.client(cluster.clusterName().equals(existing.get().cluster())
                    ? "The specified capacity provider already exists with cluster scope"
                    : "The specified capacity provider already exists with account or a different cluster");
        }
        ManagedInstancesProvider mip = validateCreate(r.managedInstancesProvider());
        ctx.config().quotas().check(ServiceQuota.CAPACITY_PROVIDERS_PER_CLUSTER,
                cluster.capacityProviders().size() + 1L);
        CapacityProvider p = CapacityProvider.builder().name(r.name()).cluster(cluster.clusterName())
                .capacityProviderArn(ctx.arn("capacity-provider/" + r.name())).status(CapacityProviderStatus.ACTIVE)
                .type(CapacityProviderType.MANAGED_INSTANCES).managedInstancesProvider(mip).build();
        List<String> providers = new ArrayList<>(cluster.capacityProviders());
        providers.add(p.name());
        ctx.state().clusters.put(cluster.clusterArn(), cluster.toBuilder().capacityProviders(providers).build());
        return store(p, r);
    }

    /**
     * An Auto Scaling group provider as ECS stores it, with the defaults the API reference documents: managed
     * termination protection off ("The default is off.", AutoScalingGroupProvider); in managed scaling, the step
     * sizes, the warm-up period ("If this parameter is omitted, the default value of 1 / 10000 / 300 … is used") and
     * the target capacity ("The default value of 100 percent", ManagedScaling).
     */
    static AutoScalingGroupProvider withScalingDefaults(AutoScalingGroupProvider p) {
        if (p.managedTerminationProtection() == null) {
            p = p.toBuilder().managedTerminationProtection(ManagedTerminationProtection.DISABLED).build();
        }
        ManagedScaling m = p.managedScaling();
        if (m == null) {
            return p;
        }
        ManagedScaling.Builder b = m.toBuilder();
        if (m.targetCapacity() == null) {
            b.targetCapacity(100);
        }
        if (m.minimumScalingStepSize() == null) {
            b.minimumScalingStepSize(1);
        }
        if (m.maximumScalingStepSize() == null) {
            b.maximumScalingStepSize(10000);
        }
        if (m.instanceWarmupPeriod() == null) {
            b.instanceWarmupPeriod(300);
        }
        return p.toBuilder().managedScaling(b.build()).build();
    }

    private CreateCapacityProviderResponse store(CapacityProvider p, CreateCapacityProviderRequest r) {
        ctx.state().capacityProviders.put(p.name(), p);
        TagOps.setTags(ctx, p.capacityProviderArn(), r.tags());
        return CreateCapacityProviderResponse.builder().capacityProvider(view(p, true)).build();
    }

    private ManagedInstancesProvider validateCreate(CreateManagedInstancesProviderConfiguration c) {
        role(c.infrastructureRoleArn());
        InstanceLaunchTemplate t = c.instanceLaunchTemplate();
        require(t != null && t.ec2InstanceProfileArn() != null,
                "The " + MI + " must specify an instance profile");
        profile(t.ec2InstanceProfileArn());
        network(t.networkConfiguration());
        storage(t.storageConfiguration());
        optimization(c.infrastructureOptimization());
        if (t.capacityOptionType() == CapacityOptionType.RESERVED) {
            require(t.capacityReservations() != null && t.capacityReservations().reservationGroupArn() != null,
                    "capacityReservations.reservationGroupArn is required when capacityOptionType is RESERVED.");
        }
        requirements(t.instanceRequirements());
        fips(t);
        InstanceLaunchTemplate filled = t.toBuilder()
                .storageConfiguration(t.storageConfiguration() != null ? t.storageConfiguration()
                        : ManagedInstancesStorageConfiguration.builder().storageSizeGiB(80).build())
                .monitoring(t.monitoringAsString() != null ? t.monitoringAsString() : "BASIC")
                .capacityOptionType(t.capacityOptionTypeAsString() != null ? t.capacityOptionTypeAsString()
                        : CapacityOptionType.ON_DEMAND.toString())
                .instanceMetadataTagsPropagation(t.instanceMetadataTagsPropagation() != null
                        ? t.instanceMetadataTagsPropagation() : Boolean.TRUE)
                .fipsEnabled(t.fipsEnabled() != null ? t.fipsEnabled()
                        : Boolean.valueOf(ctx.config().region().startsWith("us-gov-")))
                .build();
        return ManagedInstancesProvider.builder().infrastructureRoleArn(c.infrastructureRoleArn())
                .instanceLaunchTemplate(filled)
                .propagateTags(c.propagateTagsAsString() != null ? c.propagateTagsAsString()
                        : PropagateMITags.NONE.toString())
                .infrastructureOptimization(c.infrastructureOptimization())
                .autoRepairConfiguration(c.autoRepairConfiguration() != null ? c.autoRepairConfiguration()
                        : AutoRepairConfiguration.builder().actionsStatus(AutoRepairActionsStatus.ENABLED).build())
                .build();
    }

    private static void role(String arn) {
        require(arn != null && !arn.isEmpty(), "The " + MI + " must specify an InfrastructureRole");
        require(ROLE.matcher(arn).matches(), "The specified infrastructure role arn is invalid");
    }

    private static void profile(String arn) {
        require(PROFILE.matcher(arn).matches(), "The specified instance profile role arn is invalid");
    }

    private void network(ManagedInstancesNetworkConfiguration n) {
        require(n != null, "The " + MI + " must specify a Network Configuration");
        require(n.hasSubnets() && !n.subnets().isEmpty(),
                "The " + MI + " must specify a Network Configuration with non empty subnets");
        Set<String> vpcs = new HashSet<>();
        for (String s : n.subnets()) {
            require(s != null && SUBNET.matcher(s).matches(), "The specified subnet id is invalid");
            Network.Subnet subnet = ctx.cloud().subnet(s)
                    .orElseThrow(() -> Errors.invalid("The specified subnet id is invalid"));
            vpcs.add(subnet.vpcId());
        }
        require(vpcs.size() == 1, "All subnets of the " + MI + " must be in the same VPC.");
        if (n.hasSecurityGroups()) {
            for (String g : n.securityGroups()) {
                require(g != null && SG.matcher(g).matches() && ctx.cloud().securityGroup(g).isPresent(),
                        "The specified security group id is invalid");
            }
        }
    }

    private static void storage(ManagedInstancesStorageConfiguration s) {
        if (s != null && s.storageSizeGiB() != null) {
            Checks.range(s.storageSizeGiB(), 1, 16384, "storageConfiguration.storageSizeGiB");
        }
    }

    private static void optimization(InfrastructureOptimization o) {
        if (o != null && o.scaleInAfter() != null) {
            require(o.scaleInAfter() == -1 || o.scaleInAfter() >= 0 && o.scaleInAfter() <= 3600,
                    "infrastructureOptimization.scaleInAfter must be -1 (disabled) or between 0 and 3600 seconds.");
        }
    }

    /**
     * FIPS-enabled Managed Instances exist only in the AWS GovCloud (US) Regions, on X86_64 (Amazon ECS Developer
     * Guide, Managed Instances security:
     * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-security.html): elsewhere
     * {@code fipsEnabled: true} is refused, and so are requirements that can only select Graviton (ARM64) types
     * (docs/decisions.md "FIPS on Managed Instances").
     */
    private void fips(InstanceLaunchTemplate t) {
        if (!Boolean.TRUE.equals(t.fipsEnabled())) {
            return;
        }
        String region = ctx.config().region();
        require(region.startsWith("us-gov-"), "fipsEnabled is only supported in the AWS GovCloud (US) Regions:"
                + " FIPS-enabled Managed Instances are not available in " + region + ". Remove fipsEnabled or create"
                + " the capacity provider in us-gov-west-1 or us-gov-east-1.");
        InstanceRequirementsRequest r = t.instanceRequirements();
        boolean gravitonOnly = r != null && r.hasCpuManufacturers() && !r.cpuManufacturers().isEmpty()
                && r.cpuManufacturersAsStrings().stream().allMatch("amazon-web-services"::equals);
        require(!gravitonOnly, "fipsEnabled requires X86_64 instances: instanceRequirements.cpuManufacturers"
                + " [amazon-web-services] selects only Graviton (ARM64) types. Add intel or amd.");
    }

    private void requirements(InstanceRequirementsRequest r) {
        if (r == null) {
            return;
        }
        require(r.vCpuCount() != null && r.vCpuCount().min() != null,
                "instanceRequirements.vCpuCount.min must be specified.");
        require(r.memoryMiB() != null && r.memoryMiB().min() != null,
                "instanceRequirements.memoryMiB.min must be specified.");
        require(r.vCpuCount().min() >= 0 && (r.vCpuCount().max() == null || r.vCpuCount().max() >= r.vCpuCount().min()),
                "instanceRequirements.vCpuCount: min must be >= 0 and max >= min.");
        require(r.memoryMiB().min() >= 0 && (r.memoryMiB().max() == null || r.memoryMiB().max() >= r.memoryMiB().min()),
                "instanceRequirements.memoryMiB: min must be >= 0 and max >= min.");
        boolean allowed = r.hasAllowedInstanceTypes() && !r.allowedInstanceTypes().isEmpty();
        boolean excluded = r.hasExcludedInstanceTypes() && !r.excludedInstanceTypes().isEmpty();
        require(!(allowed && excluded), "instanceRequirements: allowedInstanceTypes and excludedInstanceTypes"
                + " cannot be used together.");
        for (List<String> list : List.of(r.allowedInstanceTypes(), r.excludedInstanceTypes())) {
            Checks.maxItems(list, 400, "instanceRequirements instance type list");
            for (String s : list) {
                require(s != null && TYPE_PATTERN.matcher(s).matches(), "instanceRequirements: '" + s
                        + "' is not a valid instance type pattern.");
            }
        }
        require(r.spotMaxPricePercentageOverLowestPrice() == null
                        || r.maxSpotPriceAsPercentageOfOptimalOnDemandPrice() == null,
                "instanceRequirements: spotMaxPricePercentageOverLowestPrice and"
                        + " maxSpotPriceAsPercentageOfOptimalOnDemandPrice cannot be used together.");
        Selection selection = offerings.get().select(r, ctx.config().region(), PurchaseOption.ON_DEMAND);
        // types that match but have no price in this region are accepted: their tasks are explained when placed
        require(!selection.isEmpty() || !selection.unpriced().isEmpty(),
                selection.noMatchMessage().orElse(Selection.NO_MATCH_MESSAGE));
    }

    CapacityProvider view(CapacityProvider p, boolean tags) {
        CapacityProvider.Builder b = p.toBuilder();
        if (tags) {
            b.tags(TagOps.sdkTags(ctx, p.capacityProviderArn()));
        }
        if (p.updateStatus() == null && p.managedInstancesProvider() != null) {
            b.updateStatus(CapacityProviderUpdateStatus.CREATE_COMPLETE);
        }
        return b.build();
    }

    DescribeCapacityProvidersResponse describe(DescribeCapacityProvidersRequest r) {
        boolean tags = r.includeAsStrings() != null && r.includeAsStrings().contains("TAGS");
        List<CapacityProvider> all = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        String cluster = r.cluster() == null ? null : Context.clusterName(r.cluster());
        if (r.hasCapacityProviders() && !r.capacityProviders().isEmpty()) {
            Checks.maxItems(r.capacityProviders(), 100, "capacityProviders");
            for (String n : new LinkedHashSet<>(r.capacityProviders())) {
                Optional<CapacityProvider> p = CapacityProviderStrategies.find(ctx, n);
                if (p.isPresent()) {
                    all.add(view(p.get(), tags));
                } else {
                    failures.add(Failure.builder().arn(n.startsWith("arn:") ? n
                            : ctx.arn("capacity-provider/" + n)).reason("MISSING").build());
                }
            }
        } else {
            for (String f : CapacityProviderStrategies.FARGATE) {
                all.add(CapacityProviderStrategies.find(ctx, f).orElseThrow());
            }
            for (CapacityProvider p : ctx.state().capacityProviders.values(
                    p -> p.status() != CapacityProviderStatus.INACTIVE && (cluster == null || p.cluster() == null
                            || cluster.equals(p.cluster())))) {
                all.add(view(p, tags));
            }
        }
        Pages.Page<CapacityProvider> page = Pages.page(all, CapacityProvider::name, r.nextToken(), r.maxResults(),
                100);
        return DescribeCapacityProvidersResponse.builder().capacityProviders(page.items()).failures(failures)
                .nextToken(page.nextToken()).build();
    }

    private CapacityProvider existing(String nameOrArn, String cluster) {
        String name = CapacityProviderStrategies.providerName(nameOrArn);
        require(!CapacityProviderStrategies.FARGATE.contains(name), "The capacity provider '" + name + "' is reserved and cannot"
                + " be changed.");
        CapacityProvider p = ctx.state().capacityProviders.get(name)
                .filter(cp -> cp.status() != CapacityProviderStatus.INACTIVE)
                .orElseThrow(() -> Errors.invalid("The specified capacity provider does not exist."));
        if (CapacityProviderStrategies.isManagedInstances(p)) {
            require(cluster != null, "Amazon ECS Managed Instances Provider is not supported without a Cluster"
                    + " Name");
            require(Context.clusterName(cluster).equals(p.cluster()),
                    "Capacity provider active cluster name does not match the cluster name in the request");
        }
        return p;
    }

    UpdateCapacityProviderResponse update(UpdateCapacityProviderRequest r) {
        require(r.name() != null && !r.name().isBlank(), "A name is required when updating a capacity provider");
        CapacityProvider p = existing(r.name(), r.cluster());
        CapacityProvider.Builder b = p.toBuilder().updateStatus(CapacityProviderUpdateStatus.UPDATE_COMPLETE);
        if (r.managedInstancesProvider() != null) {
            require(CapacityProviderStrategies.isManagedInstances(p),
                    "Capacity provider is not Amazon ECS Managed Instances capacity provider");
            b.managedInstancesProvider(merge(p.managedInstancesProvider(), r.managedInstancesProvider()));
        } else if (r.autoScalingGroupProvider() != null) {
            require(!CapacityProviderStrategies.isManagedInstances(p),
                    "autoScalingGroupProvider cannot be updated on a Managed Instances capacity provider.");
            var u = r.autoScalingGroupProvider();
            var asg = p.autoScalingGroupProvider().toBuilder();
            if (u.managedScaling() != null) {
                asg.managedScaling(withScalingDefaults(AutoScalingGroupProvider.builder()
                        .managedTerminationProtection(ManagedTerminationProtection.DISABLED)
                        .managedScaling(u.managedScaling()).build()).managedScaling());
            }
            if (u.managedTerminationProtection() != null) {
                asg.managedTerminationProtection(u.managedTerminationProtectionAsString());
            }
            if (u.managedDraining() != null) {
                asg.managedDraining(u.managedDrainingAsString());
            }
            b.autoScalingGroupProvider(asg.build());
        } else {
            throw Errors.invalid(CapacityProviderStrategies.isManagedInstances(p) ? "managedInstancesProvider must be specified."
                    : "autoScalingGroupProvider must be specified.");
        }
        CapacityProvider u = b.build();
        ctx.state().capacityProviders.put(u.name(), u);
        return UpdateCapacityProviderResponse.builder().capacityProvider(view(u, false)).build();
    }

    private ManagedInstancesProvider merge(ManagedInstancesProvider old, UpdateManagedInstancesProviderConfiguration c) {
        role(c.infrastructureRoleArn());
        InstanceLaunchTemplateUpdate t = c.instanceLaunchTemplate();
        require(t != null, "The " + MI + " must specify an instance launch template");
        InstanceLaunchTemplate.Builder lt = old.instanceLaunchTemplate().toBuilder();
        if (t.ec2InstanceProfileArn() != null) {
            profile(t.ec2InstanceProfileArn());
            lt.ec2InstanceProfileArn(t.ec2InstanceProfileArn());
        }
        if (t.networkConfiguration() != null) {
            network(t.networkConfiguration());
            lt.networkConfiguration(t.networkConfiguration());
        }
        if (t.storageConfiguration() != null) {
            storage(t.storageConfiguration());
            lt.storageConfiguration(t.storageConfiguration());
        }
        if (t.instanceRequirements() != null) {
            requirements(t.instanceRequirements());
            lt.instanceRequirements(t.instanceRequirements());
        }
        if (t.monitoringAsString() != null) {
            lt.monitoring(t.monitoringAsString());
        }
        if (t.instanceMetadataTagsPropagation() != null) {
            lt.instanceMetadataTagsPropagation(t.instanceMetadataTagsPropagation());
        }
        if (t.localStorageConfiguration() != null) {
            lt.localStorageConfiguration(t.localStorageConfiguration());
        }
        if (t.capacityReservations() != null) {
            lt.capacityReservations(t.capacityReservations());
        }
        optimization(c.infrastructureOptimization());
        ManagedInstancesProvider.Builder b = old.toBuilder().infrastructureRoleArn(c.infrastructureRoleArn())
                .instanceLaunchTemplate(lt.build());
        if (c.propagateTagsAsString() != null) {
            b.propagateTags(c.propagateTagsAsString());
        }
        if (c.infrastructureOptimization() != null) {
            b.infrastructureOptimization(c.infrastructureOptimization());
        }
        if (c.autoRepairConfiguration() != null) {
            b.autoRepairConfiguration(c.autoRepairConfiguration());
        }
        return b.build();
    }

    DeleteCapacityProviderResponse delete(DeleteCapacityProviderRequest r) {
        require(r.capacityProvider() != null && !r.capacityProvider().isBlank(),
                "CapacityProvider name must not be blank");
        CapacityProvider p = existing(r.capacityProvider(), r.cluster());
        boolean used = !ctx.state().services.values(s -> Statuses.SERVICE_ACTIVE.equals(s.status())
                && s.capacityProviderStrategy().stream().anyMatch(i -> p.name().equals(
                        CapacityProviderStrategies.providerName(i.capacityProvider())))).isEmpty();
        if (used) {
            throw Errors.inUse("The specified capacity provider is in use by a service and cannot be deleted.");
        }
        CapacityProvider u = p.toBuilder().status(CapacityProviderStrategies.isManagedInstances(p)
                        ? CapacityProviderStatus.DEPROVISIONING : CapacityProviderStatus.INACTIVE)
                .updateStatus(CapacityProviderUpdateStatus.DELETE_IN_PROGRESS).build();
        ctx.state().capacityProviders.put(u.name(), u);
        if (!CapacityProviderStrategies.isManagedInstances(p)) {
            detach(u);
        }
        return DeleteCapacityProviderResponse.builder().capacityProvider(view(u, false)).build();
    }

    private void detach(CapacityProvider p) {
        ctx.state().detachCapacityProvider(p.name());
    }
}
