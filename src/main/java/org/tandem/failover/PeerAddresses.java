package org.tandem.failover;

import java.util.Optional;

import org.jdbi.v3.core.Jdbi;

/**
 * The addresses an ISC relationship's dhcpd peers talk failover on, when they differ from the
 * servers' registered addresses (the agent may listen on a management address); kept in
 * {@code dhcp_failover_peer_addresses}, beside the relationship record.
 */
public final class PeerAddresses {

    /** Null members mean "the server's registered address". */
    public record Pair(String primary, String secondary) {}

    private final Jdbi jdbi;

    public PeerAddresses(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<Pair> find(long relationshipId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT primary_address, secondary_address FROM dhcp_failover_peer_addresses"
                        + " WHERE relationship_id = :id")
                .bind("id", relationshipId)
                .map((rs, ctx) -> new Pair(rs.getString(1), rs.getString(2)))
                .findOne());
    }

    public void save(long relationshipId, Pair pair) {
        jdbi.useHandle(h -> {
            h.createUpdate("DELETE FROM dhcp_failover_peer_addresses WHERE relationship_id = :id").bind("id", relationshipId).execute();
            if (pair.primary() != null || pair.secondary() != null) {
                h.createUpdate("INSERT INTO dhcp_failover_peer_addresses (relationship_id, primary_address, secondary_address)"
                                + " VALUES (:id, :p, :s)")
                        .bind("id", relationshipId).bind("p", pair.primary()).bind("s", pair.secondary()).execute();
            }
        });
    }
}
