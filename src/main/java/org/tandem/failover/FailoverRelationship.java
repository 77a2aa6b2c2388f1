package org.tandem.failover;

import java.util.List;

/**
 * A stored DHCP failover relationship (ISC failover peer pair or Kea HA pair), as Micetro models it.
 * Only the record: applying it to servers is the failover engine's job. Kea-only fields are null for ISC.
 */
public record FailoverRelationship(long id, String name, long primaryServerId, long secondaryServerId, Mode failoverMode,
        int percentage, int mclt, int port, int peerPort, int loadBalanceMaxSeconds, int maxResponseDelay,
        int maxUnackedUpdates, Integer heartbeatDelay, Integer maxAckDelay, Integer maxUnackedClients,
        Boolean autoFailover, State state, List<Long> scopeIds) {

    public static final String RESOURCE = "dhcpFailoverRelationships";
    public static final String OBJ_TYPE = "DHCPFailoverRelationship";

    /** Micetro's DHCPFailoverMode, plus Kea's passive-backup. */
    public enum Mode { LoadBalance, HotStandby, PassiveBackup }

    /** Empty until the first scope is added (nothing on the servers yet), then Normal. */
    public enum State { Empty, Normal }

    public FailoverRelationship {
        scopeIds = List.copyOf(scopeIds);
    }

    public String ref() {
        return RESOURCE + "/" + id;
    }
}
