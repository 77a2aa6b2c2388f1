package org.tandem.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tandem.net.Ipv4Address;

/** RFC 3074's hash as Kea's HA hook applies it to choose the load-balancing peer. */
class KeaLoadBalanceTest {

    private static LeaseCarry.Carried lease(String hw, String clientId) {
        return new LeaseCarry.Carried(Ipv4Address.parse("a", "198.18.0.10"), hw, clientId, 1, 600, 2_000_000_000L, null);
    }

    @Test
    void hash_followsRfc3074_startingFromTheKeyLengthAndMixingFromTheLastByte() {
        // One byte 0x00: hash = MIX[1 ^ 0] = MIX[1] = 175 (RFC 3074 section 6's second entry).
        assertThat(KeaLoadBalance.hash(new byte[] {0})).isEqualTo(175);
        // Empty key: the length, 0, unmixed.
        assertThat(KeaLoadBalance.hash(new byte[0])).isZero();
        // Two bytes 01 02: MIX[2 ^ 2] = MIX[0] = 251, then MIX[251 ^ 1] = MIX[250] = 170 (the sixth value from the end).
        assertThat(KeaLoadBalance.hash(new byte[] {1, 2})).isEqualTo(170);
    }

    @Test
    void server_usesTheClientIdentifierWhenThereIsOne_elseTheHardwareAddress() {
        String hw = "02:00:00:00:00:01";
        int byHw = KeaLoadBalance.server(lease(hw, null));
        assertThat(KeaLoadBalance.server(lease(hw, ""))).isEqualTo(byHw);
        // Some client identifier hashes to the other peer than the MAC does; the identifier decides then.
        String other = null;
        for (int i = 0; i < 256 && other == null; i++) {
            String id = String.format("01:%02x", i);
            if (KeaLoadBalance.server(lease(hw, id)) != byHw) {
                other = id;
            }
        }
        assertThat(other).isNotNull();
        assertThat(KeaLoadBalance.server(lease("02:00:00:00:00:02", other))).isEqualTo(1 - byHw);
    }

    @Test
    void server_splitsRandomClientsAboutEvenly() {
        Random r = new Random(16);
        int secondary = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            byte[] mac = new byte[6];
            r.nextBytes(mac);
            secondary += KeaLoadBalance.server(lease(java.util.HexFormat.ofDelimiter(":").formatHex(mac), null));
        }
        assertThat(secondary).isBetween(n * 45 / 100, n * 55 / 100);
    }
}
