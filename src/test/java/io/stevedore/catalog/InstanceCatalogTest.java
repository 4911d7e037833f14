package io.stevedore.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InstanceCatalogTest {
    private static InstanceCatalog catalog;

    @BeforeAll
    static void load() {
        catalog = InstanceCatalog.load();
    }

    @Test
    void load_embeddedResource_hasEveryTypeOfTheSnapshot() {
        assertThat(catalog.size()).isGreaterThan(1000);
        assertThat(catalog.all()).anyMatch(t -> t.cpuManufacturer() == CpuManufacturer.AMAZON_WEB_SERVICES)
                .anyMatch(InstanceType::burstable).anyMatch(InstanceType::bareMetal).anyMatch(t -> t.gpus() > 0);
    }

    @Test
    void c5Large_factsMatchDescribeInstanceTypes() {
        InstanceType t = catalog.find("c5.large").orElseThrow();
        assertThat(t.vcpus()).isEqualTo(2);
        assertThat(t.memoryMiB()).isEqualTo(4096);
        assertThat(t.architectures()).containsExactly(Architecture.X86_64);
        assertThat(t.cpuManufacturer()).isEqualTo(CpuManufacturer.INTEL);
        assertThat(t.maxNetworkInterfaces()).isEqualTo(3);
        assertThat(t.ipv4PerInterface()).isEqualTo(10);
        assertThat(t.baselineEbsMbps()).isEqualTo(650);
        assertThat(t.usageClasses()).contains("on-demand", "spot");
        assertThat(t.family()).isEqualTo("c5");
        assertThat(t.size()).isEqualTo("large");
    }

    @Test
    void trunking_c5Large_publishedTwoToTen() {
        EniTrunking e = catalog.find("c5.large").orElseThrow().trunking();
        assertThat(e.published()).isTrue();
        assertThat(e.withoutTrunking()).isEqualTo(2);
        assertThat(e.withTrunking()).isEqualTo(10);
        assertThat(e.awsvpcTaskLimit()).isEqualTo(10);
    }

    @Test
    void trunking_burstableT4gSmall_unsupportedSoTwoTasks() {
        InstanceType t = catalog.find("t4g.small").orElseThrow();
        assertThat(t.trunking().supported()).isFalse();
        assertThat(t.trunking().awsvpcTaskLimit()).isEqualTo(2);
    }

    @Test
    void trunking_anomalyI4iLarge_treatedAsUnsupported() {
        assertThat(catalog.find("i4i.large").orElseThrow().trunking().supported()).isFalse();
    }

    @Test
    void trunking_unlistedNitroFamily_inferredFromSize() {
        EniTrunking e = catalog.find("c7i.large").orElseThrow().trunking();
        assertThat(e.published()).isFalse();
        assertThat(e.supported()).isTrue();
        assertThat(e.withTrunking()).isEqualTo(10);
    }

    @Test
    void accelerators_g5Xlarge_oneNvidiaA10g() {
        InstanceType t = catalog.find("g5.xlarge").orElseThrow();
        assertThat(t.accelerators()).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AcceleratorType.GPU);
            assertThat(a.manufacturer()).isEqualTo("nvidia");
            assertThat(a.name()).isEqualTo("a10g");
            assertThat(a.count()).isEqualTo(1);
        });
        assertThat(t.localStorageGB()).isEqualTo(250);
        assertThat(t.localStorageTypes()).containsExactly("ssd");
    }

    @Test
    void accelerators_inf1_inferenceByAws() {
        InstanceType t = catalog.find("inf1.xlarge").orElseThrow();
        assertThat(t.acceleratorCount(AcceleratorType.INFERENCE)).isEqualTo(1);
        assertThat(t.accelerators().get(0).manufacturer()).isEqualTo("amazon-web-services");
        assertThat(t.accelerators().get(0).name()).isEqualTo("inferentia");
    }
}
