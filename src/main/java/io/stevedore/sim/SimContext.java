package io.stevedore.sim;

import io.stevedore.assembly.ControlPlane;
import io.stevedore.catalog.InstanceCatalog;
import io.stevedore.catalog.PriceBook;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.ecs.fargate.FargatePricing;
import io.stevedore.ecs.fargate.FargateProfile;
import io.stevedore.ecs.fargate.FargateProfiles;
import io.stevedore.sim.workload.SimWorkload;
import io.stevedore.time.VirtualClock;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.CapacityOptionType;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/** What the recorder needs from the run: clock, sampling grid, prices, providers and the Fargate assumptions. */
final class SimContext {
    private final ControlPlane plane;
    private final VirtualClock clock;
    private final SimWorkload workload;
    private final PriceBook prices;
    private final FargatePricing fargate;
    private final long start;
    private final long step;
    private final int samples;
    private final Map<String, SimWorkload.Provider> providers;

    SimContext(ControlPlane plane, VirtualClock clock, SimWorkload workload, PriceBook prices, FargatePricing fargate,
               long start, long step, int samples, Map<String, SimWorkload.Provider> providers) {
        this.plane = plane;
        this.clock = clock;
        this.workload = workload;
        this.prices = prices;
        this.fargate = fargate;
        this.start = start;
        this.step = step;
        this.samples = samples;
        this.providers = providers;
    }

    VirtualClock clock() {
        return clock;
    }

    long start() {
        return start;
    }

    long step() {
        return step;
    }

    int samples() {
        return samples;
    }

    PriceBook prices() {
        return prices;
    }

    String region() {
        return workload.region();
    }

    FargatePricing fargate() {
        return fargate;
    }

    SimWorkload.FargateAssumptions fargateAssumptions() {
        return workload.fargate();
    }

    InstanceCatalog catalog() {
        return plane.catalog();
    }

    /** The control plane's delays (the start-latency model among them). */
    io.stevedore.control.state.Timings timings() {
        return plane.reconciler().timings();
    }

    /** How long an instance of {@code instanceType} takes to boot in the simulated region. */
    long bootMillis(String instanceType) {
        return plane.cloud().bootTime(instanceType).toMillis();
    }

    PurchaseOption option(String provider) {
        SimWorkload.Provider p = providers.get(provider);
        return p != null && CapacityOptionType.SPOT.toString().equals(p.capacityOptionType()) ? PurchaseOption.SPOT
                : PurchaseOption.ON_DEMAND;
    }

    long scaleInDelayMillis(String provider) {
        SimWorkload.Provider p = providers.get(provider);
        Integer s = p == null ? null : p.scaleInAfter();
        if (s == null) {
            return plane.reconciler().timings().defaultScaleInAfter().toMillis();
        }
        return s < 0 ? -1 : s * 1000L;
    }

    /** Fargate's quote for a registered task definition, run with the capacity option of {@code provider}. */
    Recorder.FargateView fargateView(String taskDefinitionArn, String provider) {
        TaskDefinition td = plane.state().taskDefinitions.get(taskDefinitionArn).orElseThrow();
        FargateProfile profile = FargateProfiles.of(td);
        return new Recorder.FargateView(fargate.quote(profile, option(provider) == PurchaseOption.SPOT),
                td.family());
    }
}
