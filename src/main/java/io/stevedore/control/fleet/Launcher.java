package io.stevedore.control.fleet;

import io.stevedore.catalog.PurchaseOption;
import io.stevedore.cloud.CloudException;
import io.stevedore.cloud.Instance;
import io.stevedore.cloud.LaunchRequest;
import io.stevedore.control.scheduling.Scheduling;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.ecs.PurchaseOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.InstanceLaunchTemplate;

/**
 * Launches the instances the scheduler planned, through the cloud provider, with the tags ECS puts on Managed
 * Instances; insufficient capacity for every offered type starts the provider's {@link LaunchBackoffs}.
 */
public final class Launcher {
    /** The root volume size a provider without {@code storageConfiguration} shows (CapacityProviderOps' default). */
    static final int DEFAULT_STORAGE_GIB = 80;
    private final Context ctx;
    private final LaunchBackoffs backoffs;

    public Launcher(Context ctx, LaunchBackoffs backoffs) {
        this.ctx = ctx;
        this.backoffs = backoffs;
    }

    /** Launches one planned instance; empty while the provider backs off or when no offered type has capacity. */
    public Optional<ManagedInstance> launch(String clusterArn, Scheduling.Launch l) {
        CapacityProvider p = ctx.state().capacityProviders.get(l.capacityProvider()).orElseThrow();
        if (!backoffs.mayLaunch(p.name())) {
            return Optional.empty(); // backing off after launch failures: the tasks wait
        }
        try {
            InstanceLaunchTemplate t = p.managedInstancesProvider().instanceLaunchTemplate();
            Instance i = ctx.cloud().launch(new LaunchRequest(l.offerings().stream().map(o -> o.type().name())
                    .toList(), l.zone().subnetId(), t.networkConfiguration().securityGroups(),
                    instanceTags(p, clusterArn), PurchaseOptions.of(p) == PurchaseOption.SPOT ? Instance.SPOT : null,
                    rootVolumeGiB(t)));
            ManagedInstance mi = new ManagedInstance(i.id(), clusterArn, p.name(), i.instanceType(), null, -1, "");
            ctx.state().instances.put(i.id(), mi);
            backoffs.succeeded(p.name());
            return Optional.of(mi);
        } catch (CloudException e) {
            if (e.reason() != CloudException.Reason.INSUFFICIENT_CAPACITY) {
                throw e;
            }
            backoffs.failed(p.name(), clusterArn, e.getMessage());
            return Optional.empty();
        }
    }

    /** The root volume of the provider's instances: {@code storageConfiguration.storageSizeGiB}, 80 GiB by default. */
    static int rootVolumeGiB(InstanceLaunchTemplate t) {
        Integer size = t.storageConfiguration() == null ? null : t.storageConfiguration().storageSizeGiB();
        return size == null ? DEFAULT_STORAGE_GIB : size;
    }

    private Map<String, String> instanceTags(CapacityProvider p, String clusterArn) {
        Map<String, String> tags = new LinkedHashMap<>();
        if ("CAPACITY_PROVIDER".equals(p.managedInstancesProvider().propagateTagsAsString())) {
            tags.putAll(ctx.state().tagsOf(p.capacityProviderArn()));
        }
        tags.put("aws:ecs:clusterName", clusterArn.substring(clusterArn.indexOf("cluster/") + 8));
        tags.put("aws:ecs:capacityProviderName", p.name());
        tags.put("aws:ec2:managed-launch", "ecs-managed-instances");
        tags.put("AmazonECSManaged", "true");
        return tags;
    }
}
