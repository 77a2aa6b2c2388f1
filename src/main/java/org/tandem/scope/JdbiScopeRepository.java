package org.tandem.scope;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;
import org.tandem.servers.DhcpServer;
import org.tandem.store.Fields;
import org.tandem.store.ListQuery;
import org.tandem.store.Lists;
import org.tandem.store.Page;

/** Scopes in the {@code dhcp_scopes} table. */
public final class JdbiScopeRepository implements ScopeRepository {

    /**
     * Micetro's {@code available}: the addresses in the scope's pools that no reservation holds. Central keeps no
     * leases (they live on the servers), so leased addresses still count as available here.
     */
    static final String AVAILABLE = "((SELECT COALESCE(SUM(p.last_ip - p.first_ip + 1), 0) FROM dhcp_address_pools p WHERE p.scope_id = dhcp_scopes.id)"
            + " - (SELECT COUNT(*) FROM dhcp_reservations r WHERE r.scope_id = dhcp_scopes.id AND EXISTS (SELECT 1 FROM dhcp_address_pools p"
            + " WHERE p.scope_id = r.scope_id AND r.address BETWEEN p.first_ip AND p.last_ip)))";
    static final Fields FIELDS = Fields.withId("id").ref("ref", "id", DhcpScope.RESOURCE).text("name", "name")
            .ref("rangeRef", "range_id", Range.RESOURCE).ref("dhcpServerRef", "server_id", DhcpServer.RESOURCE)
            .text("description", "description").bool("enabled", "enabled").ipv4("from", "first_ip").ipv4("to", "last_ip")
            .number("available", AVAILABLE)
            // Tandem has no superscopes; Micetro clients offer sorting by it, so every scope has none.
            .text("superscope", "CAST(NULL AS VARCHAR(200))")
            .holding("first_ip", "last_ip");
    private static final String COLUMNS = "id, range_id, server_id, name, description, enabled, first_ip, last_ip";
    private static final RowMapper<DhcpScope> MAPPER = (rs, ctx) -> new DhcpScope(rs.getLong("id"), rs.getLong("range_id"),
            rs.getLong("server_id"), rs.getString("name"), rs.getString("description"), rs.getBoolean("enabled"),
            new Ipv4Range(new Ipv4Address(rs.getLong("first_ip")), new Ipv4Address(rs.getLong("last_ip"))));

    private final Jdbi jdbi;

    public JdbiScopeRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public long insert(DhcpScope s) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO dhcp_scopes (range_id, server_id, name, description, enabled, first_ip, last_ip)"
                        + " VALUES (:r, :s, :n, :d, :e, :f, :l)")
                .bind("r", s.rangeId()).bind("s", s.serverId()).bind("n", s.name()).bind("d", s.description())
                .bind("e", s.enabled()).bind("f", s.addresses().first().value()).bind("l", s.addresses().last().value())
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    @Override
    public void update(DhcpScope s) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE dhcp_scopes SET name = :n, description = :d, enabled = :e WHERE id = :id")
                .bind("id", s.id()).bind("n", s.name()).bind("d", s.description()).bind("e", s.enabled()).execute());
    }

    @Override
    public Optional<DhcpScope> findById(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM dhcp_scopes WHERE id = :id").bind("id", id).map(MAPPER).findOne());
    }

    @Override
    public List<DhcpScope> findByName(String name, int max) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM dhcp_scopes WHERE name = :n ORDER BY id LIMIT :max")
                .bind("n", name).bind("max", max).map(MAPPER).list());
    }

    @Override
    public Optional<DhcpScope> findByRangeAndServer(long rangeId, long serverId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM dhcp_scopes WHERE range_id = :r AND server_id = :s")
                .bind("r", rangeId).bind("s", serverId).map(MAPPER).findOne());
    }

    @Override
    public List<DhcpScope> findByRange(long rangeId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM dhcp_scopes WHERE range_id = :r ORDER BY id")
                .bind("r", rangeId).map(MAPPER).list());
    }

    @Override
    public Page<DhcpScope> list(ListQuery query) {
        return jdbi.withHandle(h -> Lists.page(h, COLUMNS, "dhcp_scopes", FIELDS, query, MAPPER));
    }

    @Override
    public Optional<String> failoverRelationshipName(long scopeId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT r.name FROM dhcp_failover_scopes fs"
                        + " JOIN dhcp_failover_relationships r ON r.id = fs.relationship_id WHERE fs.scope_id = :id")
                .bind("id", scopeId).mapTo(String.class).findOne());
    }

    @Override
    public void delete(long id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM dhcp_scopes WHERE id = :id").bind("id", id).execute());
    }
}
