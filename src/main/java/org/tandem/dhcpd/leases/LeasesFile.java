package org.tandem.dhcpd.leases;

import java.util.List;
import java.util.Map;

/**
 * What a dhcpd.leases file says: the current record of each lease (the last one written for an
 * address wins, as when dhcpd reads it back) sorted by address, and the last failover state block
 * of each relationship.
 */
public record LeasesFile(List<Lease> leases, Map<String, PeerStateRecord> failoverStates) {
    public LeasesFile {
        leases = List.copyOf(leases);
        failoverStates = Map.copyOf(failoverStates);
    }
}
