-- The addresses dhcpd failover peers listen on, when they are not the address Tandem reaches the
-- server's agent at (an agent on a management network, dhcpd on the DHCP network). Null: the server's address.
CREATE TABLE dhcp_failover_peer_addresses (
    relationship_id   BIGINT      NOT NULL PRIMARY KEY REFERENCES dhcp_failover_relationships (id) ON DELETE CASCADE,
    primary_address   VARCHAR(64),
    secondary_address VARCHAR(64)
);
