package io.stevedore.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The start-latency model's figures by instance type, from the catalog's facts (docs/decisions.md "Start latency
 * model"); {@code io.stevedore.control.StartLatencyModelTest} pins them through the plane.
 */
class StartLatencyModelTest {
    private static final InstanceCatalog CATALOG = InstanceCatalog.load();
    private static final StartLatencyModel MODEL = StartLatencyModel.calibrated();

    private static InstanceType type(String name) {
        return CATALOG.find(name).orElseThrow();
    }

    @ParameterizedTest(name = "{0}: boots in {1} ms ({2})")
    @CsvSource(delimiter = '|', value = {
        "c6g.large     | 19000  | the seed's measured type: the base",
        "t4g.small     | 19000  | small virtualized types all boot alike",
        "m7i.16xlarge  | 34000  | 256 GiB: three doublings above 32 GiB, 5 s each",
        "g4dn.xlarge   | 49000  | a GPU: + 30 s",
        "p4d.24xlarge  | 74850  | 8 GPUs, 1,152 GiB: + 30 s + 5 s × log2(36)",
        "c6g.metal     | 149000 | bare metal: + 120 s; 128 GiB: two doublings, + 10 s"})
    void boot_byType(String name, long millis, String why) {
        assertThat(MODEL.boot(type(name)).toMillis()).isEqualTo(millis);
    }

    @ParameterizedTest(name = "{0}: pulls at {1} MB/s")
    @CsvSource(delimiter = '|', value = {
        "t4g.small   | 16.0  | baseline 0.128 Gbps",
        "t4g.medium  | 32.0  | baseline 0.256 Gbps",
        "c6g.large   | 50.0  | baseline 0.75 Gbps is above the extraction rate",
        "g4dn.xlarge | 50.0  | baseline 5 Gbps: extraction bound"})
    void pullRate_baselineBandwidthCappedByExtraction(String name, double mbps, String why) {
        assertThat(MODEL.pullBytesPerSecond(type(name)) / 1e6).isEqualTo(mbps);
    }

    @ParameterizedTest(name = "{0}, {1} bytes, cached {2}: {3} ms")
    @CsvSource({
        "c6g.large,   20000000,   false, 6400",
        "c6g.large,   0,          false, 8097",
        "t4g.small,   1073741824, false, 73109",
        "g4dn.xlarge, 7516192768, false, 156324",
        "g4dn.xlarge, 7516192768, true,  3000",
        "t4g.small,   1073741824, true,  3000"})
    void pull_fixedPartPlusSizeOverRate_orTagCheckWhenCached(String name, long bytes, boolean cached, long millis) {
        assertThat(MODEL.pull(type(name), bytes, cached)).isEqualTo(Duration.ofMillis(millis));
    }

    @org.junit.jupiter.api.Test
    void unknownType_baseBootAndExtractionRate() {
        assertThat(MODEL.boot(null)).isEqualTo(Duration.ofSeconds(19));
        assertThat(MODEL.pullBytesPerSecond(null)).isEqualTo(50e6);
    }
}
