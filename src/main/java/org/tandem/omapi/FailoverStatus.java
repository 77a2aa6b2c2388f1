package org.tandem.omapi;

import java.time.Instant;
import java.util.Map;
import org.tandem.dhcpd.DhcpdFailoverState;

/**
 * What dhcpd's OMAPI {@code failover-state} object reports about one relationship, with states named.
 * {@code null} marks an attribute the server did not send. Addresses are deliberately absent:
 * dhcpd 4.4.3 sends pointer bytes instead of the address (failover.c), so take them from the config.
 *
 * @param attributes every attribute received, as colon-separated hex (omshell's notation)
 */
public record FailoverStatus(
        String name,
        DhcpdFailoverState localState,
        DhcpdFailoverState partnerState,
        Instant localStos,
        Instant partnerStos,
        Role role,
        Long mcltSeconds,
        Long localPort,
        Long partnerPort,
        Long maxResponseDelaySeconds,
        Long maxOutstandingUpdates,
        Long currentUnackedUpdates,
        Long loadBalanceMaxSeconds,
        String loadBalanceHba,
        Map<String, String> attributes) {

    /** The server's place in the relationship (OMAPI {@code hierarchy}: 0 primary, 1 secondary). */
    public enum Role { PRIMARY, SECONDARY }

    public FailoverStatus {
        attributes = Map.copyOf(attributes);
    }

    /** True when both sides report {@code normal}. */
    public boolean bothNormal() {
        return localState == DhcpdFailoverState.NORMAL && partnerState == DhcpdFailoverState.NORMAL;
    }
}
