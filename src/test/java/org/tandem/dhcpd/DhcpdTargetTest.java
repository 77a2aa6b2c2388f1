package org.tandem.dhcpd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DhcpdTargetTest {

    @Test
    void declaredPeers_blocksOnly_notPoolReferencesOrCommentedLines() {
        String conf = "failover peer \"fo-1\" {\n  primary;\n}\n"
                + "  failover   peer \"fo.2\"\n{\n  secondary;\n}\n"
                + "subnet 10.0.0.0 netmask 255.255.255.0 {\n  pool {\n    failover peer \"fo-1\";\n    range 10.0.0.5 10.0.0.9;\n  }\n}\n"
                + "#failover peer \"old\" {\n# tandem:disabled-subnet 10.0.1.0/24\n#  pool { failover peer \"fo-3\"; }\n";
        assertThat(DhcpdTarget.declaredPeers(conf)).containsExactly("fo-1", "fo.2");
    }
}
