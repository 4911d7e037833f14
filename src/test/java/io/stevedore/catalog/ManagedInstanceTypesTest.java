package io.stevedore.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManagedInstanceTypesTest {
    private static ManagedInstanceTypes rules;
    private static InstanceCatalog catalog;

    @BeforeAll
    static void load() {
        rules = ManagedInstanceTypes.load();
        catalog = InstanceCatalog.load();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "t4g.small,         ''",
            "t3.small,          ''",
            "c5.large,          ''",
            "c8i-flex.large,    ''",
            "m5zn.large,        ''",
            "r8g.large,         ''",
            "im4gn.large,       ''",
            "is4gen.large,      ''",
            "i3en.large,        ''",
            "x2gd.large,        ''",
            "u7i-12tb.224xlarge, ''",
            "p6-b200.48xlarge,  ''",
            "hpc7g.4xlarge,     ''",
            "d3en.xlarge,       ''",
            "t4g.micro,         Managed Instances needs at least 2 vCPUs",
            "t3.nano,           Managed Instances needs at least 2 vCPUs",
            "c6g.medium,        Managed Instances needs at least 2 vCPUs",
            "a1.large,          family a1 is not supported",
            "t2.large,          family t2 is not supported",
            "m4.large,          family m4 is not supported",
            "mac2.metal,        family mac2 is not supported",
            "x1.16xlarge,       family x1 is not supported",
            "inf1.xlarge,       ''",
            "trn1n.32xlarge,    family trn1n is not supported"})
    void rejection_hardFiltersFromData(String type, String expected) {
        String actual = rules.rejection(catalog.find(type).orElseThrow()).orElse("");
        if (expected.isEmpty()) {
            assertThat(actual).isEmpty();
        } else {
            assertThat(actual).startsWith(expected);
        }
    }
}
