package io.stevedore.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** CIDR blocks as EC2's subnets and VPCs take them, and the refusals a person can act on. */
class CidrTest {
    @Test
    void parse_networkAddress_sizeAndAddresses() {
        Cidr c = Cidr.parse(" 10.1.0.0/16 ");
        assertThat(c.prefix()).isEqualTo(16);
        assertThat(c.size()).isEqualTo(65_536);
        assertThat(c.address(4)).isEqualTo("10.1.0.4");
        assertThat(c.contains(Cidr.parse("10.1.2.0/24"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").size()).isEqualTo(1L << 32);
    }

    @Test
    void parse_malformed_refusedWithTheReason() {
        for (String bad : new String[] {"10.0.0/16", "10.0.0.0", "10.0.0.0/", "10.0.0.0/123", "10.0.0.0/1a",
                "a.b.c.d/16", "10.0.0.256/32", "10.0.0.1234/32", "10..0.0/16", "\u0661\u0660.0.0.0/8", "10.0.0.0/-1"}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a CIDR block such as 10.0.0.0/16");
        }
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("has a prefix longer than 32 bits");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.1/16")).hasMessageContaining("is not a network address");
    }
}
