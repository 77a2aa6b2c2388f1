package org.tandem.failover;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The live protocol state of each failover peer as the state pullers last saw it: dhcpd's failover
 * states read through OMAPI, Kea's HA states read with {@code status-get}. Pullers report; the API and
 * the web UI read. Kept apart from the stored relationship because it changes every few seconds and
 * belongs to the servers, not to Tandem's configuration.
 */
public interface LiveStates {

    /**
     * One peer's view of one relationship.
     *
     * @param serverId the DHCP server reporting
     * @param relationshipName the dhcpd failover peer name, or the Kea HA relationship's name in Tandem
     * @param localState the server's own state in the server's words (dhcpd: {@code normal},
     *     {@code communications-interrupted}; Kea: {@code load-balancing}, {@code partner-down})
     * @param partnerState what the server believes its partner's state is, or null when it does not say
     * @param since when {@code localState} was first seen (it has been so since then)
     * @param seenAt when the puller last read it
     * @param reachable false when the last read failed; the states are then the last ones known
     * @param detail extra facts worth showing (scopes served, in-touch, unacked clients), or an error text
     */
    record PeerState(long serverId, String relationshipName, String localState, String partnerState,
            Instant since, Instant seenAt, boolean reachable, String detail) {}

    /** Records a fresh reading; keeps {@code since} of the previous reading when the state did not change. */
    void report(PeerState reading);

    Optional<PeerState> get(long serverId, String relationshipName);

    /** Drops what is known of a peer's state: the relationship no longer runs on it (an {@code Empty} one). */
    void forget(long serverId, String relationshipName);

    List<PeerState> all();
}
