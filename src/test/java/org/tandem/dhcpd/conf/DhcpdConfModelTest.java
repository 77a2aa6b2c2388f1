package org.tandem.dhcpd.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandem.dhcpd.conf.DhcpdConfModel.FailoverPeer;
import org.tandem.dhcpd.conf.DhcpdConfModel.Role;
import org.tandem.dhcpd.conf.DhcpdConfModel.Subnet;
import org.tandem.net.Ipv4Range;

class DhcpdConfModelTest {

    private static Ipv4Range cidr(String text) {
        return Ipv4Range.parseCidr("s", text);
    }

    @Test
    void statementLines_nestedStatementsAndCrlf_eachGetTheLineTheyStartOn() {
        DhcpdConf conf = DhcpdConf.parse("# c\r\nsubnet 10.0.0.0 netmask 255.0.0.0 {\r\n  pool { range 10.0.0.5; }\r\n\r\n  option routers\r\n    10.0.0.1;\r\n}\r\n");
        java.util.Map<Statement, Integer> lines = conf.statementLines();
        Statement subnet = conf.statements().get(0);
        Statement pool = (Statement) subnet.body().stream().filter(n -> n instanceof Statement).findFirst().orElseThrow();
        Statement range = (Statement) pool.body().stream().filter(n -> n instanceof Statement).findFirst().orElseThrow();
        Statement option = (Statement) subnet.body().stream().filter(n -> n instanceof Statement s && s.is("option")).findFirst().orElseThrow();

        assertThat(lines.get(subnet)).isEqualTo(2);
        assertThat(lines.get(pool)).isEqualTo(3);
        assertThat(lines.get(range)).isEqualTo(3);
        assertThat(lines.get(option)).isEqualTo(5);
        assertThat(lines).hasSize(4);
    }

    @Test
    void model_campusFile_listsSubnetsPoolsPeersAndHostsWithLines() {
        DhcpdConfModel m = DhcpdConf.parse(Corpus.text("realworld-campus.conf")).model();

        assertThat(m.subnets()).extracting(Subnet::range)
                .containsExactly(cidr("10.10.0.0/22"), cidr("10.10.4.0/24"), cidr("10.20.0.0/24"), cidr("10.30.0.0/24"));
        Subnet staff = m.subnet(cidr("10.10.0.0/22")).orElseThrow();
        assertThat(staff.sharedNetwork()).isEqualTo("vlan10");
        assertThat(staff.line()).isEqualTo(50);
        assertThat(staff.pools()).singleElement().satisfies(p -> {
            assertThat(p.failoverPeer()).isEqualTo("campus-fo");
            assertThat(p.ranges()).singleElement().satisfies(r -> {
                assertThat(r.range()).isEqualTo(Ipv4Range.parse("a", "10.10.1.0", "b", "10.10.3.254"));
                assertThat(r.dynamicBootp()).isFalse();
            });
        });
        assertThat(m.subnet(cidr("10.30.0.0/24")).orElseThrow().pools()).isEmpty();
        assertThat(m.subnetsReferencing("campus-fo")).hasSize(3);
        assertThat(m.sharedNetworks()).singleElement().satisfies(n -> {
            assertThat(n.name()).isEqualTo("vlan10");
            assertThat(n.subnets()).containsExactly(cidr("10.10.0.0/22"), cidr("10.10.4.0/24"));
        });
        assertThat(m.hosts()).extracting(DhcpdConfModel.Host::name).containsExactly("ldap1", "ldap2", "files");
        assertThat(m.hosts().get(2).hardwareEthernet()).isEqualTo("52:54:00:00:30:03");
        assertThat(m.hosts().get(2).fixedAddresses()).containsExactly("10.30.0.13");
        assertThat(m.disabledSubnets()).isEmpty();
    }

    @Test
    void model_peerBlockInSharedNetwork_hasEveryParameter() {
        FailoverPeer p = DhcpdConf.parse(Corpus.text("realworld-campus.conf")).model().failoverPeer("campus-fo").orElseThrow();

        assertThat(p).isEqualTo(new FailoverPeer("campus-fo", Role.PRIMARY, "198.18.10.1", 647, "198.18.10.2", 647, 30, 10,
                1800, 128, null, 3, 0, 15, 10, 60, 3600, "vlan10", 32));
    }

    @Test
    void model_defaultsAndHba_followDhcpd() {
        DhcpdConfModel m = DhcpdConf.parse(Corpus.text("crlf.conf")).model();
        FailoverPeer p = m.failoverPeer("win-fo").orElseThrow();

        assertThat(p.port()).isNull();
        assertThat(p.effectivePort()).isEqualTo(647);
        assertThat(p.effectivePeerPort()).isEqualTo(647);
        assertThat(p.hba()).startsWith("ff:ff").hasSize(95);
        assertThat(p.split()).isNull();
        assertThat(p.sharedNetwork()).isNull();
    }

    @Test
    void model_trickyFile_findsIncludesRangesOutsidePoolsAndDynamicBootp() {
        DhcpdConfModel m = DhcpdConf.parse(Corpus.text("tricky.conf")).model();

        assertThat(m.includes()).extracting(DhcpdConfModel.Include::path)
                .containsExactly("include-target.conf", "include-target.conf");
        Subnet upper = m.subnet(cidr("203.0.113.128/25")).orElseThrow();
        assertThat(upper.ranges()).singleElement().satisfies(r -> assertThat(r.dynamicBootp()).isTrue());
        assertThat(m.sharedNetworks()).extracting(DhcpdConfModel.SharedNetwork::name).containsExactly("campus", "backbone");
        assertThat(m.sharedNetworks().get(0).pools()).singleElement()
                .satisfies(p -> assertThat(p.ranges()).hasSize(2));
        assertThat(m.hosts()).extracting(DhcpdConfModel.Host::name).containsExactly("desk1", "desk2");
    }

    @Test
    void model_leaseStateRecord_isNotAPeerDeclaration() {
        List<FailoverPeer> peers = DhcpdConf.parse(Corpus.text("peer-state-record.conf")).model().failoverPeers();

        assertThat(peers).singleElement().satisfies(p -> assertThat(p.role()).isEqualTo(Role.SECONDARY));
    }

    @Test
    void model_badSubnetValues_areParseErrorsAtTheirLine() {
        assertThatThrownBy(() -> DhcpdConf.parse("\n\nsubnet 10.0.0.1 netmask 255.255.255.0 { }\n").model())
                .isInstanceOfSatisfying(DhcpdConfParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.problem()).contains("host bits");
                });
        assertThatThrownBy(() -> DhcpdConf.parse("subnet 10.0.0.0 netmask 255.0.255.0 { }").model())
                .isInstanceOf(DhcpdConfParseException.class).hasMessageContaining("contiguous");
        assertThatThrownBy(() -> DhcpdConf.parse("subnet 10.0.0.0 netmask 255.0.0.0 {\n pool { range 10.0.0.9 10.0.0.1; } }").model())
                .isInstanceOfSatisfying(DhcpdConfParseException.class, e -> assertThat(e.line()).isEqualTo(2));
    }
}
