package org.tandem.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IncludeScanTest {

    @Test
    void includeTargets_realisticFile_findsOnlyLiveIncludeStatements() {
        String conf = """
                # include "commented-out.conf";
                option domain-name "include \\"x.conf\\"; #";
                include "/etc/dhcp/peer.conf";
                subnet 10.0.0.0 netmask 255.255.255.0 {
                  INCLUDE   "pools.conf" ;  # keywords are case-insensitive
                }
                includes "not-a-keyword.conf";
                """;
        assertThat(DhcpdConfigService.includeTargets(conf)).containsExactly("/etc/dhcp/peer.conf", "pools.conf");
    }
}
