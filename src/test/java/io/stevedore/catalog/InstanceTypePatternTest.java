package io.stevedore.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InstanceTypePatternTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
            "m6i.xlarge, m6i.xlarge,  true",
            "m6i.xlarge, m6i.2xlarge, false",
            "c6i.*,      c6i.large,   true",
            "c6i.*,      c6in.large,  false",
            "m6*.*,      m6g.large,   true",
            "m6*.*,      m6idn.large, true",
            "m6*.*,      m7g.large,   false",
            "r*,         r6g.large,   true",
            "r*,         c6g.large,   false",
            "*3*,        t3.large,    true",
            "g5,         g5.xlarge,   true",
            "g5,         g5g.xlarge,  false",
            "*.metal,    c6g.metal,   true",
            "c6g.large,  c6gxlarge,   false",
            "c6g.l*e,    c6g.large,   true"})
    void matches_ec2WildcardsAndFamilies(String pattern, String type, boolean expected) {
        assertThat(new InstanceTypePattern(pattern).matches(type)).isEqualTo(expected);
    }
}
