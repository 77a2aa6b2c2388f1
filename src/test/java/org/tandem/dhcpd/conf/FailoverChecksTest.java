package org.tandem.dhcpd.conf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandem.dhcpd.conf.FailoverChecks.Finding;

class FailoverChecksTest {

    private static DhcpdConfModel model(String text) {
        return DhcpdConf.parse(text).model();
    }

    @Test
    void check_mirroredCorpusPair_findsNothing() {
        List<Finding> findings = FailoverChecks.check(model(Corpus.text("failover-primary.conf")),
                model(Corpus.text("failover-secondary.conf")), "dhcp-fo");

        assertThat(findings).isEmpty();
    }

    @Test
    void check_uncrossedPortsAndAddress_namesEachSide() {
        String secondary = Corpus.text("failover-secondary.conf").replace("  port 847;", "  port 647;")
                .replace("peer address 198.18.0.1;", "peer address 198.18.0.9;");

        List<Finding> findings = FailoverChecks.check(model(Corpus.text("failover-primary.conf")), model(secondary), "dhcp-fo");

        assertThat(findings).extracting(Finding::field).containsExactlyInAnyOrder("address", "port");
        assertThat(findings).extracting(Finding::message).anySatisfy(m -> assertThat(m).contains("198.18.0.9"));
    }

    @Test
    void check_secondaryWithSplitAndMcltOrWithoutRole_isReported() {
        String secondary = Corpus.text("failover-secondary.conf")
                .replace("  secondary;\n", "  mclt 3600;\n  split 128;\n");

        List<Finding> findings = FailoverChecks.mirror(model(Corpus.text("failover-primary.conf")).failoverPeer("dhcp-fo").orElseThrow(),
                model(secondary).failoverPeer("dhcp-fo").orElseThrow());

        assertThat(findings).extracting(Finding::field).containsExactlyInAnyOrder("role", "mclt", "split");
    }

    @Test
    void check_differentNames_isReported() {
        String secondary = Corpus.text("failover-secondary.conf").replace("dhcp-fo", "other-fo");

        List<Finding> findings = FailoverChecks.mirror(model(Corpus.text("failover-primary.conf")).failoverPeer("dhcp-fo").orElseThrow(),
                model(secondary).failoverPeer("other-fo").orElseThrow());

        assertThat(findings).extracting(Finding::field).containsExactly("name");
    }

    @Test
    void samePools_rangeDiffersOrPoolWithoutPeerOrSubnetMissing_isReported() {
        String primary = Corpus.text("failover-primary.conf");
        String differentRange = Corpus.text("failover-secondary.conf").replace("198.18.0.199", "198.18.0.189");
        String missingRef = Corpus.text("failover-secondary.conf").replace(
                "  pool {\n    failover peer \"dhcp-fo\";\n    range 198.18.1.100;", "  pool {\n    range 198.18.1.100;");
        String missingSubnet = DhcpdConf.parse(Corpus.text("failover-secondary.conf")).render()
                .substring(0, Corpus.text("failover-secondary.conf").indexOf("subnet 198.18.1.0"));

        assertThat(FailoverChecks.samePools(model(primary), model(differentRange), "dhcp-fo"))
                .singleElement().satisfies(f -> assertThat(f.message()).contains("198.18.0.0/24").contains("198.18.0.189"));
        assertThat(FailoverChecks.samePools(model(primary), model(missingRef), "dhcp-fo"))
                .singleElement().satisfies(f -> assertThat(f.message()).contains("secondary").contains("does not name"));
        assertThat(FailoverChecks.samePools(model(primary), model(missingSubnet), "dhcp-fo"))
                .singleElement().satisfies(f -> assertThat(f.message()).contains("198.18.1.0/24").contains("missing on the secondary"));
    }
}
