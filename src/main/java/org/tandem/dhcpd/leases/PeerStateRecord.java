package org.tandem.dhcpd.leases;

import java.time.Instant;
import org.tandem.dhcpd.DhcpdFailoverState;

/**
 * The last {@code failover peer "NAME" state { ... }} block for one relationship in dhcpd.leases.
 * dhcpd appends a block at every state change, so the last one is current. While dhcpd is in
 * startup it writes the state it had before, not "startup".
 *
 * @param mcltSeconds written by the secondary only; null when absent
 */
public record PeerStateRecord(
        String relationship,
        DhcpdFailoverState myState,
        Instant myStateSince,
        DhcpdFailoverState partnerState,
        Instant partnerStateSince,
        Long mcltSeconds,
        int line) {
}
