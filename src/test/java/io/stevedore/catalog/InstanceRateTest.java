package io.stevedore.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** {@link PriceBook#instanceRate}: the one price of an instance-hour, per purchase option, on the embedded data. */
class InstanceRateTest {
    static final PriceBook PRICES = PriceBook.load();

    @Test
    void instanceRate_spot_isTheSpotEstimatePlusTheSameFee() {
        InstanceRate od = PRICES.instanceRate("us-east-1", "m7g.xlarge", PurchaseOption.ON_DEMAND).orElseThrow();
        InstanceRate spot = PRICES.instanceRate("us-east-1", "m7g.xlarge", PurchaseOption.SPOT).orElseThrow();
        assertThat(od.ec2PerHour()).isEqualTo(PRICES.onDemand("us-east-1", "m7g.xlarge").orElseThrow());
        assertThat(spot.ec2PerHour()).isEqualTo(PRICES.spotEstimate("us-east-1", "m7g.xlarge").orElseThrow())
                .isLessThan(od.ec2PerHour());
        assertThat(spot.feePerHour()).isEqualTo(od.feePerHour());
        assertThat(spot.perHour()).isCloseTo(spot.ec2PerHour() + spot.feePerHour(), within(1e-12));
        InstanceRate reserved = PRICES.instanceRate("us-east-1", "m7g.xlarge", PurchaseOption.RESERVED).orElseThrow();
        assertThat(reserved.ec2PerHour()).isEqualTo(od.ec2PerHour());
    }

    @Test
    void instanceRate_noPrice_empty_andOfferingsAgree() {
        assertThat(PRICES.instanceRate("us-east-1", "zz9.nothing", PurchaseOption.SPOT)).isEmpty();
        InstanceCatalog catalog = InstanceCatalog.load();
        InstanceType t = catalog.find("c6g.large").orElseThrow();
        Offering o = PRICES.offering(t, "us-east-1", PurchaseOption.SPOT).orElseThrow();
        InstanceRate r = PRICES.instanceRate("us-east-1", "c6g.large", PurchaseOption.SPOT).orElseThrow();
        assertThat(o.pricePerHour()).isEqualTo(r.ec2PerHour());
        assertThat(o.effectivePerHour()).isCloseTo(r.perHour(), within(1e-12));
    }
}
