package org.tandem.scope;

import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;
import org.tandem.store.Fields;
import org.tandem.store.ListQuery;
import org.tandem.store.Lists;
import org.tandem.store.Page;

/** Pools in {@code dhcp_address_pools} or exclusions in {@code dhcp_exclusions}. */
public final class JdbiAddressBlockRepository implements AddressBlockRepository {

    private static final String COLUMNS = "id, scope_id, first_ip, last_ip";
    private static final RowMapper<AddressBlock> MAPPER = (rs, ctx) -> new AddressBlock(rs.getLong("id"), rs.getLong("scope_id"),
            new Ipv4Range(new Ipv4Address(rs.getLong("first_ip")), new Ipv4Address(rs.getLong("last_ip"))));

    private final Jdbi jdbi;
    private final String table;
    private final Fields fields;

    private JdbiAddressBlockRepository(Jdbi jdbi, String table, AddressBlock.Kind kind) {
        this.jdbi = jdbi;
        this.table = table;
        this.fields = Fields.withId("id").ref("ref", "id", kind.resource).ref("dhcpScopeRef", "scope_id", DhcpScope.RESOURCE)
                .ipv4("from", "first_ip").ipv4("to", "last_ip");
    }

    public static JdbiAddressBlockRepository pools(Jdbi jdbi) {
        return new JdbiAddressBlockRepository(jdbi, "dhcp_address_pools", AddressBlock.Kind.POOL);
    }

    public static JdbiAddressBlockRepository exclusions(Jdbi jdbi) {
        return new JdbiAddressBlockRepository(jdbi, "dhcp_exclusions", AddressBlock.Kind.EXCLUSION);
    }

    @Override
    public long insert(long scopeId, Ipv4Range a) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO " + table + " (scope_id, first_ip, last_ip) VALUES (:s, :f, :l)")
                .bind("s", scopeId).bind("f", a.first().value()).bind("l", a.last().value())
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    @Override
    public Optional<AddressBlock> findById(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM " + table + " WHERE id = :id").bind("id", id).map(MAPPER).findOne());
    }

    @Override
    public Optional<AddressBlock> findOverlapping(long scopeId, Ipv4Range a) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM " + table
                        + " WHERE scope_id = :s AND first_ip <= :l AND last_ip >= :f ORDER BY first_ip LIMIT 1")
                .bind("s", scopeId).bind("f", a.first().value()).bind("l", a.last().value()).map(MAPPER).findOne());
    }

    @Override
    public Page<AddressBlock> list(Long scopeId, ListQuery query) {
        return jdbi.withHandle(h -> scopeId == null
                ? Lists.page(h, COLUMNS, table, fields, query, MAPPER)
                : Lists.page(h, COLUMNS, table, "scope_id = :scopeId", Map.of("scopeId", scopeId), fields, query, MAPPER));
    }

    @Override
    public void delete(long id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM " + table + " WHERE id = :id").bind("id", id).execute());
    }
}
