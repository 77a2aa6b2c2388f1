package org.tandem.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading dhcpd's addresses from a fib_trie listing as Linux prints it (layout of a veth in a namespace, as in the lab). */
class DhcpdAddressesTest {

    private static final List<String> FIB_TRIE = """
            Main:
              +-- 0.0.0.0/0 3 0 5
                 +-- 127.0.0.0/8 2 0 2
                    +-- 127.0.0.0/31 1 0 0
                       |-- 127.0.0.0
                          /8 host LOCAL
                       |-- 127.0.0.1
                          /32 host LOCAL
                    |-- 127.255.255.255
                       /32 link BROADCAST
                 +-- 198.18.7.0/24 2 0 2
                    +-- 198.18.7.0/30 2 0 2
                       |-- 198.18.7.0
                          /24 link UNICAST
                       |-- 198.18.7.1
                          /32 host LOCAL
                    |-- 198.18.7.255
                       /32 link BROADCAST
            Local:
              +-- 0.0.0.0/0 3 0 5
                 +-- 198.18.7.0/24 2 0 2
                       |-- 198.18.7.1
                          /32 host LOCAL
            """.lines().toList();

    @Test
    void localAddresses_namespaceWithOneVeth_givesItsAddressOnceAndNoLoopbackOrBroadcast() {
        assertThat(DhcpdAddresses.localAddresses(FIB_TRIE)).containsExactly("198.18.7.1");
    }

    @Test
    void localAddresses_nothingLocal_isEmpty() {
        assertThat(DhcpdAddresses.localAddresses(List.of("Main:", "  +-- 0.0.0.0/0 3 0 5"))).isEmpty();
    }
}
