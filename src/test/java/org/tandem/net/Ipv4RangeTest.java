package org.tandem.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;

class Ipv4RangeTest {

    @Test
    void parse_dottedQuad_roundTrips() {
        assertThat(Ipv4Address.parse("a", "192.0.2.255").toString()).isEqualTo("192.0.2.255");
        assertThat(Ipv4Address.parse("a", "255.255.255.255").value()).isEqualTo(Ipv4Address.MAX);
        assertThat(Ipv4Address.parse("a", "0.0.0.0").value()).isZero();
    }

    @Test
    void parse_malformed_namesFieldAndValue() {
        for (String bad : new String[] {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "a.b.c.d", "1..2.3", "1.2.3.4/24", "1234.1.1.1"}) {
            assertThatThrownBy(() -> Ipv4Address.parse("dhcpScope.subnet", bad))
                    .as(bad)
                    .isInstanceOf(UserError.class)
                    .hasMessageStartingWith("dhcpScope.subnet: ");
        }
    }

    @Test
    void parseCidr_hostBitsSet_isRefusedWithTheNetwork() {
        assertThatThrownBy(() -> Ipv4Range.parseCidr("subnet", "192.0.2.1/24"))
                .hasMessageContaining("the network is 192.0.2.0/24");
        assertThat(Ipv4Range.parseCidr("subnet", "10.0.0.0/8").size()).isEqualTo(1L << 24);
        assertThat(Ipv4Range.parseCidr("subnet", "0.0.0.0/0").size()).isEqualTo(1L << 32);
    }

    @Test
    void overlapsAndContains_followTheEndpoints() {
        Ipv4Range slash24 = Ipv4Range.parseCidr("s", "198.51.100.0/24");
        Ipv4Range lowerHalf = Ipv4Range.parseCidr("s", "198.51.100.0/25");
        Ipv4Range next = Ipv4Range.parseCidr("s", "198.51.101.0/24");
        assertThat(slash24.overlaps(lowerHalf)).isTrue();
        assertThat(slash24.contains(lowerHalf)).isTrue();
        assertThat(lowerHalf.contains(slash24)).isFalse();
        assertThat(slash24.overlaps(next)).isFalse();
        assertThat(Ipv4Range.parse("from", "198.51.100.10", "to", "198.51.100.20").toString()).isEqualTo("198.51.100.10-198.51.100.20");
        assertThat(lowerHalf.toString()).isEqualTo("198.51.100.0/25");
    }
}
