package io.stevedore.ecs.fargate;

import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.FargateRates;
import io.stevedore.placement.PlacementValidationException;
import io.stevedore.placement.providers.FargateRules;
import io.stevedore.placement.providers.FargateTask;
import java.util.Objects;

/**
 * Fargate's side of the comparison: which tasks Fargate can run (no GPU, no privileged containers, at most 16 vCPU
 * and 120 GiB — {@link FargateRules}), the size each is billed at (rounded up to a valid combination), and its
 * rate (Linux x86 or ARM; Fargate Spot at the price data's estimated discount).
 */
public final class FargatePricing {
    private final FargateRates rates;

    public FargatePricing(FargateRates rates) {
        this.rates = Objects.requireNonNull(rates, "rates");
    }

    public FargateRates rates() {
        return rates;
    }

    public FargateQuote quote(FargateProfile p, boolean spot) {
        if (p.gpus() > 0) {
            return new FargateQuote.Unrunnable("GPU: Fargate has no GPUs (the task asks for " + p.gpus() + ")");
        }
        if (p.privileged()) {
            return new FargateQuote.Unrunnable("privileged container: Fargate does not run privileged containers");
        }
        if (p.cpu() > FargateSize.MAX_CPU) {
            return new FargateQuote.Unrunnable("cpu " + p.cpu() + " units: above Fargate's 16 vCPU maximum");
        }
        if (p.memoryMiB() > FargateSize.MAX_MEMORY_MIB) {
            return new FargateQuote.Unrunnable("memory " + p.memoryMiB() + " MiB: above Fargate's 120 GiB maximum");
        }
        boolean arm = p.architecture() == Architecture.ARM64;
        var cpuRate = arm ? rates.armVcpuHour() : rates.x86VcpuHour();
        var memRate = arm ? rates.armGbHour() : rates.x86GbHour();
        if (cpuRate.isEmpty() || memRate.isEmpty()) {
            return new FargateQuote.Unrunnable("no Fargate " + p.architecture() + " price in " + rates.region());
        }
        FargateSize size = FargateSize.roundUp(p.cpu(), p.memoryMiB(), cpuRate.getAsDouble(), memRate.getAsDouble())
                .orElse(null);
        if (size == null) {
            return new FargateQuote.Unrunnable("no Fargate size holds " + p.cpu() + " cpu and " + p.memoryMiB()
                    + " MiB together");
        }
        try {
            FargateRules.validate(new FargateTask(size.cpu(), size.memoryMiB(), 0, false, p.capabilitiesAdded(),
                    "awsvpc"));
        } catch (PlacementValidationException e) {
            return new FargateQuote.Unrunnable(e.getMessage());
        }
        double perHour = rates.taskHour(p.architecture(), size.vcpu(), size.memoryGiB()).orElseThrow();
        if (spot) {
            perHour *= 1 - rates.spotDiscountEstimate();
        }
        return new FargateQuote.Runs(size, perHour, spot);
    }
}
