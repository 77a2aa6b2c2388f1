package org.tandem.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandem.dhcpd.conf.DhcpdConf;
import org.tandem.dhcpd.conf.DhcpdConfModel;
import org.tandem.net.Ipv4Range;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerType;

/** What two dhcpd configurations declare about failover, as the sync, the writes and the check read it. */
class FailoverReaderTest {

    private static final DhcpServer A = new DhcpServer(1, "a", ServerType.ISC, "127.0.0.1", 4151, null, null, null, false, "OK", null);
    private static final DhcpServer B = new DhcpServer(2, "b", ServerType.ISC, "127.0.0.1", 4152, null, null, null, false, "OK", null);

    @Test
    void dhcpd_poolsNamingTwoPeers_theFirstPoolsPeerWins() {
        String subnet = """
                subnet 10.1.0.0 netmask 255.255.255.0 {
                  pool { failover peer "other"; range 10.1.0.10 10.1.0.20; }
                  pool { failover peer "main"; range 10.1.0.30 10.1.0.40; }
                }
                subnet 10.2.0.0 netmask 255.255.255.0 {
                  pool { range 10.2.0.5 10.2.0.6; }
                  pool { failover peer "main"; range 10.2.0.10 10.2.0.20; }
                }
                """;
        List<FailoverReader.Declared> found = FailoverReader.dhcpd(A, model(peers("primary") + subnet), B, model(peers("secondary") + subnet));
        FailoverReader.Declared main = found.stream().filter(d -> d.name().equals("main")).findFirst().orElseThrow();
        FailoverReader.Declared other = found.stream().filter(d -> d.name().equals("other")).findFirst().orElseThrow();
        assertThat(main.subnets()).containsExactly(Ipv4Range.parseCidr("s", "10.2.0.0/24"));
        assertThat(other.subnets()).containsExactly(Ipv4Range.parseCidr("s", "10.1.0.0/24"));
    }

    @Test
    void dhcpd_primaryIsTheSideThatSaysSo_andSettingsAreTheConfigs() {
        String subnet = "subnet 10.2.0.0 netmask 255.255.255.0 { pool { failover peer \"main\"; range 10.2.0.10 10.2.0.20; } }\n";
        FailoverReader.Declared main = FailoverReader.dhcpd(A, model(peers("secondary") + subnet), B, model(peers("primary") + subnet))
                .stream().filter(d -> d.name().equals("main")).findFirst().orElseThrow();
        assertThat(main.settings().primaryServerId()).isEqualTo(B.id());
        assertThat(main.settings().secondaryServerId()).isEqualTo(A.id());
        assertThat(main.settings().maxResponseDelay()).isEqualTo(33);
        assertThat(main.settings().mclt()).isEqualTo(900);
        assertThat(main.settings().state()).isEqualTo(FailoverRelationship.State.Normal);
        assertThat(main.addresses()).isEqualTo(new PeerAddresses.Pair("198.18.0.1", "198.18.0.2"));
    }

    @Test
    void dhcpd_blocksThatDoNotMirror_declareNothing() {
        // The secondary expects its primary elsewhere: the blocks do not describe one relationship.
        String secondary = peers("secondary").replace("peer address 198.18.0.1;", "peer address 198.18.0.9;");
        assertThat(FailoverReader.dhcpd(A, model(peers("primary")), B, model(secondary))).extracting(FailoverReader.Declared::name)
                .doesNotContain("main");
    }

    @Test
    void dhcpd_peerBlocksWithoutPools_areEmpty() {
        FailoverReader.Declared main = FailoverReader.dhcpd(A, model(peers("primary")), B, model(peers("secondary"))).stream()
                .filter(d -> d.name().equals("main")).findFirst().orElseThrow();
        assertThat(main.subnets()).isEmpty();
        assertThat(main.settings().state()).isEqualTo(FailoverRelationship.State.Empty);
    }

    /** Peer blocks "main" and "other", as the given side declares them. */
    private static String peers(String role) {
        boolean primary = role.equals("primary");
        String self = primary ? "198.18.0.1" : "198.18.0.2";
        String peer = primary ? "198.18.0.2" : "198.18.0.1";
        StringBuilder out = new StringBuilder();
        int port = 647;
        for (String name : List.of("main", "other")) {
            out.append("failover peer \"").append(name).append("\" {\n  ").append(role).append(";\n  address ").append(self)
                    .append(";\n  port ").append(port).append(";\n  peer address ").append(peer).append(";\n  peer port ").append(port)
                    .append(";\n  max-response-delay 33;\n  max-unacked-updates 10;\n")
                    .append(primary ? "  mclt 900;\n  split 128;\n" : "").append("}\n");
            port++;
        }
        return out.toString();
    }

    private static DhcpdConfModel model(String text) {
        return DhcpdConf.parse(text).model();
    }
}
