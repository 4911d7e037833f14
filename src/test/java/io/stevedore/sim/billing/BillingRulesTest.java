package io.stevedore.sim.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.FargateRates;
import io.stevedore.ecs.fargate.FargatePricing;
import io.stevedore.ecs.fargate.FargateProfile;
import io.stevedore.ecs.fargate.FargateQuote;
import io.stevedore.ecs.fargate.FargateSize;
import io.stevedore.catalog.PriceBook;
import io.stevedore.catalog.PurchaseOption;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BillingRulesTest {
    private static final PriceBook PRICES = PriceBook.load();
    private static final FargateRates RATES = PRICES.fargate("us-east-1").orElseThrow();
    private static final FargatePricing FARGATE = new FargatePricing(RATES);

    @ParameterizedTest(name = "{0} ms → {1} s")
    @CsvSource({"0, 60", "1, 60", "59999, 60", "60000, 60", "60001, 61", "61500, 62", "3600000, 3600"})
    void billedSeconds_perSecondWithOneMinuteMinimum(long millis, long seconds) {
        assertThat(Billing.billedSeconds(millis)).isEqualTo(seconds);
    }

    @ParameterizedTest(name = "{0} cpu / {1} MiB → {2} / {3}")
    @CsvSource({
        "256, 512, 256, 512",
        "256, 513, 256, 1024",
        "300, 512, 512, 1024",
        "512, 4096, 512, 4096",
        "1024, 1024, 1024, 2048",
        "1024, 9000, 2048, 9216",
        "2048, 16385, 4096, 17408",
        "4096, 30721, 8192, 32768",
        "8192, 61441, 16384, 65536",
        "16384, 122880, 16384, 122880",
        "1, 1, 256, 512"})
    void roundUp_smallestValidSizeThatFits(int cpu, long memory, int wantCpu, int wantMemory) {
        FargateSize s = FargateSize.roundUp(cpu, memory, RATES.x86VcpuHour().getAsDouble(),
                RATES.x86GbHour().getAsDouble()).orElseThrow();
        assertThat(s).isEqualTo(new FargateSize(wantCpu, wantMemory));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "gpu, 1024, 2048, 1, false, GPU",
        "privileged, 1024, 2048, 0, true, privileged",
        "17 vCPU, 17408, 65536, 0, false, 16 vCPU",
        "121 GiB, 16384, 123904, 0, false, 120 GiB"})
    void quote_tasksFargateCannotRun_listedWithReason(String name, int cpu, long memory, int gpus, boolean privileged,
                                                      String reason) {
        FargateQuote q = FARGATE.quote(new FargateProfile(cpu, memory, gpus, privileged, Set.of(),
                Architecture.X86_64), false);
        assertThat(q).isInstanceOf(FargateQuote.Unrunnable.class);
        assertThat(((FargateQuote.Unrunnable) q).reason()).contains(reason);
    }

    @Test
    void quote_capabilityOtherThanSysPtrace_unrunnable() {
        FargateQuote q = FARGATE.quote(new FargateProfile(512, 1024, 0, false, Set.of("NET_ADMIN"),
                Architecture.X86_64), false);
        assertThat(q).isInstanceOf(FargateQuote.Unrunnable.class);
    }

    @Test
    void quote_armAndSpotRates() {
        FargateProfile x86 = new FargateProfile(1024, 2048, 0, false, Set.of(), Architecture.X86_64);
        FargateProfile arm = new FargateProfile(1024, 2048, 0, false, Set.of(), Architecture.ARM64);
        double onDemandX86 = ((FargateQuote.Runs) FARGATE.quote(x86, false)).perHour();
        double onDemandArm = ((FargateQuote.Runs) FARGATE.quote(arm, false)).perHour();
        double spotX86 = ((FargateQuote.Runs) FARGATE.quote(x86, true)).perHour();
        assertThat(onDemandX86).isCloseTo(RATES.x86VcpuHour().getAsDouble() + 2 * RATES.x86GbHour().getAsDouble(),
                within(1e-12));
        assertThat(onDemandArm).isCloseTo(RATES.armVcpuHour().getAsDouble() + 2 * RATES.armGbHour().getAsDouble(),
                within(1e-12));
        assertThat(onDemandArm).isLessThan(onDemandX86);
        assertThat(spotX86).isCloseTo(onDemandX86 * (1 - RATES.spotDiscountEstimate()), within(1e-12))
                .isLessThan(onDemandX86);
    }

    @Test
    void fargateTaskBill_shortTask_minimumAndStartupVisible() {
        FargateTaskBill b = new FargateTaskBill(3.6, 20_000, 10_000);
        assertThat(b.billedSeconds()).isEqualTo(60);
        assertThat(b.total()).isCloseTo(0.06, within(1e-12));
        assertThat(b.running()).isCloseTo(0.01, within(1e-12));
        assertThat(b.startup()).isCloseTo(0.02, within(1e-12));
        assertThat(b.minimum()).isCloseTo(0.03, within(1e-12));
    }

    @Test
    void instanceBill_ec2PlusFee_perSecondWithMinimum() {
        String type = "m7g.large";
        double ec2 = PRICES.onDemand("us-east-1", type).getAsDouble();
        double fee = PRICES.managementFee("us-east-1", type).getAsDouble();
        InstanceBill shortLived = InstanceBill.of(PRICES, "us-east-1", type, PurchaseOption.ON_DEMAND, 30_000);
        assertThat(shortLived.billedSeconds()).isEqualTo(60);
        assertThat(shortLived.total()).isCloseTo((ec2 + fee) * 60 / 3600, within(1e-12));
        InstanceBill hour = InstanceBill.of(PRICES, "us-east-1", type, PurchaseOption.ON_DEMAND, 3_600_000);
        assertThat(hour.ec2()).isCloseTo(ec2, within(1e-12));
        assertThat(hour.fee()).isCloseTo(fee, within(1e-12));
        InstanceBill spot = InstanceBill.of(PRICES, "us-east-1", type, PurchaseOption.SPOT, 3_600_000);
        assertThat(spot.ec2()).isLessThan(ec2);
        assertThat(spot.fee()).as("the fee does not drop with Spot").isCloseTo(fee, within(1e-12));
    }
}
